package source

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/laborcheck/laborcheck/internal/contract"
)

// addSeeds adds the files of testdata/seed whose names end in one of exts.
func addSeeds(f *testing.F, exts ...string) {
	f.Helper()
	entries, err := os.ReadDir(filepath.Join("testdata", "seed"))
	if err != nil {
		f.Fatal(err)
	}
	for _, e := range entries {
		for _, ext := range exts {
			if strings.HasSuffix(e.Name(), ext) {
				data, err := os.ReadFile(filepath.Join("testdata", "seed", e.Name()))
				if err != nil {
					f.Fatal(err)
				}
				f.Add(data)
			}
		}
	}
}

// checkRead reads data from memory as a file named name and checks what
// must hold for any content.
func checkRead(t *testing.T, name string, data []byte, schema *contract.Schema) {
	checkReader(t, name, schema, func(opts Options, fn func(*contract.Contract, []contract.DataIssue) error) (*Input, error) {
		return readBytes(context.Background(), name, data, opts, fn)
	})
}

// checkReadFile is checkRead for a file on disk, which Read reads with the
// fast sheet reader where it can.
func checkReadFile(t *testing.T, path string, schema *contract.Schema) {
	checkReader(t, path, schema, func(opts Options, fn func(*contract.Contract, []contract.DataIssue) error) (*Input, error) {
		return Read(context.Background(), path, opts, fn)
	})
}

func checkReader(t *testing.T, name string, schema *contract.Schema,
	read func(Options, func(*contract.Contract, []contract.DataIssue) error) (*Input, error)) {
	lastSheet, lastRow := "", 0
	in, err := read(Options{Schema: schema, Limits: Limits{MaxCells: 1 << 20}},
		func(c *contract.Contract, issues []contract.DataIssue) error {
			if len(c.Values) != schema.Len() || c.Issues != len(issues) {
				t.Fatalf("row %d: %d values, %d issues counted, %d given", c.Row, len(c.Values), c.Issues, len(issues))
			}
			if c.Sheet == lastSheet && c.Row <= lastRow && !strings.HasSuffix(name, ".xlsx") {
				t.Fatalf("rows out of order: %d after %d", c.Row, lastRow)
			}
			lastSheet, lastRow = c.Sheet, c.Row
			for _, is := range issues {
				if is.Row != c.Row || is.Problem == "" || is.Field == "" {
					t.Fatalf("issue %+v of row %d", is, c.Row)
				}
			}
			return nil
		})
	if err != nil || in == nil {
		t.Fatalf("Read = %v, %v", in, err)
	}
	if in.Err != nil {
		fe, ok := in.Err.(*FileError)
		if !ok || fe.Reason == "" || fe.Kind == nil {
			t.Fatalf("Err = %#v, want a *FileError", in.Err)
		}
		return
	}
	for _, s := range in.Sheets {
		if s.Err != nil {
			if fe, ok := s.Err.(*FileError); !ok || fe.Reason == "" {
				t.Fatalf("sheet Err = %#v, want a *FileError", s.Err)
			}
		}
		for _, c := range s.Columns {
			if c.Duplicate && c.Field == nil {
				t.Fatalf("duplicate column without a field: %+v", c)
			}
		}
	}
}

func FuzzReadCSV(f *testing.F) {
	for _, s := range []string{
		"Name,Employee ID,DOB,Basic Salary\nAna,E1,23/04/1990,\"1,200\"\nBo,E2,04/05/1991,900\nTotal,,,2100\n",
		"sep=;\nName;Employee ID\nAna;E1\n",
		"Name\tEmployee ID\n\"A\"\"na\"\tE1\n\"unterminated\tE2\n",
		"Name|Passport No\rAna|P1\rBo|P2\r",
		"\xEF\xBB\xBFName,Employee ID\n,\n,,,,\nAna,E1,x,y\n",
		"\xFF\xFEN\x00a\x00m\x00e\x00,\x00I\x00D\x00",
		"Nom;Salaire\nJos\xe9;1200,50\n",
	} {
		f.Add([]byte(s))
	}
	addSeeds(f, ".csv")
	schema := contract.DefaultSchema()
	f.Fuzz(func(t *testing.T, data []byte) {
		checkRead(t, "fuzz.csv", data, schema)
	})
}

func FuzzSniff(f *testing.F) {
	f.Add(rawXLSX(f, map[string]string{"xl/worksheets/sheet1.xml": `<worksheet><sheetData><row r="1"><c t="inlineStr"><is><t>Name</t></is></c><c t="inlineStr"><is><t>DOB</t></is></c></row><row><c t="inlineStr"><is><t>Ana</t></is></c><c s="1"><v>32000</v></c></row></sheetData></worksheet>`}))
	f.Add(zipOf(f, map[string]string{"mimetype": "application/vnd.oasis.opendocument.spreadsheet"}))
	f.Add(append(append([]byte{}, magicOLE...), utf16le("EncryptionInfo")...))
	f.Add([]byte("%PDF-1.4"))
	f.Add([]byte("<html><table></table></html>"))
	addSeeds(f, ".xlsx", ".xlsb", ".xls", ".ods", ".csv")
	schema := contract.DefaultSchema()
	f.Fuzz(func(t *testing.T, data []byte) {
		k := sniff(data[:min(len(data), headSize)])
		if k < kindText || k > kindBinary {
			t.Fatalf("sniff = %d", k)
		}
		checkRead(t, "fuzz.xlsx", data, schema)
	})
}

// FuzzSheetXML wraps worksheet and shared-string XML in a valid package, so
// that mutations reach the sheet reader rather than the zip checksums.
func FuzzSheetXML(f *testing.F) {
	f.Add(`<worksheet><cols><col min="2" max="3" hidden="1"/></cols><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><t>DOB</t></is></c></row><row r="3" hidden="1"><c r="A3" t="inlineStr"><is><r><t>A</t></r><r><t>na_x000D_</t></r></is></c><c r="B3" s="1"><v>32874.5</v></c></row></sheetData></worksheet>`,
		`<sst><si><t>Name</t></si><si><t>x</t><rPh><t>y</t></rPh></si></sst>`)
	f.Add(`<x:worksheet xmlns:x="s"><x:sheetData><x:row><x:c t="b"><x:v>1</x:v></x:c><x:c t="e"><x:v>#N/A</x:v></x:c><x:c t="d"><x:v>2024-01-02</x:v></x:c><x:c><x:f>1+1</x:f></x:c></x:row></x:sheetData></x:worksheet>`, `<sst/>`)
	f.Add(`<worksheet><sheetData><row r="1048576"><c r="XFD1048576" t="str"><v>1E+308</v></c></row></sheetData></worksheet>`, ``)
	schema := contract.DefaultSchema()
	styles := `<styleSheet><numFmts><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/><numFmt numFmtId="165" formatCode="[h]:mm"/></numFmts><cellXfs><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/><xf numFmtId="165"/><xf numFmtId="20"/></cellXfs></styleSheet>`
	f.Fuzz(func(t *testing.T, sheet, sst string) {
		data := rawXLSX(t, map[string]string{
			"xl/worksheets/sheet1.xml": sheet,
			"xl/sharedStrings.xml":     sst,
			"xl/styles.xml":            styles,
		})
		checkRead(t, "fuzz.xlsx", data, schema)
	})
}

// FuzzSheetXMLFile is FuzzSheetXML through a file on disk, which the reader
// opens as a file rather than from memory.
func FuzzSheetXMLFile(f *testing.F) {
	f.Add(`<worksheet><cols><col min="2" max="3" hidden="1"/></cols><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><t>DOB</t></is></c></row><row r="3" hidden="1"><c r="A3" t="inlineStr"><is><r><t>A</t></r><r><t>na_x000D_</t></r></is></c><c r="B3" s="1"><v>32874.5</v></c></row></sheetData></worksheet>`,
		`<sst><si><t>Name</t></si><si><t>x</t><rPh><t>y</t></rPh></si></sst>`)
	f.Add(`<x:worksheet xmlns:x="s"><x:sheetData><x:row><x:c t="b"><x:v>1</x:v></x:c><x:c t="e"><x:v>#N/A</x:v></x:c><x:c t="d"><x:v>2024-01-02</x:v></x:c><x:c><x:f>1+1</x:f></x:c></x:row></x:sheetData></x:worksheet>`, `<sst/>`)
	f.Add(`<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row><row r="2" hidden="false"><c r="A2" t="s"><v>1</v></c><c r="B2" s="1"><v>32874</v></c><c r="C2"><f>A1</f></c></row><row r="3"><c r="A3" t="s"><v>7</v></c><c r="B3" t="inlineStr"><is><t>x &amp; &#233;</t></is></c></row></sheetData></worksheet>`,
		`<sst><si><t>Employee ID</t></si><si><t>DOB</t></si></sst>`)
	f.Add(`<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c></row>`+
		`<row r="2"><c r="A2" t="s"><v>4</v></c><c r="B2" t="s"><v>5</v></c><c r="C2"><v>48</v></c><c r="D2" s="2"><v>45000</v></c></row>`+
		`<row r="3"><c r="A3" t="s"><v>4</v></c><c r="B3" t="s"><v>6</v></c><c r="C3"><v>48</v></c><c r="D3" s="2"><v>45000</v></c></row>`+
		`<row r="4"><c r="A4" t="s"><v>4</v></c><c r="B4" t="s"><v>5</v></c><c r="C4"><v>60</v></c><c r="D4" s="2"><v>45001</v></c></row>`+
		`<row r="5"><c r="A5" t="s"><v>4</v></c><c r="B5" t="s"><v>5</v></c><c r="C5"><v>48</v></c><c r="D5" s="2"><v>45000</v></c></row>`+
		`<row r="6"><c r="A6" t="s"><v>4</v></c><c r="B6" t="s"><v>6</v></c><c r="C6"><v>48</v></c><c r="D6" s="2"><v>45000</v></c></row></sheetData></worksheet>`,
		`<sst><si><t>Nationality</t></si><si><t>Overtime voluntary?</t></si><si><t>Weekly hours</t></si><si><t>Start date</t></si><si><t>Nepal</t></si><si><t>Yes</t></si><si><t>no</t></si></sst>`)
	schema := contract.DefaultSchema()
	styles := `<styleSheet><numFmts><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/><numFmt numFmtId="165" formatCode="[h]:mm"/></numFmts><cellXfs><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/><xf numFmtId="165"/><xf numFmtId="20"/></cellXfs></styleSheet>`
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, sheet, sst string) {
		data := rawXLSX(t, map[string]string{
			"xl/worksheets/sheet1.xml": sheet,
			"xl/sharedStrings.xml":     sst,
			"xl/styles.xml":            styles,
		})
		path := filepath.Join(dir, "fuzz.xlsx")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		checkReadFile(t, path, schema)
		sameMemoFills(t, path, schema)
	})
}

// sameMemoFills checks that the parse memo, its probe cut to two lookups so
// that a few rows turn it on and reach its lookups by key, fills every row
// as reading without it does.
func sameMemoFills(t *testing.T, path string, schema *contract.Schema) {
	defer func(n int32, off bool) { memoProbe, noParseMemo = n, off }(memoProbe, noParseMemo)
	memoProbe = 2
	fills := func(memo bool) ([]filled, string) {
		noParseMemo = !memo
		var out []filled
		in, err := ReadRows(context.Background(), path, Options{Schema: schema, Limits: Limits{MaxCells: 1 << 20}}, func(r *Row) error {
			c := &contract.Contract{Values: make([]contract.Value, schema.Len())}
			issues := r.Fill(c)
			out = append(out, filled{row: r.num, values: c.Values, issues: issues})
			r.Release()
			return nil
		})
		if err == nil && in != nil {
			err = in.Err
		}
		return out, fmt.Sprint(err)
	}
	want, wantErr := fills(false)
	got, gotErr := fills(true)
	if gotErr != wantErr {
		t.Fatalf("with the memo: %s; without: %s", gotErr, wantErr)
	}
	sameFills(t, path, want, got)
}
