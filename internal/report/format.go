package report

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Report formats, as accepted by [Write] and named by [Formats].
const (
	FormatJSON = "json"
	FormatCSV  = "csv"
	FormatXLSX = "xlsx"
	FormatHTML = "html"
)

// ErrUnsupportedFormat is returned (wrapped) by [FormatFor], [Write] and
// [WriteFile] when a format or file extension is not one of [Formats].
var ErrUnsupportedFormat = errors.New("unsupported report format")

// Formats lists the file formats a report can be written in, for help text.
// The terminal summary ([WriteText]) is not a file format and is not listed.
func Formats() []string {
	return []string{FormatJSON, FormatCSV, FormatXLSX, FormatHTML}
}

// FormatFor returns the report format for an output path, chosen by its
// extension (case-insensitive; ".htm" is HTML). The error names the
// supported formats.
func FormatFor(path string) (string, error) {
	ext := strings.ToLower(filepath.Ext(path))
	switch ext {
	case ".json":
		return FormatJSON, nil
	case ".csv":
		return FormatCSV, nil
	case ".xlsx":
		return FormatXLSX, nil
	case ".html", ".htm":
		return FormatHTML, nil
	}
	if ext == "" {
		return "", fmt.Errorf("%w: %q has no extension (want one of .%s)", ErrUnsupportedFormat, path, strings.Join(Formats(), ", ."))
	}
	return "", fmt.Errorf("%w %q for %q (want one of .%s)", ErrUnsupportedFormat, ext, path, strings.Join(Formats(), ", ."))
}

// Write writes r to w in format, one of [Formats].
func Write(w io.Writer, format string, r *Report) error {
	switch format {
	case FormatJSON:
		return WriteJSON(w, r)
	case FormatCSV:
		return WriteCSV(w, r)
	case FormatXLSX:
		return WriteXLSX(w, r)
	case FormatHTML:
		return WriteHTML(w, r)
	}
	return fmt.Errorf("%w %q (want one of %s)", ErrUnsupportedFormat, format, strings.Join(Formats(), ", "))
}

// WriteFile writes r to path in the format its extension names (see
// [FormatFor]). The report is written to a temporary file in the same
// directory, synced and then renamed over path, so a reader never sees a
// half-written report: when anything fails, path is left as it was (absent,
// or the previous report) and the temporary file is removed.
//
// A new file gets mode 0644; a replaced file keeps its mode.
func WriteFile(path string, r *Report) error {
	format, err := FormatFor(path)
	if err != nil {
		return err
	}
	return writeFile(path, func(w io.Writer) error { return Write(w, format, r) })
}

// WriteFiles writes r to each of paths as WriteFile does, all at once (the
// encoders run side by side), with the outcome of writing them one after
// another: the reports before the first that fails are written, that one
// and the rest are not, and its index and error are returned (-1 and nil
// when all are written).
func WriteFiles(paths []string, r *Report) (int, error) {
	formats := make([]string, len(paths))
	for i, p := range paths {
		f, err := FormatFor(p)
		if err != nil {
			return i, err
		}
		formats[i] = f
	}
	type result struct {
		file  *pendingFile
		err   error
		panic any
	}
	results := make([]chan result, len(paths))
	for i, p := range paths {
		results[i] = make(chan result, 1)
		go func() {
			var res result
			defer func() {
				res.panic = recover()
				results[i] <- res
			}()
			res.file, res.err = prepareFile(p, func(w io.Writer) error { return Write(w, formats[i], r) })
		}()
	}
	failed := -1
	var first error
	var panicked any
	for i, ch := range results {
		res := <-ch
		switch {
		case res.panic != nil:
			if panicked == nil && first == nil {
				panicked = res.panic
			}
		case res.err != nil:
			if first == nil && panicked == nil {
				failed, first = i, res.err
			}
		case first != nil || panicked != nil:
			res.file.discard()
		default:
			if err := res.file.commit(); err != nil {
				failed, first = i, err
			}
		}
	}
	if panicked != nil {
		panic(panicked)
	}
	return failed, first
}

// writeFile is [WriteFile] with the encoder passed in, so tests can make it
// fail midway.
func writeFile(path string, write func(io.Writer) error) error {
	f, err := prepareFile(path, write)
	if err != nil {
		return err
	}
	return f.commit()
}

// pendingFile is a report written to a temporary file, not yet renamed into
// place.
type pendingFile struct {
	tmp, path, dir string
}

// prepareFile writes a report for path to a temporary file in the same
// directory and syncs it. When anything fails (or the encoder panics), no
// temporary file survives.
func prepareFile(path string, write func(io.Writer) error) (*pendingFile, error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	mode := fs.FileMode(0o644)
	if fi, err := os.Stat(path); err == nil {
		if !fi.Mode().IsRegular() {
			return nil, fmt.Errorf("write report %s: not a regular file", path)
		}
		mode = fi.Mode().Perm()
	}
	tmp, err := os.CreateTemp(dir, "."+base+".*.tmp")
	if err != nil {
		return nil, fmt.Errorf("write report: %w", err)
	}
	done := false
	defer func() {
		// Also runs when an encoder panics: no temporary file survives.
		if !done {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	bw := bufio.NewWriterSize(tmp, 256<<10)
	if err := write(bw); err != nil {
		return nil, fmt.Errorf("write report %s: %w", path, err)
	}
	if err := bw.Flush(); err != nil {
		return nil, fmt.Errorf("write report %s: %w", path, err)
	}
	if err := tmp.Chmod(mode); err != nil {
		return nil, fmt.Errorf("write report %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		return nil, fmt.Errorf("write report %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return nil, fmt.Errorf("write report %s: %w", path, err)
	}
	done = true
	return &pendingFile{tmp: tmp.Name(), path: path, dir: dir}, nil
}

// commit renames the report into place.
func (p *pendingFile) commit() error {
	if err := os.Rename(p.tmp, p.path); err != nil {
		_ = os.Remove(p.tmp)
		return fmt.Errorf("write report: %w", err)
	}
	// Make the rename itself durable. Not every platform can sync a
	// directory, and the report is complete either way, so this is best effort.
	if d, err := os.Open(p.dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
	return nil
}

// discard removes the temporary file.
func (p *pendingFile) discard() { _ = os.Remove(p.tmp) }
