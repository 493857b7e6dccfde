package source

import (
	"strings"
	"testing"
)

// A workbook cell longer than a spreadsheet cell holds is a data issue
// naming the cell, and its text is never read whole.
func TestOverLongWorkbookCell(t *testing.T) {
	long := strings.Repeat("Xinjiang ", 5000) // 45,000 characters
	header := inlineRow(1, []string{"A1", "B1", "C1"}, "Name", "Employee ID", "Production Region")
	rows := inlineRow(2, []string{"A2", "B2", "C2"}, "Ana", "E1", long) + inlineRow(3, []string{"A3", "B3", "C3"}, "Bo", "E2", "Hebei")
	data := rawXLSX(t, map[string]string{"xl/worksheets/sheet1.xml": `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` + header + rows + `</sheetData></worksheet>`})
	g := readData(t, "long.xlsx", data, defaultOptions())
	if len(g.contracts) != 2 || len(g.issues) != 1 {
		t.Fatalf("%d contracts, issues %v", len(g.contracts), g.issues)
	}
	is := g.issues[0]
	if is.Row != 2 || is.Column != "C" || !strings.Contains(is.Problem, "more than the 32767 characters a spreadsheet cell holds") || len(is.Value) > 400 {
		t.Errorf("issue = %+v", is)
	}
	if v := g.field(t, 0, "production_region"); v.Present || len(v.Raw) > 400 {
		t.Errorf("production_region = present %v, raw %d bytes", v.Present, len(v.Raw))
	}
}

// A merged cell over several data rows of a read column is noted: the file
// holds its value in its first row only.
func TestMergedCellsNoted(t *testing.T) {
	header := inlineRow(1, []string{"A1", "B1", "C1"}, "Name", "Employee ID", "Passport Held By")
	rows := inlineRow(2, []string{"A2", "B2", "C2"}, "Ana", "E1", "Employer") + inlineRow(3, []string{"A3", "B3"}, "Bo", "E2") + inlineRow(4, []string{"A4", "B4"}, "Cy", "E3")
	data := rawXLSX(t, map[string]string{"xl/worksheets/sheet1.xml": `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` + header + rows +
		`</sheetData><mergeCells count="2"><mergeCell ref="C2:C4"/><mergeCell ref="E1:F9"/></mergeCells></worksheet>`})
	g := readData(t, "merged.xlsx", data, defaultOptions())
	notes := strings.Join(onlySheet(t, g.in).Notes, "\n")
	if !strings.Contains(notes, "1 merged cell spans over several rows of the table (C2:C4)") {
		t.Errorf("notes:\n%s", notes)
	}
}
