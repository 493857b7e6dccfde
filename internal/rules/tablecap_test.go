package rules

import (
	"archive/zip"
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// loadTableData loads data as the file name of a table keyed by country.
func loadTableData(t testing.TB, name string, data []byte) (*Table, Errors) {
	t.Helper()
	file, errs := Parse("r.yaml", []byte("tables:\n  t: {file: "+name+", key: [country]}\nrules: []\n"))
	if len(errs) > 0 || len(file.Tables) != 1 {
		t.Fatalf("rule file: %v", errs)
	}
	tab := file.Tables[0]
	return tab, tab.load(file, name, data)
}

// A table file of more rows than a table may have is refused, naming the
// limit, for CSV and workbook tables alike.
func TestTableRowLimit(t *testing.T) {
	defer func(n int) { tableRowLimit = n }(tableRowLimit)
	tableRowLimit = 10
	var csv strings.Builder
	csv.WriteString("country,wage\n")
	for i := range 20 {
		fmt.Fprintf(&csv, "C%d,%d\n", i, i)
	}
	var sheet strings.Builder
	sheet.WriteString(`<row r="1"><c t="inlineStr"><is><t>country</t></is></c><c t="inlineStr"><is><t>wage</t></is></c></row>`)
	for i := range 20 {
		fmt.Fprintf(&sheet, `<row r="%d"><c t="inlineStr"><is><t>C%d</t></is></c><c><v>%d</v></c></row>`, i+2, i, i)
	}
	for name, data := range map[string][]byte{"t.csv": []byte(csv.String()), "t.xlsx": tableWorkbook(t, sheet.String())} {
		_, errs := loadTableData(t, name, data)
		if len(errs) == 0 || !strings.Contains(errs.Error(), "more than 10 rows, the most a table may have") {
			t.Errorf("%s: errors = %v", name, errs)
		}
	}
	tableRowLimit = 100
	for name, data := range map[string][]byte{"t.csv": []byte(csv.String()), "t.xlsx": tableWorkbook(t, sheet.String())} {
		tab, errs := loadTableData(t, name, data)
		if len(errs) > 0 || tab.Rows() != 20 {
			t.Errorf("%s: %d rows, errors %v", name, tab.Rows(), errs)
		}
	}
}

// A workbook table is read with laborcheck's sheet reader: row numbers are
// the sheet's, a formula with no saved value is an error rather than a
// blank, and a sheet reference past column XFD is refused.
func TestWorkbookTable(t *testing.T) {
	tab, errs := loadTableData(t, "t.xlsx", tableWorkbook(t, `<row r="3"><c r="A3" t="inlineStr"><is><t>country</t></is></c><c r="B3" t="inlineStr"><is><t>wage</t></is></c></row>`+
		`<row r="5"><c r="A5" t="inlineStr"><is><t>MY</t></is></c><c r="B5"><v>1500</v></c></row><row r="7"><c r="A7" t="inlineStr"><is><t>MY</t></is></c><c r="B7"><v>1</v></c></row>`))
	if tab.Rows() != 1 || len(errs) != 1 || !strings.Contains(errs.Error(), ":7:1:") || !strings.Contains(errs.Error(), "first at row 5") {
		t.Errorf("%d rows, errors %v", tab.Rows(), errs)
	}
	_, errs = loadTableData(t, "t.xlsx", tableWorkbook(t, `<row r="1"><c r="A1" t="inlineStr"><is><t>country</t></is></c><c r="B1" t="inlineStr"><is><t>wage</t></is></c></row>`+
		`<row r="2"><c r="A2" t="inlineStr"><is><t>MY</t></is></c><c r="B2"><f>1+1</f></c></row>`))
	if len(errs) == 0 || !strings.Contains(errs.Error(), `cell B2: a formula with no saved value`) {
		t.Errorf("uncached formula: errors %v", errs)
	}
	_, errs = loadTableData(t, "t.xlsx", tableWorkbook(t, `<row r="1"><c r="A1" t="inlineStr"><is><t>country</t></is></c><c r="XFE1" t="inlineStr"><is><t>wage</t></is></c></row>`))
	if len(errs) == 0 || !strings.Contains(errs.Error(), `"XFE1" is beyond the last column`) {
		t.Errorf("reference past XFD: errors %v", errs)
	}
}

// tableWorkbook is a one-sheet workbook whose sheet data is rows.
func tableWorkbook(t testing.TB, rows string) []byte {
	t.Helper()
	parts := map[string]string{
		"[Content_Types].xml":        `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`,
		"_rels/.rels":                `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
		"xl/workbook.xml":            `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Wages" sheetId="1" r:id="rId1"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
		"xl/worksheets/sheet1.xml":   `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` + rows + `</sheetData></worksheet>`,
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, n := range []string{"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/worksheets/sheet1.xml"} {
		w, err := zw.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(parts[n]))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// FuzzTableXLSX: a workbook table's sheet comes from whoever wrote the rule
// file; any sheet XML gives a table or errors, never a panic.
func FuzzTableXLSX(f *testing.F) {
	f.Add(`<row r="1"><c t="inlineStr"><is><t>country</t></is></c><c t="inlineStr"><is><t>wage</t></is></c></row><row r="2"><c t="inlineStr"><is><t>MY</t></is></c><c><v>1500</v></c></row>`)
	f.Add(`<row r="1"><c r="A1" t="s"><v>0</v></c></row><row><c><f>1</f></c><c t="b"><v>1</v></c></row>`)
	f.Fuzz(func(t *testing.T, rows string) {
		tab, errs := loadTableData(t, "t.xlsx", tableWorkbook(t, rows))
		if len(errs) > maxTableErrors+1 {
			t.Fatalf("%d errors for one table", len(errs))
		}
		_ = tab.Rows()
	})
}
