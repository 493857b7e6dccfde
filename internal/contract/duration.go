package contract

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"unicode/utf8"
)

// Durations are whole days. A month counts 30 days, a week 7, a fortnight 14,
// a quarter 90 and a year 365:
//
//   - a number alone is days: "30";
//   - amounts of units, summed: "30 days", "1 month", "2 weeks", "one month",
//     "a month", "1 mo", "1.5 months", "1 month and 15 days", "1 month's notice";
//   - intervals: "every 2 months", "once a month", "every other week";
//   - pay frequencies: "Monthly" 30, "Bi-weekly"/"Fortnightly" 14,
//     "Semi-monthly"/"Twice a month" 15, "Weekly" 7, "Daily" 1,
//     "Quarterly" 90, "Half-yearly" 180, "Annually"/"Yearly" 365.
//
// "Bi-monthly" and "biannually" are data issues: each means both twice per
// period and every two periods. "Working days" are a data issue too, since
// they are not calendar days. Payment "at the end of the contract", "on
// completion" or "on return home" has no fixed interval and is a data issue
// ("no fixed interval"), not a number, except in fields whose vocabulary
// lists such wordings as deferred pay (wage_payment_interval_days): there
// the interval is the contract's length, resolved by Deriver, since wages
// held until the end of a contract are themselves a risk indicator.
// A pay period among other words ("Paid twice a month", "Monthly, 7th")
// is read when nothing else in the cell is a number or a negation.

var (
	errNotDuration  = errors.New("not a length of time")
	errNoInterval   = errors.New("no fixed interval")
	errWorkingDays  = errors.New("working days, not calendar days")
	errNotWholeDays = errors.New("not a whole number of days")
)

// The phrases with a fixed number of days ("Monthly", "Semi-monthly"), and
// those that name two different intervals ("Bi-monthly"), are the
// intervals of the value vocabulary (values.yaml).

// durationUnits are unit words and their days.
var durationUnits = map[string]float64{
	"day": 1, "days": 1, "d": 1, "dy": 1, "dys": 1,
	"week": 7, "weeks": 7, "wk": 7, "wks": 7, "w": 7,
	"fortnight": 14, "fortnights": 14,
	"month": 30, "months": 30, "mo": 30, "mos": 30, "mth": 30, "mths": 30, "mnth": 30, "mnths": 30,
	"quarter": 90, "quarters": 90,
	"year": 365, "years": 365, "yr": 365, "yrs": 365, "y": 365,
}

// durationQuantities are number words.
var durationQuantities = map[string]float64{
	"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
	"eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "thirty": 30,
	"sixty": 60, "ninety": 90, "half": 0.5, "other": 2,
}

// durationFillers may come before an amount: "every 2 months", "once a month".
var durationFillers = map[string]bool{
	"every": true, "each": true, "once": true, "per": true, "in": true, "after": true,
	"within": true, "at": true, "least": true, "minimum": true, "min": true,
}

// durationTrailers may follow an amount: "1 month's notice", "30 days in advance".
var durationTrailers = map[string]bool{
	"s": true, "notice": true, "in": true, "advance": true, "prior": true, "written": true,
	"period": true, "only": true, "before": true, "beforehand": true, "ahead": true,
}

// noIntervalWords mark payment tied to an event rather than a period.
var noIntervalWords = map[string]bool{
	"contract": true, "completion": true, "complete": true, "completed": true, "return": true,
	"departure": true, "lump": true, "irregular": true, "irregularly": true, "season": true,
	"project": true, "request": true, "demand": true, "harvest": true, "finish": true,
	"end": true, "upon": true, "when": true, "termination": true, "leaving": true,
}

// durTok is a number or a lower-case word of a duration cell.
type durTok struct {
	num   float64
	isNum bool
	word  [12]byte
	n     int // length of word
}

func (t *durTok) w() string { return string(t.word[:t.n]) }

// parseDuration reads a duration field by the rules at the top of this file.
// The field's words are tried first ("none" or "immediate" notice is 0).
// Pay deferred to the end of the contract ("On completion of contract",
// "After harvest"), for fields whose vocabulary lists such wordings, is a
// relative value (BasisContract) that Deriver resolves to the contract's
// length; other fields report it as a data issue ("no fixed interval").
func (f *Field) parseDuration(v *Value, s string, w []byte, h *Hints) (int64, error) {
	days, err := f.readDuration(s, w, h)
	if err == errNotDuration || err == errNoInterval {
		// "Paid twice a month", "Monthly, 7th": a pay period among
		// words that do not change it.
		if d, ok := f.vocab().searchInterval(s); ok {
			return int64(d), nil
		}
	}
	if err == nil || f.fw == nil || f.fw.deferred == nil || err != errNoInterval && err != errNotDuration {
		return days, err
	}
	vv := f.vocab()
	if found, neg := hasPhrase(vv, s, f.fw.deferred); found && !neg {
		if other, _ := hasPhrase(vv, s, vv.intervals); !other {
			v.Num, v.Basis = 1, BasisContract
			return 0, nil
		}
	}
	return days, err
}

func (f *Field) readDuration(s string, w []byte, h *Hints) (int64, error) {
	if x, ok := f.Words[string(w)]; ok {
		return wholeNumber(x)
	}
	vv := f.vocab()
	if d, ok := vv.intervals[string(w)]; ok {
		if d < 0 {
			return 0, fmt.Errorf("ambiguous: %q (%s)", s, vv.ambiguous[string(w)])
		}
		return int64(d), nil
	}
	if h.Numeric {
		if x, ok := parseFloatStrict(s); ok {
			return wholeDays(x)
		}
	}
	if open := strings.IndexByte(s, '('); open >= 0 {
		if end := strings.LastIndexByte(s, ')'); end > open {
			return f.durationWithNote(s[:open]+" "+s[end+1:], s[open+1:end], h)
		}
	}
	days, err := durationAmounts(s)
	if err == nil {
		return wholeDays(days)
	}
	if err == errNotDuration && hasNoIntervalWord(w) {
		return 0, errNoInterval
	}
	return 0, err
}

// durationWithNote reads a duration with a note in brackets: "Monthly (end
// of month)", "1 month (30 days)", "30 days (calendar)". A note that gives
// another length of time, or ties payment to an event ("Monthly (balance at
// end of contract)"), makes the cell a data issue.
func (f *Field) durationWithNote(outer, note string, h *Hints) (int64, error) {
	outer, note = trim(outer), trim(note)
	if strings.ContainsAny(note, "()") {
		return 0, errNotDuration
	}
	if outer == "" {
		outer, note = note, ""
	}
	days, err := f.readDuration(outer, fold(nil, outer), h)
	if err != nil || note == "" {
		return days, err
	}
	w := fold(nil, note)
	nd, err := f.readDuration(note, w, &Hints{})
	switch {
	case err == nil && nd != days:
		return 0, fmt.Errorf("two lengths of time: %d and %d days", days, nd)
	case err == errNoInterval, err != nil && hasNoIntervalWord(w):
		return 0, errNoInterval
	}
	return days, nil
}

// hasNoIntervalWord reports whether folded text ties payment to an event.
func hasNoIntervalWord(w []byte) bool {
	for len(w) > 0 {
		var word []byte
		word, w = nextWord(w)
		if noIntervalWords[string(word)] {
			return true
		}
	}
	return false
}

func wholeDays(x float64) (int64, error) {
	r := math.Round(x)
	switch {
	case x < 0:
		return 0, errNotDuration
	case math.Abs(x-r) > 1e-9:
		return 0, errNotWholeDays
	case r > 36600:
		return 0, errors.New("implausible length of time")
	}
	return int64(r), nil
}

// durationAmounts reads amounts of units: "2 weeks", "one month and 15 days".
func durationAmounts(s string) (float64, error) {
	var toks [12]durTok
	n := 0
	rangeSep := false // a '-', '–' or '~' since the last token
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case isDigit(c):
			intPart, frac, j := scanDecimal(s, i)
			if n == len(toks) {
				return 0, errNotDuration
			}
			if rangeSep && n > 0 && toks[n-1].isNum || rangeSep && n > 1 && toks[n-2].isNum {
				return 0, errRange
			}
			if rangeSep && n == 0 {
				return 0, errNotDuration
			}
			x, err := decimalValue(intPart, frac)
			if err != nil {
				return 0, errNotDuration
			}
			toks[n] = durTok{num: x, isNum: true}
			n, i, rangeSep = n+1, j, false
		case isLetter(c):
			j := i
			for j < len(s) && isLetter(s[j]) {
				j++
			}
			if n == len(toks) || j-i > len(toks[n].word) {
				return 0, errNotDuration
			}
			toks[n] = durTok{n: j - i}
			lowerASCII(toks[n].word[:0], s[i:j])
			if toks[n].w() == "to" && n > 0 && toks[n-1].isNum {
				return 0, errRange
			}
			n, i, rangeSep = n+1, j, false
		case c == '-' || c == '~':
			rangeSep = true
			i++
		case c == ' ' || c == '.' || c == ',' || c == '\'' || c == '/' || c == '(' || c == ')':
			i++
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			switch {
			case isSpace(r) || r == '’':
			case r == '–' || r == '—':
				rangeSep = true
			default:
				return 0, errNotDuration
			}
			i += size
		}
	}
	return durationGrammar(toks[:n])
}

// durationGrammar sums [quantity] unit pairs, with fillers before and
// trailers after.
func durationGrammar(toks []durTok) (float64, error) {
	i := 0
	for i < len(toks) && !toks[i].isNum && durationFillers[toks[i].w()] {
		i++
	}
	total, units := 0.0, 0
	for i < len(toks) {
		if units > 0 && onlyTrailers(toks[i:]) {
			break
		}
		if units > 0 && !toks[i].isNum && toks[i].w() == "and" {
			i++
			continue
		}
		qty, hasQty := 1.0, false
		if toks[i].isNum {
			qty, hasQty = toks[i].num, true
			i++
		} else if q, ok := durationQuantities[toks[i].w()]; ok {
			qty, hasQty = q, true
			i++
			if q == 0.5 && i < len(toks) && !toks[i].isNum && (toks[i].w() == "a" || toks[i].w() == "an") {
				i++
			}
		}
		if i < len(toks) && !toks[i].isNum && toks[i].w() == "calendar" {
			i++
		}
		if i < len(toks) && !toks[i].isNum {
			switch toks[i].w() {
			case "working", "work", "business", "workdays", "workday":
				return 0, errWorkingDays
			}
		}
		if i == len(toks) || onlyTrailers(toks[i:]) {
			// A number alone is days: "30", "30 notice".
			if hasQty && units == 0 && toks[i-1].isNum {
				return qty, nil
			}
			return 0, errNotDuration
		}
		if toks[i].isNum {
			return 0, errNotDuration
		}
		u, ok := durationUnits[toks[i].w()]
		if !ok {
			return 0, errNotDuration
		}
		total += qty * u
		units++
		i++
	}
	if units == 0 {
		return 0, errNotDuration
	}
	return total, nil
}

func onlyTrailers(toks []durTok) bool {
	for i := range toks {
		if toks[i].isNum || !durationTrailers[toks[i].w()] {
			return false
		}
	}
	return true
}

// scanDecimal reads the number that starts at s[i] (a digit): its whole
// part, its fraction after a '.' or ',' (or ""), and where it ends.
func scanDecimal(s string, i int) (intPart, frac string, end int) {
	j := i
	for j < len(s) && isDigit(s[j]) {
		j++
	}
	intPart = s[i:j]
	if j+1 < len(s) && (s[j] == '.' || s[j] == ',') && isDigit(s[j+1]) {
		k := j + 1
		for k < len(s) && isDigit(s[k]) {
			k++
		}
		frac, j = s[j+1:k], k
	}
	return intPart, frac, j
}
