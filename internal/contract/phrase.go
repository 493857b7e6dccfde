package contract

import (
	"errors"
	"fmt"
	"strings"
)

// This file finds the vocabulary's wordings inside longer cells: "Sub-agent,
// Kathmandu" names an agent, "Company-provided hostel" says yes to
// employer_provided_housing, "Nil - borne by employer" is no money. A cell
// is split into parts at punctuation that sets off a comment (commas,
// semicolons, colons, brackets, slashes, a spaced dash); within a part,
// wordings are found as whole words, the longest first. It runs only for
// cells that the plain lookups did not read, and allocates nothing for
// cells of ordinary length.

// maxPhraseWords is the longest wording looked for, in words.
const maxPhraseWords = 8

// span is the byte range of one word of folded text.
type span struct{ a, b int }

// nextClause splits the first part off a cell.
func nextClause(s string) (part, rest string) {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case ';', '(', ')', '[', ']', '/', '|', ':', '\\':
			return s[:i], s[i+1:]
		case ',':
			if !(i > 0 && isDigit(s[i-1]) && i+1 < len(s) && isDigit(s[i+1])) {
				return s[:i], s[i+1:]
			}
		case '.':
			if i+1 == len(s) || s[i+1] == ' ' {
				return s[:i], s[i+1:]
			}
		case '-':
			if i > 0 && s[i-1] == ' ' || i+1 < len(s) && s[i+1] == ' ' {
				return s[:i], s[i+1:]
			}
		case 0xE2, 0xEF, 0xE3:
			for _, p := range []string{"–", "—", "，", "；", "（", "）", "、", "："} {
				if strings.HasPrefix(s[i:], p) {
					return s[:i], s[i+len(p):]
				}
			}
		}
	}
	return s, ""
}

// wordSpans records the words of folded text w in sp and returns how many
// there are, or -1 when there are more than sp holds.
func wordSpans(w []byte, sp []span) int {
	n := 0
	for i := 0; i < len(w); {
		j := i
		for j < len(w) && w[j] != ' ' {
			j++
		}
		if n == len(sp) {
			return -1
		}
		sp[n] = span{i, j}
		n++
		i = j + 1
	}
	return n
}

// longest returns the number of words of the longest wording in m that
// starts at word i, and what it maps to. A plural "s" on the last word is
// allowed ("agents", "dormitories" is not).
func longest[V any](w []byte, sp []span, i int, m map[string]V) (int, V) {
	var zero V
	if len(m) == 0 {
		return 0, zero
	}
	for l := min(maxPhraseWords, len(sp)-i); l >= 1; l-- {
		cand := w[sp[i].a:sp[i+l-1].b]
		if v, ok := m[string(cand)]; ok {
			return l, v
		}
		if n := len(cand); n > 2 && cand[n-1] == 's' && cand[n-2] != ' ' {
			if v, ok := m[string(cand[:n-1])]; ok {
				return l, v
			}
		}
	}
	return 0, zero
}

// clauseWords folds part into buf and records its words.
func clauseWords(buf []byte, sp []span, part string) ([]byte, int) {
	w := fold(buf[:0], part)
	return w, wordSpans(w, sp)
}

// negationFillers may stand between a negation and the wording it turns.
var negationFillers = map[string]bool{
	"in": true, "a": true, "an": true, "the": true, "at": true, "to": true, "by": true, "on": true,
	"into": true, "inside": true, "with": true,
}

// searchAnswer reads a yes/no cell by the field's own wordings m (see
// values.yaml, fields.<name>.yes and no): every wording found must agree;
// a negation right before a wording turns it round ("not compulsory");
// the cell's first word may be a plain answer ("Yes - company dormitory"),
// which invert turns round; any other negation, or a word of doubt, makes
// the cell ambiguous. found is false when no wording of the field occurs.
func (vv *valueVocab) searchAnswer(s string, m map[string]bool, invert bool) (ans, found bool, err error) {
	var have, disagree, stray, doubt bool
	record := func(b bool) {
		if have && b != ans {
			disagree = true
		}
		ans, have = b, true
	}
	first := true
	for rest := s; rest != ""; {
		var part string
		part, rest = nextClause(rest)
		var buf [128]byte
		var sp [32]span
		w, n := clauseWords(buf[:], sp[:], part)
		if n < 0 {
			return false, false, nil
		}
		for i := 0; i < n; {
			word := w[sp[i].a:sp[i].b]
			l, b := longest(w, sp[:n], i, m)
			if vv.negation[string(word)] && i+1 < n {
				// "not compulsory", "not in a dormitory": the wording
				// after a negation, past a preposition or article.
				j := i + 1
				for j < n-1 && j < i+3 && negationFillers[string(w[sp[j].a:sp[j].b])] {
					j++
				}
				if l2, b2 := longest(w, sp[:n], j, m); l2 > 0 && j-i+l2 > l {
					record(!b2)
					found, first, i = true, false, j+l2
					continue
				}
			}
			if l > 0 {
				record(b)
				found, first, i = true, false, i+l
				continue
			}
			if first {
				first = false
				if b, ok := vv.answers[string(word)]; ok {
					record(b != invert)
					i++
					continue
				}
			}
			if vv.negation[string(word)] {
				stray = true
			} else if vv.doubt[string(word)] {
				doubt = true
			}
			i++
		}
	}
	if !found {
		return false, false, nil
	}
	if disagree || stray || doubt {
		return false, true, fmt.Errorf("ambiguous: %q", s)
	}
	return ans, true, nil
}

// searchEnum reads an enum cell that is not one of the field's values or
// wordings as a whole: it must name exactly one value by its wordings and
// negate nothing but another value. "Sub-agent, Kathmandu" is agent, "Kept
// by employer, not with worker" employer; "not with worker" and
// "employer/agent" are data issues.
func (f *Field) searchEnum(s string) (string, error) {
	vv := f.vocab()
	var found, denied [4]string
	nf, nneg := 0, 0
	for rest := s; rest != ""; {
		var part string
		part, rest = nextClause(rest)
		var buf [128]byte
		var sp [32]span
		w, n := clauseWords(buf[:], sp[:], part)
		if n < 0 {
			return "", f.notOneOf() // too many words to name one holder
		}
		for i := 0; i < n; {
			if vv.negation[string(w[sp[i].a:sp[i].b])] {
				// "not with worker": only a value that the negation
				// denies, past a preposition or article, and only
				// beside another that the cell gives ("Kept by
				// employer, not with worker").
				j := i + 1
				for j < n-1 && j < i+3 && negationFillers[string(w[sp[j].a:sp[j].b])] {
					j++
				}
				l2, v2 := f.enumAt(w, sp[:n], j)
				if l2 == 0 || f.isNullValue(v2) || vv.mentioned(w, sp[:n], j, j+l2) || nneg == len(denied) {
					return "", f.notOneOf()
				}
				denied[nneg] = v2
				nneg++
				i = j + l2
				continue
			}
			l, v := f.enumAt(w, sp[:n], i)
			if l == 0 {
				i++
				continue
			}
			start := i
			i += l
			if f.isNullValue(v) || vv.mentioned(w, sp[:n], start, i) {
				continue
			}
			if i+1 < n && string(w[sp[i].a:sp[i].b]) == "s" {
				// A possessive: in "the worker's supervisor" the
				// supervisor holds it, not the worker.
				if l2, _ := f.enumAt(w, sp[:n], i+1); l2 > 0 {
					continue
				}
			}
			dup := false
			for _, g := range found[:nf] {
				dup = dup || g == v
			}
			if !dup && nf < len(found) {
				found[nf] = v
				nf++
			}
		}
	}
	for _, d := range denied[:nneg] {
		for _, g := range found[:nf] {
			if g == d {
				return "", errors.New("ambiguous: both given and denied: " + g)
			}
		}
	}
	switch nf {
	case 0:
		return "", f.notOneOf()
	case 1:
		return found[0], nil
	}
	var names []string
	for _, v := range f.Values {
		for _, g := range found[:nf] {
			if g == v {
				names = append(names, v)
			}
		}
	}
	return "", errors.New("ambiguous: could be " + strings.Join(names, " or "))
}

// enumAt finds the longest wording of a value that starts at word i.
// mentioned reports whether the value named by words [start, end) is only
// mentioned ("with worker's consent", "on behalf of the worker") rather
// than given (values.yaml: mentions).
func (vv *valueVocab) mentioned(w []byte, sp []span, start, end int) bool {
	j := end
	if j < len(sp) && string(w[sp[j].a:sp[j].b]) == "s" {
		j++ // "worker's consent"
	}
	if j < len(sp) && vv.mentionAfter[string(w[sp[j].a:sp[j].b])] {
		return true
	}
	k := start - 1
	for k >= 0 {
		switch string(w[sp[k].a:sp[k].b]) {
		case "the", "a", "an", "his", "her", "their":
			k--
			continue
		}
		break
	}
	if k >= 1 && string(w[sp[k].a:sp[k].b]) == "of" {
		k-- // "on behalf of the worker"
	}
	return k >= 0 && vv.mentionBefore[string(w[sp[k].a:sp[k].b])]
}

func (f *Field) enumAt(w []byte, sp []span, i int) (int, string) {
	for l := min(maxPhraseWords, len(sp)-i); l >= 1; l-- {
		cand := w[sp[i].a:sp[i+l-1].b]
		if v, ok := f.enumWord(cand); ok {
			return l, v
		}
		if n := len(cand); n > 2 && cand[n-1] == 's' && cand[n-2] != ' ' {
			if v, ok := f.enumWord(cand[:n-1]); ok {
				return l, v
			}
		}
	}
	return 0, ""
}

func (f *Field) enumWord(c []byte) (string, bool) {
	if v, ok := f.Synonyms[string(c)]; ok {
		return v, true
	}
	for _, v := range f.Values {
		if foldEqual(v, c) {
			return v, true
		}
	}
	return "", false
}

// isNullValue reports whether an enum value is a null word ("unknown"),
// which is never read from a cell.
func (f *Field) isNullValue(v string) bool {
	if f.vv != nil {
		for _, n := range f.nulls {
			if n == v {
				return true
			}
		}
		return false
	}
	var buf [64]byte
	return f.vocab().null[string(fold(buf[:0], v))]
}

// searchZero reports whether every part of a cell holds a wording of no
// money ("Nil - borne by employer", "Waived by agency") and nothing negates
// or doubts it.
func (vv *valueVocab) searchZero(s string) bool {
	if hasDigit(s) {
		return false
	}
	parts := 0
	for rest := s; rest != ""; {
		var part string
		part, rest = nextClause(rest)
		var buf [128]byte
		var sp [32]span
		w, n := clauseWords(buf[:], sp[:], part)
		if n < 0 {
			return false
		}
		if n == 0 {
			continue
		}
		parts++
		zero := false
		for i := 0; i < n; {
			if l, _ := longest(w, sp[:n], i, vv.zero); l > 0 {
				zero, i = true, i+l
				continue
			}
			word := string(w[sp[i].a:sp[i].b])
			if vv.negation[word] || vv.doubt[word] || vv.cancel[word] {
				return false
			}
			i++
		}
		if !zero {
			return false
		}
	}
	return parts > 0
}

// hasPhrase reports whether the words of s hold a wording of m, and
// whether they hold a negation outside it.
func hasPhrase[V any](vv *valueVocab, s string, m map[string]V) (found, negated bool) {
	for rest := s; rest != ""; {
		var part string
		part, rest = nextClause(rest)
		var buf [128]byte
		var sp [32]span
		w, n := clauseWords(buf[:], sp[:], part)
		if n < 0 {
			return false, true
		}
		for i := 0; i < n; {
			if l, _ := longest(w, sp[:n], i, m); l > 0 {
				found, i = true, i+l
				continue
			}
			if vv.negation[string(w[sp[i].a:sp[i].b])] {
				negated = true
			}
			i++
		}
	}
	return found, negated
}

// searchInterval finds the pay periods of a cell ("Paid twice a month",
// "Daily cash", "Monthly, 7th"): all that it names must agree, nothing may
// negate or doubt them, and the other words may hold no number but an
// ordinal day ("7th"), and no word that ties pay to an event ("Monthly
// (balance at end of contract)").
func (vv *valueVocab) searchInterval(s string) (int, bool) {
	days, found := 0, false
	for rest := s; rest != ""; {
		var part string
		part, rest = nextClause(rest)
		var buf [128]byte
		var sp [32]span
		w, n := clauseWords(buf[:], sp[:], part)
		if n < 0 {
			return 0, false
		}
		for i := 0; i < n; {
			if l, d := longest(w, sp[:n], i, vv.intervals); l > 0 {
				if d < 0 || found && d != days {
					return 0, false
				}
				days, found, i = d, true, i+l
				continue
			}
			word := w[sp[i].a:sp[i].b]
			if vv.negation[string(word)] || vv.doubt[string(word)] || noIntervalWords[string(word)] ||
				isDigit(word[0]) && !isOrdinal(word) {
				return 0, false
			}
			i++
		}
	}
	return days, found
}

// isOrdinal reports whether a folded word is an ordinal number: "7th", "1st".
func isOrdinal(w []byte) bool {
	i := 0
	for i < len(w) && isDigit(w[i]) {
		i++
	}
	switch string(w[i:]) {
	case "st", "nd", "rd", "th":
		return i > 0
	}
	return false
}
