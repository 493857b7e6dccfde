package source

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/laborcheck/laborcheck/internal/contract"
	"github.com/laborcheck/laborcheck/internal/rostergen"
)

// Every workbook is read by internal/xlsx, from a file on disk (Read) or
// from memory (readBytes, as for a decrypted workbook): both must read it
// alike, to the contract.

// readResult is everything one read produced, for comparison.
type readResult struct {
	in        *Input
	contracts []*contract.Contract
	issues    []contract.DataIssue
	err       error
}

func readBoth(t testing.TB, path string, opts Options) (file, mem readResult) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	collect := func(res *readResult) func(*contract.Contract, []contract.DataIssue) error {
		return func(c *contract.Contract, is []contract.DataIssue) error {
			res.contracts = append(res.contracts, c)
			res.issues = append(res.issues, is...)
			return nil
		}
	}
	file.in, file.err = Read(context.Background(), path, opts, collect(&file))
	mem.in, mem.err = readBytes(context.Background(), path, data, opts, collect(&mem))
	return file, mem
}

// diffResults describes how two reads differ, "" when they agree.
func diffResults(fast, slow readResult) string {
	var d []string
	add := func(format string, args ...any) {
		if len(d) < 12 {
			d = append(d, fmt.Sprintf(format, args...))
		}
	}
	if fmt.Sprint(fast.err) != fmt.Sprint(slow.err) {
		add("error: file %v, memory %v", fast.err, slow.err)
	}
	a, b := fast.in, slow.in
	if a.Format != b.Format || fmt.Sprint(a.Err) != fmt.Sprint(b.Err) || !reflect.DeepEqual(a.Notes, b.Notes) || a.SHA256 != b.SHA256 {
		add("input: file %q %v %q, memory %q %v %q", a.Format, a.Err, a.Notes, b.Format, b.Err, b.Notes)
	}
	if len(a.Sheets) != len(b.Sheets) {
		add("sheets: file %d, memory %d", len(a.Sheets), len(b.Sheets))
	}
	for i := range min(len(a.Sheets), len(b.Sheets)) {
		x, y := a.Sheets[i], b.Sheets[i]
		if x.Name != y.Name || x.HeaderRow != y.HeaderRow || x.Rows != y.Rows || x.Hidden != y.Hidden ||
			x.Skipped != y.Skipped || fmt.Sprint(x.Err) != fmt.Sprint(y.Err) || !reflect.DeepEqual(x.Notes, y.Notes) ||
			!reflect.DeepEqual(x.Columns, y.Columns) {
			add("sheet %q: fast {header %d rows %d skipped %q err %v notes %q}, slow {header %d rows %d skipped %q err %v notes %q}",
				x.Name, x.HeaderRow, x.Rows, x.Skipped, x.Err, x.Notes, y.HeaderRow, y.Rows, y.Skipped, y.Err, y.Notes)
		}
	}
	if len(fast.contracts) != len(slow.contracts) {
		add("contracts: file %d, memory %d", len(fast.contracts), len(slow.contracts))
	}
	for i := range min(len(fast.contracts), len(slow.contracts)) {
		x, y := fast.contracts[i], slow.contracts[i]
		if !reflect.DeepEqual(x, y) {
			add("contract %d (%s): file %+v, memory %+v", i, y.Location(), x, y)
		}
	}
	if !reflect.DeepEqual(fast.issues, slow.issues) {
		add("issues: file %d, memory %d", len(fast.issues), len(slow.issues))
	}
	return strings.Join(d, "\n")
}

// TestFileAndMemoryAgreeOnCorpus reads every workbook of the corpus both
// ways, with the default schema and with one its headers match.
func TestFileAndMemoryAgreeOnCorpus(t *testing.T) {
	files := corpusFiles(t)
	for _, schema := range []*contract.Schema{contract.DefaultSchema(), genericSchema(t)} {
		for _, path := range files {
			if sniffFile(t, path) != kindZip {
				continue
			}
			file, mem := readBoth(t, path, Options{Schema: schema, DateOrder: contract.DayFirst})
			if d := diffResults(file, mem); d != "" {
				t.Errorf("%s: reading the file and its bytes differ:\n%s", filepath.Base(path), d)
			}
		}
	}
}

// plainInt takes only what normalizeNumber writes back unchanged.
func TestPlainInt(t *testing.T) {
	for _, v := range []string{"0", "7", "-7", "48", "1500", "123456789012345", "-123456789012345", "1234567890123456",
		"007", "-0", "00", "1.5", "1e3", "+5", "", "-", " 5", "5 ", "0x10", "１２"} {
		n, ok := plainInt([]byte(v))
		text, f, isNum := normalizeNumber(v)
		if ok && (!isNum || text != v || f != float64(n)) {
			t.Errorf("plainInt(%q) = %d, but normalizeNumber gives %q, %v, %v", v, n, text, f, isNum)
		}
	}
}

// TestLateSurprises puts what only a full reader of sheet XML reads right
// (hidden rows and columns, formulas without saved values, ISO date cells,
// shared strings out of range, rich text, entities) deep into a sheet,
// after thousands of ordinary rows, and checks each is read as it should
// be: values, data issues and notes.
func TestLateSurprises(t *testing.T) {
	sst := `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>Employee ID</t></si><si><t>Name</t></si><si><t>Basic Salary</t></si><si><t>Date of Birth</t></si><si><t>Ana</t></si></sst>`
	const rows = 3000
	const late = rows - 10
	for _, tc := range []struct {
		name, late string
		check      func(t *testing.T, g readResult)
	}{
		{"plain", ``, nil},
		{"hidden row", `<row r="%d" hidden="1"><c r="A%[1]d"><v>9</v></c><c r="B%[1]d" t="s"><v>4</v></c></row>`, func(t *testing.T, g readResult) {
			wantNote(t, g, "1 hidden row (read as contracts)")
		}},
		{"shown row", `<row r="%d" hidden="false" ht="12.8"><c r="A%[1]d"><v>9</v></c></row>`, func(t *testing.T, g readResult) {
			noNote(t, g, "hidden")
		}},
		{"formula", `<row r="%d"><c r="A%[1]d"><v>9</v></c><c r="C%[1]d"><f>1+1</f></c></row>`, func(t *testing.T, g readResult) {
			wantIssue(t, g, late, "C", "a formula with no saved value")
			wantNote(t, g, "1 formula cell has no saved value: its value is unknown")
		}},
		{"formula+v", `<row r="%d"><c r="A%[1]d"><v>9</v></c><c r="C%[1]d"><f>1+1</f><v>2</v></c></row>`, func(t *testing.T, g readResult) {
			for _, is := range g.issues {
				if is.Row == late {
					t.Errorf("issue %v", is)
				}
			}
		}},
		{"iso date", `<row r="%d"><c r="A%[1]d"><v>9</v></c><c r="D%[1]d" t="d"><v>1990-04-23T00:00:00Z</v></c></row>`, func(t *testing.T, g readResult) {
			c := contractAt(t, g, late)
			if v := c.Values[contract.DefaultSchema().Field("date_of_birth").Index]; !v.Present || v.Time.Format("2006-01-02") != "1990-04-23" {
				t.Errorf("date of birth = %+v", v)
			}
		}},
		{"bad sst", `<row r="%d"><c r="A%[1]d"><v>9</v></c><c r="B%[1]d" t="s"><v>77</v></c></row>`, func(t *testing.T, g readResult) {
			wantIssue(t, g, late, "B", "shared string the workbook does not have")
			wantNote(t, g, "1 cell points to a shared string the workbook does not have: its value is unknown")
		}},
		{"inline rich", `<row r="%d"><c r="A%[1]d"><v>9</v></c><c r="B%[1]d" t="inlineStr"><is><r><t>A</t></r><r><t xml:space="preserve"> B</t></r></is></c></row>`, func(t *testing.T, g readResult) {
			if c := contractAt(t, g, late); c.Values[contract.DefaultSchema().Field("worker_name").Index].Raw != "A B" {
				t.Errorf("name = %+v", c.Values[contract.DefaultSchema().Field("worker_name").Index])
			}
		}},
		{"entity", `<row r="%d"><c r="A%[1]d"><v>9</v></c><c r="B%[1]d" t="inlineStr"><is><t>A &amp; B &#233; &#x41;</t></is></c></row>`, func(t *testing.T, g readResult) {
			if c := contractAt(t, g, late); c.Values[contract.DefaultSchema().Field("worker_name").Index].Raw != "A & B é A" {
				t.Errorf("name = %+v", c.Values[contract.DefaultSchema().Field("worker_name").Index])
			}
		}},
		{"hidden col", "", func(t *testing.T, g readResult) {
			wantNote(t, g, "is hidden in the sheet")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var sb strings.Builder
			sb.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n")
			sb.WriteString(`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`)
			if tc.name == "hidden col" {
				sb.WriteString(`<cols><col min="2" max="2" hidden="1"/></cols>`)
			}
			sb.WriteString(`<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c></row>`)
			for r := 2; r <= rows; r++ {
				if r == late && tc.late != "" {
					fmt.Fprintf(&sb, tc.late, r)
					continue
				}
				fmt.Fprintf(&sb, `<row r="%d"><c r="A%[1]d"><v>%d</v></c><c r="B%[1]d" t="s"><v>4</v></c><c r="C%[1]d"><v>1200.5</v></c><c r="D%[1]d" s="1"><v>%d</v></c></row>`, r, 1000+r, 30000+r)
			}
			sb.WriteString(`</sheetData></worksheet>`)
			styles := `<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs></styleSheet>`
			path := writeFile(t, strings.ReplaceAll(tc.name, " ", "_")+".xlsx", rawXLSX(t, map[string]string{
				"xl/worksheets/sheet1.xml": sb.String(),
				"xl/sharedStrings.xml":     sst,
				"xl/styles.xml":            styles,
			}))
			file, mem := readBoth(t, path, defaultOptions())
			if d := diffResults(file, mem); d != "" {
				t.Errorf("reading the file and its bytes differ:\n%s", d)
			}
			if len(file.contracts) != rows-1 {
				t.Errorf("%d contracts, want %d", len(file.contracts), rows-1)
			}
			if tc.check != nil {
				tc.check(t, file)
			}
		})
	}
}

func contractAt(t *testing.T, g readResult, row int) *contract.Contract {
	t.Helper()
	for _, c := range g.contracts {
		if c.Row == row {
			return c
		}
	}
	t.Fatalf("no contract at row %d", row)
	return nil
}

func wantIssue(t *testing.T, g readResult, row int, col, problem string) {
	t.Helper()
	for _, is := range g.issues {
		if is.Row == row && is.Column == col && strings.Contains(is.Problem, problem) {
			return
		}
	}
	t.Errorf("no issue %q at %s%d among %v", problem, col, row, g.issues)
}

func sheetNotes(g readResult) string {
	var notes []string
	for _, s := range g.in.Sheets {
		notes = append(notes, s.Notes...)
	}
	return strings.Join(notes, "\n")
}

func wantNote(t *testing.T, g readResult, note string) {
	t.Helper()
	if !strings.Contains(sheetNotes(g), note) {
		t.Errorf("no note %q among:\n%s", note, sheetNotes(g))
	}
}

func noNote(t *testing.T, g readResult, note string) {
	t.Helper()
	if strings.Contains(sheetNotes(g), note) {
		t.Errorf("a note says %q:\n%s", note, sheetNotes(g))
	}
}

// TestRosterFileAndMemory reads a generated roster, written the way
// spreadsheet programs write one, both ways.
func TestRosterFileAndMemory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "roster.xlsx")
	if err := rostergen.WriteFile(path, rostergen.Options{Rows: 2000, Seed: 7}); err != nil {
		t.Fatal(err)
	}
	file, mem := readBoth(t, path, defaultOptions())
	if d := diffResults(file, mem); d != "" {
		t.Errorf("reading the file and its bytes differ:\n%s", d)
	}
	if len(file.contracts) != 2000 {
		t.Errorf("%d contracts, want 2000", len(file.contracts))
	}
}
