package source

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/laborcheck/laborcheck/internal/contract"
)

// dateEvidence is what a column's values say about its date order.
type dateEvidence struct {
	dayFirst   string // a value whose first number can only be a day, e.g. "23/04/1990"
	monthFirst string // a value whose second number can only be a day, e.g. "04/23/1990"
	ambiguous  string // a value that reads either way, e.g. "03/04/2024"
}

// dateExamples finds, among a column's values, an example of each kind of
// evidence [contract.DetectDateOrder] weighs, for the notes that explain its
// decision: numeric dates with the year last (03/04/2024, 3-4-24) whose first
// or second number can only be a day. Dotted dates (15.01.2024), which are
// always day-first, ISO dates, month names and date cells carry none.
func dateExamples(values []string) dateEvidence {
	var ev dateEvidence
	for _, v := range values {
		a, b, ok := dayMonthPair(v)
		if !ok {
			continue
		}
		switch {
		case a > 12 && b <= 12:
			if ev.dayFirst == "" {
				ev.dayFirst = strings.TrimSpace(v)
			}
		case b > 12 && a <= 12:
			if ev.monthFirst == "" {
				ev.monthFirst = strings.TrimSpace(v)
			}
		case a <= 12 && b <= 12 && a != b:
			if ev.ambiguous == "" {
				ev.ambiguous = strings.TrimSpace(v)
			}
		}
	}
	return ev
}

// dayMonthPair reads the first two numbers of a date written n/n/yyyy (or
// with '-'), optionally followed by a time.
func dayMonthPair(s string) (a, b int, ok bool) {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, " T"); i > 0 {
		s = s[:i]
	}
	var sep byte
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '/' || c == '-' {
			sep = c
			break
		}
	}
	if sep == 0 {
		return 0, 0, false
	}
	parts := strings.Split(s, string(sep))
	if len(parts) != 3 || len(parts[0]) > 2 || len(parts[1]) > 2 || (len(parts[2]) != 2 && len(parts[2]) != 4) {
		return 0, 0, false
	}
	var n [3]int
	for i, p := range parts {
		v, err := strconv.Atoi(p)
		if err != nil || v < 0 || p == "" || p[0] == '+' || p[0] == '-' {
			return 0, 0, false
		}
		n[i] = v
	}
	if n[0] < 1 || n[0] > 31 || n[1] < 1 || n[1] > 31 {
		return 0, 0, false
	}
	return n[0], n[1], true
}

// decideDateOrder picks a date column's order from its first values with
// [contract.DetectDateOrder], falling back to def, and returns the note that
// tells the user how the column was read ("" when nothing needed saying).
func decideDateOrder(values []string, def contract.DateOrder, col string) (contract.DateOrder, string) {
	order, ambiguous := contract.DetectDateOrder(values)
	ev := dateExamples(values)
	switch {
	case order == contract.DayFirst:
		return order, fmt.Sprintf("%s: dates read day-first (a value has a day over 12%s)", col, example(ev.dayFirst))
	case order == contract.MonthFirst:
		return order, fmt.Sprintf("%s: dates read month-first (a value has a day over 12 in second place%s)", col, example(ev.monthFirst))
	case ambiguous && ev.dayFirst != "" && ev.monthFirst != "":
		return def, fmt.Sprintf("%s: dates mix day-first (%q) and month-first (%q) forms; %s", col, ev.dayFirst, ev.monthFirst, fallbackWords(def))
	case ambiguous:
		return def, fmt.Sprintf("%s: dates%s could be day- or month-first and none has a day over 12; %s", col, suchAs(ev.ambiguous), fallbackWords(def))
	}
	return def, ""
}

func example(v string) string {
	if v == "" {
		return ""
	}
	return fmt.Sprintf(": %q", v)
}

func suchAs(v string) string {
	if v == "" {
		return ""
	}
	return fmt.Sprintf(" such as %q", v)
}

func fallbackWords(def contract.DateOrder) string {
	switch def {
	case contract.DayFirst:
		return "read day-first, as the date-order setting says"
	case contract.MonthFirst:
		return "read month-first, as the date-order setting says"
	}
	return "no date order is set, so ambiguous dates are not guessed"
}
