package xlsx

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// corpusDir is the shared corpus of real-world workbooks, next to the
// project checkout.
const corpusDir = "../../../shared/corpus"

// grid reads a whole sheet with this package into the shape excelize's
// GetRows returns: rows and cells by position, trailing blanks trimmed.
func grid(w *Workbook, sheet string) ([][]string, [][]Cell, error) {
	var rows [][]string
	var meta [][]Cell // Kind and Style of each position
	err := w.Rows(context.Background(), sheet, func(row int, cells []Cell) error {
		for len(rows) < row {
			rows = append(rows, nil)
			meta = append(meta, nil)
		}
		r, m := rows[row-1], meta[row-1]
		for _, c := range cells {
			for len(r) <= c.Col {
				r = append(r, "")
				m = append(m, Cell{})
			}
			r[c.Col] = string(c.Value)
			m[c.Col] = Cell{Col: c.Col, Kind: c.Kind, Style: c.Style}
		}
		rows[row-1], meta[row-1] = r, m
		return nil
	})
	return trimGrid(rows), meta, err
}

func kindAt(meta [][]Cell, r, c int) Cell {
	if r < len(meta) && c < len(meta[r]) {
		return meta[r][c]
	}
	return Cell{}
}

func trimGrid(rows [][]string) [][]string {
	for i, r := range rows {
		n := len(r)
		for n > 0 && r[n-1] == "" {
			n--
		}
		rows[i] = r[:n]
	}
	n := len(rows)
	for n > 0 && len(rows[n-1]) == 0 {
		n--
	}
	return rows[:n]
}

// diffClass explains why a cell may legitimately differ from excelize's raw
// value; "" means it should not differ.
func diffClass(ours, theirs string, kind CellKind, date1904 bool, sheetXML []byte) string {
	if theirs == "" && bytes.Contains(sheetXML, []byte(` s=""`)) {
		// excelize fails to parse an empty style attribute and drops the
		// whole cell (its error is ignored by Rows); this package treats
		// s="" as style 0 and keeps the value.
		return `excelize drops cells with an empty style attribute (s="")`
	}
	if kind == ISODate {
		// t="d" cells: excelize's raw value is the ISO 8601 text; this
		// package converts it to a serial number.
		if s, ok := isoToSerial([]byte(theirs), date1904); ok && strconv.FormatFloat(s, 'f', -1, 64) == ours {
			return "ISO 8601 date cell (t=\"d\") reported as a serial number"
		}
	}
	return ""
}

type diffStats struct {
	files, sheets, cells, rows int
	classes                    map[string][]string
	unexplained                []string
	unsupported                []string
	excelizeFails              []string
	dateCells                  map[CellKind]int
	dateDisagree               []string
}

// looksLikeDate is a rough test for excelize's formatted dates and times.
func looksLikeDate(s string) bool {
	if _, err := strconv.ParseFloat(strings.TrimSpace(s), 64); err == nil {
		return false
	}
	return strings.ContainsAny(s, "/:") || (strings.Count(s, "-") == 2 && !strings.ContainsAny(s, " $€"))
}

func compareFile(t *testing.T, path string, st *diffStats) {
	name := filepath.Base(path)
	w, err := Open(path, Limits{})
	if err != nil {
		if errors.Is(err, ErrUnsupported) {
			st.unsupported = append(st.unsupported, fmt.Sprintf("%s: %v", name, err))
			return
		}
		// Excelize must not read it either.
		if f, xerr := excelize.OpenFile(path); xerr == nil {
			defer f.Close()
			if _, gerr := f.GetRows(f.GetSheetName(0)); gerr == nil && f.SheetCount > 0 {
				st.unexplained = append(st.unexplained, fmt.Sprintf("%s: Open: %v (excelize reads it)", name, err))
			}
		}
		st.excelizeFails = append(st.excelizeFails, fmt.Sprintf("%s: both fail; ours: %v", name, err))
		return
	}
	defer w.Close()
	f, err := excelize.OpenFile(path)
	if err != nil {
		st.excelizeFails = append(st.excelizeFails, fmt.Sprintf("%s: excelize cannot open: %v", name, err))
		return
	}
	defer f.Close()
	st.files++
	var ourNames []string
	for _, s := range w.Sheets() {
		ourNames = append(ourNames, s.Name)
	}
	theirNames := f.GetSheetList()
	if strings.Join(ourNames, "\x00") != strings.Join(theirNames, "\x00") {
		st.classes["sheet list"] = append(st.classes["sheet list"], fmt.Sprintf("%s: ours %q, excelize %q", name, ourNames, theirNames))
	}
	if wb := f.WorkBook; wb != nil && wb.WorkbookPr != nil && wb.WorkbookPr.Date1904 != w.Date1904 {
		st.unexplained = append(st.unexplained, fmt.Sprintf("%s: Date1904 ours %v, excelize %v", name, w.Date1904, wb.WorkbookPr.Date1904))
	}
	for _, si := range w.Sheets() {
		if si.Missing || si.Part == "" {
			continue
		}
		sheet := si.Name
		sheetXML, _ := readZipFile(w.part(si.Part))
		theirs, xerr := f.GetRows(sheet, excelize.Options{RawCellValue: true})
		ours, kinds, err := grid(w, sheet)
		if xerr != nil {
			st.excelizeFails = append(st.excelizeFails, fmt.Sprintf("%s [%s]: excelize: %v; ours: %v", name, sheet, xerr, err))
			continue
		}
		if err != nil {
			st.unexplained = append(st.unexplained, fmt.Sprintf("%s [%s]: Rows: %v", name, sheet, err))
			continue
		}
		theirs = trimGrid(theirs)
		formatted, _ := f.GetRows(sheet)
		st.sheets++
		n := max(len(ours), len(theirs))
		for r := 0; r < n; r++ {
			var or, tr []string
			if r < len(ours) {
				or = ours[r]
			}
			if r < len(theirs) {
				tr = theirs[r]
			}
			if len(or) > 0 || len(tr) > 0 {
				st.rows++
			}
			m := max(len(or), len(tr))
			for c := 0; c < m; c++ {
				var ov, tv string
				if c < len(or) {
					ov = or[c]
				}
				if c < len(tr) {
					tv = tr[c]
				}
				if ov == "" && tv == "" {
					continue
				}
				cm := kindAt(kinds, r, c)
				kind := cm.Kind
				if kind == Date || kind == Number {
					// Date detection: excelize formats a date cell into
					// something other than the stored serial number.
					fv := ""
					if r < len(formatted) && c < len(formatted[r]) {
						fv = formatted[r][c]
					}
					st.dateCells[kind]++
					where := fmt.Sprintf("%s [%s] %s%d: %s %q, excelize shows %q", name, sheet, ColumnLetter(c), r+1, kind, ov, fv)
					id, code := w.NumberFormat(cm.Style)
					switch {
					case kind == Date && fv == tv && ov == tv && w.part("xl/styles.xml") == nil:
						// excelize reads styles only from xl/styles.xml, so
						// it formats nothing in a package that keeps them
						// elsewhere (found through the relationships).
						st.classes["date style in a styles part excelize does not find"] = append(st.classes["date style in a styles part excelize does not find"], where)
					case kind == Date && fv == tv && ov == tv && code == "" && (27 <= id && id <= 36 || 50 <= id && id <= 58 || 71 <= id && id <= 81):
						// excelize (in its default en-US culture) leaves
						// the East Asian and Thai built-in date formats
						// unformatted; spreadsheet programs show dates.
						st.classes["East Asian/Thai built-in date format id"] = append(st.classes["East Asian/Thai built-in date format id"], where)
					case kind == Date && fv == tv && ov == tv, kind == Number && fv != tv && looksLikeDate(fv):
						st.dateDisagree = append(st.dateDisagree, where)
					}
				}
				st.cells++
				if ov == tv {
					continue
				}
				where := fmt.Sprintf("%s [%s] %s%d: ours %s %q, excelize %q", name, sheet, ColumnLetter(c), r+1, kind, ov, tv)
				if cl := diffClass(ov, tv, kind, w.Date1904, sheetXML); cl != "" {
					st.classes[cl] = append(st.classes[cl], where)
				} else {
					st.unexplained = append(st.unexplained, where)
				}
			}
		}
	}
}

func TestDifferentialCorpus(t *testing.T) {
	entries, err := os.ReadDir(corpusDir)
	if err != nil {
		t.Skipf("corpus not available at %s: %v", corpusDir, err)
	}
	st := &diffStats{classes: map[string][]string{}, dateCells: map[CellKind]int{}}
	for _, e := range entries {
		ext := strings.ToLower(filepath.Ext(e.Name()))
		if ext != ".xlsx" && ext != ".xlsm" {
			continue
		}
		compareFile(t, filepath.Join(corpusDir, e.Name()), st)
	}
	t.Logf("compared %d files, %d sheets, %d non-empty rows, %d non-empty cells", st.files, st.sheets, st.rows, st.cells)
	keys := make([]string, 0, len(st.classes))
	for k := range st.classes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		t.Logf("explained difference %q: %d", k, len(st.classes[k]))
		for i, d := range st.classes[k] {
			if i < 5 {
				t.Logf("    %s", d)
			}
		}
	}
	t.Logf("numeric cells: %d Date, %d Number", st.dateCells[Date], st.dateCells[Number])
	for _, d := range st.dateDisagree {
		t.Errorf("date detection disagrees with excelize's formatting: %s", d)
	}
	for _, u := range st.unsupported {
		t.Logf("ErrUnsupported: %s", u)
	}
	for _, u := range st.excelizeFails {
		t.Logf("excelize cannot read: %s", u)
	}
	for i, u := range st.unexplained {
		if i < 50 {
			t.Errorf("unexplained: %s", u)
		}
	}
	if len(st.unexplained) > 50 {
		t.Errorf("... %d unexplained differences in all", len(st.unexplained))
	}
}

// TestDifferentialGeneratedRoster writes a roster with excelize (shared
// strings, rich text, dates, numbers, booleans, formulas without cached
// values, and a second sheet of inline strings from its StreamWriter) and
// requires identical cell text and the expected kinds.
func TestDifferentialGeneratedRoster(t *testing.T) {
	const rows = 3000
	f := excelize.NewFile()
	defer f.Close()
	dateStyle, err := f.NewStyle(&excelize.Style{NumFmt: 14})
	if err != nil {
		t.Fatal(err)
	}
	custom := "dd/mm/yyyy hh:mm"
	customStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &custom})
	if err != nil {
		t.Fatal(err)
	}
	moneyStyle, err := f.NewStyle(&excelize.Style{NumFmt: 4})
	if err != nil {
		t.Fatal(err)
	}
	header := []any{"ID", "Name", "Nationality", "Start", "Contract end", "Salary", "Fee", "Passport held", "Note", "Active", "Formula", "Shift"}
	if err := f.SetSheetRow("Sheet1", "A1", &header); err != nil {
		t.Fatal(err)
	}
	nations := []string{"Nepal", "Bangladesh", "Philippines", "Indonesia", "Viet Nam", "Ethiopia"}
	base := time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC)
	for r := 2; r <= rows+1; r++ {
		i := r - 2
		vals := []any{
			i + 1000,
			fmt.Sprintf("Worker %d & \"co\" <%c>", i, 'A'+i%26),
			nations[i%len(nations)],
			base.AddDate(0, 0, i%900),
			base.Add(time.Duration(i) * 37 * time.Minute),
			1234.5 + float64(i)*0.25,
			float64(i%7) * 1e-3,
			[]string{"employer", "worker", "agent"}[i%3],
			strings.Repeat("x", i%5) + "\nline two\t" + "_x000D_",
			i%2 == 0,
		}
		cell, _ := excelize.CoordinatesToCellName(1, r)
		if err := f.SetSheetRow("Sheet1", cell, &vals); err != nil {
			t.Fatal(err)
		}
		d, _ := excelize.CoordinatesToCellName(4, r)
		f.SetCellStyle("Sheet1", d, d, dateStyle)
		e, _ := excelize.CoordinatesToCellName(5, r)
		f.SetCellStyle("Sheet1", e, e, customStyle)
		s, _ := excelize.CoordinatesToCellName(6, r)
		f.SetCellStyle("Sheet1", s, s, moneyStyle)
		k, _ := excelize.CoordinatesToCellName(11, r)
		f.SetCellFormula("Sheet1", k, fmt.Sprintf("F%d*2", r))
		if i%10 == 0 {
			l, _ := excelize.CoordinatesToCellName(12, r)
			f.SetCellRichText("Sheet1", l, []excelize.RichTextRun{{Text: "night "}, {Text: "shift", Font: &excelize.Font{Bold: true}}})
		}
	}
	if _, err := f.NewSheet("Inline"); err != nil {
		t.Fatal(err)
	}
	sw, err := f.NewStreamWriter("Inline")
	if err != nil {
		t.Fatal(err)
	}
	for r := 1; r <= 500; r++ {
		cell, _ := excelize.CoordinatesToCellName(1, r)
		if err := sw.SetRow(cell, []any{fmt.Sprintf("inline %d <&>", r), r * 3, nil, "  padded  ", 2.5e-8, r%3 == 0}); err != nil {
			t.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "roster.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}

	xf, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer xf.Close()
	w, err := Open(path, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	cells := 0
	for _, sheet := range []string{"Sheet1", "Inline"} {
		theirs, err := xf.GetRows(sheet, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		ours, kinds, err := grid(w, sheet)
		if err != nil {
			t.Fatal(err)
		}
		theirs = trimGrid(theirs)
		if len(ours) != len(theirs) {
			t.Fatalf("%s: %d rows, excelize %d", sheet, len(ours), len(theirs))
		}
		for r := range ours {
			if strings.Join(ours[r], "\x00") != strings.Join(theirs[r], "\x00") {
				t.Fatalf("%s row %d:\n ours %q\n xlsx %q", sheet, r+1, ours[r], theirs[r])
			}
			cells += len(ours[r])
		}
		if sheet == "Sheet1" {
			want := []CellKind{Number, String, String, Date, Date, Number, Number, String, String, Bool, Uncached}
			for r := 1; r < len(kinds); r++ {
				for c, k := range want {
					if kinds[r][c].Kind != k {
						t.Fatalf("row %d %s: kind %s, want %s", r+1, ColumnLetter(c), kinds[r][c].Kind, k)
					}
				}
			}
			if kinds[1][11].Kind != String || ours[1][11] != "night shift" {
				t.Errorf("rich text cell: %s %q", kinds[1][11].Kind, ours[1][11])
			}
		} else {
			want := []CellKind{String, Number, Blank, String, Number, Bool}
			for c, k := range want {
				if kindAt(kinds, 0, c).Kind != k {
					t.Errorf("Inline row 1 %s: kind %s, want %s", ColumnLetter(c), kindAt(kinds, 0, c).Kind, k)
				}
			}
		}
	}
	t.Logf("generated roster: %d cells identical to excelize", cells)
}

// TestCorpusEveryFile opens every file of the corpus (CSV, .xls, .ods, .xlsb
// and damaged files included): each must either read completely or fail
// with one of this package's classified errors.
func TestCorpusEveryFile(t *testing.T) {
	entries, err := os.ReadDir(corpusDir)
	if err != nil {
		t.Skipf("corpus not available at %s: %v", corpusDir, err)
	}
	counts := map[string]int{}
	for _, e := range entries {
		path := filepath.Join(corpusDir, e.Name())
		w, err := Open(path, Limits{})
		switch {
		case err == nil:
		case errors.Is(err, ErrUnsupported):
			counts["unsupported"]++
			t.Logf("%s: %v", e.Name(), err)
			continue
		case errors.Is(err, ErrFormat):
			counts["not a workbook"]++
			continue
		default:
			t.Errorf("%s: unclassified error: %v", e.Name(), err)
			continue
		}
		counts["read"]++
		for _, s := range w.Sheets() {
			if err := w.Rows(context.Background(), s.Name, func(int, []Cell) error { return nil }); err != nil {
				t.Errorf("%s [%s]: %v", e.Name(), s.Name, err)
			}
		}
		w.Close()
	}
	t.Logf("%d files: %v", len(entries), counts)
}

// TestDifferentialGeneratedCases compares hand-written sheets that exercise
// the reader's edges with excelize, cell by cell: references missing or
// out of order, namespace prefixes, rich and phonetic text, escapes, CDATA,
// entities, booleans, errors, formulas, hidden rows, merged cells, ISO
// dates and over-long text. Every cell must hold the same text, but for
// the differences this package makes on purpose: an ISO date cell is a
// serial number, and text longer than MaxCellText is cut to it.
func TestDifferentialGeneratedCases(t *testing.T) {
	long := strings.Repeat("ab ", MaxCellText) // 98,301 characters
	sst := []string{
		`<si><t>plain</t></si>`,
		`<si><r><rPr><b/></rPr><t>rich </t></r><r><t xml:space="preserve"> text </t></r><rPh sb="0" eb="1"><t>ph</t></rPh></si>`,
		`<si><t>line_x000D_break &amp; &lt;tag&gt; &#233;</t></si>`,
		`<si><t>` + long + `</t></si>`,
		`<si><t/></si>`,
	}
	cases := map[string]string{
		"references": `<row><c><v>1</v></c><c r="C1"><v>3</v></c><c><v>4</v></c></row>` +
			`<row r="4"><c r="B4" t="s"><v>0</v></c><c r="D4" t="s"><v>1</v></c></row>` +
			`<row><c r="$D$5"><v>5</v></c></row>`,
		"strings": `<row r="1"><c r="A1" t="s"><v>2</v></c><c r="B1" t="inlineStr"><is><t><![CDATA[<cdata> & x]]></t></is></c>` +
			`<c r="C1" t="inlineStr"><is><r><t>in</t></r><r><t>line</t></r></is></c><c r="D1" t="str"><f>A1</f><v>formula text</v></c>` +
			`<c r="E1" t="s"><v>4</v></c><c r="F1" t="inlineStr"><is><t xml:space="preserve">  spaced  </t></is></c></row>`,
		"values": `<row r="2" hidden="1"><c r="A2" t="b"><v>1</v></c><c r="B2" t="e"><v>#N/A</v></c><c r="C2"><f>1/3</f><v>0.33333333333333331</v></c>` +
			`<c r="D2"><v>1E-3</v></c><c r="E2"><v>-0</v></c><c r="F2"><v>123456789012345678</v></c><c r="G2" s="1"><v>45000.25</v></c></row>`,
		"prefixes":  `<x:row r="1" xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:c r="A1" t="inlineStr"><x:is><x:t>prefixed</x:t></x:is></x:c><x:c r="B1"><x:v>7</x:v></x:c></x:row>`,
		"long text": `<row r="1"><c r="A1" t="s"><v>3</v></c><c r="B1" t="inlineStr"><is><t>` + long + `</t></is></c><c r="C1" t="str"><v>` + long + `</v></c></row>`,
		"iso dates": `<row r="1"><c r="A1" t="d"><v>2024-02-29</v></c><c r="B1" t="d"><v>2024-02-29T12:00:00</v></c></row>`,
		"merged":    `<row r="1"><c r="A1" t="inlineStr"><is><t>banner</t></is></c><c r="B1"/></row><row r="2"><c r="A2"><v>2</v></c></row>`,
	}
	for name, rows := range cases {
		t.Run(name, func(t *testing.T) {
			p := newPkg(rows).withSST(sst...).withStyles("", 0, 14)
			if name == "merged" {
				p["xl/worksheets/sheet1.xml"] = strings.Replace(p["xl/worksheets/sheet1.xml"], "</sheetData>", `</sheetData><mergeCells count="1"><mergeCell ref="A1:C1"/></mergeCells>`, 1)
			}
			path := p.write(t)
			w, err := Open(path, Limits{})
			if err != nil {
				t.Fatal(err)
			}
			defer w.Close()
			f, err := excelize.OpenFile(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			theirs, err := f.GetRows("Sheet1", excelize.Options{RawCellValue: true})
			if err != nil {
				t.Fatal(err)
			}
			theirs = trimGrid(theirs)
			ours, meta, err := grid(w, "Sheet1")
			if err != nil {
				t.Fatal(err)
			}
			cells := 0
			for r := range max(len(ours), len(theirs)) {
				var or, tr []string
				if r < len(ours) {
					or = ours[r]
				}
				if r < len(theirs) {
					tr = theirs[r]
				}
				for c := range max(len(or), len(tr)) {
					ov, tv := "", ""
					if c < len(or) {
						ov = or[c]
					}
					if c < len(tr) {
						tv = tr[c]
					}
					cells++
					kind := kindAt(meta, r, c).Kind
					switch {
					case ov == tv:
					case kind == ISODate && diffClass(ov, tv, kind, w.Date1904, nil) != "":
					case utf8.RuneCountInString(ov) == MaxCellText && strings.HasPrefix(tv, ov):
					default:
						t.Errorf("%s%d: ours %s %q, excelize %q", ColumnLetter(c), r+1, kind, ov, tv)
					}
				}
			}
			if cells == 0 {
				t.Error("no cells compared")
			}
		})
	}
}
