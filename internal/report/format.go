package report

import (
	"bufio"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"syscall"
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
	_, err := WriteFiles(context.Background(), []string{path}, r, WriteOptions{})
	return err
}

// WriteOptions are the options of [WriteFiles].
type WriteOptions struct {
	// TempDir holds the temporary files a writer needs besides the reports
	// themselves (the XLSX writer's sheet parts); "" means os.TempDir(). A
	// report's own temporary file is always in the report's directory, so
	// that it can be renamed into place.
	TempDir string
}

// WriteFiles writes r to each of paths as WriteFile does, all at once (the
// encoders run side by side), with the outcome of writing them one after
// another: the reports before the first that fails are written, that one
// and the rest are not, and its index and error are returned (-1 and nil
// when all are written).
//
// The writers stop when ctx is cancelled. No report is renamed into place
// until every one has been written and synced: a cancellation before that
// point leaves every path as it was and returns index 0 and an error
// wrapping ctx's; after it, the renames complete.
//
// A panic in an encoder leaves no temporary file and is raised again on the
// caller's goroutine as a [*PanicError] with the encoder's stack.
func WriteFiles(ctx context.Context, paths []string, r *Report, opts WriteOptions) (int, error) {
	formats := make([]string, len(paths))
	for i, p := range paths {
		f, err := FormatFor(p)
		if err != nil {
			return i, err
		}
		formats[i] = f
	}
	wr := *r
	wr.ctx, wr.tempDir = ctx, opts.TempDir
	return writeFiles(ctx, paths, func(i int, w io.Writer) error { return Write(w, formats[i], &wr) })
}

// writeFiles is WriteFiles with the encoder passed in, so tests can make it
// fail midway.
func writeFiles(ctx context.Context, paths []string, write func(i int, w io.Writer) error) (int, error) {
	type result struct {
		file  *pendingFile
		err   error
		panic *PanicError
	}
	results := make([]chan result, len(paths))
	for i, p := range paths {
		results[i] = make(chan result, 1)
		go func() {
			var res result
			defer func() {
				if v := recover(); v != nil {
					res.panic = asPanic(v)
				}
				results[i] <- res
			}()
			res.file, res.err = prepareFile(ctx, p, func(w io.Writer) error { return write(i, w) })
		}()
	}
	prepared := make([]*pendingFile, len(paths))
	failed := -1
	var first error
	var panicked *PanicError
	for i, ch := range results {
		res := <-ch
		prepared[i] = res.file
		switch {
		case res.panic != nil:
			if panicked == nil {
				panicked = res.panic
			}
		case res.err != nil && first == nil:
			failed, first = i, res.err
		}
	}
	discard := func(from int) {
		for _, f := range prepared[from:] {
			if f != nil {
				f.discard()
			}
		}
	}
	switch {
	case panicked != nil:
		discard(0)
		panic(panicked)
	case ctx.Err() != nil:
		// Interrupted before every report was ready: none is replaced.
		discard(0)
		return 0, fmt.Errorf("write reports: %w; no report was written", context.Cause(ctx))
	}
	if failed >= 0 {
		discard(failed)
		prepared = prepared[:failed]
	}
	// From here on the reports are complete: the renames go ahead even if
	// ctx is cancelled meanwhile.
	for i, f := range prepared {
		if err := f.commit(); err != nil {
			discard(i + 1)
			return i, err
		}
	}
	return failed, first
}

// writeFile writes one report with the encoder passed in, as WriteFile.
func writeFile(path string, write func(io.Writer) error) error {
	_, err := writeFiles(context.Background(), []string{path}, func(_ int, w io.Writer) error { return write(w) })
	return err
}

// PanicError is a panic in a report writer, raised again on the goroutine
// that called [WriteFiles] with the stack of the goroutine that panicked.
type PanicError struct {
	Value any
	stack []byte
}

func (p *PanicError) Error() string { return fmt.Sprintf("report writer: %v", p.Value) }

// Stack is the stack of the goroutine that panicked.
func (p *PanicError) Stack() []byte { return p.stack }

// asPanic wraps a recovered value with the current stack, unless it is one
// already; call it in the deferred function that recovered it.
func asPanic(v any) *PanicError {
	if p, ok := v.(*PanicError); ok {
		return p
	}
	return &PanicError{Value: v, stack: debug.Stack()}
}

// tempFile is what a report is written to before it is renamed into place.
type tempFile interface {
	io.Writer
	Name() string
	Chmod(fs.FileMode) error
	Sync() error
	Close() error
}

// createTemp creates a report's temporary file; tests replace it to make
// writes fail as a full disk does.
var createTemp = func(dir, pattern string) (tempFile, error) {
	f, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return nil, err
	}
	return f, nil
}

// CheckWritable reports whether a report can be written to path, without
// writing one: its directory exists and takes new files, and path is not a
// directory or other non-regular file. A scan calls it before the review,
// so that a report it cannot write fails the run at once.
func CheckWritable(path string) error {
	if _, err := FormatFor(path); err != nil {
		return err
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() {
		return fmt.Errorf("write report %s: not a regular file", path)
	}
	tmp, err := createTemp(dir, "."+base+".*.tmp")
	if err != nil {
		return fmt.Errorf("write report %s: %s", path, describe(err))
	}
	err = tmp.Close()
	if rerr := os.Remove(tmp.Name()); err == nil {
		err = rerr
	}
	if err != nil {
		return fmt.Errorf("write report %s: %s", path, describe(err))
	}
	return nil
}

// pendingFile is a report written to a temporary file, not yet renamed into
// place.
type pendingFile struct {
	tmp, path, dir string
}

// output is the temporary file as the encoders see it: it stops them when
// the run is cancelled, and keeps the first error of the file itself, which
// an encoder may have wrapped in its own words.
//
// As the report grows, output has the system start writing each
// writebackEvery bytes to disk while the encoders go on (see
// startWriteback), so that the Sync before the rename waits for the last
// few megabytes rather than for the whole report: a review's JSON report
// can be hundreds of megabytes, which would otherwise all be written at
// the end, with the run standing still.
type output struct {
	ctx context.Context
	f   tempFile
	err error

	conn    syscall.RawConn // nil where the file has none
	written int64           // bytes written
	synced  int64           // bytes whose writeback has been started
}

// writebackEvery is how many bytes of a report are written between two
// starts of writeback.
const writebackEvery = 8 << 20

func newOutput(ctx context.Context, f tempFile) *output {
	o := &output{ctx: ctx, f: f}
	if sc, ok := f.(syscall.Conn); ok {
		if c, err := sc.SyscallConn(); err == nil {
			o.conn = c
		}
	}
	return o
}

func (o *output) Write(p []byte) (int, error) {
	if o.err != nil {
		return 0, o.err
	}
	if err := o.ctx.Err(); err != nil {
		return 0, err
	}
	n, err := o.f.Write(p)
	if err != nil {
		o.err = err
	}
	o.written += int64(n)
	if o.conn != nil && o.written-o.synced >= writebackEvery {
		startWriteback(o.conn, o.synced, o.written-o.synced)
		o.synced = o.written
	}
	return n, err
}

// describe words an error of a report's temporary file for the user: the
// temporary file's name means nothing to them, so it is dropped, and a full
// disk says so.
func describe(err error) string {
	var pe *fs.PathError
	var le *os.LinkError
	switch {
	case errors.As(err, &pe):
		err = pe.Err
	case errors.As(err, &le):
		err = le.Err
	}
	if errors.Is(err, syscall.ENOSPC) {
		return "the disk is full (" + err.Error() + ")"
	}
	return err.Error()
}

// prepareFile writes a report for path to a temporary file in the same
// directory and syncs it. When anything fails (or the encoder panics), no
// temporary file survives.
func prepareFile(ctx context.Context, path string, write func(io.Writer) error) (*pendingFile, error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	mode := fs.FileMode(0o644)
	existed := false
	if fi, err := os.Stat(path); err == nil {
		if !fi.Mode().IsRegular() {
			return nil, fmt.Errorf("write report %s: not a regular file", path)
		}
		mode, existed = fi.Mode().Perm(), true
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	tmp, err := createTemp(dir, "."+base+".*.tmp")
	if err != nil {
		return nil, fmt.Errorf("write report %s: %s", path, describe(err))
	}
	done := false
	defer func() {
		// Also runs when an encoder panics: no temporary file survives.
		if !done {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	fail := func(err error) error {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		msg := fmt.Sprintf("write report %s: %s", path, describe(err))
		if existed {
			msg += "; the previous report was left as it was"
		}
		return errors.New(msg)
	}
	out := newOutput(ctx, tmp)
	bw := bufio.NewWriterSize(out, 256<<10)
	if err := write(bw); err != nil {
		return nil, fail(cmp.Or(out.err, err))
	}
	if err := bw.Flush(); err != nil {
		return nil, fail(cmp.Or(out.err, err))
	}
	if err := tmp.Chmod(mode); err != nil {
		return nil, fail(err)
	}
	if err := tmp.Sync(); err != nil {
		return nil, fail(err)
	}
	if err := tmp.Close(); err != nil {
		return nil, fail(err)
	}
	done = true
	return &pendingFile{tmp: tmp.Name(), path: path, dir: dir}, nil
}

// commit renames the report into place.
func (p *pendingFile) commit() error {
	if err := os.Rename(p.tmp, p.path); err != nil {
		_ = os.Remove(p.tmp)
		return fmt.Errorf("write report %s: %s", p.path, describe(err))
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
