package source

import (
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestXLSX_Dates(t *testing.T) {
	for _, date1904 := range []bool{false, true} {
		name := "1900"
		if date1904 {
			name = "1904"
		}
		t.Run(name, func(t *testing.T) {
			b := newBook(t)
			if date1904 {
				v := true
				if err := b.f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &v}); err != nil {
					t.Fatal(err)
				}
			}
			s := b.sheet("Roster")
			b.row(s, 1, "Name", "Employee ID", "DOB", "Start Date", "Date Signed")
			// excelize writes time.Time values as serials in the workbook's date system.
			b.row(s, 2, "Ana", "E1", date(1990, 4, 23), date(2024, 1, 15), "15/01/2024")
			b.row(s, 3, "Bo", "E2", date(1991, 12, 1), date(2023, 7, 3), "03/02/2024")
			b.style(s, "C2", "C3", &excelize.Style{NumFmt: 14}) // built-in m/d/yy
			custom := "dd/mm/yyyy"
			b.style(s, "D2", "D3", &excelize.Style{CustomNumFmt: &custom}) // custom date format
			g := read(t, b.save("dates.xlsx"), defaultOptions())
			sh := onlySheet(t, g.in)
			if len(g.contracts) != 2 {
				t.Fatalf("%d contracts, want 2; sheet %+v", len(g.contracts), sh)
			}
			checks := []struct {
				field string
				row   int
				raw   string
				want  time.Time
			}{
				{"date_of_birth", 0, "1990-04-23", date(1990, 4, 23)},
				{"date_of_birth", 1, "1991-12-01", date(1991, 12, 1)},
				{"start_date", 0, "2024-01-15", date(2024, 1, 15)},
				{"start_date", 1, "2023-07-03", date(2023, 7, 3)},
				{"contract_signed_date", 0, "15/01/2024", date(2024, 1, 15)},
				{"contract_signed_date", 1, "03/02/2024", date(2024, 2, 3)}, // day-first: the column has a day over 12
			}
			for _, c := range checks {
				v := g.field(t, c.row, c.field)
				if v.Raw != c.raw || !v.Present || !v.Time.Equal(c.want) {
					t.Errorf("%s row %d = %q present %v %v, want %q %v", c.field, c.row, v.Raw, v.Present, v.Time, c.raw, c.want)
				}
			}
			if got := sh.Columns[2].Hints.Date1904; got != date1904 {
				t.Errorf("Hints.Date1904 = %v, want %v", got, date1904)
			}
			if date1904 != slices.Contains(g.in.Notes, "the workbook uses the 1904 date system") {
				t.Errorf("Notes = %q", g.in.Notes)
			}
			if len(g.issues) > 0 {
				t.Errorf("issues = %+v", g.issues)
			}
		})
	}
}

func TestXLSX_NumbersAndTypes(t *testing.T) {
	b := newBook(t)
	s := b.sheet("Roster")
	b.row(s, 1, "Name", "Employee ID", "Weekly Hours", "Basic Salary", "Recruitment Fee (USD)", "Voluntary OT", "Age", "OT Hours")
	b.row(s, 2, "Ana", 1001, 48.125, 1200.5, 300, true, 34, 12.5/24)
	b.row(s, 3, "Bo", "E2", 0.1+0.2, 999, 0, false, "n/a", nil)
	b.style(s, "H2", "H2", &excelize.Style{NumFmt: 46}) // [h]:mm:ss
	euro := "[$€-407]#,##0.00"
	b.style(s, "D2", "E3", &excelize.Style{CustomNumFmt: &euro})
	g := read(t, b.save("numbers.xlsx"), defaultOptions())
	onlySheet(t, g.in)
	if v := g.field(t, 0, "weekly_hours_total"); !v.Present || v.Num != 48.125 || v.Raw != "48.125" {
		t.Errorf("weekly_hours_total = %+v, want the stored 48.125", v)
	}
	if v := g.field(t, 1, "weekly_hours_total"); v.Raw != "0.3" {
		t.Errorf("weekly_hours_total raw = %q, want 0.3 as a spreadsheet shows it", v.Raw)
	}
	if v := g.field(t, 0, "worker_id"); v.Str != "1001" {
		t.Errorf("worker_id = %+v", v)
	}
	if v := g.field(t, 0, "base_wage_monthly"); !v.Present || v.Num != 1200.5 || v.Currency != "EUR" {
		t.Errorf("base_wage_monthly = %+v, want 1200.5 EUR from the cell's format", v)
	}
	if v := g.field(t, 0, "recruitment_fee_paid_by_worker"); v.Currency != "USD" {
		t.Errorf("recruitment_fee_paid_by_worker = %+v, want the header's USD over the format's EUR", v)
	}
	if v := g.field(t, 0, "overtime_voluntary"); !v.Present || !v.Bool || v.Raw != "TRUE" {
		t.Errorf("overtime_voluntary = %+v", v)
	}
	if v := g.field(t, 1, "overtime_voluntary"); !v.Present || v.Bool {
		t.Errorf("overtime_voluntary = %+v", v)
	}
	if v := g.field(t, 0, "overtime_hours_per_week"); !v.Present || v.Num != 12.5 || v.Raw != "12:30" {
		t.Errorf("overtime_hours_per_week = %+v, want 12.5 hours shown as 12:30", v)
	}
	if v := g.field(t, 1, "age"); v.Present {
		t.Errorf("age n/a = %+v, want absent", v)
	}
	if len(g.issues) > 0 {
		t.Errorf("issues = %+v", g.issues)
	}
}

func TestXLSX_SheetsAndRows(t *testing.T) {
	b := newBook(t)
	info := b.sheet("Instructions")
	b.row(info, 1, "Fill in one row per worker.")
	b.row(info, 2, "Name: full name as in the passport")
	data := b.sheet("Workers")
	if err := b.f.MergeCell(data, "A1", "E1"); err != nil {
		t.Fatal(err)
	}
	b.row(data, 1, "ACME Ltd — worker roster (confidential)")
	b.row(data, 3, "Name", "Employee ID", "Passport No", "Passport Held By", "Basic Salary")
	b.row(data, 4, "Ana", "E1", "P1", "employer", 1200)
	b.row(data, 5, "Bo", "E2", "P2", "worker", 1300)
	b.row(data, 7, "Cy", "E3", "P3", "agent", 900)
	b.row(data, 8, "Total", nil, nil, nil, 3400)
	if err := b.f.SetRowVisible(data, 5, false); err != nil {
		t.Fatal(err)
	}
	if err := b.f.SetColVisible(data, "D", false); err != nil {
		t.Fatal(err)
	}
	if err := b.f.SetCellFormula(data, "F4", "E4*12"); err != nil { // no cached value
		t.Fatal(err)
	}
	hidden := b.sheet("Old")
	b.row(hidden, 1, "Name", "Employee ID")
	b.row(hidden, 2, "Eve", "E9")
	if err := b.f.SetSheetVisible(hidden, false); err != nil {
		t.Fatal(err)
	}
	chart := b.sheet("Empty")
	_ = chart
	path := b.save("sheets.xlsx")

	g := read(t, path, defaultOptions())
	if g.in.Err != nil || len(g.in.Sheets) != 4 {
		t.Fatalf("Err %v, %d sheets", g.in.Err, len(g.in.Sheets))
	}
	byName := map[string]*Sheet{}
	for _, s := range g.in.Sheets {
		byName[s.Name] = s
	}
	if s := byName["Instructions"]; !strings.HasPrefix(s.Skipped, "no header row") || s.Rows != 0 {
		t.Errorf("Instructions: %+v", s)
	}
	if s := byName["Empty"]; s.Skipped != "no data: every cell is blank" {
		t.Errorf("Empty: %+v", s)
	}
	w := byName["Workers"]
	if w.HeaderRow != 3 || w.Rows != 3 || w.Hidden {
		t.Errorf("Workers: header %d rows %d hidden %v", w.HeaderRow, w.Rows, w.Hidden)
	}
	for _, want := range []string{
		"column D (passport_held_by) is hidden in the sheet",
		"1 hidden row (read as contracts)",
		"1 totals row skipped (row 8)",
		"1 formula cell has no saved value: its value is unknown (the program that wrote the file did not calculate them; open and save it in Excel or LibreOffice to fill them in)",
	} {
		if !slices.Contains(w.Notes, want) {
			t.Errorf("Workers notes = %q, want %q", w.Notes, want)
		}
	}
	if old := byName["Old"]; !old.Hidden || old.Rows != 1 {
		t.Errorf("Old: %+v", old)
	}
	if want := []int{4, 5, 7, 2}; !slices.Equal(g.rows(), want) {
		t.Errorf("rows = %v, want %v", g.rows(), want)
	}
	for _, c := range g.contracts[:3] {
		if c.Sheet != "Workers" || c.File != path {
			t.Errorf("contract at %s: File %q Sheet %q", c.Location(), c.File, c.Sheet)
		}
	}
	if len(w.Columns) != 5 || w.Columns[4].Letter != "E" || w.Columns[3].Header != "Passport Held By" {
		t.Errorf("columns = %+v", w.Columns)
	}

	// -sheet reads one sheet, matching its name exactly or else ignoring case.
	opts := defaultOptions()
	opts.Sheet = "old"
	g = read(t, path, opts)
	if s := onlySheet(t, g.in); s.Name != "Old" || s.Rows != 1 {
		t.Errorf("Sheet %q: %+v", opts.Sheet, s)
	}
	opts.Sheet = "Payroll"
	g = read(t, path, opts)
	var fe *FileError
	if !errors.As(g.in.Err, &fe) || !errors.Is(fe, ErrNotFound) || !strings.Contains(fe.Hint, `"Workers"`) {
		t.Errorf("missing sheet: Err = %#v", g.in.Err)
	}
}

func TestXLSX_DataIssueColumnLetter(t *testing.T) {
	b := newBook(t)
	s := b.sheet("R")
	b.row(s, 1, nil, "Name", "Employee ID", "DOB")
	b.row(s, 2, nil, "Ana", "E1", "soon")
	g := read(t, b.save("r.xlsx"), defaultOptions())
	if len(g.issues) != 1 {
		t.Fatalf("issues = %+v", g.issues)
	}
	if is := g.issues[0]; is.Column != "D" || is.Sheet != "R" || is.Row != 2 || is.Field != "date_of_birth" || is.Value != "soon" {
		t.Errorf("issue = %+v", is)
	}
}

func TestXLSX_Encrypted(t *testing.T) {
	b := newBook(t)
	s := b.sheet("R")
	b.row(s, 1, "Name", "Employee ID")
	b.row(s, 2, "Ana", "E1")
	path := b.save("plain.xlsx")
	enc := path + ".enc.xlsx"
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.SaveAs(enc, excelize.Options{Password: "s3cret"}); err != nil {
		t.Fatal(err)
	}
	f.Close()

	g := read(t, enc, defaultOptions())
	var fe *FileError
	if !errors.As(g.in.Err, &fe) || !errors.Is(fe, ErrEncrypted) || !strings.Contains(fe.Hint, "-password") {
		t.Errorf("no password: Err = %#v", g.in.Err)
	}
	opts := defaultOptions()
	opts.Password = "wrong"
	g = read(t, enc, opts)
	if !errors.As(g.in.Err, &fe) || !errors.Is(fe, ErrEncrypted) || fe.Reason != "the password does not open this workbook" {
		t.Errorf("wrong password: Err = %#v", g.in.Err)
	}
	opts.Password = "s3cret"
	g = read(t, enc, opts)
	if g.in.Err != nil || len(g.contracts) != 1 || g.in.Format != FormatXLSX {
		t.Errorf("right password: Err %v, %d contracts, format %q", g.in.Err, len(g.contracts), g.in.Format)
	}
}

func TestXLSX_Truncated(t *testing.T) {
	b := newBook(t)
	s := b.sheet("R")
	b.row(s, 1, "Name", "Employee ID")
	data, err := os.ReadFile(b.save("r.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	g := readData(t, "cut.xlsx", data[:len(data)/2], defaultOptions())
	var fe *FileError
	if !errors.As(g.in.Err, &fe) || !errors.Is(fe, ErrCorrupt) || !strings.Contains(fe.Reason, "cut short") {
		t.Errorf("Err = %#v, want ErrCorrupt about a cut-short file", g.in.Err)
	}
}

func TestClassifyFormat(t *testing.T) {
	for code, want := range map[string]fmtKind{
		"General": fmtNumber, "0.00": fmtNumber, "#,##0": fmtNumber, "0%": fmtNumber, "@": fmtNumber,
		`#,##0 "days"`: fmtNumber, `0.0\d`: fmtNumber, "[Red]-#,##0": fmtNumber, "0.00E+00": fmtNumber,
		"dd/mm/yyyy": fmtDate, "m/d/yy h:mm": fmtDate, "[$-409]mmmm d, yyyy;@": fmtDate, "mmm-yy": fmtDate,
		"yyyy\\-mm\\-dd": fmtDate, "d-mmm": fmtDate,
		"h:mm AM/PM": fmtTime, "mm:ss": fmtTime, "hh:mm": fmtTime, "[h]:mm:ss": fmtElapsed, "[hh]:mm": fmtElapsed,
	} {
		if got := classifyFormat(code); got != want {
			t.Errorf("classifyFormat(%q) = %v, want %v", code, got, want)
		}
	}
}

func TestFormatCurrency(t *testing.T) {
	for code, want := range map[string]string{
		"[$€-407]#,##0.00": "EUR", "[$NPR] #,##0": "NPR", "[$$-409]#,##0.00": "USD", "[$$-1009]#,##0": "",
		"$#,##0.00": "", `"RM"#,##0`: "MYR", "#,##0 €": "EUR", "0.00": "", "#,##0.00 [$USD]": "USD",
	} {
		if got := formatCurrency(code); got != want {
			t.Errorf("formatCurrency(%q) = %q, want %q", code, got, want)
		}
	}
}

func TestXLSX_RawParts(t *testing.T) {
	sheet := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<x:cols><x:col min="2" max="2" hidden="1"/></x:cols>
<x:sheetData>
<x:row r="2"><x:c r="A2" t="inlineStr"><x:is><x:t>Name</x:t></x:is></x:c><x:c r="B2" t="s"><x:v>0</x:v></x:c><x:c r="C2" t="inlineStr"><x:is><x:r><x:t>Basic </x:t></x:r><x:r><x:t>Salary</x:t></x:r></x:is></x:c><x:c r="D2" t="s"><x:v>1</x:v></x:c></x:row>
<x:row><x:c t="inlineStr"><x:is><x:t>Ana_x000D_Li</x:t></x:is></x:c><x:c t="str"><x:f>"E"&amp;1</x:f><x:v>E1</x:v></x:c><x:c s=""><x:v>1200</x:v></x:c><x:c t="d"><x:v>1990-04-23T00:00:00Z</x:v></x:c></x:row>
<x:row r="4"><x:c r="A4" t="s"><x:v>2</x:v></x:c><x:c r="B4"><x:f>1+1</x:f></x:c><x:c r="C4" t="e"><x:v>#N/A</x:v></x:c><x:c r="D4" t="s"><x:v>99</x:v></x:c></x:row>
<x:row r="1048575"><x:c r="A1048575" t="inlineStr"><x:is><x:t>Far</x:t></x:is></x:c><x:c r="B1048575" t="inlineStr"><x:is><x:t>E9</x:t></x:is></x:c></x:row>
<x:row r="1048576" ht="30" customHeight="1"/>
</x:sheetData>
<x:mergeCells count="1"><x:mergeCell ref="A1:D1"/></x:mergeCells>
</x:worksheet>`
	sst := `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>Employee ID</t></si><si><t>DOB</t><rPh><t>ignored</t></rPh></si><si><r><t>B</t></r><r><t>o</t></r></si></sst>`
	path := writeFile(t, "raw.xlsx", rawXLSX(t, map[string]string{
		"xl/worksheets/sheet1.xml": sheet,
		"xl/sharedStrings.xml":     sst,
	}))
	g := read(t, path, defaultOptions())
	sh := onlySheet(t, g.in)
	if sh.HeaderRow != 2 || !slices.Equal(g.rows(), []int{3, 4, 1048575}) {
		t.Fatalf("header %d rows %v; sheet %+v", sh.HeaderRow, g.rows(), sh)
	}
	if v := g.field(t, 0, "worker_name"); v.Raw != "Ana\rLi" {
		t.Errorf("worker_name raw = %q, want the escaped CR decoded", v.Raw)
	}
	if v := g.field(t, 0, "worker_id"); v.Str != "E1" {
		t.Errorf("worker_id = %+v, want the formula's cached string", v)
	}
	if v := g.field(t, 0, "base_wage_monthly"); v.Num != 1200 {
		t.Errorf("base_wage_monthly = %+v", v)
	}
	if v := g.field(t, 0, "date_of_birth"); !v.Time.Equal(date(1990, 4, 23)) {
		t.Errorf("date_of_birth = %+v", v)
	}
	if v := g.field(t, 1, "worker_name"); v.Str != "Bo" {
		t.Errorf("worker_name = %+v, want rich text joined", v)
	}
	for _, want := range []string{
		"column B (worker_id) is hidden in the sheet",
		"1 formula cell has no saved value: its value is unknown (the program that wrote the file did not calculate them; open and save it in Excel or LibreOffice to fill them in)",
		"1 cell points to a shared string the workbook does not have: its value is unknown",
	} {
		if !slices.Contains(sh.Notes, want) {
			t.Errorf("Notes = %q, want %q", sh.Notes, want)
		}
	}
}

// rawXLSX builds a minimal xlsx package around the given parts; a part
// given replaces the default one of that name.
func rawXLSX(t testing.TB, parts map[string]string) []byte {
	t.Helper()
	all := map[string]string{
		"[Content_Types].xml":        `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>`,
		"_rels/.rels":                `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
		"xl/workbook.xml":            `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>`,
		"xl/worksheets/sheet1.xml":   `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData/></worksheet>`,
	}
	for k, v := range parts {
		all[k] = v
	}
	return zipOf(t, all)
}
