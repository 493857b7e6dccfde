package contract

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
)

// MinimumWages is a table of statutory monthly minimum wages by country,
// region and date, read from a CSV file the user supplies. It is immutable
// once read and safe for concurrent use.
type MinimumWages struct {
	rates map[string][]MinimumWage // CountryKey → rates, newest first
}

// MinimumWage is one row of a minimum-wage table.
type MinimumWage struct {
	Country  string    // as written in the table
	Region   string    // "" for a national rate
	From     time.Time // in force from this date
	Monthly  float64
	Currency string
	Source   string
	Line     int // the table row, header = 1
	region   string
}

// Columns a minimum-wage table may use, by normalised header.
var minWageColumns = map[string][]string{
	"country":  {"country", "country code", "employer country", "iso country", "iso2", "country iso"},
	"region":   {"region", "province", "state", "subdivision", "region name", "worksite region"},
	"from":     {"effective from", "effective date", "effective", "valid from", "from", "date", "start date", "in force from"},
	"year":     {"year"},
	"amount":   {"monthly amount", "monthly minimum", "monthly minimum wage", "minimum wage monthly", "amount", "monthly", "minimum wage", "rate"},
	"currency": {"currency", "currency code", "iso currency"},
	"source":   {"source", "source url", "reference", "url"},
}

// ReadMinimumWages reads a minimum-wage table: CSV (comma, semicolon or tab)
// with a header row naming at least a country, an amount per month, and a
// year or effective date; region, currency and source columns are optional.
// A row without a region is the national rate. Errors name the row.
func ReadMinimumWages(r io.Reader) (*MinimumWages, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read minimum-wage table: %w", err)
	}
	rows, err := ReadTable(data)
	if err != nil {
		return nil, fmt.Errorf("read minimum-wage table: %w", err)
	}
	if len(rows) == 0 {
		return nil, errors.New("minimum-wage table is empty")
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		n := NormalizeHeader(h)
		for key, names := range minWageColumns {
			if _, done := col[key]; !done && slices.Contains(names, n) {
				col[key] = i
			}
		}
	}
	_, hasFrom := col["from"]
	_, hasYear := col["year"]
	switch {
	case !hasColumn(col, "country"):
		return nil, errors.New("minimum-wage table: no country column in the header row")
	case !hasColumn(col, "amount"):
		return nil, errors.New("minimum-wage table: no monthly amount column in the header row (name it monthly_amount)")
	case !hasFrom && !hasYear:
		return nil, errors.New("minimum-wage table: no year or effective-date column in the header row")
	}
	t := &MinimumWages{rates: map[string][]MinimumWage{}}
	amountField := &Field{Name: "minimum_wage_monthly", Type: Money}
	dateField := &Field{Name: "effective_from", Type: Date}
	for n, row := range rows[1:] {
		line := n + 2
		get := func(key string) string {
			if i, ok := col[key]; ok && i < len(row) {
				return strings.TrimSpace(row[i])
			}
			return ""
		}
		if strings.Join(row, "") == "" || strings.HasPrefix(strings.TrimSpace(row[0]), "#") {
			continue
		}
		w := MinimumWage{Country: get("country"), Region: get("region"), Source: get("source"), Line: line}
		if w.Country == "" {
			return nil, fmt.Errorf("minimum-wage table row %d: no country", line)
		}
		amount, err := amountField.Parse(get("amount"), Hints{Currency: CurrencyCode(get("currency"))})
		if err != nil || !amount.Present || amount.Num <= 0 {
			return nil, fmt.Errorf("minimum-wage table row %d: monthly amount %q is not a positive amount", line, get("amount"))
		}
		w.Monthly = amount.Num
		w.Currency = amount.Currency
		if w.Currency == "" {
			w.Currency = strings.ToUpper(get("currency"))
		}
		if s := get("from"); s != "" {
			d, err := dateField.Parse(s, Hints{DateOrder: DayFirst})
			if err != nil || !d.Present {
				return nil, fmt.Errorf("minimum-wage table row %d: effective date %q is not a date (write YYYY-MM-DD)", line, s)
			}
			w.From = d.Time
		} else {
			y, err := strconv.Atoi(get("year"))
			if err != nil || y < 1900 || y > 2200 {
				return nil, fmt.Errorf("minimum-wage table row %d: year %q is not a year", line, get("year"))
			}
			w.From = time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)
		}
		w.region = NormalizeWord(w.Region)
		k := countryKey(w.Country)
		t.rates[k] = append(t.rates[k], w)
	}
	for k := range t.rates {
		slices.SortStableFunc(t.rates[k], func(a, b MinimumWage) int { return b.From.Compare(a.From) })
	}
	return t, nil
}

func hasColumn(m map[string]int, k string) bool { _, ok := m[k]; return ok }

// Lookup returns the rate in force on date for country and region: the
// region's own rate when the table has one, else the national rate. ok is
// false when neither is in force on that date.
func (t *MinimumWages) Lookup(country, region string, date time.Time) (MinimumWage, bool) {
	if t == nil {
		return MinimumWage{}, false
	}
	rates := t.rates[countryKey(country)]
	if reg := NormalizeWord(region); reg != "" {
		for _, r := range rates {
			if r.region == reg && !r.From.After(date) {
				return r, true
			}
		}
	}
	for _, r := range rates {
		if r.region == "" && !r.From.After(date) {
			return r, true
		}
	}
	return MinimumWage{}, false
}

// Len is the number of rates in the table.
func (t *MinimumWages) Len() int {
	n := 0
	for _, r := range t.rates {
		n += len(r)
	}
	return n
}

// ReadTable reads a small reference table (CSV), choosing the delimiter
// (comma, semicolon or tab) from the header line and dropping a byte-order
// mark. Rows may have different lengths.
func ReadTable(data []byte) ([][]string, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	head := data
	if i := bytes.IndexByte(data, '\n'); i >= 0 {
		head = data[:i]
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	cr.Comma = ','
	if n := bytes.Count(head, []byte(";")); n > bytes.Count(head, []byte(",")) {
		cr.Comma = ';'
	}
	if bytes.Count(head, []byte("\t")) > bytes.Count(head, []byte(string(cr.Comma))) {
		cr.Comma = '\t'
	}
	var rows [][]string
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		if err != nil {
			return nil, err
		}
		if len(rows) >= tableRowLimit {
			return nil, fmt.Errorf("the table has more than %d rows, the most a reference table may have", tableRowLimit)
		}
		rows = append(rows, rec)
	}
}

// MaxTableRows is the most rows ReadTable reads: reference tables run to
// thousands of rows, and every row is held in memory.
const MaxTableRows = 1_000_000

// tableRowLimit is MaxTableRows, lowered by tests.
var tableRowLimit = MaxTableRows
