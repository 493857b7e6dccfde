package xlsx

import (
	"archive/zip"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

const nsMain = `xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"`

// pkg is a workbook package under construction: part name → content.
type pkg map[string]string

// newPkg returns a one-sheet package whose sheet is sheetXML (the whole part
// when it starts with "<?xml" or "<worksheet", else the inside of
// <sheetData>).
func newPkg(sheetXML string) pkg {
	if !strings.HasPrefix(sheetXML, "<?xml") && !strings.HasPrefix(sheetXML, "<worksheet") && !strings.HasPrefix(sheetXML, "\xEF\xBB\xBF") {
		sheetXML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
			`<worksheet ` + nsMain + `><sheetData>` + sheetXML + `</sheetData></worksheet>`
	}
	return pkg{
		"[Content_Types].xml": `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>`,
		"_rels/.rels": `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
		"xl/workbook.xml": `<?xml version="1.0" encoding="UTF-8"?><workbook ` + nsMain + `><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>` +
			`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>` +
			`<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>` +
			`</Relationships>`,
		"xl/worksheets/sheet1.xml": sheetXML,
	}
}

// withSST sets the shared strings part from raw <si> items.
func (p pkg) withSST(items ...string) pkg {
	p["xl/sharedStrings.xml"] = `<?xml version="1.0" encoding="UTF-8"?><sst ` + nsMain +
		fmt.Sprintf(` count="%d" uniqueCount="%d">`, len(items), len(items)) + strings.Join(items, "") + `</sst>`
	return p
}

// withStyles sets styles.xml from custom numFmt elements and the numFmtIds of
// the cellXfs.
func (p pkg) withStyles(numFmts string, xfFmtIDs ...int) pkg {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><styleSheet ` + nsMain + `>`)
	if numFmts != "" {
		b.WriteString(`<numFmts>` + numFmts + `</numFmts>`)
	}
	b.WriteString(`<cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs><cellXfs>`)
	for _, id := range xfFmtIDs {
		fmt.Fprintf(&b, `<xf numFmtId="%d" fontId="0"><alignment horizontal="left"/></xf>`, id)
	}
	b.WriteString(`</cellXfs></styleSheet>`)
	p["xl/styles.xml"] = b.String()
	return p
}

// write stores the package as a zip in the test's temp dir.
func (p pkg) write(t testing.TB) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "book.xlsx")
	if err := p.writeTo(path); err != nil {
		t.Fatal(err)
	}
	return path
}

func (p pkg) writeTo(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	zw := zip.NewWriter(f)
	names := make([]string, 0, len(p))
	for n := range p {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		w, err := zw.Create(n)
		if err != nil {
			return err
		}
		if _, err := w.Write([]byte(p[n])); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return f.Close()
}

// dump renders every row of a sheet as "row: A=Kind:value B=…".
func dump(t testing.TB, w *Workbook, sheet string) []string {
	t.Helper()
	out, err := tryDump(w, sheet)
	if err != nil {
		t.Fatalf("Rows(%q): %v", sheet, err)
	}
	return out
}

func tryDump(w *Workbook, sheet string) ([]string, error) {
	var out []string
	err := w.Rows(context.Background(), sheet, func(row int, cells []Cell) error {
		var b strings.Builder
		fmt.Fprintf(&b, "%d:", row)
		for _, c := range cells {
			fmt.Fprintf(&b, " %s=%s:%s", ColumnLetter(c.Col), c.Kind, c.Value)
		}
		out = append(out, b.String())
		return nil
	})
	return out, err
}

// openPkg writes and opens a package.
func openPkg(t testing.TB, p pkg) *Workbook {
	t.Helper()
	w, err := Open(p.write(t), Limits{})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { w.Close() })
	return w
}

func sheetRows(t testing.TB, sheetData string) []string {
	t.Helper()
	return dump(t, openPkg(t, newPkg(sheetData)), "Sheet1")
}

func eq(t testing.TB, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("rows differ\n got:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}
