package rules

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Reading files that come from outside.
//
// Rule files, lookup tables, waiver files and the scan's option files are
// written by people other than the one running laborcheck. Each is read
// only when it is a regular file (a symbolic link to one is followed; a
// device such as /dev/zero, a named pipe or a folder is refused) and only
// up to a size limit, so that a file can neither block the run nor exhaust
// memory.

// ReadLimited reads the regular file at path, refusing anything else and any
// file over limit bytes. Its errors name the path and, for a file that is too
// large, its size.
func ReadLimited(path string, limit int64) ([]byte, error) {
	return readLimited(os.Stat, os.Open, path, path, limit)
}

// readInRoot is ReadLimited for a path inside root, which a path (or a
// symbolic link) may not leave; display names it in errors.
func readInRoot(root *os.Root, name, display string, limit int64) ([]byte, error) {
	open := func(n string) (*os.File, error) { return root.Open(n) }
	return readLimited(root.Stat, open, name, display, limit)
}

func readLimited(stat func(string) (fs.FileInfo, error), open func(string) (*os.File, error), name, display string, limit int64) ([]byte, error) {
	// Stat before opening: opening a named pipe would wait for a writer.
	st, err := stat(name)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			pe.Op = "open" // the file could not be opened, as far as the user is concerned
		}
		return nil, err
	}
	if err := regular(display, st, limit); err != nil {
		return nil, err
	}
	f, err := open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err = f.Stat(); err != nil {
		return nil, err
	}
	if err := regular(display, st, limit); err != nil {
		return nil, err // replaced between the two looks
	}
	// The file may still grow while it is read.
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, &TooLargeError{Path: display, Size: int64(len(data)), Limit: limit, Growing: true}
	}
	return data, nil
}

// regular checks that st is a regular file of at most limit bytes.
func regular(display string, st fs.FileInfo, limit int64) error {
	m := st.Mode()
	if !m.IsRegular() {
		what := "not a regular file"
		switch {
		case m.IsDir():
			what = "a folder, not a file"
		case m&fs.ModeNamedPipe != 0:
			what = "a named pipe, not a regular file"
		case m&fs.ModeDevice != 0 || m&fs.ModeCharDevice != 0:
			what = "a device, not a regular file"
		case m&fs.ModeSocket != 0:
			what = "a socket, not a regular file"
		}
		return &NotRegularError{Path: display, What: what}
	}
	if st.Size() > limit {
		return &TooLargeError{Path: display, Size: st.Size(), Limit: limit}
	}
	return nil
}

// NotRegularError is a path that is not a regular file.
type NotRegularError struct {
	Path string
	What string // e.g. "a device, not a regular file"
}

func (e *NotRegularError) Error() string { return fmt.Sprintf("%s is %s", e.Path, e.What) }

// TooLargeError is a file over its size limit.
type TooLargeError struct {
	Path        string
	Size, Limit int64
	Growing     bool // the file grew past the limit while it was read
}

func (e *TooLargeError) Error() string {
	size := "is " + byteSize(e.Size)
	if e.Growing {
		size = "grew to more than " + byteSize(e.Limit) + " while it was read"
	}
	limit := byteSize(e.Limit)
	if !e.Growing && byteSize(e.Size) == limit {
		size, limit = fmt.Sprintf("is %d bytes", e.Size), fmt.Sprintf("%d bytes", e.Limit)
	}
	return fmt.Sprintf("%s %s; at most %s are read", e.Path, size, limit)
}

// byteSize writes a size in bytes the way people read it: 64 MiB, 70.2 MiB,
// 812 KiB, 90 bytes.
func byteSize(n int64) string {
	const kib, mib = 1 << 10, 1 << 20
	trim := func(f float64, unit string) string {
		s := strings.TrimSuffix(fmt.Sprintf("%.1f", f), ".0")
		return s + " " + unit
	}
	switch {
	case n >= mib:
		return trim(float64(n)/mib, "MiB")
	case n >= kib:
		return trim(float64(n)/kib, "KiB")
	}
	return fmt.Sprintf("%d bytes", n)
}

// errOutside is a table path that leaves the rule file's folder.
var errOutside = errors.New("outside the rule file's folder")

// readTableFile reads the table file rel, relative to dir (the folder of the
// rule file that names it), which the path may not leave: it is relative,
// has no `..` that climbs out of dir, and follows no symbolic link out of
// it. display is the path to show.
func readTableFile(dir, rel string) (display string, data []byte, err error) {
	native := filepath.FromSlash(rel)
	display = filepath.Join(dir, native)
	if filepath.IsAbs(native) || strings.HasPrefix(rel, "/") || filepath.VolumeName(native) != "" {
		return rel, nil, fmt.Errorf("%s: %w: name it relative to the rule file", rel, errOutside)
	}
	if !filepath.IsLocal(native) {
		return display, nil, fmt.Errorf("%s: %w", rel, errOutside)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return display, nil, err
	}
	defer root.Close()
	data, err = readInRoot(root, native, display, MaxTableSize)
	var pe *fs.PathError
	if errors.As(err, &pe) && strings.Contains(pe.Err.Error(), "escapes") {
		return display, nil, fmt.Errorf("%s: a symbolic link leads %w", rel, errOutside)
	}
	return display, data, err
}
