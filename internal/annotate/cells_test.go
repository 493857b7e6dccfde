package annotate

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/laborcheck/laborcheck/internal/source"
)

// cellLines reads a file's cells as the review reads them, one line a
// cell, and its sheets with their hidden state.
func cellLines(t *testing.T, path string) string {
	t.Helper()
	var b strings.Builder
	in, err := source.ReadCells(context.Background(), path, source.Options{}, source.CellHandler{
		Sheet: func(sh *source.Sheet) error {
			fmt.Fprintf(&b, "sheet %q hidden=%v\n", sh.Name, sh.Hidden)
			return nil
		},
		Row: func(sh *source.Sheet, row source.CellRow) error {
			for _, c := range row.Cells {
				fmt.Fprintf(&b, "%s!%d:%d hidden=%v type=%d %q %v %s\n", sh.Name, row.Num, c.Col, row.Hidden, c.Type, c.Text, c.Number, c.Currency)
			}
			return nil
		},
	})
	if err != nil || in.Err != nil {
		t.Fatalf("%s: %v %v", path, err, in.Err)
	}
	return b.String()
}

// TestCellBookRoundTrip builds the copies' workbooks of .xls and .ods
// files and reads them back: the same sheets, hidden where they were, and
// the same cells, of the same types and values (dates, times, currency
// amounts, booleans, long text, a workbook in the 1904 date system), on
// the same rows, hidden rows hidden.
func TestCellBookRoundTrip(t *testing.T) {
	for _, name := range []string{"mix.xls", "mix.ods", "d1904.xls", "d1904.ods"} {
		path := filepath.Join("../source/testdata/formats", name)
		f, sheets, _, err := readCellBook(context.Background(), path, DefaultMaxCells, "")
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out := filepath.Join(t.TempDir(), "copy.xlsx")
		if err := f.SaveAs(out); err != nil {
			t.Fatal(err)
		}
		f.Close()
		for in, cp := range sheets {
			if in != cp {
				t.Errorf("%s: sheet %q copied as %q", name, in, cp)
			}
		}
		want, got := cellLines(t, path), cellLines(t, out)
		if got != want {
			t.Errorf("%s: the copy reads differently:\n got %s\nwant %s", name, got, want)
		}
		if name == "mix.xls" {
			for _, s := range []string{`sheet "Secret" hidden=true`, `Data!3:1 hidden=true`, `type=3 "12:00" 0.5`, `type=1 "1500.25" 1500.25 EUR`, `type=5 "TRUE"`, `type=2 "2024-01-01" 45292`} {
				if !strings.Contains(got, s) {
					t.Errorf("%s: the copy has no %s", name, s)
				}
			}
		}
	}
	// Too many cells: no copy.
	if _, _, _, err := readCellBook(context.Background(), "../source/testdata/formats/mix.xls", 100, ""); err == nil || !strings.Contains(err.Error(), "more than 100 cells") {
		t.Errorf("over the cell limit: %v", err)
	}
}

func TestCellBookSheetNames(t *testing.T) {
	b := &cellBook{taken: map[string]bool{}}
	for _, c := range []struct{ in, want string }{
		{"Roster", "Roster"},
		{"roster", "roster (2)"},
		{"a/b:c", "a_b_c"},
		{"'quoted'", "quoted"},
		{"", "Sheet"},
		{strings.Repeat("x", 40), strings.Repeat("x", 31)},
		{strings.Repeat("x", 40), strings.Repeat("x", 27) + " (2)"},
	} {
		if got := b.sheetName(c.in); got != c.want {
			t.Errorf("%q: %q, want %q", c.in, got, c.want)
		}
	}
}

// TestCellBookHiddenFirstSheet copies an .ods whose first sheet is hidden
// (made with LibreOffice; skipped when it is not installed): the copy
// hides it too and opens on the next one.
func TestCellBookHiddenFirstSheet(t *testing.T) {
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		t.Skip("LibreOffice (soffice) is not installed")
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "book.xlsx")
	f := excelize.NewFile()
	if err := f.SetCellStr("Sheet1", "A1", "lookup"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.NewSheet("Roster"); err != nil {
		t.Fatal(err)
	}
	if err := f.SetCellStr("Roster", "A1", "Contract No."); err != nil {
		t.Fatal(err)
	}
	f.SetActiveSheet(1)
	if err := f.SetSheetVisible("Sheet1", false); err != nil {
		t.Fatal(err)
	}
	if err := f.SaveAs(src); err != nil {
		t.Fatal(err)
	}
	f.Close()
	cmd := exec.Command(soffice, "--headless", "--convert-to", "ods", "--outdir", dir, src)
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("convert: %v\n%s", err, out)
	}
	ods := filepath.Join(dir, "book.ods")
	if got := cellLines(t, ods); !strings.Contains(got, `sheet "Sheet1" hidden=true`) {
		t.Fatalf("LibreOffice's .ods does not hide the first sheet:\n%s", got)
	}
	c, _, _, err := readCellBook(context.Background(), ods, DefaultMaxCells, "")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if v, _ := c.GetSheetVisible("Sheet1"); v {
		t.Error("Sheet1 is visible in the copy")
	}
	if got := c.GetSheetName(c.GetActiveSheetIndex()); got != "Roster" {
		t.Errorf("the copy opens on %q", got)
	}
}
