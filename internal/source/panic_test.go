package source

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

// A panic while reading a file is laborcheck's fault: the file is marked
// unreadable as an internal error to report (not as a damaged file), and
// the next file is read as usual.
func TestRead_PanicIsInternalError(t *testing.T) {
	testHookRead = func(path string) {
		if filepath.Base(path) == "b.csv" {
			panic("reader fault")
		}
	}
	t.Cleanup(func() { testHookRead = nil })
	roster := []byte("Worker ID,Name\nW-1,Ana\nW-2,Bo\n")
	for _, name := range []string{"a.csv", "b.csv", "c.csv"} {
		g := readData(t, name, roster, defaultOptions())
		if name != "b.csv" {
			if g.in.Err != nil || len(g.contracts) != 2 {
				t.Errorf("Read(%s): Err = %v, %d contracts; want nil, 2", name, g.in.Err, len(g.contracts))
			}
			continue
		}
		var fe *FileError
		if !errors.As(g.in.Err, &fe) {
			t.Fatalf("Read(%s): Err = %v, want a *FileError", name, g.in.Err)
		}
		if !errors.Is(fe, ErrInternal) || errors.Is(fe, ErrCorrupt) {
			t.Errorf("Read(%s): Kind = %v, want ErrInternal", name, fe.Kind)
		}
		if !strings.HasPrefix(fe.Reason, "internal error: please report") || !strings.Contains(fe.Reason, "reader fault") {
			t.Errorf("Read(%s): Reason = %q", name, fe.Reason)
		}
		if fe.Path != g.in.Path || fe.Hint != hintInternal {
			t.Errorf("Read(%s): Path = %q, Hint = %q", name, fe.Path, fe.Hint)
		}
	}
}

// A panic while reading one sheet of a workbook fails that sheet, as an
// internal error.
func TestRead_SheetPanicIsInternalError(t *testing.T) {
	testHookSheet = func(path, sheet string) { panic("sheet reader fault") }
	t.Cleanup(func() { testHookSheet = nil })
	g := read(t, filepath.Join("..", "..", "samples", "garment-factory.xlsx"), defaultOptions())
	if g.in.Err != nil {
		t.Fatalf("Err = %v, want the sheet's", g.in.Err)
	}
	failed := 0
	for _, sh := range g.in.Sheets {
		if sh.Err == nil {
			continue
		}
		failed++
		if !errors.Is(sh.Err, ErrInternal) || !strings.HasPrefix(sh.Err.Error(), "internal error: please report") {
			t.Errorf("sheet %q: Err = %v, want an internal error", sh.Name, sh.Err)
		}
	}
	if failed == 0 {
		t.Errorf("no sheet failed")
	}
}
