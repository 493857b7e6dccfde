package report

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fullDisk is a temporary file on a disk with room for only so many bytes:
// writes past them fail as a full disk's do.
type fullDisk struct {
	*os.File
	room int
}

func (f *fullDisk) Write(p []byte) (int, error) {
	if len(p) > f.room {
		n, _ := f.File.Write(p[:f.room])
		f.room = 0
		return n, &fs.PathError{Op: "write", Path: f.Name(), Err: syscall.ENOSPC}
	}
	f.room -= len(p)
	return f.File.Write(p)
}

// diskWithRoom makes reports' temporary files fill up after room bytes.
func diskWithRoom(t *testing.T, room int) {
	saved := createTemp
	createTemp = func(dir, pattern string) (tempFile, error) {
		f, err := os.CreateTemp(dir, pattern)
		if err != nil {
			return nil, err
		}
		return &fullDisk{File: f, room: room}, nil
	}
	t.Cleanup(func() { createTemp = saved })
}

// The disk fills while reports are being written: each previous report is
// left as it was, the error names the report (not its temporary file) and
// says the disk is full, and no temporary file remains.
func TestWriteFiles_DiskFull(t *testing.T) {
	r := sampleReport(t, false)
	for _, format := range Formats() {
		var whole bytes.Buffer
		require.NoError(t, Write(&whole, format, r))
		// (An XLSX report's size varies by a few bytes from run to run.)
		for _, room := range []int{0, 100, whole.Len() / 2, whole.Len() * 9 / 10} {
			t.Run(fmt.Sprintf("%s/%d", format, room), func(t *testing.T) {
				diskWithRoom(t, room)
				dir, tmp := t.TempDir(), t.TempDir()
				path := filepath.Join(dir, "report."+format)
				require.NoError(t, os.WriteFile(path, []byte("previous"), 0o644))
				i, err := WriteFiles(context.Background(), []string{path}, r, WriteOptions{TempDir: tmp})
				require.Error(t, err)
				assert.Equal(t, 0, i)
				assert.Equal(t, fmt.Sprintf("write report %s: the disk is full (no space left on device); the previous report was left as it was", path), err.Error())
				assert.NotContains(t, err.Error(), ".tmp")
				got, rerr := os.ReadFile(path)
				require.NoError(t, rerr)
				assert.Equal(t, "previous", string(got))
				assertOnlyFiles(t, dir, "report."+format)
				assertOnlyFiles(t, tmp)
			})
		}
	}
}

// When one of several reports cannot be written, the ones before it are
// and the rest keep their previous content.
func TestWriteFiles_DiskFullKeepsOrder(t *testing.T) {
	diskWithRoom(t, 1<<20)
	dir := t.TempDir()
	r := sampleReport(t, false)
	huge := strings.Repeat("x", 2<<20)
	r.Findings[0].Message = huge
	paths := []string{filepath.Join(dir, "a.csv"), filepath.Join(dir, "b.json"), filepath.Join(dir, "c.html")}
	for _, p := range paths {
		require.NoError(t, os.WriteFile(p, []byte("previous"), 0o644))
	}
	i, err := WriteFiles(context.Background(), paths, r, WriteOptions{})
	require.Error(t, err)
	assert.Equal(t, 0, i, "the first report to fail is reported")
	assert.Contains(t, err.Error(), "the disk is full")
	for _, p := range paths {
		got, err := os.ReadFile(p)
		require.NoError(t, err)
		assert.Equal(t, "previous", string(got), p)
	}
	assertOnlyFiles(t, dir, "a.csv", "b.json", "c.html")
}

// A cancelled run replaces no report and leaves no temporary file, at
// whatever point of the writing it is cancelled.
func TestWriteFiles_Cancelled(t *testing.T) {
	r := sampleReport(t, false)
	for _, after := range []int{0, 1, 2, 3, 5, 1000} {
		t.Run(fmt.Sprint(after), func(t *testing.T) {
			dir, tmp := t.TempDir(), t.TempDir()
			ctx, cancel := context.WithCancelCause(context.Background())
			defer cancel(nil)
			paths := []string{filepath.Join(dir, "r.json"), filepath.Join(dir, "r.xlsx"), filepath.Join(dir, "r.csv"), filepath.Join(dir, "r.html")}
			for _, p := range paths {
				require.NoError(t, os.WriteFile(p, []byte("previous"), 0o644))
			}
			stop := errors.New("interrupted")
			var writes atomic.Int64
			var fired atomic.Bool
			saved := createTemp
			createTemp = func(dir, pattern string) (tempFile, error) {
				f, err := saved(dir, pattern)
				if err != nil {
					return nil, err
				}
				return &cancelAfter{tempFile: f, n: &writes, after: int64(after), cancel: func() { fired.Store(true); cancel(stop) }}, nil
			}
			t.Cleanup(func() { createTemp = saved })
			_, err := WriteFiles(ctx, paths, r, WriteOptions{TempDir: tmp})
			if !fired.Load() {
				// The writers finished before being cancelled.
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, stop)
			for _, p := range paths {
				got, err := os.ReadFile(p)
				require.NoError(t, err)
				assert.Equal(t, "previous", string(got), p)
			}
			assertOnlyFiles(t, dir, "r.csv", "r.html", "r.json", "r.xlsx")
			assertOnlyFiles(t, tmp)
		})
	}
}

// cancelAfter cancels the run at its after-th write across all files.
type cancelAfter struct {
	tempFile
	n      *atomic.Int64
	after  int64
	cancel func()
}

func (c *cancelAfter) Write(p []byte) (int, error) {
	if c.n.Add(1)-1 == c.after {
		c.cancel()
	}
	return c.tempFile.Write(p)
}

// A panic in an encoder is raised again on the caller's goroutine, with
// the stack of the encoder, and leaves no temporary file.
func TestWriteFiles_PanicCarriesStack(t *testing.T) {
	dir := t.TempDir()
	var got any
	func() {
		defer func() { got = recover() }()
		_, _ = writeFiles(context.Background(), []string{filepath.Join(dir, "r.json")}, func(_ int, w io.Writer) error {
			_, _ = io.WriteString(w, "partial")
			encoderFault()
			return nil
		})
	}()
	p, ok := got.(*PanicError)
	require.True(t, ok, "recovered %v, want a *PanicError", got)
	assert.Equal(t, "encoder bug", p.Value)
	assert.Contains(t, string(p.Stack()), "encoderFault")
	assertOnlyFiles(t, dir)
}

func encoderFault() { panic("encoder bug") }

// An output that cannot be written fails the check made before a review.
func TestCheckWritable(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, CheckWritable(filepath.Join(dir, "r.json")))
	assertOnlyFiles(t, dir)
	assert.EqualError(t, CheckWritable(filepath.Join(dir, "missing", "r.json")),
		fmt.Sprintf("write report %s: no such file or directory", filepath.Join(dir, "missing", "r.json")))
	require.NoError(t, os.Mkdir(filepath.Join(dir, "r.html"), 0o755))
	assert.EqualError(t, CheckWritable(filepath.Join(dir, "r.html")),
		fmt.Sprintf("write report %s: not a regular file", filepath.Join(dir, "r.html")))
	assert.ErrorIs(t, CheckWritable(filepath.Join(dir, "r.pdf")), ErrUnsupportedFormat)
}
