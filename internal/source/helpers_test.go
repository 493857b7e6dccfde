package source

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/laborcheck/laborcheck/internal/contract"
)

// got is everything one Read produced.
type got struct {
	in        *Input
	contracts []*contract.Contract
	issues    []contract.DataIssue
}

// field returns the value of the named field in contract i.
func (g *got) field(t testing.TB, i int, name string) contract.Value {
	t.Helper()
	if i >= len(g.contracts) {
		t.Fatalf("want contract %d, have %d", i, len(g.contracts))
	}
	f := contract.DefaultSchema().Field(name)
	if f == nil {
		t.Fatalf("no field %q", name)
	}
	return g.contracts[i].Value(f.Index)
}

func (g *got) rows() []int {
	var rows []int
	for _, c := range g.contracts {
		rows = append(rows, c.Row)
	}
	return rows
}

func defaultOptions() Options {
	return Options{Schema: contract.DefaultSchema()}
}

// read reads path with opts, failing the test on an error result.
func read(t testing.TB, path string, opts Options) *got {
	t.Helper()
	if opts.Schema == nil {
		opts.Schema = contract.DefaultSchema()
	}
	g := &got{}
	in, err := Read(context.Background(), path, opts, func(c *contract.Contract, issues []contract.DataIssue) error {
		if len(c.Values) != opts.Schema.Len() {
			t.Errorf("contract row %d has %d values, want %d", c.Row, len(c.Values), opts.Schema.Len())
		}
		if c.Issues != len(issues) {
			t.Errorf("contract row %d: Issues = %d, but %d issues", c.Row, c.Issues, len(issues))
		}
		g.contracts = append(g.contracts, c)
		g.issues = append(g.issues, issues...)
		return nil
	})
	if err != nil {
		t.Fatalf("Read(%s) error = %v", path, err)
	}
	if in == nil {
		t.Fatalf("Read(%s) returned a nil Input", path)
	}
	g.in = in
	return g
}

// readData writes data to a file called name in a temporary directory and
// reads it.
func readData(t testing.TB, name string, data []byte, opts Options) *got {
	t.Helper()
	return read(t, writeFile(t, name, data), opts)
}

func writeFile(t testing.TB, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// onlySheet returns the one sheet of an input, failing otherwise.
func onlySheet(t testing.TB, in *Input) *Sheet {
	t.Helper()
	if in.Err != nil {
		t.Fatalf("Input.Err = %v", in.Err)
	}
	if len(in.Sheets) != 1 {
		t.Fatalf("got %d sheets, want 1", len(in.Sheets))
	}
	return in.Sheets[0]
}

// book builds an xlsx workbook with excelize for a test.
type book struct {
	t *testing.T
	f *excelize.File
}

func newBook(t *testing.T) *book {
	t.Helper()
	return &book{t: t, f: excelize.NewFile()}
}

// sheet creates a sheet (the first call renames Sheet1) and returns its name.
func (b *book) sheet(name string) string {
	b.t.Helper()
	if idx, _ := b.f.GetSheetIndex("Sheet1"); idx >= 0 && len(b.f.GetSheetList()) == 1 && name != "Sheet1" {
		if err := b.f.SetSheetName("Sheet1", name); err != nil {
			b.t.Fatal(err)
		}
		return name
	}
	if _, err := b.f.NewSheet(name); err != nil {
		b.t.Fatal(err)
	}
	return name
}

// row sets the cells of one row, from column A.
func (b *book) row(sheet string, row int, cells ...any) {
	b.t.Helper()
	cell, _ := excelize.CoordinatesToCellName(1, row)
	if err := b.f.SetSheetRow(sheet, cell, &cells); err != nil {
		b.t.Fatal(err)
	}
}

// style applies a style to a cell range.
func (b *book) style(sheet, from, to string, s *excelize.Style) {
	b.t.Helper()
	id, err := b.f.NewStyle(s)
	if err != nil {
		b.t.Fatal(err)
	}
	if err := b.f.SetCellStyle(sheet, from, to, id); err != nil {
		b.t.Fatal(err)
	}
}

// save writes the workbook to a temporary file and returns its path.
func (b *book) save(name string) string {
	b.t.Helper()
	p := filepath.Join(b.t.TempDir(), name)
	if err := b.f.SaveAs(p); err != nil {
		b.t.Fatal(err)
	}
	return p
}

// zipOf builds a zip archive of the given parts, in name order.
func zipOf(t testing.TB, parts map[string]string) []byte {
	t.Helper()
	names := make([]string, 0, len(parts))
	for n := range parts {
		names = append(names, n)
	}
	slices.Sort(names)
	return zipIn(t, parts, names, zip.Deflate)
}

// zipIn builds a zip archive of the given parts in the order of names,
// each compressed with method; names without a part are left out.
func zipIn(t testing.TB, parts map[string]string, names []string, method uint16) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, n := range names {
		part, ok := parts[n]
		if !ok {
			continue
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: n, Method: method})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(w, part); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
