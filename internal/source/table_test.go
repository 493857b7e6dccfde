package source

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/laborcheck/laborcheck/internal/contract"
)

func TestHeaderDetection(t *testing.T) {
	tests := []struct {
		name      string
		csv       string
		wantRow   int    // 0: skipped
		wantSkip  string // prefix of Skipped
		wantRows  []int
		wantField map[int]string // column index → field name
	}{
		{
			name:     "first line",
			csv:      "Name,Employee ID,DOB\nAna,E1,1990-01-02\n",
			wantRow:  1,
			wantRows: []int{2},
		},
		{
			name:     "title and blank rows above",
			csv:      "ACME Garments Ltd - worker roster,,\nPrinted 2024-05-01,,\n,,\nName,Employee ID,DOB\nAna,E1,1990-01-02\nBo,E2,1991-03-04\n",
			wantRow:  4,
			wantRows: []int{5, 6},
		},
		{
			name:     "the row naming most fields wins",
			csv:      "Name,Remarks\nWorker Name,Employee ID,Passport No,Basic Salary\nAna,E1,P1,1200\n",
			wantRow:  2,
			wantRows: []int{3},
			wantField: map[int]string{
				0: "worker_name", 1: "worker_id", 2: "passport_number", 3: "base_wage_monthly",
			},
		},
		{
			name:     "instructions sheet",
			csv:      "How to fill in this form\nName: the worker's full name\nDOB: date of birth\nSalary: monthly\n",
			wantSkip: "no header row: at most 1 of the 4 rows' cells name a known field",
		},
		{
			name:     "one known field is not a header",
			csv:      "Name,Colour\nAna,red\n",
			wantSkip: "no header row: at most 1 of the 2 rows",
		},
		{
			name:     "header beyond the first 30 rows is not searched",
			csv:      strings.Repeat("note\n", 30) + "Name,Employee ID\nAna,E1\n",
			wantSkip: "no header row: at most 0 of the first 30 rows' cells name a known field",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := readData(t, "r.csv", []byte(tc.csv), defaultOptions())
			sh := onlySheet(t, g.in)
			if sh.HeaderRow != tc.wantRow {
				t.Errorf("HeaderRow = %d, want %d (skipped %q)", sh.HeaderRow, tc.wantRow, sh.Skipped)
			}
			if tc.wantSkip != "" && !strings.HasPrefix(sh.Skipped, tc.wantSkip) {
				t.Errorf("Skipped = %q, want %q…", sh.Skipped, tc.wantSkip)
			}
			if tc.wantSkip == "" && sh.Skipped != "" {
				t.Errorf("Skipped = %q, want a table", sh.Skipped)
			}
			if !slices.Equal(g.rows(), tc.wantRows) {
				t.Errorf("rows = %v, want %v", g.rows(), tc.wantRows)
			}
			for i, name := range tc.wantField {
				if f := sh.Columns[i].Field; f == nil || f.Name != name {
					t.Errorf("column %d field = %v, want %s", i, f, name)
				}
			}
		})
	}
}

func TestRowsThatAreNotContracts(t *testing.T) {
	csv := "Name,Employee ID,Basic Salary,Recruitment Fee\n" +
		"Ana,E1,1200,100\n" +
		",,,\n" +
		"Bo,E2,\"1,300\",0\n" +
		"Name,Employee ID,Basic Salary,Recruitment Fee\n" + // repeated on a new page
		"Cy,E3,900,\n" +
		",,,,note in an unmapped column\n" +
		"Total,,3400,100\n" +
		"Grand Total:,,\"$3,400.00\",(100)\n" +
		"Subtotal,E4,10,\n" + // has an id: a worker named Subtotal
		"TOTAL,,,\n" +
		"Sum Kim,E5,800,0\n" +
		"Dee,E6,700,0,extra\n"
	g := readData(t, "r.csv", []byte(csv), defaultOptions())
	sh := onlySheet(t, g.in)
	if want := []int{2, 4, 6, 10, 12, 13}; !slices.Equal(g.rows(), want) {
		t.Errorf("rows = %v, want %v", g.rows(), want)
	}
	for _, want := range []string{
		"3 totals rows skipped (rows 8, 9, 11)",
		"1 repeated header row skipped",
		"1 row with no value in any recognised column skipped",
		"1 row has cells right of the header's last column (ignored)",
	} {
		if !slices.Contains(sh.Notes, want) {
			t.Errorf("Notes = %q, want %q", sh.Notes, want)
		}
	}
	if sh.Rows != 6 {
		t.Errorf("Sheet.Rows = %d, want 6", sh.Rows)
	}
}

func TestIsTotalLabel(t *testing.T) {
	for s, want := range map[string]bool{
		"Total": true, "TOTAL:": true, "Totals": true, "Grand Total": true, "grand total (USD)": true,
		"Sub-total": true, "Subtotal": true, "Sum": true, "Sum total": true, "Overall total": true,
		"Total workers: 25": true,
		"Sum Kim":           false, "Totally": false, "Ana": false, "": false, "Grand": false,
		"total of the wages paid to workers this month": false,
	} {
		if got := isTotalLabel(s); got != want {
			t.Errorf("isTotalLabel(%q) = %v, want %v", s, got, want)
		}
	}
}

// The quick tests for every cell agree with folding the text in full.
func TestQuickHeaderTests(t *testing.T) {
	texts := []string{
		"", " ", "Total", "TOTAL:", "Totals", "Grand Total", "grand total (USD)", "Sub-total", "Subtotal", "Sum", "sum",
		"Sum total", "Overall total", "Total workers: 25", "Sum Kim", "Totally", "Ana", "Grand", "#", "# total", "total #",
		"License #", "License No", "license no", "Passport\nKept-By ", "passport kept by", "  Name  ", "Name", "name",
		"Employee ID", "employee id", "EMPLOYEE-ID", "Ñame", "Straße", "ＴＯＴＡＬ", "Total\u00a0", "\u00a0Total",
		"Recruitment Fee (USD)", "recruitment fee usd", "12 total", "a#b", "#5", "##", "no", "Sub total", "subtotals x y z",
		"Grand Totals", "overall", "Total (in USD) of all", "Tot al", "Date of Birth", "date_of_birth",
	}
	for _, h := range texts {
		want := isTotalLabelSlow(h)
		if got := isTotalLabel(h); got != want {
			t.Errorf("isTotalLabel(%q) = %v, want %v", h, got, want)
		}
		for _, k := range texts {
			key := contract.NormalizeHeader(k)
			if got, want := normalizedIs(h, key), contract.NormalizeHeader(h) == key; got != want {
				t.Errorf("normalizedIs(%q, %q) = %v, want %v", h, key, got, want)
			}
		}
	}
}

// isTotalLabelSlow is isTotalLabel without the quick test.
func isTotalLabelSlow(s string) bool {
	words := strings.Fields(contract.NormalizeHeader(s))
	if len(words) == 0 || len(words) > 4 {
		return false
	}
	switch words[0] {
	case "total", "totals", "subtotal", "subtotals":
		return true
	case "sum":
		return len(words) == 1 || words[1] == "total"
	case "grand", "sub", "overall":
		return len(words) > 1 && (words[1] == "total" || words[1] == "totals")
	}
	return false
}

func TestLooksNumeric(t *testing.T) {
	for s, want := range map[string]bool{
		"1200": true, "1,200.50": true, "$3,400.00": true, "(100)": true, "USD 1,200": true,
		"1.200,00 €": true, "45%": true, "-5": true,
		"": false, "abc": false, "E4": true, "Ana K": false, "12 workers paid": false, "2024/01/02": false,
	} {
		if got := looksNumeric(s); got != want {
			t.Errorf("looksNumeric(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestDateOrder(t *testing.T) {
	tests := []struct {
		name      string
		dobs      []string
		def       contract.DateOrder
		wantOrder contract.DateOrder
		wantNote  string
	}{
		{
			name:      "day over 12 first",
			dobs:      []string{"03/04/1990", "23/04/1991"},
			wantOrder: contract.DayFirst,
			wantNote:  `column 3 (date_of_birth): dates read day-first (a value has a day over 12: "23/04/1991")`,
		},
		{
			name:      "day over 12 second",
			dobs:      []string{"03/04/1990", "04/23/1991"},
			def:       contract.DayFirst,
			wantOrder: contract.MonthFirst,
			wantNote:  `column 3 (date_of_birth): dates read month-first (a value has a day over 12 in second place: "04/23/1991")`,
		},
		{
			name:      "ambiguous uses the setting",
			dobs:      []string{"03/04/1990", "05/06/1991"},
			def:       contract.DayFirst,
			wantOrder: contract.DayFirst,
			wantNote:  `column 3 (date_of_birth): dates such as "03/04/1990" could be day- or month-first and none has a day over 12; read day-first, as the date-order setting says`,
		},
		{
			name:      "ambiguous without a setting",
			dobs:      []string{"03/04/1990"},
			wantOrder: contract.DateOrderUnknown,
			wantNote:  `column 3 (date_of_birth): dates such as "03/04/1990" could be day- or month-first and none has a day over 12; no date order is set, so ambiguous dates are not guessed`,
		},
		{
			name:      "mixed",
			dobs:      []string{"23/04/1990", "04/23/1991"},
			def:       contract.MonthFirst,
			wantOrder: contract.MonthFirst,
			wantNote:  `column 3 (date_of_birth): dates mix day-first ("23/04/1990") and month-first ("04/23/1991") forms; read month-first, as the date-order setting says`,
		},
		{
			name:      "iso needs no note",
			dobs:      []string{"1990-04-03", "1991-04-23"},
			def:       contract.MonthFirst,
			wantOrder: contract.MonthFirst,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var b strings.Builder
			b.WriteString("Name,Employee ID,DOB\n")
			for i, d := range tc.dobs {
				fmt.Fprintf(&b, "W%d,E%d,%s\n", i, i, d)
			}
			opts := defaultOptions()
			opts.DateOrder = tc.def
			g := readData(t, "r.csv", []byte(b.String()), opts)
			sh := onlySheet(t, g.in)
			if got := sh.Columns[2].Hints.DateOrder; got != tc.wantOrder {
				t.Errorf("DateOrder = %v, want %v", got, tc.wantOrder)
			}
			if tc.wantNote == "" && len(sh.Notes) > 0 || tc.wantNote != "" && !slices.Contains(sh.Notes, tc.wantNote) {
				t.Errorf("Notes = %q, want %q", sh.Notes, tc.wantNote)
			}
		})
	}
}

func TestMaxRows(t *testing.T) {
	csv := "Name,Employee ID\nA,1\nB,2\nC,3\n"
	opts := defaultOptions()
	opts.MaxRows = 2
	g := readData(t, "r.csv", []byte(csv), opts)
	sh := onlySheet(t, g.in)
	if len(g.contracts) != 2 || sh.Rows != 2 {
		t.Errorf("%d contracts, Rows %d, want 2", len(g.contracts), sh.Rows)
	}
	if !slices.Contains(sh.Notes, "stopped after 2 contracts (the row limit)") {
		t.Errorf("Notes = %q", sh.Notes)
	}
	opts.MaxRows = 3
	g = readData(t, "r.csv", []byte(csv), opts)
	if sh := onlySheet(t, g.in); len(sh.Notes) != 0 {
		t.Errorf("exactly MaxRows rows: Notes = %q, want none", sh.Notes)
	}
}

func TestRead_CallbackErrorStops(t *testing.T) {
	var b strings.Builder
	b.WriteString("Name,Employee ID\n")
	for i := range 500 {
		fmt.Fprintf(&b, "W%d,E%d\n", i, i)
	}
	path := writeFile(t, "r.csv", []byte(b.String()))
	stop := errors.New("stop")
	n := 0
	in, err := Read(context.Background(), path, defaultOptions(), func(*contract.Contract, []contract.DataIssue) error {
		if n++; n == 250 {
			return stop
		}
		return nil
	})
	if err != stop || in == nil || n != 250 {
		t.Errorf("Read = %v, %v after %d calls, want the callback's error after 250", in, err, n)
	}
}

func TestRead_ContextCancelled(t *testing.T) {
	var b strings.Builder
	b.WriteString("Name,Employee ID\n")
	for i := range 5000 {
		fmt.Fprintf(&b, "W%d,E%d\n", i, i)
	}
	path := writeFile(t, "r.csv", []byte(b.String()))
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	in, err := Read(ctx, path, defaultOptions(), func(*contract.Contract, []contract.DataIssue) error {
		if n++; n == 300 {
			cancel()
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) || in == nil || n >= 5000 {
		t.Errorf("Read = %v after %d contracts, want context.Canceled early", err, n)
	}
	ctx, cancel = context.WithCancel(context.Background())
	cancel()
	if _, err := Read(ctx, path, defaultOptions(), nil); !errors.Is(err, context.Canceled) {
		t.Errorf("Read with a cancelled context = %v, want context.Canceled", err)
	}
}

func TestRead_CallbackPanicIsNotSwallowed(t *testing.T) {
	path := writeFile(t, "r.csv", []byte("Name,Employee ID\nA,1\n"))
	defer func() {
		if p := recover(); p != "caller bug" {
			t.Errorf("recovered %v, want the callback's own panic", p)
		}
	}()
	_, _ = Read(context.Background(), path, defaultOptions(), func(*contract.Contract, []contract.DataIssue) error {
		panic("caller bug")
	})
	t.Error("Read returned after the callback panicked")
}

func TestRead_NoSchema(t *testing.T) {
	in, err := Read(context.Background(), "x.csv", Options{}, nil)
	if err == nil || in == nil {
		t.Errorf("Read without a schema = %v, %v; want an error and an Input", in, err)
	}
}

func TestRead_Missing(t *testing.T) {
	g := read(t, "/no/such/roster.xlsx", defaultOptions())
	if !errors.Is(g.in.Err, ErrNotFound) {
		t.Errorf("Err = %v, want ErrNotFound", g.in.Err)
	}
	g = read(t, t.TempDir(), defaultOptions())
	if !errors.Is(g.in.Err, ErrUnsupported) {
		t.Errorf("reading a directory: Err = %v, want ErrUnsupported", g.in.Err)
	}
}

func TestColumnLetter(t *testing.T) {
	for n, want := range map[int]string{1: "A", 26: "Z", 27: "AA", 52: "AZ", 703: "AAA", 16384: "XFD"} {
		if got := columnLetter(n); got != want {
			t.Errorf("columnLetter(%d) = %q, want %q", n, got, want)
		}
	}
}
