package source

import (
	"archive/zip"
	"bytes"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestDuplicateZipParts: a workbook with two copies of a worksheet part is
// refused as ambiguous, never reviewed from the copy people do not see.
func TestDuplicateZipParts(t *testing.T) {
	f := excelize.NewFile()
	f.SetSheetRow("Sheet1", "A1", &[]any{"Name", "Employee ID", "Passport Held By"})
	f.SetSheetRow("Sheet1", "A2", &[]any{"Ana", "E1", "Self"})
	var orig bytes.Buffer
	if err := f.Write(&orig); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(orig.Bytes()), int64(orig.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, zf := range zr.File {
		copyPart(t, zw, zf, zf.Name)
		if zf.Name == "xl/worksheets/sheet1.xml" {
			copyPart(t, zw, zf, zf.Name) // a second part of the same name
		}
	}
	zw.Close()
	g := readData(t, "two-copies.xlsx", out.Bytes(), defaultOptions())
	if g.in.Err == nil {
		t.Fatalf("read %d contracts from a workbook with two copies of its sheet", len(g.contracts))
	}
	if !strings.Contains(g.in.Err.Error(), `two parts named "xl/worksheets/sheet1.xml"`) {
		t.Errorf("error = %v", g.in.Err)
	}
}

func copyPart(t *testing.T, zw *zip.Writer, zf *zip.File, name string) {
	t.Helper()
	rc, err := zf.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	w, err := zw.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	b.ReadFrom(rc)
	w.Write(b.Bytes())
}
