package source

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestExpand(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{
		"b.xlsx", "a.csv", "notes.txt", "old.xls", "bin.xlsb", "calc.ods", "photo.jpg", "~$b.xlsx", ".hidden.csv",
		"sub/c.tsv", "sub/d.XLSX", ".git/e.csv", "sub/deeper/f.xlsm",
	} {
		p := filepath.Join(dir, f)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(filepath.Join(dir, "sub", "Budget.numbers", "Index"), 0o755); err != nil {
		t.Fatal(err)
	}
	explicit := filepath.Join(dir, "notes.txt")
	got, err := Expand([]string{explicit, dir, filepath.Join(dir, "a.csv")})
	if err != nil {
		t.Fatalf("Expand error = %v", err)
	}
	j := func(p string) string { return filepath.Join(dir, p) }
	want := []string{
		explicit, j("a.csv"), j("b.xlsx"), j("bin.xlsb"), j("calc.ods"), j("old.xls"),
		j("sub/Budget.numbers"), j("sub/c.tsv"), j("sub/d.XLSX"), j("sub/deeper/f.xlsm"),
	}
	if !slices.Equal(got, want) {
		t.Errorf("Expand =\n%q\nwant\n%q", got, want)
	}
}

func TestExpand_Missing(t *testing.T) {
	dir := t.TempDir()
	ok := filepath.Join(dir, "a.csv")
	if err := os.WriteFile(ok, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := Expand([]string{filepath.Join(dir, "nope.xlsx"), ok, filepath.Join(dir, "gone")})
	if !errors.Is(err, ErrNotFound) {
		t.Errorf("Expand error = %v, want ErrNotFound", err)
	}
	var fe *FileError
	if !errors.As(err, &fe) || fe.Path != filepath.Join(dir, "nope.xlsx") {
		t.Errorf("Expand error = %#v, want a *FileError for the first missing path", err)
	}
	if !slices.Equal(got, []string{ok}) {
		t.Errorf("Expand = %q, want the existing file", got)
	}
}

func TestFormats(t *testing.T) {
	if got := Formats(); !slices.Equal(got, []string{"xlsx", "xlsm", "xls", "ods", "csv", "tsv"}) {
		t.Errorf("Formats() = %q", got)
	}
}
