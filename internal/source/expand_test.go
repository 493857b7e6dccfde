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

// TestExpand_Templates checks that workbook templates (.xlt, .ots) are
// collected from folders and read as the workbooks they are.
func TestExpand_Templates(t *testing.T) {
	dir := t.TempDir()
	copyTo := func(src, name string) {
		data, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	copyTo(filepath.Join("testdata", "formats", "mix.xls"), "mix.xlt")
	// An OpenDocument template names its own media type.
	ods, err := os.ReadFile(filepath.Join("testdata", "formats", "mix.ods"))
	if err != nil {
		t.Fatal(err)
	}
	content := odsContent(t, ods)
	tmpl := zipOf(t, map[string]string{
		"mimetype":              "application/vnd.oasis.opendocument.spreadsheet-template",
		"content.xml":           string(content),
		"META-INF/manifest.xml": `<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>`,
	})
	if err := os.WriteFile(filepath.Join(dir, "mix.ots"), tmpl, 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := Expand([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{filepath.Join(dir, "mix.ots"), filepath.Join(dir, "mix.xlt")}
	if !slices.Equal(got, want) {
		t.Fatalf("Expand = %q, want %q", got, want)
	}
	for _, pair := range [][2]string{{"mix.xlt", filepath.Join("testdata", "formats", "mix.xls")}, {"mix.ots", filepath.Join("testdata", "formats", "mix.ods")}} {
		g, w := read(t, filepath.Join(dir, pair[0]), Options{}), read(t, pair[1], Options{})
		if g.in.Err != nil || len(g.contracts) == 0 || len(g.contracts) != len(w.contracts) || g.in.Format != w.in.Format {
			t.Errorf("%s: %d contracts, format %q, err %v; want %d as %s", pair[0], len(g.contracts), g.in.Format, g.in.Err, len(w.contracts), w.in.Format)
		}
	}
}
