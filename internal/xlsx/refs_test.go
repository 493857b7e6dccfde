package xlsx

import (
	"errors"
	"strings"
	"testing"
)

// A reference a worksheet cannot have is never read as another cell: the
// sheet is refused, naming the reference.
func TestOutOfRangeReferences(t *testing.T) {
	for _, tc := range []struct {
		name, row, want string
	}{
		{"column past XFD", `<row r="1"><c r="A1"><v>1</v></c><c r="XFE1"><v>2</v></c></row>`, `row 1: cell reference "XFE1" is beyond the last column (XFD)`},
		{"four letters", `<row r="3"><c r="AAAA3"><v>2</v></c></row>`, `row 3: cell reference "AAAA3" is beyond the last column (XFD)`},
		{"many letters", `<row r="3"><c r="ZZZZZZZZZZZZZZZZZZZZZZZZ3"><v>2</v></c></row>`, `cell reference "ZZZZZZZZZZZZZZZZZZZZZZZZ3" is beyond the last column (XFD)`},
		{"cell row past the last", `<row r="2"><c r="B1048577"><v>2</v></c></row>`, `row 2: cell reference "B1048577" is beyond the last row (1048576)`},
		{"huge cell row", `<row r="2"><c r="B99999999999999999999999"><v>2</v></c></row>`, `is beyond the last row (1048576)`},
		{"row past the last", `<row r="1048577"><c><v>2</v></c></row>`, `reference "1048577" is beyond the last row (1048576)`},
		{"huge row", `<row r="184467440737095516160"><c><v>2</v></c></row>`, `is beyond the last row (1048576)`},
		{"not a cell reference", `<row r="4"><c r="B-4"><v>2</v></c></row>`, `row 4: cell reference "B-4" is not a cell reference`},
		{"digits only", `<row r="4"><c r="44"><v>2</v></c></row>`, `cell reference "44" is not a cell reference`},
		{"row zero", `<row r="4"><c r="B0"><v>2</v></c></row>`, `"B0" is not a cell reference`},
		{"not a row number", `<row r="x"><c><v>2</v></c></row>`, `reference "x" is not a row number`},
		{"too many cells without references", `<row r="1"><c r="XFD1"><v>1</v></c><c><v>2</v></c></row>`, `row 1: more than 16384 cells`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tryDump(openPkg(t, newPkg(tc.row)), "Sheet1")
			if !errors.Is(err, ErrFormat) || err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Rows = %q, %v; want an error containing %q", got, err, tc.want)
			}
			var re *RefError
			if strings.Contains(tc.want, "reference") && !errors.As(err, &re) {
				t.Errorf("error %v is not a *RefError", err)
			}
		})
	}
}

// Cells and rows without references take the position after the previous
// one, in file order; the last column and row are still read.
func TestMissingReferencesKeepOrder(t *testing.T) {
	got := sheetRows(t, `<row><c><v>1</v></c><c r="C1"><v>3</v></c><c><v>4</v></c></row>`+
		`<row r="5"><c r="XFC5"><v>x</v></c><c><v>y</v></c></row>`+
		`<row><c r="b6"><v>b</v></c><c><v>c</v></c></row>`+
		`<row r="7"><c r="C7"><v>3</v></c><c r="A7"><v>1</v></c></row>`+
		`<row r="1048575"/><row><c r="XFD1048576"><v>z</v></c></row>`)
	eq(t, got, []string{
		"1: A=Number:1 C=Number:3 D=Number:4",
		"5: XFC=Number:x XFD=Number:y",
		"6: B=Number:b C=Number:c",
		"7: C=Number:3 A=Number:1", // out of order: each where its reference says
		"1048575:",
		"1048576: XFD=Number:z",
	})
	_, err := tryDump(openPkg(t, newPkg(`<row r="1048576"/><row><c><v>1</v></c></row>`)), "Sheet1")
	if err == nil || !strings.Contains(err.Error(), "more than 1048576 rows") {
		t.Errorf("a row after row 1048576: err = %v", err)
	}
}

func FuzzCellRef(f *testing.F) {
	for _, s := range []string{"A1", "$XFD$1048576", "XFE1", "AAAA1", "a0", "B-1", "1", "", "Z99999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, ref string) {
		col, row, ok, over := parseCellRef([]byte(ref))
		if !ok || over {
			return
		}
		if col < 0 || col >= MaxColumns || row < 1 || row > MaxRows {
			t.Fatalf("parseCellRef(%q) = %d, %d: out of range but accepted", ref, col, row)
		}
		// The column reads back as the letters written.
		letters := strings.ToUpper(strings.TrimLeft(strings.TrimRight(ref, "$0123456789"), "$"))
		if ColumnLetter(col) != letters {
			t.Fatalf("parseCellRef(%q) column %d = %s", ref, col, ColumnLetter(col))
		}
	})
}
