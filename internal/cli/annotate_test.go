package cli

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/laborcheck/laborcheck/internal/annotate"
	"github.com/laborcheck/laborcheck/internal/source"
)

func fileSum(t *testing.T, path string) [32]byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(data)
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// openCopy opens an annotated copy, checks LibreOffice opens it too (when
// it is installed) and returns it.
func openCopy(t *testing.T, path string) *excelize.File {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatalf("open the copy: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	if soffice, err := exec.LookPath("soffice"); err == nil {
		out := t.TempDir()
		cmd := exec.Command(soffice, "--headless", "--convert-to", "csv", "--outdir", out, path)
		cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
		if msg, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("LibreOffice could not convert %s: %v\n%s", path, err, msg)
		}
		name := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path)) + ".csv"
		if st, err := os.Stat(filepath.Join(out, name)); err != nil || st.Size() == 0 {
			t.Errorf("LibreOffice wrote no CSV of %s: %v", path, err)
		}
	}
	return f
}

// TestAnnotateSamples annotates the sample rosters: see checkAnnotated.
func TestAnnotateSamples(t *testing.T) {
	dir := t.TempDir()
	var inputs []string
	for _, name := range []string{"garment-factory.xlsx", "agency-roster.csv", "fishing-crew.csv"} {
		p := filepath.Join(dir, "in", name)
		copyFile(t, filepath.Join("../../samples", name), p)
		inputs = append(inputs, p)
	}
	copies := checkAnnotated(t, dir, inputs, 30)
	// The garment workbook keeps its other sheet.
	if f := copies[inputs[0]]; f != nil {
		orig, err := excelize.OpenFile(inputs[0])
		if err != nil {
			t.Fatal(err)
		}
		defer orig.Close()
		for _, s := range orig.GetSheetList() {
			if !slices.Contains(f.GetSheetList(), s) {
				t.Errorf("sheet %q lost", s)
			}
		}
	}
}

// TestAnnotateXLSODS annotates the rosters kept as LibreOffice saved them
// in .xls and .ods: each gets an .xlsx copy, checked as the samples' are
// (see checkAnnotated), with every sheet of the workbook, and values of
// the types the review read: numbers, dates with a date format, text.
func TestAnnotateXLSODS(t *testing.T) {
	dir := t.TempDir()
	var inputs []string
	for _, base := range []string{"electronics-factory", "construction-subcontractor"} {
		for _, ext := range []string{".xls", ".ods"} {
			p := filepath.Join(dir, "in", base+ext)
			copyFile(t, filepath.Join("../scan/testdata/rosters", base+ext), p)
			inputs = append(inputs, p)
		}
	}
	copies := checkAnnotated(t, dir, inputs, 40)
	for _, in := range inputs {
		f := copies[in]
		if f == nil {
			t.Errorf("%s: no copy", in)
			continue
		}
		// Every sheet of the workbook, then the legend.
		want := []string{}
		src, err := source.ReadCells(context.Background(), in, source.Options{}, source.CellHandler{})
		if err != nil || src.Err != nil {
			t.Fatalf("%s: %v %v", in, err, src.Err)
		}
		for _, sh := range src.Sheets {
			want = append(want, sh.Name)
		}
		if got := f.GetSheetList(); !slices.Equal(got, append(want, "laborcheck")) {
			t.Errorf("%s: sheets %v, want %v and the legend", filepath.Base(in), got, want)
		}
		// The first contract of the electronics roster: its date of birth
		// a date cell, its wage a number, its name text.
		if !strings.HasPrefix(filepath.Base(in), "electronics-factory") {
			continue
		}
		sh := f.GetSheetList()[0]
		for _, c := range []struct {
			cell, value string
			typ         excelize.CellType
			format      string
		}{
			{"G3", "1995-07-14", excelize.CellTypeUnset, "yyyy-mm-dd"},
			{"N3", "1700", excelize.CellTypeUnset, ""},
			{"B3", "Ram Bahadur Thapa", excelize.CellTypeSharedString, ""},
		} {
			if got, _ := f.GetCellValue(sh, c.cell); got != c.value {
				t.Errorf("%s %s = %q, want %q", filepath.Base(in), c.cell, got, c.value)
			}
			if got, _ := f.GetCellType(sh, c.cell); got != c.typ {
				t.Errorf("%s %s is of type %v, want %v", filepath.Base(in), c.cell, got, c.typ)
			}
			if fm, _ := f.GetCellFormula(sh, c.cell); fm != "" {
				t.Errorf("%s %s is a formula: %q", filepath.Base(in), c.cell, fm)
			}
			id, _ := f.GetCellStyle(sh, c.cell)
			st, _ := f.GetStyle(id)
			got := ""
			if st != nil && st.CustomNumFmt != nil {
				got = *st.CustomNumFmt
			}
			if got != c.format {
				t.Errorf("%s %s number format %q, want %q", filepath.Base(in), c.cell, got, c.format)
			}
		}
	}
}

// checkAnnotated annotates inputs, copied into dir, and checks the copies:
// one copy per input, the inputs' bytes unchanged, and in each copy every
// finding of every flagged contract is a note on its evidence cell (or,
// for a derived value, on the status cell), the contract's number on its
// row, the status column saying flagged, the row filled and the legend
// sheet there; LibreOffice opens each copy (when it is installed); and
// each copy, scanned, gives the contracts and findings its input does. It
// returns the copies by input.
func checkAnnotated(t *testing.T, dir string, inputs []string, minFlagged int) map[string]*excelize.File {
	t.Helper()
	before := map[string][32]byte{}
	for _, p := range inputs {
		before[p] = fileSum(t, p)
	}
	out := filepath.Join(dir, "marked")
	rep, code, stderr := scanJSON(t, dir, append([]string{"-annotate", out}, inputs...)...)
	if code != ExitFindings {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if strings.Contains(stderr, "no annotated copy") {
		t.Errorf("copies not made: %s", stderr)
	}
	for _, p := range inputs {
		if fileSum(t, p) != before[p] {
			t.Errorf("%s was changed", p)
		}
	}
	names := annotate.OutputNames(inputs)
	entries, err := os.ReadDir(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != len(inputs) {
		t.Errorf("%d files in the folder for %d inputs", len(entries), len(inputs))
	}
	type rowKey struct {
		file, sheet string
		row         int
	}
	findings := map[rowKey][]map[string]any{}
	for _, f := range rep["findings"].([]any) {
		fm := f.(map[string]any)
		if fm["scope"] != nil && fm["scope"] != "" {
			continue
		}
		k := rowKey{fm["file"].(string), fm["sheet"].(string), int(fm["row"].(float64))}
		findings[k] = append(findings[k], fm)
	}
	copies := map[string]*excelize.File{}
	flagged, remedies := 0, 0
	for _, c := range rep["contracts"].([]any) {
		cm := c.(map[string]any)
		file := cm["file"].(string)
		f := copies[file]
		if f == nil {
			f = openCopy(t, filepath.Join(out, names[file]))
			copies[file] = f
		}
		sheet := cm["sheet"].(string)
		if sheet == "" {
			sheet = f.GetSheetList()[0]
		}
		row := int(cm["row"].(float64))
		// The row of the copy is the contract's own: its contract number
		// is there.
		if col := idColumn(rep, file, cm["sheet"].(string)); col > 0 {
			cell, _ := excelize.CoordinatesToCellName(col, row)
			if got, _ := f.GetCellValue(sheet, cell); got != cm["contract_id"] {
				t.Errorf("%s:%d: contract number %q in the copy, want %v", file, row, got, cm["contract_id"])
			}
		}
		status, statusCell := statusOf(t, f, sheet, row)
		if cm["status"] != "flagged" {
			if strings.HasPrefix(status, "flagged") {
				t.Errorf("%s:%d: %q, but the contract is %v", file, row, status, cm["status"])
			}
			continue
		}
		flagged++
		if !strings.HasPrefix(status, "flagged") {
			t.Errorf("%s:%d: status %q, want flagged", file, row, status)
		}
		notes := map[string]string{}
		cs, err := f.GetComments(sheet)
		if err != nil {
			t.Fatal(err)
		}
		for _, cm := range cs {
			text := cm.Text
			for _, r := range cm.Paragraph {
				text += r.Text
			}
			notes[cm.Cell] = text
		}
		for _, fd := range findings[rowKey{file, cm["sheet"].(string), row}] {
			id := fd["rule_id"].(string)
			cells := []string{statusCell}
			for _, e := range fd["evidence"].(map[string]any) {
				em := e.(map[string]any)
				col, _ := em["column"].(string)
				if col == "" {
					continue
				}
				if n := columnNum(col); n > 0 {
					name, _ := excelize.ColumnNumberToName(n)
					cells = append(cells, fmt.Sprintf("%s%d", name, row))
				}
			}
			title, _ := fd["title"].(string)
			msg, _ := fd["message"].(string)
			want := "[" + id + ","
			if remedy, _ := fd["remedy"].(string); remedy != "" {
				want = "\nRemedy: " + remedy
			}
			found := slices.ContainsFunc(cells, func(cell string) bool {
				n := notes[cell]
				return strings.Contains(n, title+" ["+id+",") && strings.Contains(n, msg) && strings.Contains(n, want)
			})
			if !found {
				t.Errorf("%s:%d: no note for %s (with its title, message and %q) on %v", file, row, id, want, cells)
			}
			if _, ok := fd["remedy"].(string); ok {
				remedies++
			}
		}
		// The row is filled with its severity's colour.
		id, _ := f.GetCellStyle(sheet, fmt.Sprintf("A%d", row))
		st, _ := f.GetStyle(id)
		if st == nil || len(st.Fill.Color) == 0 {
			t.Errorf("%s:%d: flagged row not filled", file, row)
		}
	}
	if flagged < minFlagged {
		t.Errorf("only %d flagged contracts checked", flagged)
	}
	t.Logf("%d flagged contracts, %d findings with a remedy", flagged, remedies)
	for _, f := range copies {
		if !slices.Contains(f.GetSheetList(), "laborcheck") {
			t.Errorf("no legend sheet: %v", f.GetSheetList())
		}
	}
	// Each copy reads as its roster does: the same contracts, with the
	// same rows and statuses, and the same findings.
	for _, in := range inputs {
		one, _, _ := scanJSON(t, t.TempDir(), in)
		again, _, _ := scanJSON(t, t.TempDir(), filepath.Join(out, names[in]))
		a, b := one["summary"].(map[string]any), again["summary"].(map[string]any)
		for _, k := range []string{"contracts", "contracts_flagged", "contracts_clear", "findings", "data_issues"} {
			if a[k] != b[k] {
				t.Errorf("%s: %s %v, its copy %v", filepath.Base(in), k, a[k], b[k])
			}
		}
		// A text file's copy names its sheet; the text had none.
		text := strings.HasSuffix(in, ".csv") || strings.HasSuffix(in, ".tsv")
		if got, want := verdictOf(again, text), verdictOf(one, text); !slices.Equal(got, want) {
			t.Errorf("%s: its copy reads differently:\n%s", filepath.Base(in), firstDiff(got, want))
		}
	}
	return copies
}

// verdictOf lists a report's contracts (row, number, status) and
// findings (rule, row, message), in order, without file names (and,
// with noSheets, without sheet names): a roster and its copy give the
// same list.
func verdictOf(rep map[string]any, noSheets bool) []string {
	sheet := func(m map[string]any) any {
		if noSheets {
			return ""
		}
		return m["sheet"]
	}
	var out []string
	for _, c := range rep["contracts"].([]any) {
		cm := c.(map[string]any)
		out = append(out, fmt.Sprintf("contract %v:%v %v %v", sheet(cm), cm["row"], cm["contract_id"], cm["status"]))
	}
	for _, f := range rep["findings"].([]any) {
		fm := f.(map[string]any)
		out = append(out, fmt.Sprintf("finding %v %v:%v %v %v", fm["rule_id"], sheet(fm), fm["row"], fm["severity"], fm["message"]))
	}
	slices.Sort(out)
	return out
}

func firstDiff(got, want []string) string {
	for i := range max(len(got), len(want)) {
		g, w := "", ""
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if g != w {
			return fmt.Sprintf(" got %s\nwant %s", g, w)
		}
	}
	return ""
}

// idColumn is the number of the column a report's sheet read contract
// numbers from, 0 when none.
func idColumn(rep map[string]any, file, sheet string) int {
	for _, in := range rep["inputs"].([]any) {
		im := in.(map[string]any)
		if im["path"] != file {
			continue
		}
		for _, sh := range im["sheets"].([]any) {
			sm := sh.(map[string]any)
			if sm["name"] != sheet {
				continue
			}
			for _, c := range sm["mapped"].([]any) {
				if cm := c.(map[string]any); cm["field"] == "contract_id" {
					return columnNum(cm["column"].(string))
				}
			}
		}
	}
	return 0
}

func columnNum(col string) int {
	n := 0
	for _, r := range col {
		switch {
		case r >= '0' && r <= '9':
			return atoi(col)
		case r >= 'A' && r <= 'Z':
			n = n*26 + int(r-'A'+1)
		}
	}
	return n
}

func atoi(s string) int {
	n := 0
	for _, r := range s {
		n = n*10 + int(r-'0')
	}
	return n
}

// statusOf finds the laborcheck column of a sheet and returns a row's
// status and the cell it is in.
func statusOf(t *testing.T, f *excelize.File, sheet string, row int) (string, string) {
	t.Helper()
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		for i, v := range r {
			if v == annotate.StatusHeader {
				cell, _ := excelize.CoordinatesToCellName(i+1, row)
				s, _ := f.GetCellValue(sheet, cell)
				return s, cell
			}
		}
	}
	t.Fatalf("sheet %q has no %s column", sheet, annotate.StatusHeader)
	return "", ""
}

// TestAnnotateKeepsWorkbook checks that a copy keeps what the input
// holds: formulas, merged cells, number formats (on a flagged row too),
// other sheets and the input's own notes; and that text from the input
// never becomes a formula.
func TestAnnotateKeepsWorkbook(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "roster.xlsx")
	f := excelize.NewFile()
	sh := "Roster"
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.SetSheetName("Sheet1", sh))
	must(f.SetCellStr(sh, "A1", "Staff list, Plant 2"))
	must(f.MergeCell(sh, "A1", "D1"))
	header := []any{"Contract No.", "Worker Name", "Passport Held By", "Recruitment Fee Paid by Worker", "Currency", "Start Date", "Fee x2"}
	must(f.SetSheetRow(sh, "A2", &header))
	must(f.SetSheetRow(sh, "A3", &[]any{"C-1", "Ana Lima", "Employer", 1200, "USD", time.Date(2024, 2, 5, 0, 0, 0, 0, time.UTC)}))
	must(f.SetSheetRow(sh, "A4", &[]any{"C-2", "=HYPERLINK(\"http://example.com\",\"x\")", "Worker", 0, "USD", time.Date(2024, 3, 5, 0, 0, 0, 0, time.UTC)}))
	must(f.SetCellFormula(sh, "G3", "D3*2"))
	must(f.SetCellFormula(sh, "G4", "D4*2"))
	money, err := f.NewStyle(&excelize.Style{CustomNumFmt: ptrTo("#,##0.00 \"USD\""), Font: &excelize.Font{Italic: true}})
	must(err)
	must(f.SetCellStyle(sh, "D3", "D4", money))
	dateStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: ptrTo("dd mmm yyyy")})
	must(err)
	must(f.SetCellStyle(sh, "F3", "F4", dateStyle))
	must(f.AddComment(sh, excelize.Comment{Cell: "C3", Author: "HR", Text: "checked by HR"}))
	_, err = f.NewSheet("Notes")
	must(err)
	must(f.SetCellStr("Notes", "A1", "Totals"))
	must(f.SetCellFormula("Notes", "B1", "SUM(Roster!D3:D4)"))
	must(f.SaveAs(in))
	must(f.Close())
	sum := fileSum(t, in)

	out := filepath.Join(dir, "marked")
	_, code, stderr := scanJSON(t, dir, "-annotate", out, in)
	if code != ExitFindings {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if fileSum(t, in) != sum {
		t.Fatal("the input was changed")
	}
	c := openCopy(t, filepath.Join(out, "roster.annotated.xlsx"))
	if got := c.GetSheetList(); !slices.Equal(got, []string{"Roster", "Notes", "laborcheck"}) {
		t.Errorf("sheets %v", got)
	}
	for _, fc := range []struct{ sheet, cell, want string }{{"Roster", "G3", "D3*2"}, {"Roster", "G4", "D4*2"}, {"Notes", "B1", "SUM(Roster!D3:D4)"}} {
		if got, _ := c.GetCellFormula(fc.sheet, fc.cell); got != fc.want {
			t.Errorf("%s!%s formula %q, want %q", fc.sheet, fc.cell, got, fc.want)
		}
	}
	if got, _ := c.GetCellFormula(sh, "B4"); got != "" {
		t.Errorf("text became a formula: %q", got)
	}
	if got, _ := c.GetCellValue(sh, "B4"); !strings.HasPrefix(got, "=HYPERLINK") {
		t.Errorf("B4 = %q", got)
	}
	merged, err := c.GetMergeCells(sh)
	if err != nil || len(merged) != 1 || merged[0].GetStartAxis() != "A1" || merged[0].GetEndAxis() != "D1" {
		t.Errorf("merged cells %v (%v)", merged, err)
	}
	for _, cell := range []string{"D3", "D4", "F3"} {
		id, _ := c.GetCellStyle(sh, cell)
		st, err := c.GetStyle(id)
		if err != nil || st.CustomNumFmt == nil {
			t.Errorf("%s lost its number format (%v)", cell, err)
			continue
		}
		if want := map[bool]string{true: "dd mmm yyyy", false: "#,##0.00 \"USD\""}[cell == "F3"]; *st.CustomNumFmt != want {
			t.Errorf("%s number format %q, want %q", cell, *st.CustomNumFmt, want)
		}
		if cell == "D3" && (len(st.Fill.Color) == 0 || st.Font == nil || !st.Font.Italic) {
			t.Errorf("D3 on the flagged row: fill %v, font %+v", st.Fill.Color, st.Font)
		}
	}
	if v, _ := c.GetCellValue(sh, "D3"); v != "1,200.00 USD" {
		t.Errorf("D3 reads %q", v)
	}
	status, _ := statusOf(t, c, sh, 3)
	if !strings.HasPrefix(status, "flagged (critical): ") || !strings.Contains(status, "passport-held") {
		t.Errorf("row 3 status %q", status)
	}
	if status, _ := statusOf(t, c, sh, 4); status != "clear" {
		t.Errorf("row 4 status %q", status)
	}
	cs, _ := c.GetComments(sh)
	var c3 string
	for _, cm := range cs {
		if cm.Cell == "C3" {
			for _, r := range cm.Paragraph {
				c3 += r.Text
			}
		}
	}
	if !strings.Contains(c3, "checked by HR") || !strings.Contains(c3, "[passport-held, critical]") {
		t.Errorf("note on C3: %q", c3)
	}
}

func ptrTo[T any](v T) *T { return &v }

// TestAnnotateText checks the .xlsx copy of a CSV file: records on the
// rows of their lines, cells that look like formulas kept as text, and
// two inputs of one name in different folders copied side by side.
func TestAnnotateText(t *testing.T) {
	dir := t.TempDir()
	csvText := "sep=;\nContract No.;Worker Name;Passport Held By;Recruitment Fee Paid by Worker;Remarks\n" +
		"C-1;Ana;Employer;USD 100;=1+2\n\nC-2;\"Bo\nChen\";Worker;0;@SUM(A1)\n"
	a := filepath.Join(dir, "north", "roster.csv")
	b := filepath.Join(dir, "south", "roster.csv")
	for _, p := range []string{a, b} {
		must := os.MkdirAll(filepath.Dir(p), 0o755)
		if must != nil {
			t.Fatal(must)
		}
		if err := os.WriteFile(p, []byte(csvText), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(dir, "marked")
	rep, code, stderr := scanJSON(t, dir, "-annotate", out, a, b)
	if code != ExitFindings {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	_ = rep
	for _, name := range []string{"north_roster.csv.annotated.xlsx", "south_roster.csv.annotated.xlsx"} {
		c := openCopy(t, filepath.Join(out, name))
		sh := c.GetSheetList()[0]
		if sh != "roster" {
			t.Errorf("sheet %q", sh)
		}
		// Line 1 is the sep= line: the header is on row 2, C-1 on 3, C-2 on 5.
		for cell, want := range map[string]string{"A2": "Contract No.", "A3": "C-1", "A5": "C-2", "E3": "=1+2", "E5": "@SUM(A1)"} {
			if got, _ := c.GetCellValue(sh, cell); got != want {
				t.Errorf("%s %s = %q, want %q", name, cell, got, want)
			}
			if fm, _ := c.GetCellFormula(sh, cell); fm != "" {
				t.Errorf("%s %s is a formula: %q", name, cell, fm)
			}
		}
		if s, _ := statusOf(t, c, sh, 3); !strings.HasPrefix(s, "flagged") {
			t.Errorf("%s row 3: %q", name, s)
		}
		if s, _ := statusOf(t, c, sh, 5); s != "clear" {
			t.Errorf("%s row 5: %q", name, s)
		}
	}
}

// TestAnnotateFolderChecked checks that a folder the copies cannot go in
// fails the run before the review.
func TestAnnotateFolderChecked(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := Main(context.Background(), []string{"scan", "-annotate", filepath.Join(file, "sub"), "../../samples/agency-roster.csv"}, nil, &stdout, &stderr)
	if code != ExitCannotRun || !strings.Contains(stderr.String(), "-annotate") {
		t.Errorf("exit %d: %s", code, stderr.String())
	}
}

// TestAnnotateEncrypted checks that an encrypted workbook's copy is
// encrypted with the same password.
func TestAnnotateEncrypted(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "locked.xlsx")
	f := excelize.NewFile()
	if err := f.SetSheetRow("Sheet1", "A1", &[]any{"Contract No.", "Worker Name", "Passport Held By"}); err != nil {
		t.Fatal(err)
	}
	if err := f.SetSheetRow("Sheet1", "A2", &[]any{"C-1", "Ana Lima", "Employer"}); err != nil {
		t.Fatal(err)
	}
	if err := f.SaveAs(in, excelize.Options{Password: "s3cret"}); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "marked")
	if _, code, stderr := scanJSON(t, dir, "-password", "s3cret", "-annotate", out, in); code != ExitFindings {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	copyPath := filepath.Join(out, "locked.annotated.xlsx")
	if _, err := excelize.OpenFile(copyPath); err == nil {
		t.Error("the copy opens without the password")
	}
	c, err := excelize.OpenFile(copyPath, excelize.Options{Password: "s3cret"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if s, _ := statusOf(t, c, "Sheet1", 2); !strings.HasPrefix(s, "flagged") {
		t.Errorf("row 2: %q", s)
	}
}

// TestAnnotateEncryptedXLS checks that the .xlsx copy of an encrypted .xls
// is encrypted with the password that opened it.
func TestAnnotateEncryptedXLS(t *testing.T) {
	dir := t.TempDir()
	data, err := os.ReadFile(filepath.Join("..", "source", "testdata", "encrypted", "mix.rc4.xls"))
	if err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(dir, "locked.xls")
	if err := os.WriteFile(in, data, 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "marked")
	if _, code, stderr := scanJSON(t, dir, "-password", "laborcheck", "-annotate", out, in); code != ExitIncomplete {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	copyPath := filepath.Join(out, "locked.xls.annotated.xlsx")
	if _, err := excelize.OpenFile(copyPath); err == nil {
		t.Error("the copy opens without the password")
	}
	c, err := excelize.OpenFile(copyPath, excelize.Options{Password: "laborcheck"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if v, _ := c.GetCellValue("Data", "B2"); v != "Worker 0 名前" {
		t.Errorf("B2 = %q", v)
	}
}
