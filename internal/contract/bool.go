package contract

import (
	"errors"
	"fmt"
	"strings"
)

var errNotBool = errors.New("not yes or no")

// parseBool reads a yes/no cell: Yes/No, Y/N, True/False, T/F, 1/0, "x" and
// check marks (✓ ✔ ☑ ✅ √) for yes, crosses (✗ ✘ ❌) for no, and the yes
// and no words of the value vocabulary in several languages ("sí", "oui",
// "是", "无"). A clock time ("22:00", "10pm", "after 22:00") means yes: the
// cell gives the time of a curfew or a night shift that exists. "Yes, …"
// and "No (…)" read as yes or no when the comment casts no doubt on them;
// "yes/no" is ambiguous. The field's own wordings are found anywhere in the
// cell ("Company-provided hostel", "Only with permission", "not
// compulsory"). With h.Invert a plain answer is turned round, but the
// field's own wordings are not: they say what the field means.
func (f *Field) parseBool(s string, w []byte, h *Hints) (bool, error) {
	b, _, err := f.readBool(s, w, f.fw, h.Invert, f.boolExact != nil)
	return b, err
}

// readBool reads a yes/no cell with the field's wordings fw (nil: plain
// answers only); absolute reports that the answer came from what the cell
// says about the field rather than from a plain yes or no. looked says that
// the caller has looked w up among the plain answers already.
func (f *Field) readBool(s string, w []byte, fw *fieldWords, invert, looked bool) (b, absolute bool, err error) {
	switch s {
	case "✓", "✔", "✔️", "☑", "☑️", "✅", "√":
		return !invert, false, nil
	case "✗", "✘", "❌":
		return invert, false, nil
	}
	if strings.IndexByte(s, '?') >= 0 {
		return false, false, fmt.Errorf("ambiguous: %q", s)
	}
	if strings.IndexByte(s, '#') >= 0 {
		return false, false, errNotBool // folding reads "#" as "no", which it is not here
	}
	vv := f.vocab()
	if !looked {
		if b, ok := vv.answers[string(w)]; ok {
			return b != invert, false, nil
		}
	}
	if dot := strings.IndexByte(s, '.'); dot > 0 && plainDigits(s) {
		// "1.0", "0.00": a number as a spreadsheet stores it.
		if x, err := decimalValue(s[:dot], s[dot+1:]); err == nil && (x == 0 || x == 1) {
			return (x == 1) != invert, false, nil
		}
	}
	if isClockText(s) {
		return true, true, nil
	}
	if fw != nil && fw.answers != nil {
		if b, found, err := vv.searchAnswer(s, fw.answers, invert); found {
			return b, true, err
		}
	}
	b, err = leadAnswer(s, w, vv)
	return b != invert, false, err
}

// answerWords may follow a leading yes/no word; they must agree with it.
var answerWords = map[string]bool{
	"yes": true, "y": true, "true": true, "no": false, "n": false, "false": false,
}

// orWords join answers: "yes or no", "oui ou non".
var orWords = map[string]bool{"or": true, "and": true, "ou": true, "o": true, "atau": true, "oder": true, "hoặc": true, "或": true}

// leadAnswer reads a cell that starts with a yes/no word followed by more
// words: "Yes, 22:00", "No (none)", "No curfew". Doubt in the rest ("no
// idea", "yes, not sure") or a contrary answer ("yes/no") makes it ambiguous.
func leadAnswer(s string, w []byte, vv *valueVocab) (bool, error) {
	lead, rest := nextWord(w)
	ans, ok := vv.answers[string(lead)]
	if !ok || len(rest) == 0 || !isLetter(s[0]) {
		return false, errNotBool
	}
	agree, onlyAnswers := true, true
	for r := rest; len(r) > 0; {
		var word []byte
		word, r = nextWord(r)
		if b, ok := answerWords[string(word)]; ok {
			agree = agree && b == ans
		} else if b, ok := vv.answers[string(word)]; ok && len(word) > 1 && !isDigit(word[0]) {
			agree = agree && b == ans // "oui ou non", "sí o no"
		} else if !orWords[string(word)] {
			onlyAnswers = false
		}
		if vv.doubt[string(word)] {
			return false, fmt.Errorf("ambiguous: %q", s)
		}
	}
	if !agree {
		return false, fmt.Errorf("ambiguous: %q", s)
	}
	if onlyAnswers {
		return ans, nil
	}
	// After a whole word, the rest may follow plainly ("No curfew"); after a
	// letter it must be set off by punctuation: "Y (verbal)", "N - none".
	if len(lead) > 1 {
		return ans, nil
	}
	i := 0
	for i < len(s) && isLetter(s[i]) {
		i++
	}
	t := strings.TrimLeft(s[i:], " ")
	if t == "" || !strings.ContainsRune(",;:(-.", rune(t[0])) && !strings.HasPrefix(t, "–") {
		return false, errNotBool
	}
	return ans, nil
}

// isClockText reports whether s gives a clock time or a span of them:
// "22:00", "22:00:00", "10pm", "10.30 p.m.", "22h00", "2200 hrs",
// "after 22:00", "22:00-06:00", "midnight".
func isClockText(s string) bool {
	var buf [48]byte
	if len(s) > len(buf) {
		return false
	}
	t := lowerASCII(buf[:0], s)
	for _, p := range []string{"after ", "until ", "till ", "by ", "from ", "before ", "at "} {
		if len(t) > len(p) && string(t[:len(p)]) == p {
			t = t[len(p):]
			break
		}
	}
	j, ok := scanClock(t, 0)
	if !ok {
		return false
	}
	j = skipSpaces(t, j)
	if j == len(t) {
		return true
	}
	switch {
	case t[j] == '-':
		j++
	case hasPrefix(t[j:], "–"):
		j += len("–")
	case hasPrefix(t[j:], "to "):
		j += 3
	default:
		return false
	}
	k, ok := scanClock(t, skipSpaces(t, j))
	return ok && skipSpaces(t, k) == len(t)
}

func skipSpaces(t []byte, i int) int {
	for i < len(t) && t[i] == ' ' {
		i++
	}
	return i
}

func hasPrefix(t []byte, p string) bool { return len(t) >= len(p) && string(t[:len(p)]) == p }

// scanClock reads one clock time in lower-case t at i and returns its end.
// Without "am" or "pm" a time needs minutes after ':' or 'h' ("22:00",
// "22h00"), or "hrs" after it ("2200 hrs", "22.00 hrs"): "22.00" and "2200"
// alone are numbers.
func scanClock(t []byte, i int) (int, bool) {
	for _, w := range []string{"12 midnight", "12 noon", "midnight", "noon"} {
		if hasPrefix(t[i:], w) {
			return i + len(w), true
		}
	}
	hour, n := leadingInt(t[i:], 4)
	j := i + n
	minute := -1
	var sep byte
	switch n {
	case 4:
		hour, minute = hour/100, hour%100
	case 1, 2:
		if j < len(t) && (t[j] == ':' || t[j] == 'h' || t[j] == '.') {
			if m, k := leadingInt(t[j+1:], 2); k == 2 {
				sep, minute = t[j], m
				j += 3
				if sep == ':' && j < len(t) && t[j] == ':' {
					if _, k := leadingInt(t[j+1:], 2); k != 2 {
						return 0, false
					}
					j += 3
				}
			}
		}
	default:
		return 0, false
	}
	ampm := false
	k := skipSpaces(t, j)
	for _, w := range []string{"a.m.", "p.m.", "a.m", "p.m", "am", "pm"} {
		if hasPrefix(t[k:], w) {
			ampm, j = true, k+len(w)
			break
		}
	}
	hrs := false
	k = skipSpaces(t, j)
	for _, w := range []string{"hours", "hrs", "hr", "h", "o'clock", "oclock"} {
		if hasPrefix(t[k:], w) && (k+len(w) == len(t) || !isLetter(t[k+len(w)])) {
			hrs, j = true, k+len(w)
			break
		}
	}
	switch {
	case j < len(t) && isLetter(t[j]), minute > 59:
		return 0, false
	case ampm:
		return j, hour >= 1 && hour <= 12
	case minute < 0 || sep != ':' && sep != 'h' && !hrs:
		return 0, false
	}
	return j, hour < 24 || hour == 24 && minute == 0
}

// leadingInt reads up to max digits at the start of s.
func leadingInt[T string | []byte](s T, max int) (v, n int) {
	for n < len(s) && n < max && isDigit(s[n]) {
		v = v*10 + int(s[n]-'0')
		n++
	}
	return v, n
}
