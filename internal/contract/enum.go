package contract

import (
	"errors"
	"strings"
)

// parseEnum reads an enum cell: one of the field's values or wordings
// after folding case, spacing and punctuation; failing both, text that names
// the values or wordings of exactly one value as whole words and negates
// nothing: "Company safe (HR office)" is employer, "Sub-agent, Kathmandu"
// agent, "with the agents" agent; "not with worker" and "employer or
// agent" are data issues.
//
// Values that are null words ("unknown") are never read from a cell: such a
// cell is not known, like a blank one.
func (f *Field) parseEnum(s string, w []byte) (string, error) {
	for _, v := range f.Values {
		if foldEqual(v, w) {
			return v, nil
		}
	}
	if v, ok := f.Synonyms[string(w)]; ok {
		return v, nil
	}
	return f.searchEnum(s)
}

// foldEqual reports whether v folds to w.
func foldEqual(v string, w []byte) bool {
	if v == string(w) {
		return true
	}
	if isFolded(v) {
		return false
	}
	if len(v) > 64 {
		return NormalizeWord(v) == string(w)
	}
	var buf [64]byte
	return string(fold(buf[:0], v)) == string(w)
}

// isFolded reports whether v is already in folded form: lower-case ASCII
// letters and digits, single spaces between words.
func isFolded(v string) bool {
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case 'a' <= c && c <= 'z', isDigit(c):
		case c == ' ' && i > 0 && i < len(v)-1 && v[i-1] != ' ':
		default:
			return false
		}
	}
	return true
}

// notOneOf lists the values a cell may name.
func (f *Field) notOneOf() error {
	var names []string
	for _, v := range f.Values {
		if !f.isNullValue(v) {
			names = append(names, v)
		}
	}
	return errors.New("not one of " + strings.Join(names, ", "))
}
