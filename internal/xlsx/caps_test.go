package xlsx

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// readCells reads every cell of Sheet1 of p into "A1=Kind:len:truncated"
// with the value's length in characters, and the first error.
func readCells(t *testing.T, p pkg, lim Limits) ([]string, error) {
	t.Helper()
	w, err := Open(p.write(t), lim)
	if err != nil {
		return nil, err
	}
	defer w.Close()
	var out []string
	err = w.ReadRows(context.Background(), "Sheet1", func(r *Row) error {
		for _, c := range r.Cells {
			out = append(out, fmt.Sprintf("%s%d=%s:%d:%v", ColumnLetter(c.Col), r.Num, c.Kind, utf8.RuneCount(c.Value), c.Truncated))
		}
		return nil
	})
	return out, err
}

// Text longer than a cell can hold is cut to MaxCellText characters as it
// is read, and the cell says so.
func TestCellTextCapped(t *testing.T) {
	long := strings.Repeat("é", MaxCellText+10) // two bytes a character
	exact := strings.Repeat("x", MaxCellText)
	p := newPkg(`<row r="1">`+
		`<c r="A1" t="inlineStr"><is><t>`+long+`</t></is></c>`+
		`<c r="B1" t="str"><v>`+long+`</v></c>`+
		`<c r="C1" t="inlineStr"><is><r><t>`+exact+`</t></r><r><t>yz</t></r></is></c>`+
		`<c r="D1" t="inlineStr"><is><t>`+exact+`</t></is></c>`+
		`<c r="E1" t="s"><v>0</v></c><c r="F1" t="s"><v>1</v></c>`+
		`</row>`).withSST(`<si><t>`+long+`</t></si>`, `<si><t>short</t></si>`)
	got, err := readCells(t, p, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	n := fmt.Sprint(MaxCellText)
	eq(t, got, []string{"A1=String:" + n + ":true", "B1=String:" + n + ":true", "C1=String:" + n + ":true", "D1=String:" + n + ":false", "E1=String:" + n + ":true", "F1=String:5:false"})
}

// A 10 MB shared string used by 20 rows costs no more than its cut copy: the
// table holds MaxCellText characters of it, and each cell shares them.
func TestHugeSharedStringIsCheap(t *testing.T) {
	huge := strings.Repeat("A", 10<<20)
	var rows strings.Builder
	for r := 1; r <= 20; r++ {
		fmt.Fprintf(&rows, `<row r="%d"><c r="A%d" t="s"><v>0</v></c></row>`, r, r)
	}
	path := newPkg(rows.String()).withSST(`<si><t>` + huge + `</t></si>`).write(t)
	huge = ""
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	w, err := Open(path, Limits{MaxRatio: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	var kept [][]byte
	err = w.Rows(context.Background(), "Sheet1", func(_ int, cells []Cell) error {
		if len(cells) != 1 || !cells[0].Truncated || len(cells[0].Value) != MaxCellText {
			return fmt.Errorf("cell %+v", cells)
		}
		kept = append(kept, cells[0].Value)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 64<<20 {
		t.Errorf("reading allocated %d MiB", grew>>20)
	}
	if len(kept) != 20 {
		t.Errorf("%d rows", len(kept))
	}
}

// A shared strings table over the limits is refused, naming the limit.
func TestSharedStringsLimits(t *testing.T) {
	items := make([]string, 50)
	for i := range items {
		items[i] = fmt.Sprintf("<si><t>string number %d</t></si>", i)
	}
	p := newPkg(`<row r="1"><c r="A1" t="s"><v>0</v></c></row>`).withSST(items...)
	for _, tc := range []struct {
		lim  Limits
		want string
	}{
		{Limits{MaxSharedStrings: 10}, "holds more than 10 strings"},
		{Limits{MaxSharedBytes: 1 << 20, MaxSharedStrings: 49}, "holds more than 49 strings"},
	} {
		_, err := readCells(t, p, tc.lim)
		var se *SharedStringsError
		if !errors.Is(err, ErrTooLarge) || !errors.As(err, &se) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: err = %v, want %q", tc.lim, err, tc.want)
		}
	}
	big := strings.Repeat("x", 30000)
	p = newPkg(`<row r="1"><c r="A1" t="s"><v>0</v></c></row>`).withSST(strings.Repeat("<si><t>"+big+"</t></si>", 40))
	_, err := readCells(t, p, Limits{MaxSharedBytes: 1 << 20, MaxRatio: -1})
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "more than 1 MiB of text") {
		t.Errorf("bytes limit: err = %v", err)
	}
	w, err := Open(p.write(t), Limits{MaxSharedBytes: 1 << 20, MaxRatio: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if _, err := w.SharedStrings(context.Background()); !errors.Is(err, ErrTooLarge) {
		t.Errorf("SharedStrings = %v", err)
	}
	if n, err := openPkg(t, newPkg(`<row/>`).withSST(items...)).SharedStrings(context.Background()); n != 50 || err != nil {
		t.Errorf("SharedStrings = %d, %v", n, err)
	}
}

// Entity references: the five XML defines and character references to
// characters XML allows are read; any other is an *EntityError, in sheets
// and shared strings alike, whether or not the file declares the entity
// (declared entities are never expanded).
func TestUndeclaredEntities(t *testing.T) {
	eq(t, sheetRows(t, `<row r="1"><c r="A1" t="inlineStr"><is><t>&amp;&lt;&gt;&quot;&apos;&#233;&#x1F600;</t></is></c><c r="B1"><v>&#49;2</v></c></row>`),
		[]string{"1: A=String:&<>\"'é😀 B=Number:12"})
	for _, tc := range []struct{ name, xml, sst, ref string }{
		{"undeclared", `<row r="1"><c r="A1" t="inlineStr"><is><t>a &nbsp; b</t></is></c></row>`, "", "&nbsp;"},
		{"in a value", `<row r="1"><c r="A1"><v>1&foo;</v></c></row>`, "", "&foo;"},
		{"bare ampersand", `<row r="1"><c r="A1" t="inlineStr"><is><t>AT&T wages</t></is></c></row>`, "", "&T"},
		{"control character", `<row r="1"><c r="A1" t="inlineStr"><is><t>x&#0;y</t></is></c></row>`, "", "&#0;"},
		{"declared bomb", `<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><worksheet ` + nsMain + `><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&b;</t></is></c></row></sheetData></worksheet>`, "", "&b;"},
		{"in shared strings", `<row r="1"><c r="A1" t="s"><v>0</v></c></row>`, `<si><t>&lol9;</t></si>`, "&lol9;"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := newPkg(tc.xml)
			if tc.sst != "" {
				p = p.withSST(tc.sst)
			}
			_, err := tryDump(openPkg(t, p), "Sheet1")
			var ee *EntityError
			if !errors.As(err, &ee) || ee.Ref != tc.ref || !errors.Is(err, ErrFormat) {
				t.Fatalf("err = %v, want an EntityError for %q", err, tc.ref)
			}
		})
	}
}

// Hidden rows and columns are reported; a formula without a saved value is
// Uncached, not Blank.
func TestHiddenRowsColumnsAndUncached(t *testing.T) {
	p := newPkg(`<worksheet ` + nsMain + `><cols><col min="2" max="3" hidden="1"/><col min="4" max="4" width="9"/><col min="16000" max="99999" hidden="true"/></cols><sheetData>` +
		`<row r="1" hidden="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="A2"><f>B2</f></c><c r="B2" t="str"><f>C2</f><v></v></c><c r="C2"><f>1</f><v>1</v></c></row><row r="3" hidden="false"/>` +
		`</sheetData></worksheet>`)
	w := openPkg(t, p)
	var got []string
	err := w.ReadRows(context.Background(), "Sheet1", func(r *Row) error {
		s := fmt.Sprintf("%d %v %v:", r.Num, r.Hidden, r.HiddenColumns)
		for _, c := range r.Cells {
			s += fmt.Sprintf(" %s=%s:%s", ColumnLetter(c.Col), c.Kind, c.Value)
		}
		got = append(got, s)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	eq(t, got, []string{"1 true [{1 2} {15999 16383}]: A=Number:1", "2 false [{1 2} {15999 16383}]: A=Uncached: B=String: C=Number:1", "3 false [{1 2} {15999 16383}]:"})
}

// A sheet that declares an encoding other than UTF-8 is transcoded.
func TestDeclaredEncoding(t *testing.T) {
	sheet := `<?xml version="1.0" encoding="windows-1252"?><worksheet ` + nsMain + `><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>José Muñoz €</t></is></c></row></sheetData></worksheet>`
	enc, err := charmap.Windows1252.NewEncoder().String(sheet)
	if err != nil {
		t.Fatal(err)
	}
	eq(t, sheetRows(t, enc), []string{"1: A=String:José Muñoz €"})
	_, err = tryDump(openPkg(t, newPkg(`<?xml version="1.0" encoding="x-klingon"?><worksheet><sheetData/></worksheet>`)), "Sheet1")
	if !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), "x-klingon") {
		t.Errorf("unknown encoding: err = %v", err)
	}
}

// A workbook with two parts of one name is refused.
func TestDuplicatePartRefused(t *testing.T) {
	p := newPkg(`<row r="1"><c r="A1"><v>1</v></c></row>`)
	p["XL/Worksheets/Sheet1.xml"] = p["xl/worksheets/sheet1.xml"]
	_, err := Open(p.write(t), Limits{})
	if !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), "two parts named") {
		t.Errorf("err = %v", err)
	}
}

// Merged ranges after the rows are reported; ones a sheet cannot have are
// left out.
func TestMergedCells(t *testing.T) {
	p := newPkg(`<worksheet ` + nsMain + `><sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData>` +
		`<mergeCells count="4"><mergeCell ref="A1:B1"/><mergeCell ref="$C$2:D9"/><mergeCell ref="XFE1:XFF2"/><mergeCell ref="B2:A1"/></mergeCells></worksheet>`)
	w := openPkg(t, p)
	end, err := w.ReadSheet(context.Background(), 0, func(*Row) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(end.Merged); got != "[{0 1 1 1} {2 2 3 9}]" {
		t.Errorf("Merged = %s", got)
	}
}
