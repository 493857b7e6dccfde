package annotate

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzTextWorkbook reads arbitrary bytes as a CSV file into a workbook:
// it may refuse them, never panic.
func FuzzTextWorkbook(f *testing.F) {
	for _, seed := range []string{
		"Contract No.,Worker Name\nC-1,Ana\n",
		"sep=;\na;b\n1;2\n",
		"a\tb\r1\t2\r",
		"\xff\xfea\x00,\x00b\x00\n\x00",
		"\"unclosed,quote\n1,2\n",
		"=1+2,@SUM(A1)\n",
	} {
		f.Add([]byte(seed))
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<16 {
			return
		}
		p := filepath.Join(dir, "roster.csv")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		wb, sheet, err := textWorkbook(p, "csv")
		if err != nil {
			return
		}
		defer wb.Close()
		if sheet == "" {
			t.Fatal("no sheet name")
		}
		if _, err := wb.GetRows(sheet); err != nil {
			t.Fatal(err)
		}
	})
}
