package source

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// inlineRow writes a row of inline-string cells with the given references.
func inlineRow(num int, refs []string, texts ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<row r="%d">`, num)
	for i, s := range texts {
		fmt.Fprintf(&b, `<c r="%s" t="inlineStr"><is><t>%s</t></is></c>`, refs[i], s)
	}
	b.WriteString(`</row>`)
	return b.String()
}

// A cell reference past column XFD or row 1,048,576 never lands in another
// column: the sheet is refused, naming the reference, by the reader of
// files on disk and of decrypted workbooks in memory alike.
func TestOutOfRangeReferencesRefuseTheSheet(t *testing.T) {
	header := inlineRow(1, []string{"A1", "B1", "C1"}, "Name", "Employee ID", "Passport Held By")
	ok := inlineRow(2, []string{"A2", "B2", "C2"}, "Ana", "E1", "Self")
	for _, tc := range []struct{ name, row, want string }{
		{"column past XFD", inlineRow(3, []string{"A3", "B3", "XFE3"}, "Bo", "E2", "Employer"), `cell reference "XFE3" is beyond the last column (XFD)`},
		{"four letters", inlineRow(3, []string{"A3", "B3", "AAAA3"}, "Bo", "E2", "Employer"), `cell reference "AAAA3" is beyond the last column (XFD)`},
		{"row past the last", `<row r="1048577"><c r="A1048577" t="inlineStr"><is><t>Bo</t></is></c></row>`, `"1048577" is beyond the last row (1048576)`},
		{"cell row past the last", inlineRow(3, []string{"A3", "B3", "C1048577"}, "Bo", "E2", "Employer"), `cell reference "C1048577" is beyond the last row`},
		{"not a reference", inlineRow(3, []string{"A3", "B3", "C-3"}, "Bo", "E2", "Employer"), `cell reference "C-3" is not a cell reference`},
	} {
		data := rawXLSX(t, map[string]string{"xl/worksheets/sheet1.xml": `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` + header + ok + tc.row + `</sheetData></worksheet>`})
		for _, how := range []string{"file", "memory"} {
			t.Run(tc.name+"/"+how, func(t *testing.T) {
				var g *got
				if how == "file" {
					g = readData(t, "refs.xlsx", data, defaultOptions())
				} else {
					g = &got{}
					in, err := readBytes(context.Background(), "refs.xlsx", data, defaultOptions(), nil)
					if err != nil {
						t.Fatal(err)
					}
					g.in = in
				}
				sh := onlySheet(t, g.in)
				if sh.Err == nil || !strings.Contains(sh.Err.Error(), tc.want) {
					t.Fatalf("sheet error = %v, want one naming %q", sh.Err, tc.want)
				}
				if !errors.Is(sh.Err, ErrCorrupt) {
					t.Errorf("sheet error kind = %v, want ErrCorrupt", sh.Err)
				}
				for _, c := range g.contracts {
					if c.Row == 3 {
						t.Errorf("row 3 was read as a contract")
					}
				}
			})
		}
	}
}

// An entity reference XML does not define (declared in the file or not) is
// read one way wherever the workbook comes from, a file or memory (a
// decrypted workbook): the sheet is refused, naming the reference; it is
// never kept as text or dropped.
func TestUndeclaredEntityRefusedAlike(t *testing.T) {
	header := inlineRow(1, []string{"A1", "B1", "C1"}, "Name", "Employee ID", "Passport Held By")
	for name, row := range map[string]string{
		"undeclared": inlineRow(2, []string{"A2", "B2", "C2"}, "Ana&nbsp;", "E1", "Employer"),
		"declared":   inlineRow(2, []string{"A2", "B2", "C2"}, "Ana", "E1", "&held;"),
		"bare":       inlineRow(2, []string{"A2", "B2", "C2"}, "AT&T", "E1", "Employer"),
	} {
		t.Run(name, func(t *testing.T) {
			sheet := `<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY held "Self">]><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` + header + row + `</sheetData></worksheet>`
			path := writeFile(t, "entity.xlsx", rawXLSX(t, map[string]string{"xl/worksheets/sheet1.xml": sheet}))
			file, mem := readBoth(t, path, defaultOptions())
			if d := diffResults(file, mem); d != "" {
				t.Errorf("reading the file and its bytes differ:\n%s", d)
			}
			sh := onlySheet(t, file.in)
			if sh.Err == nil || !strings.Contains(sh.Err.Error(), "an entity reference XML does not define") {
				t.Errorf("sheet error = %v", sh.Err)
			}
			if len(file.contracts) != 0 {
				t.Errorf("%d contracts read", len(file.contracts))
			}
		})
	}
}
