package source

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/laborcheck/laborcheck/internal/contract"
	"github.com/laborcheck/laborcheck/internal/xlsx"
)

// corpusDir is the shared corpus of real-world spreadsheets, relative to
// this package's directory.
const corpusDir = "../../../shared/corpus"

func corpusFiles(t *testing.T) []string {
	t.Helper()
	entries, err := os.ReadDir(corpusDir)
	if err != nil {
		t.Skipf("corpus not found at %s (%v): skipping", corpusDir, err)
	}
	var files []string
	for _, e := range entries {
		if e.IsDir() || e.Name() == "README.md" || e.Name() == "SOURCES.tsv" {
			continue
		}
		files = append(files, filepath.Join(corpusDir, e.Name()))
	}
	if len(files) == 0 {
		t.Skipf("corpus at %s is empty: skipping", corpusDir)
	}
	return files
}

// corpusKinds is how each file the corpus marks as not a readable workbook
// (SOURCES.tsv "kind:") must be classified.
var corpusKinds = map[string]error{
	"calamine__issue_666_panic.xlsb": ErrXLSB,
	"calamine__pass_protected.xlsb":  ErrEncrypted,
	"calamine__pass_protected.xlsx":  ErrEncrypted,
	"calamine__too_small.xls":        ErrCorrupt,
	"calamine__issue252.xlsx":        ErrCorrupt,
	"frictionless__implicit-gz.csv":  ErrUnsupported,
	"frictionless__implicit-zip.csv": ErrUnsupported,
	"phpss__empty.csv":               ErrEmpty,
	"phpss__oleloop.xls":             ErrCorrupt,
}

// corpusFormats are the corpus files in the formats laborcheck reads beside
// xlsx and text, which must be read, as that format.
var corpusFormats = map[string]string{
	"calamine__date.ods":       FormatODS,
	"calamine__issues.xls":     FormatXLS,
	"frictionless__sheet2.xls": FormatXLS,
	"frictionless__table.ods":  FormatODS,
	"phpss__nomimetype.ods":    FormatODS,
}

var sentinels = []error{ErrUnsupported, ErrLegacyXLS, ErrEncrypted, ErrXLSB, ErrCorrupt, ErrEmpty, ErrTooLarge, ErrNotFound}

// outcome names what Read made of a file, for the summary table.
func outcome(in *Input) string {
	if in.Err != nil {
		for _, s := range sentinels {
			if errors.Is(in.Err, s) {
				return "file error: " + s.Error()
			}
		}
		return "file error: other"
	}
	read, skipped, failed := 0, 0, 0
	for _, s := range in.Sheets {
		switch {
		case s.Err != nil:
			failed++
		case s.Skipped != "":
			skipped++
		default:
			read++
		}
	}
	switch {
	case failed > 0:
		return in.Format + ": some sheet failed"
	case read > 0:
		return in.Format + ": contracts read"
	}
	return in.Format + ": every sheet skipped (no roster header)"
}

// TestCorpus reads every file of the corpus: none may panic, hang or use
// unbounded memory, and each must either be read (its sheets read or
// skipped with a reason) or fail with a specific *FileError.
func TestCorpus(t *testing.T) {
	files := corpusFiles(t)
	schema := contract.DefaultSchema()
	counts := map[string]int{}
	const heapLimit = 256 << 20
	for _, path := range files {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			in, contracts := readWithHangGuard(t, path, Options{Schema: schema})
			counts[outcome(in)]++
			if in.Path != path {
				t.Errorf("Input.Path = %q, want %q", in.Path, path)
			}
			if st, err := os.Stat(path); err == nil && st.Size() > 0 && len(in.SHA256) != 64 {
				t.Errorf("Input.SHA256 = %q, want a hex SHA-256", in.SHA256)
			}
			if want, ok := corpusKinds[name]; ok {
				if !errors.Is(in.Err, want) {
					t.Errorf("Read(%s).Err = %v, want %v", name, in.Err, want)
				}
			}
			if want, ok := corpusFormats[name]; ok && (in.Err != nil || in.Format != want) {
				t.Errorf("Read(%s) = format %q, error %v; want it read as %s", name, in.Format, in.Err, want)
			}
			if in.Err != nil {
				var fe *FileError
				if !errors.As(in.Err, &fe) || fe.Reason == "" || fe.Kind == nil {
					t.Errorf("Read(%s).Err = %#v, want a *FileError with a Kind and a Reason", name, in.Err)
				}
				if len(in.Sheets) > 0 {
					t.Errorf("Read(%s) failed but reports %d sheets", name, len(in.Sheets))
				}
				return
			}
			if in.Format == "" {
				t.Errorf("Read(%s).Format is empty", name)
			}
			if len(in.Sheets) == 0 {
				t.Errorf("Read(%s) has no sheets and no error", name)
			}
			rows := 0
			for _, s := range in.Sheets {
				var fe *FileError
				switch {
				case s.Err != nil && !errors.As(s.Err, &fe):
					t.Errorf("sheet %q: Err = %v, want a *FileError", s.Name, s.Err)
				case s.Err == nil && s.Skipped == "" && s.HeaderRow == 0:
					t.Errorf("sheet %q: read without a header row", s.Name)
				case s.Skipped != "" && s.Rows > 0:
					t.Errorf("sheet %q: skipped (%s) yet %d contracts read", s.Name, s.Skipped, s.Rows)
				}
				rows += s.Rows
			}
			if rows != contracts {
				t.Errorf("sheets count %d contracts, fn saw %d", rows, contracts)
			}
			if sh := corpusSheetErrors(in); sh != "" {
				t.Errorf("sheet errors: %s", sh)
			}
		})
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		if ms.HeapAlloc > heapLimit {
			t.Errorf("after %s the heap holds %d MiB, over %d MiB", name, ms.HeapAlloc>>20, heapLimit>>20)
		}
	}
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "\n  %4d  %s", counts[k], k)
	}
	t.Logf("corpus outcomes (%d files):%s", len(files), b.String())
}

// corpusSheetErrors lists sheet failures; the corpus has none that excelize
// reads, so any is a reader bug.
func corpusSheetErrors(in *Input) string {
	var errs []string
	for _, s := range in.Sheets {
		if s.Err != nil {
			errs = append(errs, fmt.Sprintf("%q: %v", s.Name, s.Err))
		}
	}
	return strings.Join(errs, "; ")
}

// readWithHangGuard reads a file, failing the test if Read does not return
// within a generous time: a guard against hangs, not a speed test.
func readWithHangGuard(t *testing.T, path string, opts Options) (*Input, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	type result struct {
		in  *Input
		n   int
		err error
		p   any
	}
	done := make(chan result, 1)
	go func() {
		var res result
		defer func() {
			res.p = recover()
			done <- res
		}()
		res.in, res.err = Read(ctx, path, opts, func(*contract.Contract, []contract.DataIssue) error {
			res.n++
			return nil
		})
	}()
	select {
	case res := <-done:
		if res.p != nil {
			t.Fatalf("Read(%s) panicked: %v", path, res.p)
		}
		if res.err != nil {
			t.Fatalf("Read(%s) error = %v", path, res.err)
		}
		if res.in == nil {
			t.Fatalf("Read(%s) returned a nil *Input", path)
		}
		return res.in, res.n
	case <-time.After(3 * time.Minute):
		t.Fatalf("Read(%s) did not return: hang", path)
	}
	return nil, 0
}

// excelizeShortfalls are corpus files on which excelize, not laborcheck, is
// wrong; they are not compared.
var excelizeShortfalls = map[string]string{
	// Cells carry s="": excelize fails to parse the attribute and drops
	// every cell (calamine reads them, as does laborcheck).
	"calamine__empty_s_attribute.xlsx": "excelize drops cells with an empty style attribute",
}

// genericSchema names fields the corpus files' own headers use (id, name,
// date, value…), so that their tables are read, not skipped, and the whole
// reader runs over real cells.
func genericSchema(t *testing.T) *contract.Schema {
	t.Helper()
	fields := []*contract.Field{
		{Name: "id", Type: contract.String, Aliases: []string{"ID", "No", "Number", "Code", "Key", "Index"}},
		{Name: "name", Type: contract.String, Aliases: []string{"Name", "Title", "Label", "Description", "Item", "Product", "Country", "City"}},
		{Name: "date", Type: contract.Date, Aliases: []string{"Date", "Day", "Time", "Timestamp", "Created", "Birthday", "Event Date", "Start", "End"}},
		{Name: "value", Type: contract.Number, Aliases: []string{"Value", "Amount", "Price", "Quantity", "Qty", "Total", "Sales", "Score", "Temperature", "Count", "Latitude", "Longitude"}},
		{Name: "money", Type: contract.Money, Aliases: []string{"Cost", "Revenue", "Salary", "Income", "Budget", "Profit"}},
		{Name: "age", Type: contract.Int, Aliases: []string{"Age", "Year", "Years"}},
		{Name: "flag", Type: contract.Bool, Aliases: []string{"Active", "Enabled", "Valid", "Flag", "Boolean"}},
	}
	s, err := contract.NewSchema(fields)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestCorpusGenericSchema reads the corpus with a schema its own headers
// match, checking what must hold of every contract and issue.
func TestCorpusGenericSchema(t *testing.T) {
	files := corpusFiles(t)
	schema := genericSchema(t)
	var contracts, issues, tables int
	for _, path := range files {
		in, err := Read(context.Background(), path, Options{Schema: schema, DateOrder: contract.DayFirst}, func(c *contract.Contract, is []contract.DataIssue) error {
			contracts++
			issues += len(is)
			if len(c.Values) != schema.Len() || c.Issues != len(is) || c.File != path || c.Row < 1 {
				t.Errorf("%s: contract %+v with %d issues", path, c, len(is))
			}
			for _, d := range is {
				if d.Row != c.Row || d.File != path || d.Sheet != c.Sheet || d.Column == "" || d.Field == "" || d.Problem == "" {
					t.Errorf("%s: issue %+v of row %d", path, d, c.Row)
				}
			}
			return nil
		})
		if err != nil {
			t.Errorf("Read(%s) error = %v", path, err)
			continue
		}
		for _, s := range in.Sheets {
			if s.Err != nil {
				t.Errorf("%s: sheet %q: %v", path, s.Name, s.Err)
			}
			if s.Skipped == "" && s.Err == nil {
				tables++
			}
		}
	}
	t.Logf("generic schema: %d tables, %d contracts, %d cells with issues", tables, contracts, issues)
}

// TestCorpusMatchesExcelize compares, for every worksheet excelize can read,
// the cell text of laborcheck's sheet reader with excelize's raw cell values
// (for numbers) and its formatted ones (for dates and times).
func TestCorpusMatchesExcelize(t *testing.T) {
	if testing.Short() {
		t.Skip("comparing with excelize is slow: skipped in -short mode")
	}
	files := corpusFiles(t)
	compared := 0
	for _, path := range files {
		if sniffFile(t, path) != kindZip {
			continue
		}
		x, err := excelize.OpenFile(path)
		if err != nil {
			continue // excelize cannot read it either; TestCorpus covers it
		}
		name := filepath.Base(path)
		if why, ok := excelizeShortfalls[name]; ok {
			t.Logf("%s: not compared: %s", name, why)
			_ = x.Close()
			continue
		}
		t.Run(name, func(t *testing.T) {
			defer x.Close()
			wb, closeZip := lowerWorkbook(t, path)
			defer closeZip()
			for _, ws := range wb.sheets {
				if ws.kind != "worksheet" {
					continue
				}
				want, err := x.GetRows(ws.name, excelize.Options{RawCellValue: true})
				if err != nil {
					continue // excelize cannot read this sheet
				}
				shown, _ := x.GetRows(ws.name)
				got := lowerRows(t, wb, ws)
				compared += compareSheet(t, ws.name, got, want, shown, wb.date1904)
			}
		})
	}
	t.Logf("compared %d cells with excelize", compared)
}

func sniffFile(t *testing.T, path string) kind {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		return kindBinary
	}
	return sniff(data[:min(len(data), headSize)])
}

// lowerWorkbook opens a workbook's structure with the reader's lower layer.
func lowerWorkbook(t *testing.T, path string) (*workbook, func()) {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatalf("zip.OpenReader(%s) = %v", path, err)
	}
	x, err := xlsx.OpenZip(&zr.Reader, xlsx.Limits{})
	if err != nil {
		zr.Close()
		t.Fatalf("xlsx.OpenZip(%s) = %v, but excelize opens it", path, err)
	}
	return newWorkbook(x), func() { x.Close(); zr.Close() }
}

// lowerRows reads every non-blank row of a sheet with the lower layer, as
// readTable receives them, by row number.
func lowerRows(t *testing.T, wb *workbook, ws wbSheet) map[int]rawRow {
	t.Helper()
	r := &reader{ctx: context.Background(), lim: DefaultLimits()}
	src := r.openSheet(wb, ws)
	defer src.Close()
	rows := map[int]rawRow{}
	for {
		row, err := src.next()
		if err != nil {
			if !errors.Is(err, io.EOF) {
				t.Errorf("sheet %q: next() = %v", ws.name, err)
			}
			return rows
		}
		if _, dup := rows[row.num]; dup {
			t.Errorf("sheet %q: row %d read twice", ws.name, row.num)
		}
		// Keep the row past the slab's reuse.
		row.cells, row.meta, row.slab = slices.Clone(row.cells), slices.Clone(row.meta), nil
		rows[row.num] = row
	}
}

// compareSheet compares the lower layer's rows with excelize's, cell by
// cell, and returns the number of cells compared.
func compareSheet(t *testing.T, sheet string, got map[int]rawRow, raw, shown [][]string, date1904 bool) int {
	t.Helper()
	n, bad := 0, 0
	report := func(format string, args ...any) {
		if bad++; bad <= 10 {
			t.Errorf("sheet %q: "+format, append([]any{sheet}, args...)...)
		}
	}
	for i, xrow := range raw {
		num := i + 1
		row, ok := got[num]
		if isBlank(xrow) {
			if ok {
				report("row %d: laborcheck reads %q where excelize sees a blank row", num, row.cells)
			}
			continue
		}
		if !ok {
			report("row %d: excelize reads %q, laborcheck nothing", num, xrow)
			continue
		}
		var xshown []string
		if i < len(shown) {
			xshown = shown[i]
		}
		for j := range max(len(xrow), len(row.cells)) {
			n++
			mine, theirs := cell(row.cells, j), cell(xrow, j)
			var m cellMeta
			if j < len(row.meta) {
				m = row.meta[j]
			}
			if !sameCell(mine, m, theirs, cell(xshown, j), date1904) {
				report("cell %s%d: laborcheck %q (kind %d), excelize %q (shown %q)", columnLetter(j+1), num, mine, m.kind, theirs, cell(xshown, j))
			}
		}
	}
	for num := range got {
		if num > len(raw) {
			report("row %d: laborcheck reads %q past excelize's last row %d", num, got[num].cells, len(raw))
		}
	}
	if bad > 10 {
		t.Errorf("sheet %q: %d differences in all", sheet, bad)
	}
	return n
}

// sameCell says whether laborcheck's text for a cell agrees with excelize's
// raw value (and, for dates and times, its formatted one).
func sameCell(mine string, m cellMeta, raw, shown string, date1904 bool) bool {
	if mine == raw || strings.TrimSpace(mine) == "" && strings.TrimSpace(raw) == "" {
		return true
	}
	f, err := strconv.ParseFloat(raw, 64)
	isNum := err == nil
	switch m.kind {
	case cellNumber:
		g, err := strconv.ParseFloat(mine, 64)
		return isNum && err == nil && (g == f || math.Abs(g-f) <= 1e-14*math.Abs(f))
	case cellDate:
		if !isNum {
			// An ISO 8601 date cell (t="d"): excelize gives its text.
			return len(raw) >= 10 && raw[:10] == mine
		}
		d, err := excelize.ExcelDateToTime(f, date1904)
		return err == nil && d.Format(time.DateOnly) == mine || mine == m.stored
	case cellTime, cellElapsed:
		// (An ISO 8601 time cell, t="d": excelize gives its text.)
		return isNum || strings.Count(raw, ":") >= 1 && len(raw) >= 5 && raw[:5] == mine[:min(5, len(mine))]
	case cellBool:
		return raw == "1" && mine == "TRUE" || raw == "0" && mine == "FALSE"
	}
	return mine == shown
}
