package source

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/laborcheck/laborcheck/internal/contract"
)

var updateFormats = flag.Bool("update-formats", false, "write testdata/formats/*.xlsx again and convert them with LibreOffice to .xls and .ods")

// formatBooks are the workbooks of testdata/formats: each .xlsx written by
// writeFormatBook, and its .xls and .ods as LibreOffice saves them.
var formatBooks = []string{"mix", "d1904"}

// writeFormatBook writes the .xlsx that testdata/formats/name.* are made
// from. mix holds text in Latin-1 and beyond, dates, currency, booleans,
// times, formulas with number and text results, strings over 8,224 bytes
// (so that the .xls shared strings run over CONTINUE records), a merged
// cell, a hidden row and column and a hidden sheet; d1904 is in the 1904
// date system.
func writeFormatBook(t *testing.T, name, path string) {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	style := func(s *excelize.Style) int {
		id, err := f.NewStyle(s)
		must(err)
		return id
	}
	switch name {
	case "mix":
		must(f.SetSheetName("Sheet1", "Data"))
		must(f.SetSheetRow("Data", "A1", &[]any{"ID", "Name", "Start date", "Salary", "Active", "Hours", "Long"}))
		code := "[$€-407]#,##0.00"
		ds, ts, ms := style(&excelize.Style{NumFmt: 14}), style(&excelize.Style{NumFmt: 20}), style(&excelize.Style{CustomNumFmt: &code})
		for i := range 300 {
			r := i + 2
			cell := func(col string) string { return fmt.Sprintf("%s%d", col, r) }
			must(f.SetCellValue("Data", cell("A"), fmt.Sprintf("ID-%05d-ünï", i)))
			must(f.SetCellValue("Data", cell("B"), fmt.Sprintf("Worker %d 名前", i)))
			must(f.SetCellValue("Data", cell("C"), time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i)))
			must(f.SetCellStyle("Data", cell("C"), cell("C"), ds))
			must(f.SetCellValue("Data", cell("D"), 1500.25+float64(i)))
			must(f.SetCellStyle("Data", cell("D"), cell("D"), ms))
			must(f.SetCellValue("Data", cell("E"), i%2 == 0))
			must(f.SetCellValue("Data", cell("F"), 0.5))
			must(f.SetCellStyle("Data", cell("F"), cell("F"), ts))
		}
		must(f.SetCellValue("Data", "G2", strings.Repeat("abcdefghij", 1000)+"END"))
		must(f.SetCellValue("Data", "G3", strings.Repeat("é", 9000)+"END"))
		must(f.SetCellValue("Data", "G4", 123456789012))
		must(f.SetCellValue("Data", "G5", -0.000123))
		must(f.SetCellFormula("Data", "G6", "D2*2"))
		must(f.SetCellFormula("Data", "G7", `"x"&A2`))
		must(f.MergeCell("Data", "H2", "H5"))
		must(f.SetCellValue("Data", "H2", "merged"))
		_, err := f.NewSheet("Secret")
		must(err)
		must(f.SetSheetRow("Secret", "A1", &[]any{"ID", "Name"}))
		must(f.SetSheetRow("Secret", "A2", &[]any{"S1", "hidden one"}))
		must(f.SetSheetVisible("Secret", false))
		must(f.SetRowVisible("Data", 3, false))
		must(f.SetColVisible("Data", "F", false))
	case "d1904":
		must(f.SetSheetRow("Sheet1", "A1", &[]any{"ID", "Name", "Date"}))
		must(f.SetSheetRow("Sheet1", "A2", &[]any{"x", "Ana", 45000.0}))
		must(f.SetCellStyle("Sheet1", "C2", "C2", style(&excelize.Style{NumFmt: 14})))
		yes := true
		must(f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &yes}))
	}
	must(f.SaveAs(path))
}

// lowerSheets reads every worksheet of a file with the reader's lower layer
// for its format: rows by number, per sheet, and each sheet's hidden state.
func lowerSheets(t *testing.T, path string) (map[string]map[int]rawRow, map[string]bool) {
	t.Helper()
	rows := map[string]map[int]rawRow{}
	hidden := map[string]bool{}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	byNum := func(rs []rawRow) map[int]rawRow {
		m := map[int]rawRow{}
		for _, r := range rs {
			m[r.num] = r
		}
		return m
	}
	switch filepath.Ext(path) {
	case ".xlsx":
		wb, closeZip := lowerWorkbook(t, path)
		defer closeZip()
		for _, ws := range wb.sheets {
			rows[ws.name] = lowerRows(t, wb, ws)
			hidden[ws.name] = ws.hidden
		}
	case ".xls":
		r := newReader(context.Background(), path, defaultOptions(), nil, &Input{})
		stream, ferr := r.xlsStream(memFile{bytes.NewReader(data)}, int64(len(data)))
		if ferr != nil {
			t.Fatal(ferr)
		}
		wb, rs, _ := xlsRows(t, stream)
		for _, ws := range wb.sheets {
			rows[ws.name] = byNum(rs[ws.name])
			hidden[ws.name] = ws.hidden
		}
	case ".ods":
		names, rs, _ := odsRows(t, data)
		for _, n := range names {
			rows[n] = byNum(rs[n])
		}
		in, err := Read(context.Background(), path, Options{Schema: genericSchema(t)}, nil)
		if err != nil || in.Err != nil {
			t.Fatalf("Read(%s) = %v, %v", path, err, in.Err)
		}
		for _, s := range in.Sheets {
			hidden[s.Name] = s.Hidden
		}
	}
	return rows, hidden
}

// formulaResults are the cells of mix whose formulas the .xlsx, as written
// by excelize, holds no result for; LibreOffice calculates them.
var formulaResults = map[string]string{"Data!G6": "3000.5", "Data!G7": "xID-00000-ünï"}

// sameRows compares two readings of one workbook cell by cell: the same
// text, kind of cell and currency, and the same hidden rows. Dates are
// compared by their ISO text, as a serial depends on the date system.
func sameRows(t *testing.T, what string, want, got map[string]map[int]rawRow) int {
	t.Helper()
	n := 0
	for sheet, wrows := range want {
		grows, ok := got[sheet]
		if !ok {
			t.Errorf("%s: no sheet %q", what, sheet)
			continue
		}
		for num, w := range wrows {
			g, ok := grows[num]
			if !ok {
				t.Errorf("%s: %s row %d missing", what, sheet, num)
				continue
			}
			if w.hidden != g.hidden {
				t.Errorf("%s: %s row %d hidden %v, want %v", what, sheet, num, g.hidden, w.hidden)
			}
			for i := range max(len(w.cells), len(g.cells)) {
				n++
				var wm, gm cellMeta
				if i < len(w.meta) {
					wm = w.meta[i]
				}
				if i < len(g.meta) {
					gm = g.meta[i]
				}
				if r, ok := formulaResults[fmt.Sprintf("%s!%s%d", sheet, columnLetter(i+1), num)]; ok && strings.HasPrefix(what, "mix") {
					if cell(g.cells, i) != r {
						t.Errorf("%s: %s!%s%d = %q, want the formula's result %q", what, sheet, columnLetter(i+1), num, cell(g.cells, i), r)
					}
					continue
				}
				if cell(w.cells, i) != cell(g.cells, i) || wm.kind != gm.kind || wm.currency != gm.currency {
					t.Errorf("%s: %s!%s%d = %.40q (kind %d %s), want %.40q (kind %d %s)", what, sheet, columnLetter(i+1), num,
						cell(g.cells, i), gm.kind, gm.currency, cell(w.cells, i), wm.kind, wm.currency)
				}
			}
		}
		for num := range grows {
			if _, ok := wrows[num]; !ok {
				t.Errorf("%s: %s row %d read, but not in the .xlsx", what, sheet, num)
			}
		}
	}
	return n
}

// TestLibreOfficeCopies reads each workbook of testdata/formats as .xlsx,
// and as LibreOffice saved it as .xls and .ods: every cell, row and sheet
// reads the same.
func TestLibreOfficeCopies(t *testing.T) {
	if *updateFormats {
		if _, err := exec.LookPath("soffice"); err != nil {
			t.Fatal("-update-formats needs soffice (LibreOffice)")
		}
		for _, name := range formatBooks {
			src := filepath.Join("testdata", "formats", name+".xlsx")
			writeFormatBook(t, name, src)
			for _, ext := range []string{"xls", "ods"} {
				out := sofficeConvert(t, src, ext, t.TempDir())
				data, err := os.ReadFile(out)
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join("testdata", "formats", name+"."+ext), data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	for _, name := range formatBooks {
		base := filepath.Join("testdata", "formats", name)
		want, wantHidden := lowerSheets(t, base+".xlsx")
		for _, ext := range []string{".xls", ".ods"} {
			got, gotHidden := lowerSheets(t, base+ext)
			n := sameRows(t, name+ext, want, got)
			if n < 6 {
				t.Errorf("%s%s: only %d cells compared", name, ext, n)
			}
			for s, h := range wantHidden {
				if gotHidden[s] != h {
					t.Errorf("%s%s: sheet %q hidden %v, want %v", name, ext, s, gotHidden[s], h)
				}
			}
		}
	}
	// The .xls keeps the 1904 date system; the .ods holds dates as dates.
	in, err := Read(context.Background(), filepath.Join("testdata", "formats", "d1904.xls"), Options{Schema: genericSchema(t)}, nil)
	if err != nil || !slices.Contains(in.Notes, "the workbook uses the 1904 date system") {
		t.Errorf("d1904.xls: notes %q, err %v", in.Notes, err)
	}
	for _, ext := range []string{".xlsx", ".xls", ".ods"} {
		var dates []string
		date := genericSchema(t).Field("date")
		_, err := Read(context.Background(), filepath.Join("testdata", "formats", "d1904"+ext), Options{Schema: genericSchema(t)},
			func(c *contract.Contract, _ []contract.DataIssue) error {
				dates = append(dates, c.Value(date.Index).Time.Format(time.DateOnly))
				return nil
			})
		if err != nil || !slices.Equal(dates, []string{"2027-03-16"}) {
			t.Errorf("d1904%s: dates %q, err %v", ext, dates, err)
		}
	}
}

// TestLibreOfficeFresh converts testdata/formats/*.xlsx with the
// LibreOffice installed here and reads the fresh copies as the kept ones
// are read. It is skipped where soffice is absent.
func TestLibreOfficeFresh(t *testing.T) {
	if testing.Short() {
		t.Skip("converting with LibreOffice is slow: skipped in -short mode")
	}
	if _, err := exec.LookPath("soffice"); err != nil {
		t.Skip("soffice (LibreOffice) is not installed")
	}
	dir := t.TempDir()
	for _, name := range formatBooks {
		src := filepath.Join("testdata", "formats", name+".xlsx")
		want, _ := lowerSheets(t, src)
		for _, ext := range []string{"xls", "ods"} {
			got, _ := lowerSheets(t, sofficeConvert(t, src, ext, dir))
			sameRows(t, name+"."+ext+" (fresh)", want, got)
		}
	}
}

// sofficeConvert saves a workbook as ext with LibreOffice, in dir.
func sofficeConvert(t *testing.T, src, ext, dir string) string {
	t.Helper()
	abs, err := filepath.Abs(src)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("soffice", "--headless", "-env:UserInstallation=file://"+filepath.Join(dir, "profile"), "--convert-to", ext, "--outdir", dir, abs)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("soffice: %v: %s", err, out)
	}
	path := filepath.Join(dir, strings.TrimSuffix(filepath.Base(src), ".xlsx")+"."+ext)
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("soffice wrote no %s: %s", path, out)
	}
	return path
}
