package xlsx

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
)

func ExampleWorkbook_Rows() {
	// A small roster: a header row of shared strings, then a worker with a
	// start date (a number with a date format) and a fee.
	dir, _ := os.MkdirTemp("", "laborcheck-example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "roster.xlsx")
	newPkg(`<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row>`+
		`<row r="2"><c r="A2" t="inlineStr"><is><t>Sita Tamang</t></is></c><c r="B2" s="1"><v>45292</v></c><c r="C2"><v>1500</v></c></row>`).
		withSST(`<si><t>Name</t></si>`, `<si><t>Start</t></si>`, `<si><t>Fee</t></si>`).
		withStyles("", 0, 14).writeTo(path)

	w, err := Open(path, Limits{MaxInflated: 1 << 30})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer w.Close()
	for _, s := range w.Sheets() {
		fmt.Printf("sheet %q hidden=%v\n", s.Name, s.Hidden)
	}
	err = w.Rows(context.Background(), "Sheet1", func(row int, cells []Cell) error {
		for _, c := range cells {
			v := string(c.Value) // copy: Value is reused after the callback
			if c.Kind == Date {
				serial, _ := strconv.ParseFloat(v, 64)
				fmt.Printf("%s%d date serial %g (1904 system: %v)\n", ColumnLetter(c.Col), row, serial, w.Date1904)
				continue
			}
			fmt.Printf("%s%d %s %q\n", ColumnLetter(c.Col), row, c.Kind, v)
		}
		return nil
	})
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// sheet "Sheet1" hidden=false
	// A1 String "Name"
	// B1 String "Start"
	// C1 String "Fee"
	// A2 String "Sita Tamang"
	// B2 date serial 45292 (1904 system: false)
	// C2 Number "1500"
}
