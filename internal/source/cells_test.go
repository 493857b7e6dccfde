package source

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// cellsWith reads a file with ReadCells and opts into one line a cell.
func cellsWith(t *testing.T, path string, opts Options) (string, *Input) {
	t.Helper()
	var b strings.Builder
	in, err := ReadCells(context.Background(), path, opts, CellHandler{
		Sheet: func(sh *Sheet) error {
			fmt.Fprintf(&b, "sheet %q hidden=%v\n", sh.Name, sh.Hidden)
			return nil
		},
		Row: func(sh *Sheet, row CellRow) error {
			for _, c := range row.Cells {
				line := fmt.Sprintf("%s!%d:%d hidden=%v %d %q %v %s", sh.Name, row.Num, c.Col, row.Hidden, c.Type, c.Text, c.Number, c.Currency)
				b.WriteString(strings.TrimSpace(line) + "\n")
			}
			return nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String(), in
}

// cellDump is cellsWith with the default options, for a file that must read.
func cellDump(t *testing.T, path string) (string, *Input) {
	t.Helper()
	dump, in := cellsWith(t, path, Options{})
	if in.Err != nil {
		t.Fatalf("%s: %v", path, in.Err)
	}
	return dump, in
}

// TestReadCellsFormats reads the workbooks kept as .xlsx and as
// LibreOffice saved them in .xls and .ods with ReadCells: the same sheets,
// and the same cells, of the same types and values, on the same rows,
// hidden rows hidden. (mix's two formulas have no saved value in the .xlsx,
// which was never calculated; LibreOffice calculated them.)
func TestReadCellsFormats(t *testing.T) {
	calculated := map[string]bool{"Data!6:7": true, "Data!7:7": true}
	for _, base := range []string{"../scan/testdata/rosters/electronics-factory", "../scan/testdata/rosters/construction-subcontractor",
		"../scan/testdata/formats/planted", "testdata/formats/mix", "testdata/formats/d1904"} {
		want, _ := cellDump(t, base+".xlsx")
		for _, ext := range []string{".xls", ".ods"} {
			got, _ := cellDump(t, base+ext)
			var kept []string
			for _, l := range strings.Split(got, "\n") {
				if key, _, _ := strings.Cut(l, " "); !calculated[key] || !strings.HasSuffix(base, "mix") {
					kept = append(kept, l)
				}
			}
			if got := strings.Join(kept, "\n"); got != want {
				t.Errorf("%s%s: the cells differ from the .xlsx's:\n%s", filepath.Base(base), ext, lineDiff(got, want))
			}
		}
	}
	mix, _ := cellDump(t, "testdata/formats/mix.xls")
	for _, want := range []string{
		`sheet "Secret" hidden=true`,
		`Data!3:1 hidden=true 0 "ID-00001-ünï" 0`,
		`Data!2:3 hidden=false 2 "2024-01-01" 45292`,
		`Data!2:4 hidden=false 1 "1500.25" 1500.25 EUR`,
		`Data!2:5 hidden=false 5 "TRUE" 0`,
		`Data!2:6 hidden=false 3 "12:00" 0.5`,
	} {
		if !strings.Contains(mix, want+"\n") {
			t.Errorf("mix.xls: no %s", want)
		}
	}
	// A workbook in the 1904 date system: its date's serial is counted in
	// the 1900 system, as a copy's is.
	d, _ := cellDump(t, "testdata/formats/d1904.xls")
	if !strings.Contains(d, `Sheet1!2:3 hidden=false 2 "2027-03-16" 46462`) {
		t.Errorf("d1904.xls:\n%s", d)
	}
}

// lineDiff lists the first lines that differ.
func lineDiff(got, want string) string {
	gl, wl := strings.Split(got, "\n"), strings.Split(want, "\n")
	var b strings.Builder
	n := 0
	for i := 0; i < max(len(gl), len(wl)) && n < 10; i++ {
		g, w := "", ""
		if i < len(gl) {
			g = gl[i]
		}
		if i < len(wl) {
			w = wl[i]
		}
		if g != w {
			fmt.Fprintf(&b, "line %d:\n got %s\nwant %s\n", i+1, g, w)
			n++
		}
	}
	return b.String()
}

// TestReadCellsLimits checks that ReadCells keeps the readers' limits and
// stops at a handler's error.
func TestReadCellsLimits(t *testing.T) {
	for _, ext := range []string{".xls", ".ods"} {
		path := "../scan/testdata/rosters/electronics-factory" + ext
		rows := 0
		in, err := ReadCells(context.Background(), path, Options{Limits: Limits{MaxCells: 100}}, CellHandler{
			Row: func(*Sheet, CellRow) error { rows++; return nil },
		})
		if err != nil || in.Err != nil || len(in.Sheets) == 0 {
			t.Fatalf("%s: %v %v", ext, err, in.Err)
		}
		if sh := in.Sheets[0]; sh.Err == nil || !errors.Is(sh.Err, ErrTooLarge) {
			t.Errorf("%s: sheet error %v, want one of too many cells", ext, sh.Err)
		}
		if rows == 0 || rows > 10 {
			t.Errorf("%s: %d rows handed on before the limit", ext, rows)
		}
		stop := errors.New("stop")
		_, err = ReadCells(context.Background(), path, Options{}, CellHandler{
			Row: func(*Sheet, CellRow) error { return stop },
		})
		if !errors.Is(err, stop) {
			t.Errorf("%s: got %v, want the handler's error", ext, err)
		}
	}
}
