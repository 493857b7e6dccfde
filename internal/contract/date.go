package contract

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"time"
	"unicode/utf8"
)

// Dates are read as:
//
//   - ISO and other year-first dates: "2024-01-15", "2024/01/15", "2024.01.15",
//     with or without a time ("2024-01-15T08:00:00Z", "2024-01-15 00:00:00"),
//     which is dropped.
//   - Day and month as numbers, year last: "15/01/2024", "01-15-24". A day
//     over 12 decides the order; otherwise the column's [Hints.DateOrder]
//     does, and with no order known the cell is a data issue. Dotted dates
//     ("15.01.2024") are day-first, as everywhere they are written.
//   - Month names and abbreviations in English: "15 Jan 2024", "15-Jan-24",
//     "Jan 15, 2024", "15th of January 2024", "Monday, 15 January 2024".
//     A month and year alone ("January 2024") is a data issue, not the 1st:
//     guessing a day could put a signature after an arrival that it preceded.
//   - Two-digit years pivot like Excel: 00–29 are 2000–2029, 30–99 are
//     1930–1999.
//   - A plain number is an Excel serial (see [ParseExcelSerial]); eight
//     digits that make a date are YYYYMMDD ("20240115"); four digits from
//     1900 to 2100 are a year alone, a data issue.
//   - Years before 1900 or after 2100 are data issues.

var (
	errNotDate       = errors.New("not a date")
	errAmbiguousDate = errors.New("ambiguous date: day-first or month-first?")
	errMonthYear     = errors.New("month and year only, no day")
	errIncomplete    = errors.New("incomplete date")
	errYearOnly      = errors.New("a year only, not a date")
	errNoSuchDate    = errors.New("no such date")
	errPhantomDate   = errors.New("excel serial 60 is 29 february 1900, a day that never was")
)

const (
	minYear = 1900
	maxYear = 2100
)

var (
	excel1900Epoch = time.Date(1899, time.December, 30, 0, 0, 0, 0, time.UTC)
	excel1904Epoch = time.Date(1904, time.January, 1, 0, 0, 0, 0, time.UTC)
)

// ParseExcelSerial converts a spreadsheet date serial to the moment it
// stands for, in UTC, to the nearest second. In the 1900 date system 1 is
// 1 January 1900 and 61 is 1 March 1900: Excel counts a 29 February 1900
// that never was (serial 60, for which ok is false) and so serials below 61
// are one day later than a plain count from 31 December 1899 would give, as
// in excelize. Serials below 1, times of day without a date, are not dates.
// In the 1904 system (date1904) 0 is 1 January 1904. ok is false for
// negative, NaN and infinite serials and for those past 31 December 9999.
func ParseExcelSerial(f float64, date1904 bool) (t time.Time, ok bool) {
	const max1900, max1904 = 2958466, 2957004 // 1 January 10000
	if math.IsNaN(f) || f < 0 || !date1904 && f >= max1900 || date1904 && f >= max1904 {
		return time.Time{}, false
	}
	days := math.Floor(f)
	secs := math.Round((f - days) * 86400)
	switch {
	case date1904:
		t = excel1904Epoch.AddDate(0, 0, int(days))
	case days < 1, days == 60:
		return time.Time{}, false
	case days < 60:
		t = excel1900Epoch.AddDate(0, 0, int(days)+1)
	default:
		t = excel1900Epoch.AddDate(0, 0, int(days))
	}
	return t.Add(time.Duration(secs) * time.Second), true
}

// parseDate reads a date cell by the rules at the top of this file.
func parseDate(s string, h Hints) (time.Time, error) {
	if s[0] != '.' && plainDigits(s) {
		return dateFromNumber(s, h.Date1904)
	}
	p, err := splitDate(s)
	if err != nil {
		return time.Time{}, err
	}
	return p.resolve(h.DateOrder)
}

// dateFromNumber reads a plain number in a date cell.
func dateFromNumber(s string, date1904 bool) (time.Time, error) {
	if strings.IndexByte(s, '.') < 0 {
		switch len(s) {
		case 8:
			y, _ := leadingInt(s[:4], 4)
			m, _ := leadingInt(s[4:6], 2)
			d, _ := leadingInt(s[6:], 2)
			if y >= minYear && y <= maxYear {
				return makeDate(y, m, d)
			}
		case 4:
			if y, _ := leadingInt(s, 4); y >= minYear && y <= maxYear {
				return time.Time{}, errYearOnly
			}
		}
	}
	x, ok := parseFloatStrict(s)
	if !ok {
		return time.Time{}, errNotDate
	}
	t, ok := ParseExcelSerial(x, date1904)
	if !ok {
		if !date1904 && x >= 60 && x < 61 {
			return time.Time{}, errPhantomDate
		}
		return time.Time{}, errNotDate
	}
	return makeDate(t.Year(), int(t.Month()), t.Day())
}

// makeDate checks a day, month and year and returns midnight UTC of it.
func makeDate(y, m, d int) (time.Time, error) {
	if m < 1 || m > 12 || d < 1 || d > daysIn(y, m) {
		return time.Time{}, errNoSuchDate
	}
	if y < minYear || y > maxYear {
		return time.Time{}, fmt.Errorf("implausible date: year %d", y)
	}
	return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC), nil
}

func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// dateComp is one component of a written date.
type dateComp struct {
	v      int  // the number, or the month a name gives
	digits int  // how many digits were written; 0 for a month name
	name   bool // a month name
}

// dateParts are the components of a written date, its time of day cut off.
type dateParts struct {
	c      [3]dateComp
	n      int  // components found
	names  int  // month names among them
	dotted bool // three numbers separated by '.'
}

var monthNames = map[string]int{
	"jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
	"may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9,
	"sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11,
	"dec": 12, "december": 12,
}

// dateSkipWords carry nothing a date needs: weekdays, "of", "the".
var dateSkipWords = map[string]bool{
	"mon": true, "monday": true, "tue": true, "tues": true, "tuesday": true, "wed": true,
	"wednesday": true, "thu": true, "thur": true, "thurs": true, "thursday": true, "fri": true,
	"friday": true, "sat": true, "saturday": true, "sun": true, "sunday": true, "of": true,
	"the": true,
}

// splitDate finds the numbers and month names of a written date.
func splitDate(s string) (dateParts, error) {
	var p dateParts
	d, err := cutTime(s)
	if err != nil {
		return p, err
	}
	var seps [3]byte // the separator written before each component
	var sep byte
	numEnd := -1
	for i := 0; i < len(d); {
		c := d[i]
		switch {
		case isDigit(c):
			j, v := i, 0
			for j < len(d) && isDigit(d[j]) {
				if j-i < 4 {
					v = v*10 + int(d[j]-'0')
				}
				j++
			}
			if j-i > 4 || p.n == len(p.c) {
				return p, errNotDate
			}
			p.c[p.n], seps[p.n] = dateComp{v: v, digits: j - i}, sep
			p.n, sep, numEnd, i = p.n+1, 0, j, j
		case isLetter(c):
			j := i
			for j < len(d) && isLetter(d[j]) {
				j++
			}
			if j-i > 9 {
				return p, errNotDate
			}
			var buf [9]byte
			word := lowerASCII(buf[:0], d[i:j])
			switch {
			case numEnd == i && (string(word) == "st" || string(word) == "nd" || string(word) == "rd" || string(word) == "th"):
			case monthNames[string(word)] > 0:
				if p.n == len(p.c) {
					return p, errNotDate
				}
				p.c[p.n], seps[p.n] = dateComp{v: monthNames[string(word)], name: true}, sep
				p.n, p.names, sep = p.n+1, p.names+1, 0
			case dateSkipWords[string(word)]:
			default:
				return p, errNotDate
			}
			i = j
		case c == '-' || c == '/' || c == '.' || c == ',' || c == ' ' || c == '\'':
			if sep == 0 || sep == ' ' || sep == ',' {
				sep = c
			}
			i++
		default:
			r, n := utf8.DecodeRuneInString(d[i:])
			switch {
			case isSpace(r):
			case r == '–' || r == '‐' || r == '‑':
				sep = '-'
			default:
				return p, errNotDate
			}
			i += n
		}
	}
	p.dotted = p.n == 3 && p.names == 0 && seps[1] == '.' && seps[2] == '.'
	return p, nil
}

// cutTime returns s without a time of day after the date ("2024-01-15T08:00:00Z",
// "15/01/2024 08:00", "1/15/24 0:00").
func cutTime(s string) (string, error) {
	c := strings.IndexByte(s, ':')
	if c < 0 {
		return s, nil
	}
	k := c
	for k > 0 && isDigit(s[k-1]) {
		k--
	}
	if k == c || k < 2 || s[k-1] != ' ' && s[k-1] != 'T' && s[k-1] != 't' {
		return "", errNotDate
	}
	if !isTimeTail(s[k:]) {
		return "", errNotDate
	}
	return strings.TrimRight(trim(s[:k-1]), ","), nil
}

// isTimeTail reports whether s looks like a time of day with optional
// seconds, fraction, am/pm and zone: "08:00", "08:00:00.000Z", "8:00 PM",
// "08:00:00+07:00", "08:00 GMT".
func isTimeTail(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case isDigit(c) || c == ':' || c == '.' || c == ',' || c == ' ' || c == '+' || c == '-':
			i++
		case isLetter(c):
			j := i
			for j < len(s) && isLetter(s[j]) {
				j++
			}
			var buf [4]byte
			if j-i > len(buf) {
				return false
			}
			switch string(lowerASCII(buf[:0], s[i:j])) {
			case "am", "pm", "a", "p", "m", "z", "utc", "gmt", "h":
			default:
				return false
			}
			i = j
		default:
			return false
		}
	}
	return true
}

// resolve turns the components into a date.
func (p *dateParts) resolve(order DateOrder) (time.Time, error) {
	var y, m, d dateComp
	switch {
	case p.n == 3 && p.names == 0:
		a, b, c := p.c[0], p.c[1], p.c[2]
		switch {
		case a.digits == 4 && b.digits <= 2 && c.digits <= 2:
			y, m, d = a, b, c
		case a.digits <= 2 && b.digits <= 2 && (c.digits == 4 || c.digits == 2):
			day, month, err := dayMonth(a.v, b.v, order, p.dotted)
			if err != nil {
				return time.Time{}, err
			}
			y, m, d = c, dateComp{v: month}, dateComp{v: day}
		default:
			return time.Time{}, errNotDate
		}
	case p.n == 3 && p.names == 1:
		a, b, c := p.c[0], p.c[1], p.c[2]
		switch {
		case a.name && b.digits <= 2 && (c.digits == 4 || c.digits == 2):
			m, d, y = a, b, c // Jan 15, 2024
		case b.name && a.digits == 4 && c.digits <= 2:
			y, m, d = a, b, c // 2024-Jan-15
		case b.name && a.digits <= 2 && (c.digits == 4 || c.digits == 2):
			d, m, y = a, b, c // 15 Jan 2024
		default:
			return time.Time{}, errNotDate
		}
	case p.n == 2 && p.names == 1:
		num := p.c[0]
		if num.name {
			num = p.c[1]
		}
		if num.digits == 4 {
			return time.Time{}, errMonthYear
		}
		return time.Time{}, errIncomplete
	case p.n == 2 && p.names == 0:
		return time.Time{}, errIncomplete
	default:
		return time.Time{}, errNotDate
	}
	year := y.v
	switch y.digits {
	case 4:
	case 2:
		year += 1900
		if y.v < 30 {
			year += 100
		}
	default:
		return time.Time{}, errNotDate
	}
	return makeDate(year, m.v, d.v)
}

// dayMonth orders the first two numbers of a day-month-year or
// month-day-year date.
func dayMonth(a, b int, order DateOrder, dotted bool) (day, month int, err error) {
	switch {
	case a > 12 && b > 12:
		return 0, 0, errNoSuchDate
	case a > 12 || a == b:
		return a, b, nil
	case b > 12:
		return b, a, nil
	case dotted || order == DayFirst:
		return a, b, nil
	case order == MonthFirst:
		return b, a, nil
	}
	return 0, 0, errAmbiguousDate
}

// DetectDateOrder decides the order of day and month in a column from its
// cells. A first number over 12 in any numeric day-month-year date ("15/01/2024")
// makes the column day-first, a second number over 12 ("01/15/2024") makes it
// month-first. With both seen the column is inconsistent: order is
// DateOrderUnknown and ambiguous is true. With neither, order is
// DateOrderUnknown and ambiguous says whether any cell could be read both
// ways ("03/04/2024"; "04/04/2024" can not). ISO, dotted and month-name dates
// and serials carry no evidence. Sources call it on the first few hundred
// cells of a date column.
func DetectDateOrder(samples []string) (order DateOrder, ambiguous bool) {
	var dayFirst, monthFirst, either bool
	for _, s := range samples {
		s = trim(s)
		if s == "" || plainDigits(s) {
			continue
		}
		p, err := splitDate(s)
		if err != nil || p.n != 3 || p.names > 0 || p.dotted {
			continue
		}
		a, b, c := p.c[0], p.c[1], p.c[2]
		if a.digits > 2 || b.digits > 2 || c.digits != 4 && c.digits != 2 {
			continue
		}
		switch {
		case a.v > 12 && b.v > 12:
		case a.v > 12:
			dayFirst = true
		case b.v > 12:
			monthFirst = true
		case a.v != b.v:
			either = true
		}
	}
	switch {
	case dayFirst && monthFirst:
		return DateOrderUnknown, true
	case dayFirst:
		return DayFirst, false
	case monthFirst:
		return MonthFirst, false
	}
	return DateOrderUnknown, either
}
