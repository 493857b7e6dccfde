package contract

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Numbers as they are typed into rosters use '.' or ',' as the decimal
// separator and '.', ',', spaces or apostrophes between groups of digits.
// parseDecimal decides by position:
//
//   - With both '.' and ',' the later one is the decimal separator:
//     "1,200.50" and "1.200,50" are both 1200.5.
//   - A separator that occurs more than once groups digits: "1,200,000",
//     "1.200.000", "1 200 000". Groups hold three digits after the first
//     (one to three); with ',' the Indian grouping "1,50,000" is read too.
//   - A separator that occurs once with one, two or more than three digits
//     after it is the decimal separator: "1,5" is 1.5, "12.50" is 12.5.
//   - ',' once with exactly three digits after one to three digits groups:
//     "1,200" is 1200 (a leading "0," is decimal: "0,500" is 0.5).
//   - '.' once with exactly three digits after one to three digits ("1.200")
//     is read by a [dotRule]: thousands for currencies written 1.234,56, a
//     decimal point for three-decimal currencies and cells the spreadsheet
//     stored as numbers, otherwise a data issue, since 1200 and 1.2 are
//     both likely.
//   - Spaces and apostrophes only ever group digits: "1 200,50" is 1200.5.

// dotRule says how a lone '.' followed by exactly three digits ("1.200") is
// read.
type dotRule int

const (
	dotAmbiguous dotRule = iota // neither reading is safe: a data issue
	dotThousands                // the currency writes 1.234,56 (EUR, IDR, VND…)
	dotDecimal                  // three-decimal currencies (KWD, BHD, OMR…)
)

// isGroupSpace reports whether r may separate digit groups: a space, a
// no-break or thin space, or an apostrophe ("1'200" in Swiss notation).
func isGroupSpace(r rune) bool {
	switch r {
	case ' ', '\u00A0', '\u202F', '\u2009', '\u2007', '\'', '\u2019':
		return true
	}
	return false
}

// numberStart returns the index of the first digit of s, or of a '.' or ','
// that starts a number (".5"), or -1. A separator right after a letter is
// not a start: in "Rs.500" the number is "500".
func numberStart(s string) int {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isDigit(c) {
			return i
		}
		if (c == '.' || c == ',') && i+1 < len(s) && isDigit(s[i+1]) && (i == 0 || !isLetter(s[i-1])) {
			return i
		}
	}
	return -1
}

// numberSpan returns the end of the number that starts at i: digits, with
// '.' and ',' followed by a digit, and single group spaces between digits.
func numberSpan(s string, i int) int {
	end := i
	for i < len(s) {
		c := s[i]
		switch {
		case isDigit(c):
			i++
			end = i
		case c == '.' || c == ',':
			if i+1 >= len(s) || !isDigit(s[i+1]) {
				return end
			}
			i++
		default:
			if end != i {
				return end
			}
			r, n := utf8.DecodeRuneInString(s[i:])
			if !isGroupSpace(r) || i+n >= len(s) || !isDigit(s[i+n]) {
				return end
			}
			i += n
		}
	}
	return end
}

// pow10 holds the powers of ten that float64 represents exactly.
var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// parseDecimal reads b, a span found by [numberSpan], by the rules at the top
// of this file.
func parseDecimal(b string, dot3 dotRule) (float64, error) {
	var nDot, nComma, nSpace int
	lastDot, lastComma := -1, -1
	for i := 0; i < len(b); {
		switch c := b[i]; {
		case isDigit(c):
			i++
		case c == '.':
			nDot, lastDot = nDot+1, i
			i++
		case c == ',':
			nComma, lastComma = nComma+1, i
			i++
		default:
			r, n := utf8.DecodeRuneInString(b[i:])
			if !isGroupSpace(r) {
				return 0, errNotNumber
			}
			nSpace++
			i += n
		}
	}
	dec := -1   // index of the decimal separator
	group := -1 // the group separator: '.', ',' or ' ' for any group space
	switch {
	case nSpace > 0:
		group = ' '
		switch {
		case nDot+nComma > 1:
			return 0, errNotNumber
		case nDot == 1:
			dec = lastDot
		case nComma == 1:
			dec = lastComma
		}
	case nDot > 0 && nComma > 0:
		if lastDot > lastComma {
			if nDot > 1 {
				return 0, errNotNumber
			}
			dec, group = lastDot, ','
		} else {
			if nComma > 1 {
				return 0, errNotNumber
			}
			dec, group = lastComma, '.'
		}
	case nDot+nComma == 0:
	default:
		c, n, last := byte('.'), nDot, lastDot
		if nComma > 0 {
			c, n, last = ',', nComma, lastComma
		}
		if n > 1 {
			group = int(c)
			break
		}
		intLen, fracLen := last, len(b)-last-1
		if fracLen == 3 && intLen >= 1 && intLen <= 3 && !(intLen == 1 && b[0] == '0') {
			switch {
			case c == ',' || dot3 == dotThousands:
				group = int(c)
			case dot3 == dotDecimal:
				dec = last
			default:
				return 0, fmt.Errorf("ambiguous number %q: %s or %s?", b, b[:last]+b[last+1:],
					strings.TrimRight(b, "0"))
			}
		} else {
			dec = last
		}
	}
	intPart, frac := b, ""
	if dec >= 0 {
		intPart, frac = b[:dec], b[dec+1:]
		if frac == "" && b[dec] == ',' {
			return 0, errNotNumber
		}
		for i := 0; i < len(frac); i++ {
			if !isDigit(frac[i]) {
				return 0, errNotNumber
			}
		}
	}
	if group >= 0 && !validGroups(intPart, group) {
		return 0, errNotNumber
	}
	return decimalValue(intPart, frac)
}

// validGroups reports whether s, the integer part of a number, is digits in
// groups separated by sep (' ' stands for any group space): one to three
// digits, then groups of three; or, with ',', the Indian 1,23,45,678.
func validGroups(s string, sep int) bool {
	var lens [32]int
	n, cur := 0, 0
	for i := 0; i < len(s); {
		c := s[i]
		if isDigit(c) {
			cur++
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if !(sep == ' ' && isGroupSpace(r) || sep != ' ' && int(c) == sep) {
			return false
		}
		if n == len(lens) {
			return false
		}
		lens[n], n, cur = cur, n+1, 0
		i += size
	}
	if n == len(lens) {
		return false
	}
	lens[n], n = cur, n+1
	if n < 2 {
		return false
	}
	western := lens[0] >= 1 && lens[0] <= 3
	for _, l := range lens[1:n] {
		western = western && l == 3
	}
	if western {
		return true
	}
	if sep != ',' || n < 3 || lens[0] < 1 || lens[0] > 2 || lens[n-1] != 3 {
		return false
	}
	for _, l := range lens[1 : n-1] {
		if l != 2 {
			return false
		}
	}
	return true
}

// decimalValue computes intPart.frac, skipping any non-digits in intPart
// (group separators already checked). Up to 15 significant digits and 22
// decimals it divides exactly, which rounds like strconv.ParseFloat;
// longer numbers go to strconv.
func decimalValue(intPart, frac string) (float64, error) {
	var m uint64
	sig := 0
	for i := 0; i < len(intPart); i++ {
		if c := intPart[i]; isDigit(c) {
			if sig > 0 || c != '0' {
				sig++
				m = m*10 + uint64(c-'0')
			}
			if sig > 15 {
				return slowDecimal(intPart, frac)
			}
		}
	}
	for i := 0; i < len(frac); i++ {
		c := frac[i]
		if sig > 0 || c != '0' {
			sig++
			m = m*10 + uint64(c-'0')
		}
		if sig > 15 {
			return slowDecimal(intPart, frac)
		}
	}
	if len(frac) >= len(pow10) {
		return slowDecimal(intPart, frac)
	}
	return float64(m) / pow10[len(frac)], nil
}

func slowDecimal(intPart, frac string) (float64, error) {
	b := make([]byte, 0, len(intPart)+len(frac)+1)
	for i := 0; i < len(intPart); i++ {
		if isDigit(intPart[i]) {
			b = append(b, intPart[i])
		}
	}
	if len(b) == 0 {
		b = append(b, '0')
	}
	if frac != "" {
		b = append(b, '.')
		b = append(b, frac...)
	}
	x, err := strconv.ParseFloat(string(b), 64)
	if err != nil || math.IsInf(x, 0) {
		return 0, errors.New("number too large")
	}
	return x, nil
}

// parseFloatStrict reads s as a number the way spreadsheets store them:
// optional sign, digits, '.', exponent. It rejects what strconv would also
// take but no spreadsheet writes (hex, "Inf", "NaN", underscores).
func parseFloatStrict(s string) (float64, bool) {
	if s == "" {
		return 0, false
	}
	digits := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case isDigit(c):
			digits = true
		case c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-':
		default:
			return 0, false
		}
	}
	if !digits {
		return 0, false
	}
	x, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(x, 0) || math.IsNaN(x) {
		return 0, false
	}
	return x, true
}

// exponentLen returns the length of an exponent ("e5", "E-03") at the start
// of s, or 0.
func exponentLen(s string) int {
	if len(s) < 2 || s[0] != 'e' && s[0] != 'E' {
		return 0
	}
	i := 1
	if s[i] == '+' || s[i] == '-' {
		i++
	}
	j := i
	for j < len(s) && isDigit(s[j]) {
		j++
	}
	if j == i {
		return 0
	}
	return j
}

// readNumber reads a signed number with optional trailing "%" and unit words
// ("17 yrs", "60 hours per week"). It is shared by number and int fields.
func readNumber(s string, numeric bool) (x float64, percent bool, err error) {
	if numeric {
		if x, ok := parseFloatStrict(s); ok {
			return x, false, nil
		}
	}
	i := numberStart(s)
	if i < 0 {
		return 0, false, errNotNumber
	}
	neg := false
	for j := 0; j < i; {
		r, n := utf8.DecodeRuneInString(s[j:])
		j += n
		switch {
		case (r == '-' || r == '−') && !neg:
			neg = true
		case r == '+' || isSpace(r):
		default:
			return 0, false, qualifierError(s[:i])
		}
	}
	end := numberSpan(s, i)
	rest := s[end:]
	exp := 0 // length of an exponent: "4.5E-2"
	if k := exponentLen(rest); k > 0 && plainDigits(s[i:end]) {
		exp, rest = k, rest[k:]
	}
	var perDay error
	if rest = trim(rest); rest != "" {
		if err := numberSuffix(rest, &percent); err == errPerDay {
			perDay = err
		} else if err != nil {
			return 0, false, err
		}
	}
	if exp > 0 {
		var ok bool
		if x, ok = parseFloatStrict(s[i : end+exp]); !ok {
			return 0, false, errNotNumber
		}
	} else if x, err = parseDecimal(s[i:end], dotAmbiguous); err != nil {
		return 0, false, err
	}
	if neg && x != 0 {
		x = -x
	}
	return x, percent, perDay
}

// plainDigits reports whether s holds only digits and at most one '.'.
func plainDigits(s string) bool {
	dots := 0
	for i := 0; i < len(s); i++ {
		switch {
		case isDigit(s[i]):
		case s[i] == '.':
			dots++
		default:
			return false
		}
	}
	return dots <= 1
}

// numberSuffix checks the text after a number: a percent sign, unit words,
// or nothing else. A second number makes a range.
func numberSuffix(rest string, percent *bool) error {
	if hasDigit(rest) {
		if isRange(rest) {
			return errRange
		}
		return errNotNumber
	}
	if rest[0] == '%' {
		*percent = true
		rest = trim(rest[1:])
		if rest == "" {
			return nil
		}
	}
	if strings.ContainsAny(rest, "+±") {
		return errNotExact
	}
	var buf [64]byte
	w := fold(buf[:0], rest)
	if len(w) == 0 {
		return errNotNumber
	}
	var hours, days bool
	for len(w) > 0 {
		var word []byte
		word, w = nextWord(w)
		u, ok := unitWords[string(word)]
		if !ok {
			if qualifiers[string(word)] {
				return errNotExact
			}
			return errNotNumber
		}
		hours = hours || u == unitHours
		days = days || u == unitDays
	}
	if hours && days {
		return errPerDay
	}
	return nil
}

func hasDigit(s string) bool {
	for i := 0; i < len(s); i++ {
		if isDigit(s[i]) {
			return true
		}
	}
	return false
}

// isRange reports whether rest, the text after a first number, leads to a
// second: "-72", "– 72", "~72", "to 72".
func isRange(rest string) bool {
	rest = trim(rest)
	for _, p := range []string{"-", "–", "—", "~", "to ", "TO ", "To "} {
		if strings.HasPrefix(rest, p) {
			return true
		}
	}
	return false
}

type unitKind int

const (
	unitOther unitKind = iota
	unitHours
	unitDays
)

// unitWords may follow a number in number and int fields: "17 yrs",
// "17 years old", "60 hrs/week", "1 day".
var unitWords = map[string]unitKind{
	"y": unitOther, "yr": unitOther, "yrs": unitOther, "year": unitOther, "years": unitOther,
	"yo": unitOther, "o": unitOther, "old": unitOther,
	"h": unitHours, "hr": unitHours, "hrs": unitHours, "hour": unitHours, "hours": unitHours,
	"d": unitDays, "day": unitDays, "days": unitDays, "daily": unitDays,
	"per": unitOther, "a": unitOther, "week": unitOther, "weeks": unitOther, "wk": unitOther,
	"wks": unitOther, "w": unitOther, "pw": unitOther, "p": unitOther, "weekly": unitOther,
}

// qualifiers turn a number into an estimate or a bound.
var qualifiers = map[string]bool{
	"approx": true, "approximately": true, "about": true, "around": true, "circa": true,
	"ca": true, "max": true, "maximum": true, "min": true, "minimum": true, "up": true,
	"upto": true, "to": true, "at": true, "least": true, "most": true, "more": true,
	"less": true, "than": true, "over": true, "under": true, "above": true, "below": true,
	"plus": true, "or": true,
}

// qualifierError explains the text before a number: a qualifier makes it an
// estimate, anything else makes it not a number.
func qualifierError(prefix string) error {
	if strings.ContainsAny(prefix, "~<>≤≥±≈") {
		return errNotExact
	}
	var buf [64]byte
	w := fold(buf[:0], prefix)
	if len(w) == 0 {
		return errNotNumber
	}
	for len(w) > 0 {
		var word []byte
		word, w = nextWord(w)
		if !qualifiers[string(word)] {
			return errNotNumber
		}
	}
	return errNotExact
}

// errPerDay is the problem of "10 hrs/day" in a column of weekly hours.
var errPerDay = errors.New("hours per day, not per week")

// parseNumber reads a number field: a word from the field's words, or a
// decimal with optional unit words. A percentage is read as written:
// "25%" is 25, except in a column of shares (h.Share). Fields that count per
// week (values.yaml per_week) also read counts per period ("two days a
// month") or hours per day times days ("10h x 6d"). With h.Basis the cell
// is a relative value (its factor in v.Num, v.Basis set) that Deriver resolves; h.Scale converts the
// column's unit into the field's.
func (f *Field) parseNumber(v *Value, s string, w []byte, h *Hints) (float64, error) {
	x, _, rel, err := f.readNumberField(s, w, h)
	if err != nil {
		return 0, err
	}
	if rel {
		v.Basis = h.Basis
		return x * scale(h), nil // the factor, kept in Num until resolved
	}
	return x * scale(h), nil
}

func scale(h *Hints) float64 {
	if h.Scale == 0 {
		return 1
	}
	return h.Scale
}

// readNumberField reads a number or int cell before scaling; pct reports a
// percent sign, rel a value relative to h.Basis.
func (f *Field) readNumberField(s string, w []byte, h *Hints) (x float64, pct, rel bool, err error) {
	if x, ok := f.Words[string(w)]; ok {
		return x, false, false, nil
	}
	x, pct, err = readNumber(s, h.Numeric)
	if h.Share {
		if err != nil {
			return 0, false, false, err
		}
		x, err = readShare(x, pct)
		return x, false, false, err
	}
	if err == errPerDay && h.Basis == BasisWorkdays {
		err = nil
	}
	if err != nil && f.fw != nil && !h.Share {
		switch f.fw.perWeek {
		case "days":
			if y, ok := f.vocab().perWeekCount(s); ok {
				return y, false, false, nil
			}
		case "hours":
			if y, ok := hoursProduct(s); ok {
				return y, false, false, nil
			}
		}
	}
	if err != nil {
		return 0, false, false, err
	}
	if f.fw != nil && f.fw.perWeek == "days" && h.Basis == BasisNone && h.Scale == 0 && (x < 0 || x > 7) {
		return 0, false, false, errors.New("not between 0 and 7 days a week")
	}
	return x, pct, h.Basis != BasisNone, nil
}

// readShare reads a cell of a column of shares: "25%", "25" and "0.25" are
// all 0.25. A share over one (100%) or below zero is a data issue.
func readShare(x float64, pct bool) (float64, error) {
	if pct || x > 1 {
		x /= 100
	}
	switch {
	case x < 0:
		return 0, errors.New("a negative share")
	case x > 1:
		return 0, errors.New("a share over 100%")
	}
	return x, nil
}

// parseInt reads an int field like a number field, but the number must be
// whole ("17.0" is 17) and a percentage is a problem. A scaled column
// (h.Scale) rounds to the nearest whole number.
func (f *Field) parseInt(v *Value, s string, w []byte, h *Hints) (int64, error) {
	if h.Share {
		hs := *h // a share is no whole number: read the cell as written
		hs.Share = false
		h = &hs
	}
	x, pct, rel, err := f.readNumberField(s, w, h)
	if err != nil {
		if err == errNotNumber {
			return 0, errNotWhole
		}
		return 0, err
	}
	if pct {
		return 0, errors.New("a percentage, not a whole number")
	}
	if rel {
		v.Num, v.Basis = x*scale(h), h.Basis // the factor, kept until resolved
		return 0, nil
	}
	if h.Scale != 0 {
		x = math.Round(x * h.Scale)
	}
	return wholeNumber(x)
}

func wholeNumber(x float64) (int64, error) {
	if x != math.Trunc(x) || math.Abs(x) >= 1<<62 {
		return 0, errNotWhole
	}
	return int64(x), nil
}
