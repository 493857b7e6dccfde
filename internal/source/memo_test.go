package source

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"sort"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/laborcheck/laborcheck/internal/contract"
	"github.com/laborcheck/laborcheck/internal/rostergen"
)

// filled is one row as Fill read it.
type filled struct {
	row    int
	values []contract.Value
	issues []contract.DataIssue
}

// fillAll reads path with ReadRows and fills its rows on workers
// goroutines, as the engine does, with the parse memo on or off.
func fillAll(t testing.TB, path string, opts Options, memo bool, workers int) []filled {
	t.Helper()
	defer func(old bool) { noParseMemo = old }(noParseMemo)
	noParseMemo = !memo
	return fillRows(t, path, opts, workers)
}

// fillRows is fillAll with the memo as noParseMemo has it, for files read
// at once.
func fillRows(t testing.TB, path string, opts Options, workers int) []filled {
	t.Helper()
	rows := make(chan *Row, 64)
	var (
		mu  sync.Mutex
		out []filled
		wg  sync.WaitGroup
	)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for row := range rows {
				c := &contract.Contract{Values: make([]contract.Value, opts.Schema.Len())}
				issues := row.Fill(c)
				f := filled{row: row.num, values: c.Values, issues: issues}
				row.Release()
				mu.Lock()
				out = append(out, f)
				mu.Unlock()
			}
		}()
	}
	in, err := ReadRows(context.Background(), path, opts, func(r *Row) error {
		rows <- r
		return nil
	})
	close(rows)
	wg.Wait()
	if err != nil || in.Err != nil {
		t.Fatalf("ReadRows(%s) = %v, %v", path, err, in.Err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].row < out[j].row })
	return out
}

func sameFills(t *testing.T, name string, want, got []filled) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d rows with the memo, %d without", name, len(got), len(want))
	}
	bad := 0
	for i := range want {
		if !reflect.DeepEqual(want[i], got[i]) {
			if bad++; bad <= 5 {
				t.Errorf("%s row %d:\nwithout memo %+v\nwith memo    %+v", name, want[i].row, want[i], got[i])
			}
		}
	}
	if bad > 5 {
		t.Errorf("%s: %d rows differ", name, bad)
	}
}

// memoRoster writes an xlsx roster of n rows that mixes columns of a few
// repeated texts with columns of distinct ones, unreadable cells, spreadsheet
// errors, dates and numbers stored as such, and cells a value map rewrites.
func memoRoster(t testing.TB, n int) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	dateStyle, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
	header := []any{"Worker ID", "Name", "Nationality", "Date of Birth", "Start Date", "Basic Salary (MYR)",
		"Recruitment Fee", "Weekly Hours", "Passport Held By", "Is overtime compulsory?", "Rest Days", "Notes"}
	if err := sw.SetRow("A1", header); err != nil {
		t.Fatal(err)
	}
	nats := []string{"Nepal", "Bangladesh", "  nepal ", "Myanmar", "N/A", "Atlantis", "#N/A"}
	held := []string{"worker", "Employer", "agent", "Block C desk", "Site Office", "???", "keeps it"}
	fees := []any{"USD 1,200", "RM 300", "none", 0, 450.5, "half month's wage", "#REF!", "lots", "Fee: 200"}
	hours := []any{48, 60, "48 hrs", "about 50", "40-50", 72, "#DIV/0!", 54.5}
	yesno := []string{"Yes", "no", "Y", "N", "maybe", "forced", ""}
	rest := []any{1, 0, "every other Sunday", "1 day", "Sunday", "none", "two"}
	for i := range n {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		var dob any = excelize.Cell{StyleID: dateStyle, Value: 29000 + (i*37)%9000}
		switch i % 11 {
		case 3:
			dob = "03/04/1990"
		case 7:
			dob = "not known"
		case 9:
			dob = fmt.Sprintf("%d-%02d-%02d", 1980+i%20, 1+i%12, 1+i%28)
		}
		var wage any = 1500 + float64(i%7)*100
		if i%13 == 0 {
			wage = fmt.Sprintf("RM %d", 1400+i%900)
		}
		row := []any{
			fmt.Sprintf("W%06d", i),
			fmt.Sprintf("Worker %d", i),
			nats[i%len(nats)],
			dob,
			excelize.Cell{StyleID: dateStyle, Value: 45000 + i%5},
			wage,
			fees[i%len(fees)],
			hours[(i/3)%len(hours)],
			held[i%len(held)],
			yesno[(i/2)%len(yesno)],
			rest[i%len(rest)],
			[]string{"ok", "", fmt.Sprintf("note %d", i)}[i%3],
		}
		if err := sw.SetRow(cell, row); err != nil {
			t.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "memo.xlsx")
	if err := f.SaveAs(p); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestFillMemo checks that the parse memo changes nothing: the same values
// and data issues, row by row, with and without it, on rosters long enough
// for each column's probe to end either way.
func TestFillMemo(t *testing.T) {
	// The probe is shortened so that the rosters can be short: the memo
	// must change nothing whatever its length.
	defer func(n int32) { memoProbe = n }(memoProbe)
	memoProbe = 512
	opts := defaultOptions()
	opts.ValueMap = map[string]map[string]string{
		"passport_held_by":   {"block c desk": "employer", "Site Office": "supervisor"},
		"overtime_voluntary": {"forced": "no"},
		"rest_days_per_week": {"Every other Sunday": "0.5", "two": "2"},
	}
	xlsx := memoRoster(t, 3*int(memoProbe))
	want := fillAll(t, xlsx, opts, false, 1)
	sameFills(t, "memo.xlsx", want, fillAll(t, xlsx, opts, true, 1))
	sameFills(t, "memo.xlsx on 4 goroutines", want, fillAll(t, xlsx, opts, true, 4))
	issues := 0
	for _, f := range want {
		issues += len(f.issues)
	}
	if issues == 0 {
		t.Error("the roster has no unreadable cells: the test does not cover them")
	}

	dir := t.TempDir()
	for _, format := range []string{"xlsx", "csv"} {
		p := filepath.Join(dir, "roster."+format)
		if err := rostergen.WriteFile(p, rostergen.Options{Rows: 2 * int(memoProbe)}); err != nil {
			t.Fatal(err)
		}
		opts := defaultOptions()
		want := fillAll(t, p, opts, false, 1)
		sameFills(t, "rostergen "+format, want, fillAll(t, p, opts, true, 2))
	}
}

// TestParseMemoProbe checks that a column of distinct texts turns its memo
// off, and a column of a few texts keeps it on.
func TestParseMemoProbe(t *testing.T) {
	f := contract.DefaultSchema().Field("nationality")
	distinct, few := newParseMemo(), newParseMemo()
	var v contract.Value
	for i := range int(memoProbe) + 10 {
		distinct.parse(f, &v, fmt.Sprintf("Country %d", i), contract.Hints{})
		few.parse(f, &v, []string{"Nepal", "India", "Bangladesh"}[i%3], contract.Hints{})
	}
	if distinct.state.Load() != memoOff {
		t.Errorf("distinct texts: memo state %d, want off", distinct.state.Load())
	}
	if few.state.Load() != memoOn {
		t.Errorf("few texts: memo state %d, want on", few.state.Load())
	}
}

// BenchmarkFill is Row.Fill over the rows of a generated roster, read
// once before the timer starts: as delimited text, and as a workbook whose
// texts are shared strings.
func BenchmarkFill(b *testing.B) {
	for _, format := range []string{"csv", "xlsx"} {
		for _, memo := range []bool{false, true} {
			b.Run(fmt.Sprintf("%s/memo=%v", format, memo), func(b *testing.B) {
				defer func(old bool) { noParseMemo = old }(noParseMemo)
				noParseMemo = !memo
				p := filepath.Join(b.TempDir(), "roster."+format)
				if err := rostergen.WriteFile(p, rostergen.Options{Rows: 20_000}); err != nil {
					b.Fatal(err)
				}
				opts := defaultOptions()
				var rows []*Row
				if _, err := ReadRows(context.Background(), p, opts, func(r *Row) error {
					rows = append(rows, r)
					return nil
				}); err != nil {
					b.Fatal(err)
				}
				c := &contract.Contract{Values: make([]contract.Value, opts.Schema.Len())}
				b.ReportAllocs()
				b.ResetTimer()
				n := 0
				for b.Loop() {
					clear(c.Values)
					rows[n%len(rows)].Fill(c)
					n++
				}
			})
		}
	}
}

// TestFillMemoShared checks the memo's lookups by shared string index: a
// generated workbook (all of its text shared strings) fills the same with
// and without the memo, on one goroutine and four, with a value map that
// rewrites some shared strings; and its columns did look their texts up by
// index.
func TestFillMemoShared(t *testing.T) {
	defer func(n int32) { memoProbe = n }(memoProbe)
	memoProbe = 256
	p := filepath.Join(t.TempDir(), "roster.xlsx")
	if err := rostergen.WriteFile(p, rostergen.Options{Rows: 8 * int(memoProbe), RiskyShare: 0.3}); err != nil {
		t.Fatal(err)
	}
	opts := defaultOptions()
	opts.ValueMap = map[string]map[string]string{
		"passport_held_by": {"employer": "worker", "Agent": "employer"},
		"nationality":      {"Nepal": "India"},
	}
	want := fillAll(t, p, opts, false, 1)
	sameFills(t, "rostergen xlsx", want, fillAll(t, p, opts, true, 1))
	sameFills(t, "rostergen xlsx on 4 goroutines", want, fillAll(t, p, opts, true, 4))

	var shared *sharedMemo
	c := &contract.Contract{Values: make([]contract.Value, opts.Schema.Len())}
	if _, err := ReadRows(context.Background(), p, opts, func(r *Row) error {
		clear(c.Values)
		r.Fill(c)
		shared = r.plan.shared
		r.Release()
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	used := 0
	for i := range shared.slots() {
		if shared.tab[i].Load() != nil {
			used++
		}
	}
	if used == 0 {
		t.Error("no reading was looked up by shared string index: the test does not cover it")
	}
}

// TestParseShared checks that a text read in more columns than a shared
// string keeps readings for, and under other hints, reads as it does
// without the memo.
func TestParseShared(t *testing.T) {
	schema := contract.DefaultSchema()
	fields := []*contract.Field{schema.Field("overtime_voluntary"), schema.Field("passport_held_by"), schema.Field("nationality"),
		schema.Field("recruitment_fee_paid_by_worker"), schema.Field("regular_hours_per_week"), schema.Field("worker_name")}
	s := &sharedMemo{}
	s.once.Do(func() { s.tab = make([]atomic.Pointer[memoEntry], 2) })
	memos := make([]*parseMemo, len(fields))
	for i := range memos {
		memos[i] = newParseMemo()
		memos[i].state.Store(memoOn)
	}
	texts := []string{"Yes", "48"}
	hints := []contract.Hints{{}, {Numeric: true}, {Invert: true}, {Currency: "USD"}}
	for round := range 3 {
		for k, f := range fields {
			for sst, in := range texts {
				for _, h := range hints {
					var want, got contract.Value
					wp, wb := parseCell(f, &want, in, h)
					gp, gb := memos[k].parseShared(f, &got, in, h, s, int32(sst+1))
					if gp != wp || gb != wb || got != want {
						t.Fatalf("round %d, %s %q %+v: got %+v %q %v, want %+v %q %v", round, f.Name, in, h, got, gp, gb, want, wp, wb)
					}
				}
			}
		}
	}
	// An index whose text is not the cell's (it cannot be, but the memo
	// does not rely on it) reads the cell's text.
	var got, want contract.Value
	f := fields[0]
	memos[0].parseShared(f, &got, "Yes", contract.Hints{}, s, 1)
	gp, gb := memos[0].parseShared(f, &got, "No", contract.Hints{}, s, 1)
	wp, wb := parseCell(f, &want, "No", contract.Hints{})
	if gp != wp || gb != wb || got != want {
		t.Fatalf("index of another text: got %+v %q %v, want %+v %q %v", got, gp, gb, want, wp, wb)
	}
}
