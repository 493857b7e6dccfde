package contract

import (
	"fmt"
	"strings"
	"time"
)

// Value is one field of one contract: the text as it was found and, when it
// could be read, the typed value. A Value that is not Present is unknown, never
// false or zero.
type Value struct {
	Raw      string    // the cell text as found, kept for evidence
	Str      string    // string and enum fields (enum: the canonical value)
	Int      int64     // int and duration fields (duration: days)
	Num      float64   // number and money fields; while Basis is set and the value not yet resolved, the relative factor
	Time     time.Time // date fields, at midnight UTC
	Currency string    // money fields: ISO 4217 code when the cell or header names one
	Present  bool      // a value was read; false for blank, "N/A" and unreadable cells
	Bool     bool      // bool fields
	Derived  bool      // computed from other fields rather than read from a cell
	Basis    Basis     // what Rel is stated against; BasisNone for plain values
	// (The flags come last, packed together: a contract holds dozens of
	// values, and rosters hundreds of thousands of contracts.)
}

// Display renders the typed value the way reports show it.
func (v Value) Display(t Type) string {
	if !v.Present {
		return ""
	}
	switch t {
	case Int, Duration:
		return fmt.Sprint(v.Int)
	case Number:
		return formatNumber(v.Num)
	case Money:
		if v.Currency != "" {
			return formatNumber(v.Num) + " " + v.Currency
		}
		return formatNumber(v.Num)
	case Bool:
		if v.Bool {
			return "true"
		}
		return "false"
	case Date:
		return v.Time.Format(time.DateOnly)
	default:
		return v.Str
	}
}

// Native returns the typed value as a plain Go value (string, int64, float64,
// bool or a date string), or nil when the value is not present.
func (v Value) Native(t Type) any {
	if !v.Present {
		return nil
	}
	switch t {
	case Int, Duration:
		return v.Int
	case Number, Money:
		return v.Num
	case Bool:
		return v.Bool
	case Date:
		return v.Time.Format(time.DateOnly)
	default:
		return v.Str
	}
}

// GroupDigits puts commas into the whole part of a plain decimal number,
// as reports and messages write numbers for people ("-1234567.5" becomes
// "-1,234,567.5").
func GroupDigits(s string) string {
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	whole, frac, hasFrac := strings.Cut(s, ".")
	if len(whole) <= 3 {
		return sign + s
	}
	var b strings.Builder
	b.WriteString(sign)
	lead := len(whole) % 3
	if lead > 0 {
		b.WriteString(whole[:lead])
	}
	for i := lead; i < len(whole); i += 3 {
		if b.Len() > len(sign) {
			b.WriteByte(',')
		}
		b.WriteString(whole[i : i+3])
	}
	if hasFrac {
		b.WriteByte('.')
		b.WriteString(frac)
	}
	return b.String()
}

func formatNumber(f float64) string {
	return fmt.Sprintf("%.10g", f)
}

// Contract is one row of a roster: where it came from and its field values,
// indexed like the fields of the [Schema] it was read with.
type Contract struct {
	File   string // path as given to the scan
	Sheet  string // sheet name; "" for CSV
	Row    int    // the row number a spreadsheet shows (CSV: the record's line, header = 1)
	Values []Value
	// Issues counts the cells of this row that could not be read.
	Issues int
	// Columns says which fields the roster has a column for, and how the
	// roster names them. Nil means every field has a column (contracts built
	// in code, rule examples).
	Columns *Columns
	// Converted is set by derivation when it converted one of the
	// contract's amounts into another currency with the exchange-rate
	// table, whose age then matters to the review.
	Converted bool
}

// Columns describes the columns of the sheet a contract was read from. It
// is shared by every contract of the sheet and must not be changed once
// contracts refer to it.
type Columns struct {
	// Has is indexed like the schema's fields: whether the sheet has a
	// column for the field.
	Has []bool
	// Header and Letter are indexed like Has: the header text as the roster
	// writes it and the column's letter (for text files, its number).
	Header []string
	Letter []string
	// Note says what reading a column's cells took, when it took more
	// than its type: "per month → per week: × 12/52", "inverted: the
	// header asks the opposite question", "currency NPR".
	Note []string
}

// NewColumns returns a Columns for a schema of n fields with no column.
func NewColumns(n int) *Columns {
	return &Columns{Has: make([]bool, n), Header: make([]string, n), Letter: make([]string, n), Note: make([]string, n)}
}

// HasColumn reports whether the contract's sheet has a column for field i.
// Contracts without Columns have every column.
func (c *Contract) HasColumn(i int) bool {
	if c.Columns == nil {
		return i >= 0 && i < len(c.Values)
	}
	return i >= 0 && i < len(c.Columns.Has) && c.Columns.Has[i]
}

// Header returns the roster's own header for field i, or "" when the sheet
// has no column for it (or the contract no Columns).
func (c *Contract) Header(i int) string {
	if c.Columns == nil || i < 0 || i >= len(c.Columns.Header) {
		return ""
	}
	return c.Columns.Header[i]
}

// Value returns the value of field i, or an absent value when the contract has
// no such column.
func (c *Contract) Value(i int) Value {
	if i < 0 || i >= len(c.Values) {
		return Value{}
	}
	return c.Values[i]
}

// Location is "file:sheet:row" ("file:row" for CSV), the fallback identity of a
// contract and the way reports point at it.
func (c *Contract) Location() string {
	if c.Sheet == "" {
		return fmt.Sprintf("%s:%d", c.File, c.Row)
	}
	return fmt.Sprintf("%s:%s:%d", c.File, c.Sheet, c.Row)
}

// ID returns the contract_id field, else worker_id, else [Contract.Location].
func (c *Contract) ID(s *Schema) string {
	for _, name := range []string{"contract_id", "worker_id"} {
		if f := s.Field(name); f != nil {
			if v := c.Value(f.Index); v.Present && v.Str != "" {
				return v.Str
			}
		}
	}
	return c.Location()
}

// DataIssue is a cell that could not be read as its field's type. The field is
// absent for that contract; the issue says where and why.
type DataIssue struct {
	File    string `json:"file"`
	Sheet   string `json:"sheet"`
	Row     int    `json:"row"`
	Column  string `json:"column"` // the column letter (A, B, … AA) for sheets, the header for CSV
	Field   string `json:"field"`
	Value   string `json:"value"`
	Problem string `json:"problem"`
}

func (d DataIssue) Error() string {
	where := d.File
	if d.Sheet != "" {
		where += fmt.Sprintf(": sheet %q", d.Sheet)
	}
	return fmt.Sprintf("%s row %d column %s (%s): %s: %q", where, d.Row, d.Column, d.Field, d.Problem, d.Value)
}
