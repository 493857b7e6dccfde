package contract

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Fields that count per week (values.yaml: per_week) read two more forms:
//
//   - counts per period, for days ("days"): "Every other Sunday" 0.5,
//     "Two days a month" 2 × 12/52, "Saturday and Sunday" 2, "Sundays off"
//     1, "One day per fortnight" 0.5, "1 day every 2 weeks" 0.5;
//   - hours per day times days, for hours ("hours"): "10h x 6d" 60,
//     "8 hrs × 6 days" 48, "12 hours/day, 7 days" 84.
//
// Anything else in such a cell, a negation or a word the grammar does not
// know, leaves it to the ordinary number reading and its data issue.

// rateTokens splits s into numbers, words (ASCII letters in lower case,
// letters of other scripts as written: "días", "小时") and the symbols
// x * / , & (× reads as x). It returns -1 for text it cannot split so.
func rateTokens(s string, toks []durTok) int {
	n := 0
	add := func(t durTok) bool {
		if n == len(toks) {
			return false
		}
		toks[n] = t
		n++
		return true
	}
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case isDigit(c):
			intPart, frac, j := scanDecimal(s, i)
			x, err := decimalValue(intPart, frac)
			if err != nil || !add(durTok{num: x, isNum: true}) {
				return -1
			}
			i = j
		case isLetter(c) || c >= utf8.RuneSelf && isLetterAt(s, i):
			// A word, in any script and with accents: "días", "小时".
			j := i
			for j < len(s) {
				if isLetter(s[j]) {
					j++
				} else if s[j] >= utf8.RuneSelf && isLetterAt(s, j) {
					_, n := utf8.DecodeRuneInString(s[j:])
					j += n
				} else {
					break
				}
			}
			var t durTok
			if j-i > len(t.word) {
				return -1
			}
			t.n = j - i
			lowerASCII(t.word[:0], s[i:j])
			if !add(t) {
				return -1
			}
			i = j
		case c == ' ' || c == '.' || c == '\'' || c == '(' || c == ')' || c == '-' || c == ':' || c == ';':
			i++
		case c == '*' || c == '/' || c == ',' || c == '&' || c == '+' || c == '%':
			t := durTok{n: 1}
			t.word[0] = c
			if !add(t) {
				return -1
			}
			i++
		case strings.HasPrefix(s[i:], "×"):
			t := durTok{n: 1}
			t.word[0] = 'x'
			if !add(t) {
				return -1
			}
			i += len("×")
		case strings.HasPrefix(s[i:], "’"):
			i += len("’")
		default:
			return -1
		}
	}
	return n
}

// isLetterAt reports whether the character at s[i] is a letter.
func isLetterAt(s string, i int) bool {
	r, _ := utf8.DecodeRuneInString(s[i:])
	return unicode.IsLetter(r)
}

// rateFillers may stand between the parts of a count per period.
var rateFillers = map[string]bool{
	"per": true, "in": true, "of": true, "off": true, "rest": true, "on": true, "only": true,
	"the": true, "and": true, "/": true, ",": true, "&": true, "+": true, "free": true,
	"leave": true, "s": true, "given": true, "allowed": true, "is": true, "are": true,
}

// perWeekCount reads a count of days per period as days per week.
func (vv *valueVocab) perWeekCount(s string) (float64, bool) {
	var buf [16]durTok
	n := rateTokens(s, buf[:])
	if n <= 0 {
		return 0, false
	}
	toks := buf[:n]
	qty, named, weeks, factor := -1.0, 0.0, 1.0, 1.0
	unit, period := false, false
	isPeriod := func(i int) (float64, bool) {
		if i >= len(toks) || toks[i].isNum {
			return 0, false
		}
		p, ok := vv.periods[toks[i].w()]
		return p, ok
	}
	for i := 0; i < len(toks); i++ {
		t := &toks[i]
		if t.isNum {
			if qty >= 0 {
				return 0, false
			}
			qty = t.num
			continue
		}
		w := t.w()
		switch {
		case w == "every" || w == "each":
			if i+1 < len(toks) && !toks[i+1].isNum {
				switch toks[i+1].w() {
				case "other", "second", "alternate":
					factor *= 0.5
					i++
					continue
				}
			}
			if i+2 < len(toks) && toks[i+1].isNum {
				if p, ok := isPeriod(i + 2); ok {
					weeks, period = toks[i+1].num*p, true
					i += 2
				}
			}
		case w == "alternate" || w == "alternating" || w == "alternative":
			factor *= 0.5
		case w == "twice" && qty < 0:
			qty, unit = 2, true // "twice a month": two rest days
		case w == "once" && qty < 0:
			qty, unit = 1, true
		case w == "day" || w == "days" || w == "d" || w == "dayoff" || w == "daysoff":
			unit = true
		default:
			if p, ok := vv.periods[w]; ok {
				if period {
					return 0, false
				}
				weeks, period = p, true
				continue
			}
			if d, ok := vv.days[w]; ok {
				named += d
				continue
			}
			if (w == "a" || w == "an") && (qty >= 0 || i+1 < len(toks) && !toks[i+1].isNum && vv.periods[toks[i+1].w()] != 0) {
				continue // "two days a month": "a" is "per"
			}
			if q, ok := vv.numbers[w]; ok && qty < 0 {
				qty = q
				continue
			}
			if !rateFillers[w] {
				return 0, false
			}
		}
	}
	count := named
	if qty >= 0 {
		count = qty
	}
	if count <= 0 && qty != 0 || !(named > 0 || unit) || weeks <= 0 {
		return 0, false
	}
	x := count * factor / weeks
	return x, x >= 0 && x <= 7
}

// hoursProduct reads hours a day times days a week: "10h x 6d".
func hoursProduct(s string) (float64, bool) {
	var buf [16]durTok
	n := rateTokens(s, buf[:])
	if n <= 0 {
		return 0, false
	}
	toks := buf[:n]
	type num struct {
		v    float64
		role byte // 'h' hours, 'd' days, 0 not said
	}
	var nums [2]num
	nn, times := 0, false
	for i := 0; i < len(toks); i++ {
		t := &toks[i]
		if t.isNum {
			if nn == len(nums) {
				return 0, false
			}
			nums[nn] = num{v: t.num}
			if i+1 < len(toks) && !toks[i+1].isNum {
				switch toks[i+1].w() {
				case "h", "hr", "hrs", "hour", "hours", "jam", "hora", "horas", "heure", "heures", "小时", "小時", "钟", "個小時", "个小时":
					nums[nn].role = 'h'
					i++
				case "d", "day", "days", "dys", "hari", "dia", "dias", "día", "días", "jour", "jours", "天", "日":
					nums[nn].role = 'd'
					i++
				}
			}
			nn++
			continue
		}
		switch t.w() {
		case "x", "*", "by", "times":
			times = true
		case "per", "a", "an", "each", "daily", "day", "d", "week", "weeks", "wk", "w", "weekly", "pw",
			"for", "over", "and", "/", ",", "&", "working", "work", "workdays", "s":
		default:
			return 0, false
		}
	}
	if nn != 2 {
		return 0, false
	}
	a, b := nums[0], nums[1]
	switch {
	case a.role == 'h' && b.role == 'd', a.role == 'd' && b.role == 'h':
	case times && a.role == 'h' && b.role == 0:
		b.role = 'd'
	case times && a.role == 0 && b.role == 'd':
		a.role = 'h'
	case times && a.role == 'd' && b.role == 0:
		b.role = 'h'
	case times && a.role == 0 && b.role == 'h':
		a.role = 'd'
	default:
		return 0, false
	}
	hours, days := a.v, b.v
	if a.role == 'd' {
		hours, days = b.v, a.v
	}
	if hours <= 0 || hours > 24 || days <= 0 || days > 7 {
		return 0, false
	}
	return hours * days, true
}
