package crossrow

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/laborcheck/laborcheck/internal/contract"
)

// EntityList is a list of named entities to screen supplier and employer
// names against, such as the UFLPA Entity List. It is immutable once read
// and safe for concurrent use.
type EntityList struct {
	Name    string // how findings name the list: its file name
	entries []Entity
	byName  map[string]int // normalised name or alias → index in entries
}

// Entity is one entry of an entity list.
type Entity struct {
	Name    string
	Aliases []string
	Line    int // the table row, header = 1
}

// Len is the number of entries.
func (l *EntityList) Len() int { return len(l.entries) }

var entityNameColumns = []string{"name", "entity", "entity name", "company", "company name", "organization", "organisation", "organization name", "entity list name"}
var entityAliasColumns = []string{"aliases", "alias", "also known as", "aka", "other names"}

// ReadEntityList reads an entity list: CSV (comma, semicolon or tab) with a
// header row that has a name column ("name", "entity", "entity name",
// "company") and optionally an aliases column whose names are separated by
// ";" or "|". A name's bracketed part counts as an alias too:
// "Example Textile Co., Ltd. (Example Group)" also matches "Example Group".
// name is how findings refer to the list.
func ReadEntityList(name string, data []byte) (*EntityList, error) {
	rows, err := contract.ReadTable(data)
	if err != nil {
		return nil, fmt.Errorf("read entity list: %w", err)
	}
	if len(rows) == 0 {
		return nil, errors.New("entity list is empty")
	}
	nameCol, aliasCol := -1, -1
	for i, h := range rows[0] {
		n := contract.NormalizeHeader(h)
		if nameCol < 0 && slices.Contains(entityNameColumns, n) {
			nameCol = i
		}
		if aliasCol < 0 && slices.Contains(entityAliasColumns, n) {
			aliasCol = i
		}
	}
	if nameCol < 0 {
		return nil, fmt.Errorf("entity list: no name column in the header row (want one of: %s)", strings.Join(entityNameColumns[:4], ", "))
	}
	l := &EntityList{Name: name, byName: map[string]int{}}
	for n, row := range rows[1:] {
		if nameCol >= len(row) || strings.TrimSpace(row[nameCol]) == "" {
			continue
		}
		e := Entity{Name: strings.TrimSpace(row[nameCol]), Line: n + 2}
		if aliasCol >= 0 && aliasCol < len(row) {
			for _, a := range strings.FieldsFunc(row[aliasCol], func(r rune) bool { return r == ';' || r == '|' }) {
				if a = strings.TrimSpace(a); a != "" {
					e.Aliases = append(e.Aliases, a)
				}
			}
		}
		idx := len(l.entries)
		l.entries = append(l.entries, e)
		for _, v := range append([]string{e.Name}, e.Aliases...) {
			for _, k := range nameVariants(v) {
				if _, dup := l.byName[k]; !dup {
					l.byName[k] = idx
				}
			}
		}
	}
	if len(l.entries) == 0 {
		return nil, errors.New("entity list: no names below the header row")
	}
	return l, nil
}

// Match reports the entry that name matches, after normalising both.
func (l *EntityList) Match(name string) (Entity, bool) {
	if l == nil {
		return Entity{}, false
	}
	for _, k := range nameVariants(name) {
		if i, ok := l.byName[k]; ok {
			return l.entries[i], true
		}
	}
	return Entity{}, false
}

// nameVariants are the normalised forms a name is known by: the whole name
// and, when it has a bracketed part, the name without it and the part alone.
func nameVariants(s string) []string {
	var out []string
	add := func(v string) {
		if k := normalizeName(v); k != "" && !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	add(s)
	if open := strings.IndexAny(s, "(（"); open > 0 {
		rest := s[open:]
		_, ow := utf8.DecodeRuneInString(rest)
		if end := strings.IndexAny(rest, ")）"); end > 0 {
			_, cw := utf8.DecodeRuneInString(rest[end:])
			add(s[:open] + rest[end+cw:])
			add(rest[ow:end])
		}
	}
	return out
}

// legalSuffixes are words of a company's legal form, dropped from the end of
// a name: "Example Textile Co., Ltd." is "example textile".
var legalSuffixes = map[string]bool{
	"co": true, "company": true, "ltd": true, "limited": true, "llc": true, "inc": true, "incorporated": true,
	"corp": true, "corporation": true, "plc": true, "pte": true, "pvt": true, "private": true, "sdn": true,
	"bhd": true, "berhad": true, "gmbh": true, "ag": true, "sa": true, "sarl": true, "bv": true, "nv": true,
	"jsc": true, "ojsc": true, "llp": true, "lp": true, "pt": true, "tbk": true, "spa": true, "srl": true,
	"kk": true, "jv": true, "coltd": true, "pteltd": true, "sdnbhd": true, "pvtltd": true,
}

// cjkSuffixes are legal forms written in Chinese.
var cjkSuffixes = []string{"股份有限公司", "有限责任公司", "有限公司", "公司"}

// normalizeName folds a company name for matching: lower case, punctuation
// as spaces, "&" as "and", a leading "the" and trailing legal-form words
// ("Co., Ltd.", "Limited", "LLC", "Sdn. Bhd.") dropped.
func normalizeName(s string) string {
	s = strings.TrimSpace(s)
	for _, suf := range cjkSuffixes {
		if t, ok := strings.CutSuffix(s, suf); ok && t != "" {
			s = t
			break
		}
	}
	var words []string
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			words = append(words, b.String())
			b.Reset()
		}
	}
	for _, r := range strings.ToLower(s) {
		switch {
		case r == '&':
			flush()
			words = append(words, "and")
		case r == '\'' || r == '’' || r == '.':
			// "O'Neil", "S.A." and "Co." keep their letters together
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		default:
			flush()
		}
	}
	flush()
	if len(words) > 1 && words[0] == "the" {
		words = words[1:]
	}
	for len(words) > 1 && legalSuffixes[words[len(words)-1]] {
		words = words[:len(words)-1]
	}
	return strings.Join(words, " ")
}
