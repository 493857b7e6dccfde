package contract

// PLACEHOLDER: replaced by the full value parsers.

import (
	"errors"
	"strconv"
	"strings"
	"time"
)

// DateOrder says how an ambiguous numeric date such as 03/04/2024 is read.
type DateOrder int

const (
	DateOrderUnknown DateOrder = iota
	DayFirst
	MonthFirst
)

// Hints carry what is known about a column beyond its field: the currency its
// header names, how its dates are ordered, and the workbook's date system.
type Hints struct {
	Currency  string
	DateOrder DateOrder
	Date1904  bool
}

// CurrencyCode returns the ISO 4217 code a unit or symbol names, or "".
func CurrencyCode(s string) string {
	switch strings.ToUpper(strings.TrimSpace(s)) {
	case "USD", "$":
		return "USD"
	case "EUR":
		return "EUR"
	}
	return ""
}

// Parse reads raw as a value of the field's type.
func (f *Field) Parse(raw string, h Hints) (Value, error) {
	v := Value{Raw: raw}
	s := strings.TrimSpace(raw)
	if s == "" || strings.EqualFold(s, "n/a") {
		return v, nil
	}
	switch f.Type {
	case Int, Duration:
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return v, errors.New("not a whole number")
		}
		v.Int = n
	case Number, Money:
		n, err := strconv.ParseFloat(strings.ReplaceAll(s, ",", ""), 64)
		if err != nil {
			return v, errors.New("not a number")
		}
		v.Num = n
		v.Currency = h.Currency
	case Bool:
		switch strings.ToLower(s) {
		case "yes", "y", "true", "1":
			v.Bool = true
		case "no", "n", "false", "0":
		default:
			return v, errors.New("not yes or no")
		}
	case Date:
		t, err := time.Parse(time.DateOnly, s)
		if err != nil {
			return v, errors.New("not a date")
		}
		v.Time = t
	case Enum:
		w := NormalizeWord(s)
		if syn, ok := f.Synonyms[w]; ok {
			v.Str = syn
		} else {
			v.Str = w
		}
	default:
		v.Str = s
	}
	v.Present = true
	return v, nil
}
