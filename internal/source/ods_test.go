package source

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"html"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/laborcheck/laborcheck/internal/contract"
)

// odsOf builds an .ods of the given tables (table:table elements), with
// the automatic styles given.
func odsOf(t testing.TB, styles, tables string) []byte {
	t.Helper()
	content := `<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0">` +
		`<office:automatic-styles>` + styles + `</office:automatic-styles><office:body><office:spreadsheet>` + tables +
		`</office:spreadsheet></office:body></office:document-content>`
	return zipOf(t, map[string]string{
		"mimetype":              "application/vnd.oasis.opendocument.spreadsheet",
		"content.xml":           content,
		"META-INF/manifest.xml": `<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>`,
	})
}

// odsRows reads every table of an .ods with the lower layer.
func odsRows(t *testing.T, data []byte) (names []string, rows map[string][]rawRow, srcs map[string]*odsSheetReader) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	rows, srcs = map[string][]rawRow{}, map[string]*odsSheetReader{}
	r := newReader(context.Background(), "t.ods", defaultOptions(), nil, &Input{})
	for _, f := range zr.File {
		if f.Name != "content.xml" {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		defer rc.Close()
		sc := newODSScanner(rc)
		for {
			tok, err := sc.next()
			if err != nil {
				t.Fatal(err)
			}
			if tok == odsEOF {
				return names, rows, srcs
			}
			if tok != odsStart || string(sc.local) != "table" {
				continue
			}
			name := string(sc.attr("name"))
			names = append(names, name)
			src := &odsSheetReader{r: r, sc: sc, name: name, cache: newODSCache()}
			srcs[name] = src
			for {
				row, err := src.next()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					t.Fatalf("table %q: next = %v", name, err)
				}
				rows[name] = append(rows[name], row)
			}
		}
	}
	t.Fatal("no content.xml")
	return
}

func TestODSCells(t *testing.T) {
	table := `<table:table table:name="Roster">
<table:table-column table:number-columns-repeated="2"/><table:table-column table:visibility="collapse" table:number-columns-repeated="2"/><table:table-column table:number-columns-repeated="16380"/>
<table:table-header-rows><table:table-row><table:table-cell office:value-type="string"><text:p>Name</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>Date <text:span>of</text:span> birth</text:p></table:table-cell><table:table-cell table:number-columns-repeated="16382"/></table:table-row></table:table-header-rows>
<table:table-row table:number-rows-repeated="2"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>
<table:table-row table:visibility="collapse"><table:table-cell office:value-type="date" office:date-value="2024-01-01"><text:p>01/01/2024</text:p></table:table-cell><table:table-cell office:value-type="currency" office:currency="MYR" office:value="1500.25"><text:p>RM1,500.25</text:p></table:table-cell><table:table-cell office:value-type="time" office:time-value="PT12H30M00S"/><table:table-cell office:value-type="time" office:time-value="PT36H"/><table:table-cell office:value-type="percentage" office:value="0.05"><text:p>5%</text:p></table:table-cell></table:table-row>
<table:table-row table:number-rows-repeated="3"><table:table-cell office:value-type="boolean" office:boolean-value="true"><text:p>TRUE</text:p></table:table-cell><table:table-cell table:formula="of:=FALSE()" office:value-type="float" office:value="0"><text:p>FALSE</text:p></table:table-cell><table:table-cell office:value-type="string" calcext:value-type="error" table:formula="of:=1/0"><text:p>#DIV/0!</text:p></table:table-cell></table:table-row>
<table:table-row><table:table-cell table:number-columns-spanned="2" office:value-type="string"><draw:frame><draw:text-box><text:p>a drawing</text:p></draw:text-box></draw:frame><text:p>merged</text:p><office:annotation><text:p>a comment</text:p></office:annotation></table:table-cell><table:covered-table-cell/><table:table-cell office:value-type="string"><text:p>two<text:s text:c="3"/>lines</text:p><text:p>a<text:tab/>b<text:line-break/>c</text:p></table:table-cell><table:table-cell table:number-columns-repeated="2" office:value-type="float" office:value="7"><text:p>7</text:p></table:table-cell></table:table-row>
<table:table-row><table:table-cell table:formula="of:=[.A1]"/></table:table-row>
<table:table-row table:number-rows-repeated="1048568"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>
<table:table-row><table:table-cell office:value-type="string"><text:p>past the last row</text:p></table:table-cell></table:table-row>
</table:table>`
	names, rows, srcs := odsRows(t, odsOf(t, "", table))
	if !slices.Equal(names, []string{"Roster"}) {
		t.Fatalf("tables = %q", names)
	}
	got := cellsOf(rows["Roster"])
	want := []string{
		"1: Name|Date of birth",
		"4: 2024-01-01@45292|1500.25#MYR|12:30t|36:00h36|0.05# (hidden)",
		"5: TRUEb|FALSEb|#DIV/0!e",
		"6: TRUEb|FALSEb|#DIV/0!e",
		"7: TRUEb|FALSEb|#DIV/0!e",
		"8: merged||two   lines\na\tb\nc|7#|7#",
	}
	if !slices.Equal(got, want) {
		t.Errorf("rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	src := srcs["Roster"]
	if n := src.notes(); len(n) != 1 || !strings.HasPrefix(n[0], "1 formula cell has no saved value") {
		t.Errorf("notes = %q", n)
	}
	if src.columnHidden(2) || !src.columnHidden(3) || !src.columnHidden(4) || src.columnHidden(5) {
		t.Errorf("hidden columns = %v, want C:D", src.hidden)
	}
}

func TestODSValues(t *testing.T) {
	cell := func(attrs ...string) string {
		var b strings.Builder
		b.WriteString("<table:table-cell")
		for i := 0; i+1 < len(attrs); i += 2 {
			b.WriteString(" " + attrs[i] + `="` + html.EscapeString(attrs[i+1]) + `"`)
		}
		return b.String() + ">"
	}
	tests := []struct {
		name  string
		cell  string
		shown string
		text  string
		kind  cellKind
		extra string // stored, or currency
	}{
		{"float", cell("office:value-type", "float", "office:value", "1200"), "1,200", "1200", cellNumber, ""},
		{"float shown rounded", cell("office:value-type", "float", "office:value", "12.375"), "12.38", "12.375", cellNumber, ""},
		{"float without a value", cell("office:value-type", "float"), "12", "12", cellText, ""},
		{"currency", cell("office:value-type", "currency", "office:currency", "npr", "office:value", "150000"), "Rs 1.5 lakh", "150000", cellNumber, "NPR"},
		{"date and time", cell("office:value-type", "date", "office:date-value", "2024-03-01T10:00:00"), "", "2024-03-01", cellDate, "45352.416666667"},
		{"date before 1900-03-01", cell("office:value-type", "date", "office:date-value", "1900-02-01"), "", "1900-02-01", cellText, ""},
		{"damaged date", cell("office:value-type", "date", "office:date-value", "March"), "March", "March", cellText, ""},
		{"negative duration", cell("office:value-type", "time", "office:time-value", "-PT2H"), "", "-2:00", cellElapsed, "-2"},
		{"duration with days", cell("office:value-type", "time", "office:time-value", "P1DT0H30M"), "", "24:30", cellElapsed, "24.5"},
		{"duration in years", cell("office:value-type", "time", "office:time-value", "P1Y"), "1 year", "1 year", cellText, ""},
		{"boolean", cell("office:value-type", "boolean", "office:boolean-value", "false"), "FALSE", "FALSE", cellBool, ""},
		{"string value", cell("office:value-type", "string", "office:string-value", "kept"), "shown", "kept", cellText, ""},
		{"no type", cell(), "text", "text", cellText, ""},
		{"calcext type does not override office", cell("calcext:value-type", "float", "office:value-type", "string"), "12", "12", cellText, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			xmlText := tc.cell
			if tc.shown != "" {
				xmlText += "<text:p>" + html.EscapeString(tc.shown) + "</text:p>"
			}
			xmlText += "</table:table-cell>"
			r := newReader(context.Background(), "t.ods", defaultOptions(), nil, &Input{})
			s := &odsSheetReader{r: r, sc: newODSScanner(strings.NewReader(xmlText)), cache: newODSCache()}
			if tok, err := s.sc.next(); tok != odsStart || err != nil {
				t.Fatalf("next = %v, %v", tok, err)
			}
			text, meta, _, err := s.readCell()
			if err != nil {
				t.Fatal(err)
			}
			extra := meta.stored + meta.currency
			if text != tc.text || meta.kind != tc.kind || extra != tc.extra {
				t.Errorf("readCell = %q kind %d %q, want %q kind %d %q", text, meta.kind, extra, tc.text, tc.kind, tc.extra)
			}
		})
	}
}

// TestReadODS reads a roster spreadsheet end to end: a hidden sheet, a
// data issue named by its cell, and the sheet and limit options.
func TestReadODS(t *testing.T) {
	styles := `<style:style style:name="ta1" style:family="table"><style:table-properties table:display="true"/></style:style><style:style style:name="ta2" style:family="table"><style:table-properties table:display="false"/></style:style>`
	row := func(cells ...string) string {
		var b strings.Builder
		b.WriteString("<table:table-row>")
		for _, c := range cells {
			switch {
			case c == "":
				b.WriteString("<table:table-cell/>")
			case strings.HasPrefix(c, "="):
				b.WriteString(`<table:table-cell office:value-type="float" office:value="` + c[1:] + `"><text:p>` + c[1:] + `</text:p></table:table-cell>`)
			case strings.HasPrefix(c, "@"):
				b.WriteString(`<table:table-cell office:value-type="date" office:date-value="` + c[1:] + `"><text:p>x</text:p></table:table-cell>`)
			default:
				b.WriteString(`<table:table-cell office:value-type="string"><text:p>` + c + `</text:p></table:table-cell>`)
			}
		}
		b.WriteString(`<table:table-cell table:number-columns-repeated="16380"/></table:table-row>`)
		return b.String()
	}
	tables := `<table:table table:name="Workers" table:style-name="ta1">` +
		row("Roster of workers, March 2024") + row() +
		row("Employee ID", "Worker name", "Date of birth", "Basic salary") +
		row("E1", "Ana", "@1990-01-01", "=1200") +
		row("E2", "Bo", "@1991-01-01", "see payslip") +
		`<table:table-row table:number-rows-repeated="1048570"><table:table-cell table:number-columns-repeated="16384"/></table:table-row></table:table>` +
		`<table:table table:name="Old" table:style-name="ta2">` + row("Employee ID", "Worker name") + row("E9", "Di") + `</table:table>` +
		`<table:table table:name="Notes">` + row("Read me") + `</table:table>`
	data := odsOf(t, styles, tables)
	g := readData(t, "roster.ods", data, defaultOptions())
	if g.in.Err != nil || g.in.Format != FormatODS || len(g.in.Sheets) != 3 {
		t.Fatalf("Err %v, Format %q, %d sheets", g.in.Err, g.in.Format, len(g.in.Sheets))
	}
	ws, old, notes := g.in.Sheets[0], g.in.Sheets[1], g.in.Sheets[2]
	if ws.Name != "Workers" || ws.HeaderRow != 3 || ws.Rows != 2 || ws.Hidden {
		t.Errorf("Workers: %+v", ws)
	}
	if old.Name != "Old" || !old.Hidden || old.Rows != 1 {
		t.Errorf("Old: %+v", old)
	}
	if notes.Skipped == "" {
		t.Errorf("Notes: not skipped: %+v", notes)
	}
	if v := g.field(t, 0, "date_of_birth"); v.Raw != "1990-01-01" || !v.Present {
		t.Errorf("date_of_birth = %+v", v)
	}
	if len(g.issues) != 1 || g.issues[0].Row != 5 || g.issues[0].Column != "D" || g.issues[0].Sheet != "Workers" {
		t.Errorf("issues = %+v, want the salary at Workers!D5", g.issues)
	}

	opts := defaultOptions()
	opts.Sheet = "OLD"
	g = readData(t, "roster.ods", data, opts)
	if len(g.in.Sheets) != 1 || g.in.Sheets[0].Name != "Old" || len(g.contracts) != 1 {
		t.Errorf("-sheet OLD: %d sheets, %d contracts", len(g.in.Sheets), len(g.contracts))
	}
	opts.Sheet = "Missing"
	g = readData(t, "roster.ods", data, opts)
	if !errors.Is(g.in.Err, ErrNotFound) || !strings.Contains(g.in.Err.(*FileError).Hint, `"Workers", "Old", "Notes"`) {
		t.Errorf("-sheet Missing: Err = %#v", g.in.Err)
	}

	opts = defaultOptions()
	opts.Limits.MaxCells = 10
	g = readData(t, "roster.ods", data, opts)
	if g.in.Err != nil || !errors.Is(g.in.Sheets[0].Err, ErrTooLarge) {
		t.Errorf("MaxCells 10: Err %v, sheet Err %v", g.in.Err, g.in.Sheets[0].Err)
	}
	if len(g.in.Sheets) != 1 {
		t.Errorf("MaxCells 10: read on past the failed sheet: %d sheets", len(g.in.Sheets))
	}
}

// TestReadODS_Repeats checks that repeated rows and cells cost what their
// values need: a row of values repeated is a contract each time, within the
// cell limit; blank repeats are free.
func TestReadODS_Repeats(t *testing.T) {
	tables := `<table:table table:name="S"><table:table-row><table:table-cell office:value-type="string"><text:p>Employee ID</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>Worker name</text:p></table:table-cell></table:table-row>` +
		`<table:table-row table:number-rows-repeated="1000"><table:table-cell table:number-columns-repeated="100000000"/><table:table-cell office:value-type="string"><text:p>beyond the last column</text:p></table:table-cell></table:table-row>` +
		`<table:table-row table:number-rows-repeated="5"><table:table-cell office:value-type="string" table:number-columns-repeated="2"><text:p>same</text:p></table:table-cell></table:table-row>` +
		`<table:table-row table:number-rows-repeated="2000000000"><table:table-cell office:value-type="string" table:number-columns-repeated="2"><text:p>x</text:p></table:table-cell></table:table-row>` +
		`</table:table>`
	data := odsOf(t, "", tables)
	opts := defaultOptions()
	opts.Limits.MaxCells = 100
	g := readData(t, "r.ods", data, opts)
	sh := onlySheet(t, g.in)
	if !errors.Is(sh.Err, ErrTooLarge) {
		t.Errorf("sheet Err = %v, want the cell limit", sh.Err)
	}
	rows := g.rows()
	if len(rows) < 5 || rows[0] != 1002 || rows[4] != 1006 {
		t.Errorf("rows = %v, want 1002… for the repeated row", rows[:min(len(rows), 8)])
	}
	opts.MaxRows = 7
	opts.Limits.MaxCells = 0
	g = readData(t, "r.ods", data, opts)
	if sh := onlySheet(t, g.in); sh.Err != nil || sh.Rows != 7 {
		t.Errorf("MaxRows 7: %+v", sh)
	}
}

// FuzzODS wraps content.xml in a valid package, so that mutations reach the
// table reader rather than the zip checksums.
func FuzzODS(f *testing.F) {
	f.Add(`<office:document-content><office:automatic-styles><style:style style:name="ta2" style:family="table"><style:table-properties table:display="false"/></style:style></office:automatic-styles><office:body><office:spreadsheet><table:table table:name="W" table:style-name="ta2"><table:table-column table:visibility="collapse"/><table:table-row><table:table-cell office:value-type="string"><text:p>Employee ID</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>Date of birth</text:p></table:table-cell></table:table-row><table:table-row table:number-rows-repeated="3"><table:table-cell office:value-type="string"><text:p>E<text:s text:c="2"/>1</text:p></table:table-cell><table:table-cell office:value-type="date" office:date-value="1990-01-02"/></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>`)
	f.Add(`<office:document-content><office:body><office:spreadsheet><table:table table:name="A"><table:table-row table:visibility="filter"><table:table-cell office:value-type="time" office:time-value="PT1H"/><table:covered-table-cell table:number-columns-repeated="3"/><table:table-cell office:value-type="currency" office:currency="EUR" office:value="1"/></table:table-row></table:table><table:table table:name="A"><table:table-row><table:table-cell office:value-type="boolean" office:boolean-value="true"/></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>`)
	for _, c := range odsDiffCases {
		f.Add(c)
	}
	// The content of the seed files.
	for _, name := range []string{"frictionless__table.ods", "phpss__nomimetype.ods"} {
		zr, err := zip.OpenReader(filepath.Join("testdata", "seed", name))
		if err != nil {
			f.Fatal(err)
		}
		for _, zf := range zr.File {
			if zf.Name == "content.xml" {
				rc, err := zf.Open()
				if err != nil {
					f.Fatal(err)
				}
				b, _ := io.ReadAll(rc)
				rc.Close()
				f.Add(string(b))
			}
		}
		zr.Close()
	}
	schema := contract.DefaultSchema()
	f.Fuzz(func(t *testing.T, content string) {
		data := zipOf(t, map[string]string{
			"mimetype":    "application/vnd.oasis.opendocument.spreadsheet",
			"content.xml": content,
		})
		checkRead(t, "fuzz.ods", data, schema)
	})
}
