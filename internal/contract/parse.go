package contract

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file holds [Field.Parse] and what every type shares: blank and null
// cells, spreadsheet error values, text folding and string fields. Each other
// type has a file of its own (number.go, money.go, bool.go, date.go,
// duration.go, enum.go).
//
// The parsers run once per cell on rosters of hundreds of thousands of rows,
// so they scan by hand instead of using regular expressions, fold text into
// buffers on the stack, and allocate only to build an error message or, for
// string fields, to collapse whitespace.

// DateOrder says how an ambiguous numeric date such as 03/04/2024 is read.
type DateOrder int

// Date orders. DateOrderUnknown makes an ambiguous date a data issue rather
// than a guess.
const (
	DateOrderUnknown DateOrder = iota
	DayFirst                   // 03/04/2024 is 3 April 2024
	MonthFirst                 // 03/04/2024 is 4 March 2024
)

// String returns "day-first", "month-first" or "unknown".
func (o DateOrder) String() string {
	switch o {
	case DayFirst:
		return "day-first"
	case MonthFirst:
		return "month-first"
	}
	return "unknown"
}

// Hints carry what is known about a column beyond its field: the currency its
// header names, how its dates are ordered, and the workbook's date system.
// The zero value knows nothing.
type Hints struct {
	// Currency is the ISO 4217 code the column header names ("Fee (USD)"),
	// used for money cells that name no currency themselves. A currency named
	// in the cell wins over it.
	Currency string
	// DateOrder says how a numeric date with both day and month at most 12 is
	// read. Use [DetectDateOrder] on the column's cells or a user setting.
	DateOrder DateOrder
	// Date1904 is set when the workbook counts date serials from 1904.
	Date1904 bool
	// Numeric is set by readers when the cell holds a number as the
	// spreadsheet stores it ("1200.5", "4.5E-2"): '.' is the decimal point
	// and there are no group separators, so "123.456" is not ambiguous. Text
	// that is not such a number is read as if Numeric were false.
	Numeric bool
	// Invert is set for a yes/no column whose header asks the opposite
	// question of its field ("Is overtime compulsory?" for
	// overtime_voluntary): a "yes" reads as false and a "no" as true. The
	// field's own wordings ("Compulsory") keep their meaning. Bool fields
	// only.
	Invert bool
	// Yes and No, for an enum field read from a yes/no column ("Does the
	// company keep the passport?"), are the values a yes and a no stand for.
	// An answer whose value is empty or a null word ("unknown") leaves the
	// field unknown; a cell that is no yes or no is read as the enum
	// ("Agent").
	Yes, No string
	// Scale converts a number or money cell from the unit its header names
	// into the field's own ("Hours per month" → per week, "Wage (weekly)" →
	// monthly); zero means 1. Int fields round to the nearest whole number.
	// Amounts stated in wages ("Half month's wage") are not scaled.
	Scale float64
	// Share marks a column of percentages or shares ("Deductions (%)"): "25",
	// "25%" and "0.25" all read as 0.25; a number over 1 is a percentage,
	// and a share over 100% is a data issue. In a money field the share is
	// of the row's wage: a relative value (BasisMonthlyWage).
	Share bool
	// Basis marks a number column stated per some quantity of the row
	// ("Hours per day"): a cell is read as a relative value (its factor in Value.Num) that
	// Deriver resolves from the row (see [Basis]).
	Basis Basis
}

// Basis is what a relative value is stated against. A cell such as "Half
// month's wage", or an hours column read per day, cannot be resolved from
// the cell alone: its factor is kept in Value.Num, with Value.Basis set, and resolved against the row by
// [Deriver.Derive].
type Basis uint8

// Bases of relative values.
const (
	BasisNone        Basis = iota
	BasisMonthlyWage       // Rel × the row's base_wage_monthly (money)
	BasisWorkdays          // Rel × working days a week: 7 − rest_days_per_week
	BasisContract          // Rel × the contract's length in days: start_date to contract_end_date
)

// Problems reported for cells. They are short, lowercase, and shown to users
// beside the cell reference.
var (
	errNotNumber = errors.New("not a number")
	errNotWhole  = errors.New("not a whole number")
	errRange     = errors.New("a range, not a single number")
	errNotExact  = errors.New("an estimate or a limit, not an exact number")
)

// Parse reads raw, the text of one cell, as a value of the field's type.
//
// A blank cell, or one holding a null word ("N/A", "n.a.", "-", "unknown",
// "TBC", "?", "none given" and the like), gives a Value that is not Present
// and a nil error: unknown is never false or zero. A cell that cannot be read
// gives a Value that is not Present and an error whose text says what is
// wrong in a few lowercase words ("not a date"), for the data issue that
// callers report with the cell's reference. A Present value always comes
// with a nil error, and a Value always keeps raw.
//
// Cells are read by their main meaning, with the wordings of the value
// vocabulary (internal/vocab/values.yaml): "Sub-agent, Kathmandu" is agent,
// "Company-provided hostel" is yes to employer_provided_housing, "Every
// other Sunday" is half a rest day a week. The field's own yes/no wordings
// come before the null words: "Not given" is unknown in general but no in
// has_written_contract.
//
// A cell stated against the row ("Half month's wage", or any cell of a
// column with [Hints.Basis]) gives a Value that is not Present, with Rel and
// Basis set and a nil error; [Deriver.Derive] resolves it from the row. Pay
// deferred to the end of the contract (BasisContract) is the exception: it
// is Present at once, at values.yaml's assume.deferred_pay_days, and
// Deriver replaces that with the contract's length when it can.
//
// Parse is safe for concurrent use.
func (f *Field) Parse(raw string, h Hints) (Value, error) {
	var v Value
	err := f.ParseInto(&v, raw, h)
	return v, err
}

// ParseInto is Parse writing the value into *v (which it overwrites whole),
// for readers that fill a contract's values in place.
func (f *Field) ParseInto(v *Value, raw string, h Hints) error {
	*v = Value{Raw: raw}
	s := trim(raw)
	if s == "" || isNullPunct(s) {
		return nil
	}
	if s[0] == '#' {
		if null, err := excelError(s); null || err != nil {
			return err
		}
	}
	if rest, ok := f.afterLabel(s); ok {
		// "Curfew: none", "Day off: none": the column's header repeated
		// before the value.
		err := f.ParseInto(v, rest, h)
		v.Raw = raw
		return err
	}
	var buf [64]byte
	w := fold(buf[:0], s)
	if f.boolExact != nil {
		// The field's own wordings say what the field means, whatever the
		// column asks: they are not turned round by Invert. They come
		// before the null words, and those before plain answers.
		if code, ok := f.boolExact[string(w)]; ok {
			if code == exactNull {
				return nil
			}
			if strings.IndexByte(s, '?') < 0 && strings.IndexByte(s, '#') < 0 {
				v.Bool, v.Present = code == exactYes || code == exactYes+exactPlain, true
				if code > exactPlain && h.Invert {
					v.Bool = !v.Bool
				}
				return nil
			}
		}
	}
	if wordy(w) && f.vocab().null[string(w)] {
		return nil
	}
	var err error
	switch f.Type {
	case String:
		v.Str = collapseSpace(s)
	case Enum:
		if h.Yes != "" || h.No != "" {
			return f.parseEnumAnswer(v, s, w, &h)
		}
		if v.Str, err = f.parseEnum(s, w); err == nil && f.isNullValue(v.Str) {
			v.Str = "" // a wording of "unknown": not known, like a blank cell
			return nil
		}
	case Bool:
		v.Bool, err = f.parseBool(s, w, &h)
	case Int:
		v.Int, err = f.parseInt(v, s, w, &h)
	case Number:
		v.Num, err = f.parseNumber(v, s, w, &h)
	case Money:
		v.Num, v.Currency, err = f.parseMoney(v, s, w, &h)
	case Date:
		v.Time, err = parseDate(s, h)
	case Duration:
		v.Int, err = f.parseDuration(v, s, w, &h)
	default:
		err = fmt.Errorf("unsupported field type %v", f.Type)
	}
	if err != nil {
		*v = Value{Raw: raw}
		return err
	}
	if v.Basis != BasisNone {
		// Relative: Num holds the factor, resolved from the row by
		// Deriver.Derive.
		v.Int, v.Currency = 0, ""
		if v.Basis == BasisContract {
			// Pay at the end of the contract is late pay whatever the
			// contract's length: the value is present from the start, at
			// values.yaml's assumed length, and Deriver makes it the
			// contract's own when the row has its dates.
			v.Int, v.Present = int64(math.Round(v.Num*float64(f.vocab().deferredDays))), true
		}
		return nil
	}
	v.Present = true
	return nil
}

// parseEnumAnswer reads an enum field from a yes/no column (Hints.Yes and
// No): a yes is h.Yes, a no h.No. A no (or yes) that stands for no value,
// or for a null value such as "unknown", leaves the field unknown. A cell
// that is not a yes or no is read as the enum itself ("Agent").
func (f *Field) parseEnumAnswer(v *Value, s string, w []byte, h *Hints) error {
	for _, want := range []string{h.Yes, h.No} {
		if want != "" && !slicesContains(f.Values, want) {
			return fmt.Errorf("column reads yes/no as %q, which is not one of %s", want, strings.Join(f.Values, ", "))
		}
	}
	b, _, err := f.readBool(s, w, nil, false, false)
	if err == nil {
		val := h.No
		if b {
			val = h.Yes
		}
		if val == "" || f.isNullValue(val) {
			return nil
		}
		v.Str, v.Present = val, true
		return nil
	}
	str, err := f.parseEnum(s, w)
	if err != nil {
		return err
	}
	if !f.isNullValue(str) {
		v.Str, v.Present = str, true
	}
	return nil
}

func slicesContains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// nullWords are the folded texts that mean "not known" in every field type:
// the built-in vocabulary's null words. "none" and "nil" are not among them:
// in money fields they mean zero, in a field's words they may mean a number,
// and in string fields they are text.
var nullWords = defaultValues.null

// isNullPunct reports whether s holds only dashes, question marks, dots,
// slashes and the like: "-", "--", "?", "...", "—", "n/a" without letters.
func isNullPunct(s string) bool {
	for _, r := range s {
		switch r {
		case '-', '–', '—', '‒', '―', '?', '.', '/', '\\', '_', '*', '\'', '"', '`', '…':
		default:
			if !isSpace(r) {
				return false
			}
		}
	}
	return true
}

// excelError recognises the error values a spreadsheet shows in place of a
// formula's result. "#N/A" is a null; the others are problems.
func excelError(s string) (null bool, err error) {
	var up [16]byte
	if len(s) > len(up) {
		return false, nil
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		up[i] = c
	}
	switch string(up[:len(s)]) {
	case "#N/A", "#NA":
		return true, nil
	case "#VALUE!", "#REF!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!",
		"#GETTING_DATA", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!":
		return false, fmt.Errorf("formula error %s", up[:len(s)])
	}
	return false, nil
}

// isSpace reports whether r is white space, a byte order mark or a zero-width
// space: characters that surround cell text without being part of it.
func isSpace(r rune) bool {
	return unicode.IsSpace(r) || r == '\uFEFF' || r == '\u200B'
}

// trim removes surrounding white space, byte order marks and zero-width spaces.
func trim(s string) string {
	for len(s) > 0 {
		c := s[0]
		if c < utf8.RuneSelf {
			if c != ' ' && (c < '\t' || c > '\r') {
				break
			}
			s = s[1:]
			continue
		}
		r, n := utf8.DecodeRuneInString(s)
		if !isSpace(r) {
			break
		}
		s = s[n:]
	}
	for len(s) > 0 {
		c := s[len(s)-1]
		if c < utf8.RuneSelf {
			if c != ' ' && (c < '\t' || c > '\r') {
				break
			}
			s = s[:len(s)-1]
			continue
		}
		r, n := utf8.DecodeLastRuneInString(s)
		if !isSpace(r) {
			break
		}
		s = s[:len(s)-n]
	}
	return s
}

// collapseSpace turns every run of white space in s into one space. It
// allocates only when there is something to change.
func collapseSpace(s string) string {
	// Plain ASCII text, with single spaces between words, is the common
	// case: check it byte by byte before decoding runes.
	prevSpace := false
	i := 0
	for ; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			break
		}
		if c == ' ' {
			if prevSpace {
				break
			}
			prevSpace = true
			continue
		}
		if '\t' <= c && c <= '\r' {
			break
		}
		prevSpace = false
	}
	if i == len(s) {
		return s
	}
	clean := true
	prevSpace = false
	for _, r := range s {
		sp := isSpace(r)
		if sp && (r != ' ' || prevSpace) {
			clean = false
			break
		}
		prevSpace = sp
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	prevSpace = false
	for _, r := range s {
		if isSpace(r) {
			prevSpace = true
			continue
		}
		if prevSpace {
			b.WriteByte(' ')
			prevSpace = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// fold appends to dst the [NormalizeWord] form of s: lower case, each run of
// characters other than letters and digits a single space, "#" as "no".
// With a dst on the caller's stack it does not allocate for short text.
func fold(dst []byte, s string) []byte {
	start := len(dst)
	space := false
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
			case 'A' <= c && c <= 'Z':
				c += 'a' - 'A'
			case c == '#':
				if len(dst) > start {
					dst = append(dst, ' ')
				}
				dst = append(dst, "no"...)
				space = true
				continue
			default:
				space = true
				continue
			}
			if space && len(dst) > start {
				dst = append(dst, ' ')
			}
			space = false
			dst = append(dst, c)
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		r = unicode.ToLower(r)
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			space = true
			continue
		}
		if space && len(dst) > start {
			dst = append(dst, ' ')
		}
		space = false
		dst = utf8.AppendRune(dst, r)
	}
	return dst
}

// wordy reports whether folded text starts with a letter: only such text can
// be one of the null, zero, yes/no or interval words, so the others skip the
// map lookups.
func wordy(w []byte) bool { return len(w) > 0 && !isDigit(w[0]) }

// nextWord splits the first space-separated word off folded text.
func nextWord(w []byte) (word, rest []byte) {
	for i, c := range w {
		if c == ' ' {
			return w[:i], w[i+1:]
		}
	}
	return w, nil
}

// lowerASCII appends s to dst with ASCII letters in lower case.
func lowerASCII(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}

func isDigit(c byte) bool  { return '0' <= c && c <= '9' }
func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// afterLabel returns the value of a cell that repeats a header spelling of
// its field before a colon ("Curfew: none", "Day off: none", "Deposit: 1
// month wage"), or, in a money field, before an amount ("Deposit RM 300").
// The label holds no digit, so times ("22:00") are kept whole.
func (f *Field) afterLabel(s string) (string, bool) {
	i := strings.IndexByte(s, ':')
	if i < 0 && f.Type == Money {
		// "Deposit RM 300", "Placement fee SGD 2,000": a money cell may
		// name its column without a colon before the amount. Plain
		// amounts ("1,700", "$300") start otherwise, and skip the search.
		if len(s) < 3 || !isLetter(s[0]) || strings.IndexByte(s, ' ') < 0 {
			return "", false
		}
		for _, a := range f.Aliases {
			if n := len(a); len(s) > n+1 && s[n] == ' ' && strings.EqualFold(s[:n], a) && hasDigit(s[n:]) {
				return trim(s[n+1:]), true
			}
		}
		return "", false
	}
	if i <= 0 || i+1 >= len(s) || hasDigit(s[:i]) {
		return "", false
	}
	rest := trim(s[i+1:])
	if rest == "" {
		return "", false
	}
	var lb, ab [64]byte
	label := fold(lb[:0], s[:i])
	if len(label) == 0 {
		return "", false
	}
	for _, a := range f.Aliases {
		// "Rest day:" names the column "Rest Days".
		if fa := fold(ab[:0], a); string(fa) == string(label) || len(fa) > 1 && fa[len(fa)-1] == 's' && string(fa[:len(fa)-1]) == string(label) {
			return rest, true
		}
	}
	return "", false
}
