package report

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFormatFor(t *testing.T) {
	tests := []struct {
		path, want, err string
	}{
		{"out/report.json", FormatJSON, ""},
		{"report.CSV", FormatCSV, ""},
		{"a.b/report.xlsx", FormatXLSX, ""},
		{"report.html", FormatHTML, ""},
		{"report.HTM", FormatHTML, ""},
		{"report.pdf", "", `unsupported report format ".pdf" for "report.pdf" (want one of .json, .csv, .xlsx, .html)`},
		{"report", "", `unsupported report format: "report" has no extension (want one of .json, .csv, .xlsx, .html)`},
		{"report.xls", "", `unsupported report format ".xls" for "report.xls" (want one of .json, .csv, .xlsx, .html)`},
	}
	for _, tc := range tests {
		got, err := FormatFor(tc.path)
		if tc.err != "" {
			require.Error(t, err, "FormatFor(%q)", tc.path)
			assert.Equal(t, tc.err, err.Error(), "FormatFor(%q)", tc.path)
			assert.ErrorIs(t, err, ErrUnsupportedFormat)
			continue
		}
		require.NoError(t, err, "FormatFor(%q)", tc.path)
		assert.Equal(t, tc.want, got, "FormatFor(%q)", tc.path)
	}
}

func TestWrite_EveryFormat(t *testing.T) {
	r := sampleReport(t, true)
	for _, format := range Formats() {
		var buf bytes.Buffer
		require.NoError(t, Write(&buf, format, r), format)
		assert.NotZero(t, buf.Len(), format)
	}
	err := Write(io.Discard, "pdf", r)
	assert.ErrorIs(t, err, ErrUnsupportedFormat)
	assert.EqualError(t, err, `unsupported report format "pdf" (want one of json, csv, xlsx, html)`)
}

func TestWriteFile(t *testing.T) {
	r := sampleReport(t, true)
	dir := t.TempDir()
	for _, format := range Formats() {
		path := filepath.Join(dir, "report."+format)
		require.NoError(t, WriteFile(path, r))
		got, err := os.ReadFile(path)
		require.NoError(t, err)
		var want bytes.Buffer
		require.NoError(t, Write(&want, format, r))
		if format == FormatXLSX {
			assert.Equal(t, dumpXLSX(t, want.Bytes()), dumpXLSX(t, got))
		} else {
			assert.Equal(t, want.Bytes(), got, format)
		}
		fi, err := os.Stat(path)
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o644), fi.Mode().Perm())
	}
	assertOnlyFiles(t, dir, "report.csv", "report.html", "report.json", "report.xlsx")
}

// assertOnlyFiles checks that dir holds exactly the named files: no
// temporary file is left behind.
func assertOnlyFiles(tb testing.TB, dir string, names ...string) {
	tb.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(tb, err)
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if len(names) == 0 {
		names = nil
	}
	assert.Equal(tb, names, got, "files in %s", dir)
}

// failingWrite writes part of a report and then fails, as an encoder does
// when a value cannot be encoded or the disk fills up.
func failingWrite(w io.Writer) error {
	if _, err := io.WriteString(w, `{"summary": {"contracts": 1`); err != nil {
		return err
	}
	return errors.New("disk full")
}

func TestWriteFile_FailureLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "report.json")
	err := writeFile(path, failingWrite)
	require.Error(t, err)
	assert.EqualError(t, err, fmt.Sprintf("write report %s: disk full", path))
	assertOnlyFiles(t, dir)
}

func TestWriteFile_FailureKeepsPreviousReport(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "report.json")
	require.NoError(t, os.WriteFile(path, []byte("previous"), 0o600))
	require.Error(t, writeFile(path, failingWrite))
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "previous", string(got))
	assertOnlyFiles(t, dir, "report.json")

	// A successful write replaces it and keeps its mode.
	require.NoError(t, WriteFile(path, sampleReport(t, false)))
	fi, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	assertOnlyFiles(t, dir, "report.json")
}

// A report the encoder cannot write (NaN is not JSON) fails midway through
// the real writer, and still leaves nothing behind.
func TestWriteFile_EncoderFailure(t *testing.T) {
	dir := t.TempDir()
	r := sampleReport(t, false)
	r.Findings[len(r.Findings)-1].Evidence["x"] = Evidence{Value: nan()}
	err := WriteFile(filepath.Join(dir, "report.json"), r)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "unsupported value: NaN")
	assertOnlyFiles(t, dir)
}

func TestWriteFile_Errors(t *testing.T) {
	dir := t.TempDir()
	r := sampleReport(t, false)
	assert.ErrorIs(t, WriteFile(filepath.Join(dir, "report.pdf"), r), ErrUnsupportedFormat)
	assert.Error(t, WriteFile(filepath.Join(dir, "missing", "report.json"), r))
	require.NoError(t, os.Mkdir(filepath.Join(dir, "report.html"), 0o755))
	assert.EqualError(t, WriteFile(filepath.Join(dir, "report.html"), r),
		fmt.Sprintf("write report %s: not a regular file", filepath.Join(dir, "report.html")))
	assertOnlyFiles(t, dir, "report.html")
}

func nan() float64 {
	zero := 0.0
	return zero / zero
}

func TestWriteFile_PanicLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	assert.Panics(t, func() {
		_ = writeFile(filepath.Join(dir, "report.json"), func(w io.Writer) error {
			_, _ = io.WriteString(w, "partial")
			panic("encoder bug")
		})
	})
	assertOnlyFiles(t, dir)
}

// A report's file has its writeback started every writebackEvery bytes
// while it is written, so that the Sync before the rename has little left
// to write; the bytes are those written, whatever the system does.
func TestOutputStartsWriteback(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "report-*.json")
	require.NoError(t, err)
	defer f.Close()
	out := newOutput(context.Background(), f)
	require.NotNil(t, out.conn, "a report's file can be told to write back")
	chunk := bytes.Repeat([]byte("0123456789abcdef"), 4096)
	var want bytes.Buffer
	for want.Len() < 2*writebackEvery+len(chunk) {
		_, err := out.Write(chunk)
		require.NoError(t, err)
		want.Write(chunk)
	}
	assert.Equal(t, int64(want.Len()), out.written)
	assert.GreaterOrEqual(t, out.synced, int64(2*writebackEvery))
	require.NoError(t, f.Sync())
	got, err := os.ReadFile(f.Name())
	require.NoError(t, err)
	assert.True(t, bytes.Equal(want.Bytes(), got), "the file holds what was written")
}
