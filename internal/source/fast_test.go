package source

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/laborcheck/laborcheck/internal/contract"
	"github.com/laborcheck/laborcheck/internal/rostergen"
)

// The fast reader (internal/xlsx with a side scan) and the slow reader
// (encoding/xml) must read every workbook alike: the same sheets, notes,
// contracts, values and data issues. Read uses the fast reader for files on
// disk; readBytes, reading from memory, uses the slow one throughout.

// fastLog records which sheets the fast reader read and where the slow
// reader took over.
type fastLog struct {
	mu       sync.Mutex
	fast     map[string]int
	switches map[string]int
}

func hookFast(t testing.TB) *fastLog {
	l := &fastLog{fast: map[string]int{}, switches: map[string]int{}}
	testHookFast = func(path, sheet string, _ int) {
		l.mu.Lock()
		l.fast[path+"|"+sheet]++
		l.mu.Unlock()
	}
	testHookSwitch = func(path, sheet string, rows int) {
		l.mu.Lock()
		l.switches[path+"|"+sheet] = rows
		l.mu.Unlock()
	}
	t.Cleanup(func() { testHookFast, testHookSwitch = nil, nil })
	return l
}

// readResult is everything one read produced, for comparison.
type readResult struct {
	in        *Input
	contracts []*contract.Contract
	issues    []contract.DataIssue
	err       error
}

func readBoth(t testing.TB, path string, opts Options) (fast, slow readResult) {
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
	fast.in, fast.err = Read(context.Background(), path, opts, collect(&fast))
	slow.in, slow.err = readBytes(context.Background(), path, data, opts, collect(&slow))
	return fast, slow
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
		add("error: fast %v, slow %v", fast.err, slow.err)
	}
	a, b := fast.in, slow.in
	if a.Format != b.Format || fmt.Sprint(a.Err) != fmt.Sprint(b.Err) || !reflect.DeepEqual(a.Notes, b.Notes) || a.SHA256 != b.SHA256 {
		add("input: fast %q %v %q, slow %q %v %q", a.Format, a.Err, a.Notes, b.Format, b.Err, b.Notes)
	}
	if len(a.Sheets) != len(b.Sheets) {
		add("sheets: fast %d, slow %d", len(a.Sheets), len(b.Sheets))
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
		add("contracts: fast %d, slow %d", len(fast.contracts), len(slow.contracts))
	}
	for i := range min(len(fast.contracts), len(slow.contracts)) {
		x, y := fast.contracts[i], slow.contracts[i]
		if !reflect.DeepEqual(x, y) {
			add("contract %d (%s): fast %+v, slow %+v", i, y.Location(), x, y)
		}
	}
	if !reflect.DeepEqual(fast.issues, slow.issues) {
		add("issues: fast %d, slow %d", len(fast.issues), len(slow.issues))
	}
	return strings.Join(d, "\n")
}

// TestFastReaderMatchesSlowOnCorpus reads every workbook of the corpus both
// ways, with the default schema and with one its headers match.
func TestFastReaderMatchesSlowOnCorpus(t *testing.T) {
	files := corpusFiles(t)
	log := hookFast(t)
	for _, schema := range []*contract.Schema{contract.DefaultSchema(), genericSchema(t)} {
		for _, path := range files {
			if sniffFile(t, path) != kindZip {
				continue
			}
			fast, slow := readBoth(t, path, Options{Schema: schema, DateOrder: contract.DayFirst})
			if d := diffResults(fast, slow); d != "" {
				t.Errorf("%s: fast and slow readers differ:\n%s", filepath.Base(path), d)
			}
		}
	}
	t.Logf("fast reader: %d sheets; slow reader took over in %d: %v", len(log.fast), len(log.switches), log.switches)
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

// TestFastReaderMatchesSlowLateSurprises puts what the fast reader cannot
// read itself (hidden rows, formulas without saved values, ISO date cells,
// shared strings out of range) deep into a sheet, after rows it has already
// handed on, and checks that the read still matches the slow reader's.
func TestFastReaderMatchesSlowLateSurprises(t *testing.T) {
	log := hookFast(t)
	sst := `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>Employee ID</t></si><si><t>Name</t></si><si><t>Basic Salary</t></si><si><t>Date of Birth</t></si><si><t>Ana</t></si></sst>`
	const rows = 3000
	for name, late := range map[string]string{
		"plain":       ``,
		"hidden row":  `<row r="%d" hidden="1"><c r="A%[1]d"><v>9</v></c><c r="B%[1]d" t="s"><v>4</v></c></row>`,
		"shown row":   `<row r="%d" hidden="false" ht="12.8"><c r="A%[1]d"><v>9</v></c></row>`,
		"formula":     `<row r="%d"><c r="A%[1]d"><v>9</v></c><c r="C%[1]d"><f>1+1</f></c></row>`,
		"formula+v":   `<row r="%d"><c r="A%[1]d"><v>9</v></c><c r="C%[1]d"><f>1+1</f><v>2</v></c></row>`,
		"iso date":    `<row r="%d"><c r="A%[1]d"><v>9</v></c><c r="D%[1]d" t="d"><v>1990-04-23T00:00:00Z</v></c></row>`,
		"bad sst":     `<row r="%d"><c r="A%[1]d"><v>9</v></c><c r="B%[1]d" t="s"><v>77</v></c></row>`,
		"inline rich": `<row r="%d"><c r="A%[1]d"><v>9</v></c><c r="B%[1]d" t="inlineStr"><is><r><t>A</t></r><r><t xml:space="preserve"> B</t></r></is></c></row>`,
		"entity":      `<row r="%d"><c r="A%[1]d"><v>9</v></c><c r="B%[1]d" t="inlineStr"><is><t>A &amp; B &#233; &#x41;</t></is></c></row>`,
		"hidden col":  `</sheetData><cols><col min="2" max="2" hidden="1"/></cols><sheetData>`,
	} {
		var sb strings.Builder
		sb.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n")
		sb.WriteString(`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`)
		if name == "hidden col" {
			sb.WriteString(`<cols><col min="2" max="2" hidden="1"/></cols>`)
		}
		sb.WriteString(`<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c></row>`)
		for r := 2; r <= rows; r++ {
			if r == rows-10 && name != "hidden col" && late != "" {
				fmt.Fprintf(&sb, late, r)
				continue
			}
			fmt.Fprintf(&sb, `<row r="%d"><c r="A%[1]d"><v>%d</v></c><c r="B%[1]d" t="s"><v>4</v></c><c r="C%[1]d"><v>1200.5</v></c><c r="D%[1]d" s="1"><v>%d</v></c></row>`, r, 1000+r, 30000+r)
		}
		sb.WriteString(`</sheetData></worksheet>`)
		styles := `<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs></styleSheet>`
		path := writeFile(t, strings.ReplaceAll(name, " ", "_")+".xlsx", rawXLSX(t, map[string]string{
			"xl/worksheets/sheet1.xml": sb.String(),
			"xl/sharedStrings.xml":     sst,
			"xl/styles.xml":            styles,
		}))
		fast, slow := readBoth(t, path, defaultOptions())
		if d := diffResults(fast, slow); d != "" {
			t.Errorf("%s: fast and slow readers differ:\n%s", name, d)
		}
		if len(slow.contracts) != rows-1 {
			t.Errorf("%s: %d contracts, want %d", name, len(slow.contracts), rows-1)
		}
	}
	// The side scan handles hidden rows, formulas and entities itself.
	for key := range log.switches {
		for _, own := range []string{"/hidden_row.", "/shown_row.", "/formula.", "/formula+v.", "/entity.", "/hidden_col.", "/plain."} {
			if strings.Contains(key, own) {
				t.Errorf("slow reader took over in %s", key)
			}
		}
	}
	t.Logf("slow reader took over in %d sheets: %v", len(log.switches), log.switches)
}

// TestFastReaderMatchesSlowOnRoster reads a generated roster, written the
// way spreadsheet programs write one, both ways; the fast reader reads it
// alone.
func TestFastReaderMatchesSlowOnRoster(t *testing.T) {
	log := hookFast(t)
	path := filepath.Join(t.TempDir(), "roster.xlsx")
	if err := rostergen.WriteFile(path, rostergen.Options{Rows: 2000, Seed: 7}); err != nil {
		t.Fatal(err)
	}
	fast, slow := readBoth(t, path, defaultOptions())
	if d := diffResults(fast, slow); d != "" {
		t.Errorf("fast and slow readers differ:\n%s", d)
	}
	if len(slow.contracts) != 2000 {
		t.Errorf("%d contracts, want 2000", len(slow.contracts))
	}
	if len(log.fast) != 1 || len(log.switches) != 0 {
		t.Errorf("fast reader read %v, slow reader took over in %v; want the fast reader alone", log.fast, log.switches)
	}
}
