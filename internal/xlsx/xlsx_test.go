package xlsx

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
)

func TestSharedStrings(t *testing.T) {
	p := newPkg(`<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v> 2 </v></c><c r="D1" t="s"><v>3</v></c><c r="E1" t="s"/><c r="F1" t="s"><v></v></c></row>`).
		withSST(
			`<si><t>plain</t></si>`,
			`<si><r><rPr><b/><sz val="11"/></rPr><t>Rich </t></r><r><t xml:space="preserve"> text </t></r></si>`,
			`<si><t>a &amp; b &lt;c&gt; &quot;q&quot; &apos;s&apos; line&#10;break &#x41;&#X42; &#128512;</t></si>`,
			`<si/>`,
		)
	got := dump(t, openPkg(t, p), "Sheet1")
	eq(t, got, []string{"1: A=String:plain B=String:Rich  text  C=String:a & b <c> \"q\" 's' line\nbreak AB 😀 D=String: E=Blank: F=Blank:"})
}

func TestSharedStringsPhoneticAndEscapes(t *testing.T) {
	p := newPkg(`<row><c t="s"><v>0</v></c><c t="s"><v>1</v></c><c t="s"><v>2</v></c><c t="s"><v>3</v></c></row>`).
		withSST(
			`<si><t>東京</t><rPh sb="0" eb="2"><t>トウキョウ</t></rPh><phoneticPr fontId="1"/></si>`,
			`<si><t>line1_x000D_&#10;line2 _x005F_x000D_ _x0041_ _xD800_x _xZZZZ_</t></si>`,
			`<si><t><![CDATA[<cdata> & raw]]></t></si>`,
			"<si><t>crlf\r\nlone\rcr</t></si>",
		)
	got := dump(t, openPkg(t, p), "Sheet1")
	eq(t, got, []string{"1: A=String:東京 B=String:line1\r\nline2 _x000D_ A x _xZZZZ_ C=String:<cdata> & raw D=String:crlf\nlone\ncr"})
}

func TestInlineAndFormulaStrings(t *testing.T) {
	got := sheetRows(t, `<row r="1">`+
		`<c r="A1" t="inlineStr"><is><t>inline &amp; co</t></is></c>`+
		`<c r="B1" t="inlineStr"><is><r><t>ri</t></r><r><rPr><i/></rPr><t>ch</t></r></is></c>`+
		`<c r="C1" t="inlineStr"><is><t><![CDATA[x<y]]></t></is></c>`+
		`<c r="D1" t="inlineStr"><is><t>has_x000D_cr</t></is></c>`+
		`<c r="E1" t="str"><f>CONCAT("a","b")</f><v>ab</v></c>`+
		`<c r="F1" t="str"><f>A1</f></c>`+
		`<c r="G1" t="inlineStr"/>`+
		`<c r="H1" t="inlineStr"><is/></c>`+
		`<c r="I1" t="str"><f>"_x000D_"</f><v>_x000D_</v></c>`+
		`</row>`)
	eq(t, got, []string{"1: A=String:inline & co B=String:rich C=String:x<y D=String:has\rcr E=String:ab F=Uncached: G=Blank: H=String: I=String:_x000D_"})
}

func TestNumbersBoolsErrorsFormulas(t *testing.T) {
	got := sheetRows(t, `<row r="2" spans="1:6">`+
		`<c r="A2"><v>42</v></c>`+
		`<c r="B2" t="n"><v>1.5000000000000002E-3</v></c>`+
		`<c r="C2" t="b"><v>1</v></c>`+
		`<c r="D2" t="b"><v>0</v></c>`+
		`<c r="E2" t="e"><v>#N/A</v></c>`+
		`<c r="F2"><f>SUM(A2:B2)</f><v>43.5</v></c>`+
		`<c r="G2"><f>SUM(A2:B2)</f></c>`+
		`<c r="H2"><f t="shared" ref="H2:H3" si="0">A2</f><v>-0.25</v></c>`+
		`<c r="I2" t="e"><f>1/0</f><v>#DIV/0!</v></c>`+
		`<c r="J2" s="0"/>`+
		`<c r="K2"><v>007</v></c>`+
		`</row>`)
	eq(t, got, []string{"2: A=Number:42 B=Number:1.5000000000000002E-3 C=Bool:1 D=Bool:0 E=Error:#N/A F=Number:43.5 G=Uncached: H=Number:-0.25 I=Error:#DIV/0! J=Blank: K=Number:007"})
}

func TestPositionsWithoutReferences(t *testing.T) {
	got := sheetRows(t, `<row><c><v>1</v></c><c><v>2</v></c><c r="E1"><v>5</v></c><c><v>6</v></c></row>`+
		`<row/>`+
		`<row r="7"><c><v>x</v></c></row>`+
		`<row><c r="$C$8"><v>c</v></c><c r=""><v>d</v></c></row>`+
		`<row r="1048576" s="3" customFormat="1"/>`)
	eq(t, got, []string{
		"1: A=Number:1 B=Number:2 E=Number:5 F=Number:6",
		"2:",
		"7: A=Number:x",
		"8: C=Number:c D=Number:d",
		"1048576:",
	})
}

func TestSelfClosingAndWhitespace(t *testing.T) {
	got := sheetRows(t, "\n  <row r=\"3\" >\n    <c r=\"A3\" s=\"1\" />\n    <c r = 'B3' t = 'inlineStr' >\n <is> <t>x</t> </is>\n </c>\n    <c r=\"C3\" >  <v> 12 </v>  </c>\n  </row>\n  <row r=\"4\" />\n")
	eq(t, got, []string{"3: A=Blank: B=String:x C=Number: 12 ", "4:"})
}

func TestNamespacePrefixes(t *testing.T) {
	sheet := `<?xml version="1.0" encoding="UTF-8"?>` +
		`<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>` +
		`<x:row r="1"><x:c r="A1" t="s"><x:v>0</x:v></x:c><x:c r="B1" t="inlineStr"><x:is><x:t>in</x:t></x:is></x:c><x:c r="C1"><x:v>3</x:v></x:c></x:row>` +
		`</x:sheetData></x:worksheet>`
	p := newPkg(sheet)
	p["xl/sharedStrings.xml"] = `<x:sst xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:si><x:t>shared</x:t></x:si></x:sst>`
	p["xl/workbook.xml"] = `<x:workbook xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:rel="http://schemas.openxmlformats.org/officeDocument/2006/relationships">` +
		`<x:workbookPr date1904="true"/><x:sheets><x:sheet name="Data" sheetId="1" rel:id="rId1"/></x:sheets></x:workbook>`
	w := openPkg(t, p)
	if !w.Date1904 {
		t.Error("Date1904 = false, want true")
	}
	eq(t, dump(t, w, "Data"), []string{"1: A=String:shared B=String:in C=Number:3"})
}

func TestCommentsCDATAAndBOM(t *testing.T) {
	sheet := "\xEF\xBB\xBF" + `<?xml version="1.0" encoding="UTF-8"?><!-- written by hand --><!DOCTYPE worksheet [<!ENTITY x "y">]>` +
		`<worksheet ` + nsMain + `><sheetPr><tabColor rgb="FF0000"/></sheetPr><dimension ref="A1:B1"/><sheetData>` +
		`<!-- a comment <row r="9"> --><row r="1"><c r="A1"><v><![CDATA[12]]></v></c><?pi <c>?><c r="B1" t="str"><v>a<!-- x -->b</v></c></row>` +
		`</sheetData><mergeCells count="0"/></worksheet>`
	p := newPkg(sheet)
	p["xl/workbook.xml"] = "\xEF\xBB\xBF" + p["xl/workbook.xml"]
	eq(t, dump(t, openPkg(t, p), "Sheet1"), []string{"1: A=Number:12 B=String:ab"})
}

func TestUTF16Parts(t *testing.T) {
	p := newPkg(`<row r="1"><c r="A1" t="inlineStr"><is><t>ünï 😀</t></is></c></row>`)
	enc := func(s string, big bool) string {
		var b []byte
		if big {
			b = append(b, 0xFE, 0xFF)
		} else {
			b = append(b, 0xFF, 0xFE)
		}
		for _, r := range s {
			var units []uint16
			if r >= 0x10000 {
				r -= 0x10000
				units = []uint16{uint16(0xD800 + (r >> 10)), uint16(0xDC00 + (r & 0x3FF))}
			} else {
				units = []uint16{uint16(r)}
			}
			for _, u := range units {
				if big {
					b = append(b, byte(u>>8), byte(u))
				} else {
					b = append(b, byte(u), byte(u>>8))
				}
			}
		}
		return string(b)
	}
	p["xl/workbook.xml"] = enc(strings.Replace(p["xl/workbook.xml"], `encoding="UTF-8"`, `encoding="UTF-16"`, 1), true)
	p["xl/worksheets/sheet1.xml"] = enc(p["xl/worksheets/sheet1.xml"], false)
	eq(t, dump(t, openPkg(t, p), "Sheet1"), []string{"1: A=String:ünï 😀"})
}

func TestDateFormats(t *testing.T) {
	p := newPkg(`<row r="1">`+
		`<c r="A1" s="1"><v>45000</v></c>`+ // built-in 14
		`<c r="B1" s="2"><v>45000.5</v></c>`+ // custom yyyy-mm-dd hh:mm
		`<c r="C1" s="3"><v>45000</v></c>`+ // custom with quoted text only
		`<c r="D1" s="4"><v>0.5</v></c>`+ // built-in 20 (h:mm)
		`<c r="E1" s="5"><v>1</v></c>`+ // built-in 2 (0.00)
		`<c r="F1" s="6"><v>2</v></c>`+ // id 14 redefined as a number format
		`<c r="G1" s="99"><v>3</v></c>`+ // style out of range
		`<c r="H1" s="1" t="s"><v>0</v></c>`+ // a string keeps its kind
		`<c r="I1" s="1"/>`+
		`<c r="J1" t="d"><v>2024-02-29T12:00:00</v></c>`+
		`<c r="K1" t="d"><v>1900-01-01</v></c>`+
		`<c r="L1" t="d"><v>not a date</v></c>`+
		`</row>`).
		withSST(`<si><t>text</t></si>`).
		withStyles(`<numFmt numFmtId="164" formatCode="yyyy\-mm\-dd\ hh:mm"/><numFmt numFmtId="165" formatCode="#,##0 &quot;days&quot;"/><numFmt numFmtId="14" formatCode="0.0"/>`,
			0, 14, 164, 165, 20, 2, 14)
	// The last xf uses id 14, redefined by the workbook as "0.0".
	eq(t, dump(t, openPkg(t, p), "Sheet1"), []string{
		"1: A=Number:45000 B=Date:45000.5 C=Number:45000 D=Date:0.5 E=Number:1 F=Number:2 G=Number:3 H=String:text I=Blank: J=ISODate:45351.5 K=ISODate:1 L=String:not a date",
	})
	// Without the redefinition, id 14 is a date.
	p = newPkg(`<row r="1"><c r="A1" s="1"><v>45000</v></c></row>`).withStyles("", 0, 14)
	eq(t, dump(t, openPkg(t, p), "Sheet1"), []string{"1: A=Date:45000"})
}

func TestIsDateFormat(t *testing.T) {
	for _, tc := range []struct {
		id   int
		code string
		want bool
	}{
		{14, "", true}, {22, "", true}, {45, "", true}, {47, "", true}, {30, "", true},
		{0, "", false}, {2, "", false}, {49, "", false}, {164, "", false},
		{164, "yyyy-mm-dd", true},
		{164, "dd/mm/yyyy;@", true},
		{164, `[$-409]h:mm:ss\ AM/PM`, true},
		{164, "[h]:mm", true},
		{164, "[h]", false},
		{164, `#,##0 "days"`, false},
		{164, `0.00\m`, false},
		{164, "General", false},
		{164, "0.00E+00", false},
		{164, "[Red]#,##0;[Blue]-#,##0", false},
		{164, `_(* #,##0_);_(* (#,##0);_(* "-"??_);_(@_)`, false},
		{164, "@", false},
		{14, "0.0", false},
	} {
		if got := IsDateFormat(tc.id, tc.code); got != tc.want {
			t.Errorf("IsDateFormat(%d, %q) = %v, want %v", tc.id, tc.code, got, tc.want)
		}
	}
}

func TestColumnLetter(t *testing.T) {
	for col, want := range map[int]string{0: "A", 25: "Z", 26: "AA", 27: "AB", 51: "AZ", 52: "BA", 701: "ZZ", 702: "AAA", 16383: "XFD", -1: ""} {
		if got := ColumnLetter(col); got != want {
			t.Errorf("ColumnLetter(%d) = %q, want %q", col, got, want)
		}
		if col >= 0 {
			if c, r, ok, over := parseCellRef([]byte(want + "12")); !ok || over || c != col || r != 12 {
				t.Errorf("parseCellRef(%q) = %d, %d, %v, %v", want+"12", c, r, ok, over)
			}
		}
	}
	if _, _, ok, over := parseCellRef([]byte("XFE1")); !ok || !over {
		t.Error("parseCellRef(XFE1) accepted a column beyond XFD")
	}
}

func TestWorkbookStructure(t *testing.T) {
	p := newPkg(`<row r="1"><c r="A1"><v>1</v></c></row>`)
	p["_rels/.rels"] = `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
		`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="/xl/workbook.xml"/></Relationships>`
	p["xl/workbook.xml"] = `<workbook ` + nsMain + `><workbookPr date1904="1"/><sheets>` +
		`<sheet name="Visible" sheetId="1" r:id="rId1"/>` +
		`<sheet name="Hidden" sheetId="2" state="hidden" r:id="rId4"/>` +
		`<sheet name="Very" sheetId="3" state="veryHidden" r:id="rId5"/>` +
		`<sheet name="Missing" sheetId="4" r:id="rId6"/>` +
		`</sheets></workbook>`
	p["xl/_rels/workbook.xml.rels"] = `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
		`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>` +
		`<Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/other.xml"/>` +
		`<Relationship Id="rId5" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="./worksheets/../worksheets/third.xml"/>` +
		`<Relationship Id="rId6" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/gone.xml"/>` +
		`<Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="https://example.org/" TargetMode="External"/>` +
		`</Relationships>`
	p["xl/worksheets/other.xml"] = strings.Replace(p["xl/worksheets/sheet1.xml"], "<v>1</v>", "<v>2</v>", 1)
	p["xl/worksheets/third.xml"] = strings.Replace(p["xl/worksheets/sheet1.xml"], "<v>1</v>", "<v>3</v>", 1)
	w := openPkg(t, p)
	if !w.Date1904 {
		t.Error("Date1904 = false")
	}
	var names []string
	for _, s := range w.Sheets() {
		names = append(names, fmt.Sprintf("%s:%s:%v", s.Name, s.Part, s.Missing))
		if want := s.Name == "Hidden" || s.Name == "Very"; s.Hidden != want {
			t.Errorf("%s: Hidden = %v", s.Name, s.Hidden)
		}
		if s.Kind != "worksheet" {
			t.Errorf("%s: Kind = %q", s.Name, s.Kind)
		}
	}
	if got := strings.Join(names, ","); got != "Visible:xl/worksheets/sheet1.xml:false,Hidden:xl/worksheets/other.xml:false,Very:xl/worksheets/third.xml:false,Missing:xl/worksheets/gone.xml:true" {
		t.Errorf("sheets = %v", got)
	}
	eq(t, dump(t, w, "Hidden"), []string{"1: A=Number:2"})
	eq(t, dump(t, w, "very"), []string{"1: A=Number:3"}) // case-insensitive
	if _, err := tryDump(w, "Missing"); !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), "no part") {
		t.Errorf("Rows(Missing) = %v, want ErrFormat", err)
	}
	if _, err := tryDump(w, "Nowhere"); !errors.Is(err, ErrNoSheet) {
		t.Errorf("Rows(Nowhere) = %v, want ErrNoSheet", err)
	}
}

func TestBackslashAndCaseInPartNames(t *testing.T) {
	p := newPkg(`<row r="1"><c r="A1" t="s"><v>0</v></c></row>`).withSST(`<si><t>ok</t></si>`)
	p[`xl\worksheets\Sheet1.XML`] = p["xl/worksheets/sheet1.xml"]
	delete(p, "xl/worksheets/sheet1.xml")
	p["xl/SharedStrings.xml"] = p["xl/sharedStrings.xml"]
	delete(p, "xl/sharedStrings.xml")
	eq(t, dump(t, openPkg(t, p), "Sheet1"), []string{"1: A=String:ok"})
}

func TestStrictNamespaces(t *testing.T) {
	strictMain := `xmlns="http://purl.oclc.org/ooxml/spreadsheetml/main" xmlns:r="http://purl.oclc.org/ooxml/officeDocument/relationships"`
	p := newPkg(`<worksheet `+strictMain+`><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" s="1"><v>45000</v></c></row></sheetData></worksheet>`).
		withSST(`<si><t>strict</t></si>`).withStyles("", 0, 14)
	for name, part := range p {
		part = strings.ReplaceAll(part, "http://schemas.openxmlformats.org/officeDocument/2006/relationships", "http://purl.oclc.org/ooxml/officeDocument/relationships")
		p[name] = strings.ReplaceAll(part, "http://schemas.openxmlformats.org/spreadsheetml/2006/main", "http://purl.oclc.org/ooxml/spreadsheetml/main")
	}
	eq(t, dump(t, openPkg(t, p), "Sheet1"), []string{"1: A=String:strict B=Date:45000"})
}

// A shared-string index the table does not have is a cell whose value is
// unknown (BadShared), never a blank or another string.
func TestSharedStringIndexOutOfRange(t *testing.T) {
	p := newPkg(`<row r="1"><c r="A1" t="s"><v>5</v></c><c r="B1" t="s"><v>0</v></c><c r="C1" t="s"><v>x</v></c></row>`).withSST(`<si><t>only</t></si>`)
	eq(t, dump(t, openPkg(t, p), "Sheet1"), []string{"1: A=BadShared:5 B=String:only C=BadShared:x"})
}

func TestTruncatedSheet(t *testing.T) {
	_, err := tryDump(openPkg(t, newPkg(`<worksheet><sheetData><row r="1"><c r="A1"><v>1`)), "Sheet1")
	if !errors.Is(err, ErrFormat) {
		t.Error("no error for a truncated sheet")
	}
}

func TestNoSheetData(t *testing.T) {
	eq(t, sheetRows(t, `<worksheet `+nsMain+`><dimension ref="A1"/></worksheet>`), nil)
	eq(t, sheetRows(t, `<worksheet `+nsMain+`><sheetData/></worksheet>`), nil)
}

func TestCallbackErrorAndContext(t *testing.T) {
	var b strings.Builder
	for i := 1; i <= 5000; i++ {
		b.WriteString(`<row><c><v>1</v></c></row>`)
	}
	w := openPkg(t, newPkg(b.String()))
	stop := errors.New("stop")
	n := 0
	err := w.Rows(context.Background(), "Sheet1", func(int, []Cell) error {
		n++
		if n == 3 {
			return stop
		}
		return nil
	})
	if err != stop || n != 3 {
		t.Errorf("err = %v after %d rows", err, n)
	}
	ctx, cancel := context.WithCancel(context.Background())
	n = 0
	err = w.Rows(ctx, "Sheet1", func(int, []Cell) error {
		n++
		if n == 10 {
			cancel()
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) || n > 1024 {
		t.Errorf("err = %v after %d rows", err, n)
	}
}

func TestValuesValidDuringCallback(t *testing.T) {
	// Long rows force the scanner to refill its buffer mid-row; every value
	// must still be right when the row is delivered.
	var b strings.Builder
	long := strings.Repeat("x", 5000)
	for r := 1; r <= 40; r++ {
		b.WriteString(`<row>`)
		for c := 0; c < 200; c++ {
			b.WriteString(`<c t="inlineStr"><is><t>` + long[:c*7] + `</t></is></c><c><v>` + strings.Repeat("9", c%20+1) + `</v></c>`)
		}
		b.WriteString(`</row>`)
	}
	w := openPkg(t, newPkg(b.String()))
	err := w.Rows(context.Background(), "Sheet1", func(row int, cells []Cell) error {
		if len(cells) != 400 {
			t.Fatalf("row %d: %d cells", row, len(cells))
		}
		for i := 0; i < 200; i++ {
			if s := string(cells[2*i].Value); s != long[:i*7] {
				t.Fatalf("row %d cell %d: len %d", row, 2*i, len(s))
			}
			if s := string(cells[2*i+1].Value); s != strings.Repeat("9", i%20+1) {
				t.Fatalf("row %d cell %d: %q", row, 2*i+1, s)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestFormatErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	zipOf := func(name string, files map[string]string) string {
		p := filepath.Join(dir, name)
		f, _ := os.Create(p)
		zw := zip.NewWriter(f)
		for n, c := range files {
			w, _ := zw.Create(n)
			w.Write([]byte(c))
		}
		zw.Close()
		f.Close()
		return p
	}
	ole := append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 504)...)
	for _, tc := range []struct {
		path string
		want error
	}{
		{write("a.csv", []byte("a,b\n1,2\n")), ErrFormat},
		{write("empty.xlsx", nil), ErrFormat},
		{write("trunc.xlsx", []byte("PK\x03\x04garbage")), ErrFormat},
		{write("old.xls", ole), ErrLegacyXLS},
		{write("enc.xlsx", append(append([]byte{}, ole...), oleEncryptionInfo...)), ErrEncrypted},
		{zipOf("b.xlsb", map[string]string{"xl/workbook.bin": "x", "_rels/.rels": ""}), ErrXLSB},
		{zipOf("c.ods", map[string]string{"mimetype": "application/vnd.oasis.opendocument.spreadsheet", "content.xml": "<x/>"}), ErrODS},
		{zipOf("d.zip", map[string]string{"readme.txt": "hello"}), ErrFormat},
	} {
		_, err := Open(tc.path, Limits{})
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: err = %v, want %v", filepath.Base(tc.path), err, tc.want)
		}
	}
	if !errors.Is(ErrEncrypted, ErrUnsupported) || !errors.Is(ErrXLSB, ErrUnsupported) || errors.Is(ErrFormat, ErrUnsupported) {
		t.Error("error wrapping")
	}
}

func TestLimits(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 100000; i++ {
		b.WriteString(`<row><c><v>0</v></c></row>`)
	}
	path := newPkg(b.String()).write(t)
	if _, err := Open(path, Limits{MaxInflated: 1 << 20}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("MaxInflated: err = %v", err)
	}
	if _, err := Open(path, Limits{MaxRatio: 10}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("MaxRatio: err = %v", err)
	}
	w, err := Open(path, Limits{MaxInflated: 1 << 30, MaxRatio: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	n := 0
	if err := w.Rows(context.Background(), "Sheet1", func(int, []Cell) error { n++; return nil }); err != nil || n != 100000 {
		t.Errorf("rows = %d, err = %v", n, err)
	}
}

func TestEmptyValues(t *testing.T) {
	got := sheetRows(t, `<row r="1"><c r="A1"><v/></c><c r="B1"><v></v></c><c r="C1" t="str"><f>""</f><v></v></c><c r="D1" t="b"><v/></c><c r="E1" t="d"><v></v></c><c r="F1" t="inlineStr"><v>via v</v></c></row>`)
	eq(t, got, []string{"1: A=Blank: B=Blank: C=String: D=Blank: E=Blank: F=String:via v"})
}

func TestStyleAndNumberFormat(t *testing.T) {
	p := newPkg(`<row r="1"><c r="A1" s="2"><v>1.5</v></c><c r="B1" s="1"><v>45000</v></c><c r="C1"><v>3</v></c><c r="D1" s=""><v>4</v></c></row>`).
		withStyles(`<numFmt numFmtId="164" formatCode="#,##0.00\ [$€-407]"/>`, 0, 14, 164)
	w := openPkg(t, p)
	var styles []int
	err := w.Rows(context.Background(), "Sheet1", func(_ int, cells []Cell) error {
		for _, c := range cells {
			styles = append(styles, c.Style)
		}
		return nil
	})
	if err != nil || len(styles) != 4 || styles[0] != 2 || styles[1] != 1 || styles[2] != 0 || styles[3] != 0 {
		t.Fatalf("styles %v, err %v", styles, err)
	}
	for _, tc := range []struct {
		style int
		id    int
		code  string
	}{{0, 0, ""}, {1, 14, ""}, {2, 164, `#,##0.00\ [$€-407]`}, {3, 0, ""}, {-1, 0, ""}} {
		if id, code := w.NumberFormat(tc.style); id != tc.id || code != tc.code {
			t.Errorf("NumberFormat(%d) = %d, %q; want %d, %q", tc.style, id, code, tc.id, tc.code)
		}
	}
}

func TestConcurrentRows(t *testing.T) {
	var b strings.Builder
	var items []string
	for i := 0; i < 2000; i++ {
		b.WriteString(`<row><c t="s"><v>` + strconv.Itoa(i%50) + `</v></c><c><v>` + strconv.Itoa(i) + `</v></c></row>`)
	}
	for i := 0; i < 50; i++ {
		items = append(items, `<si><t>s`+strconv.Itoa(i)+`</t></si>`)
	}
	w := openPkg(t, newPkg(b.String()).withSST(items...))
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for g := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n := 0
			errs[g] = w.Rows(context.Background(), "Sheet1", func(row int, cells []Cell) error {
				if string(cells[0].Value) != "s"+strconv.Itoa((row-1)%50) || string(cells[1].Value) != strconv.Itoa(row-1) {
					return fmt.Errorf("row %d: %q %q", row, cells[0].Value, cells[1].Value)
				}
				n++
				return nil
			})
			if errs[g] == nil && n != 2000 {
				errs[g] = fmt.Errorf("%d rows", n)
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}

func TestSharedStringsLoadRetriedAfterCancel(t *testing.T) {
	var items []string
	for i := 0; i < 200000; i++ {
		items = append(items, `<si><t>string number `+strconv.Itoa(i)+`</t></si>`)
	}
	w := openPkg(t, newPkg(`<row r="1"><c r="A1" t="s"><v>199999</v></c></row>`).withSST(items...))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := tryDumpCtx(ctx, w, "Sheet1"); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: err = %v", err)
	}
	eq(t, dump(t, w, "Sheet1"), []string{"1: A=String:string number 199999"})
}

func tryDumpCtx(ctx context.Context, w *Workbook, sheet string) (int, error) {
	n := 0
	err := w.Rows(ctx, sheet, func(int, []Cell) error { n++; return nil })
	return n, err
}
