package contract

import (
	"errors"
	"strings"
)

// parseEnum reads an enum cell: one of the field's values or synonyms after
// folding case, spacing and punctuation; failing both, text that names the
// values or synonyms of exactly one value as whole words and negates
// nothing: "Company safe (HR office)" is employer, "with the agents" is
// agent, "not with worker" and "employer or agent" are data issues.
//
// Values that are null words ("unknown") are never read from a cell: such a
// cell is not known, like a blank one.
func (f *Field) parseEnum(w []byte) (string, error) {
	for _, v := range f.Values {
		if foldEqual(v, w) {
			return v, nil
		}
	}
	if v, ok := f.Synonyms[string(w)]; ok {
		return v, nil
	}
	return f.guessEnum(string(w))
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

// negations stop the word search: "not with worker" names worker.
var negations = map[string]bool{
	"not": true, "no": true, "never": true, "non": true, "without": true, "nobody": true,
	"none": true, "neither": true, "nor": true,
}

func (f *Field) guessEnum(w string) (string, error) {
	var found []string
	for rest := []byte(w); len(rest) > 0; {
		var word []byte
		word, rest = nextWord(rest)
		if negations[string(word)] {
			return "", f.notOneOf()
		}
	}
	add := func(key, val string) {
		if key == "" || nullWords[val] || !containsWords(w, key) {
			return
		}
		for _, v := range found {
			if v == val {
				return
			}
		}
		found = append(found, val)
	}
	for _, v := range f.Values {
		add(NormalizeWord(v), v)
	}
	for k, v := range f.Synonyms {
		add(k, v)
	}
	switch len(found) {
	case 0:
		return "", f.notOneOf()
	case 1:
		return found[0], nil
	}
	var names []string
	for _, v := range f.Values {
		for _, g := range found {
			if g == v {
				names = append(names, v)
			}
		}
	}
	return "", errors.New("ambiguous: could be " + strings.Join(names, " or "))
}

// notOneOf lists the values a cell may name.
func (f *Field) notOneOf() error {
	var names []string
	for _, v := range f.Values {
		if !nullWords[NormalizeWord(v)] {
			names = append(names, v)
		}
	}
	return errors.New("not one of " + strings.Join(names, ", "))
}

// containsWords reports whether folded text w holds key as whole words; the
// last word may carry a plural "s" ("agents" holds "agent").
func containsWords(w, key string) bool {
	for from := 0; from <= len(w)-len(key); {
		i := strings.Index(w[from:], key)
		if i < 0 {
			return false
		}
		i += from
		end := i + len(key)
		if end < len(w) && w[end] == 's' {
			if end+1 == len(w) || w[end+1] == ' ' {
				end++
			}
		}
		if (i == 0 || w[i-1] == ' ') && (end == len(w) || w[end] == ' ') {
			return true
		}
		from = i + 1
	}
	return false
}
