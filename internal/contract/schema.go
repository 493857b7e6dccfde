package contract

import (
	_ "embed"
	"fmt"
	"io"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Type is the type of a contract field.
type Type int

// Field types. Money is an amount with an optional ISO 4217 currency;
// Duration is a whole number of days read from text such as "1 month".
const (
	String Type = iota
	Int
	Number
	Money
	Bool
	Date
	Enum
	Duration
)

var typeNames = [...]string{"string", "int", "number", "money", "bool", "date", "enum", "duration"}

// String returns the type's name as written in schema files.
func (t Type) String() string {
	if t < 0 || int(t) >= len(typeNames) {
		return fmt.Sprintf("type(%d)", int(t))
	}
	return typeNames[t]
}

// ParseType reads a type name.
func ParseType(s string) (Type, bool) {
	i := slices.Index(typeNames[:], s)
	return Type(i), i >= 0
}

// Field is one canonical contract field.
type Field struct {
	Name     string             // canonical name, as rules write contract.<name>
	Type     Type               // how cells are read
	Aliases  []string           // header spellings that map to this field
	Values   []string           // enum: the allowed values
	Synonyms map[string]string  // enum: normalised word → value
	Words    map[string]float64 // number, int: normalised word → number ("sunday" → 1)
	Index    int                // position in the schema

	// The value vocabulary the field is read with (values.yaml and any
	// extension), and the field's own wordings in it. Synonyms and Words
	// hold the vocabulary's wordings merged with baseSynonyms and baseWords,
	// the field's own from the schema file.
	vv           *valueVocab
	fw           *fieldWords
	baseSynonyms map[string]string
	baseWords    map[string]float64
	baseSet      bool
	nulls        []string         // enum values that are null words ("unknown")
	boolExact    map[string]uint8 // bool: folded cell → exactYes, exactNo, exactNull (+exactPlain)
}

// Schema is the set of fields contracts are read into. It is immutable once
// built and safe for concurrent use.
type Schema struct {
	fields  []*Field
	byName  map[string]*Field
	byAlias map[string]*Field
	vv      *valueVocab // nil: the built-in value vocabulary
}

//go:embed schema.yaml
var defaultSchema []byte

// DefaultSchema returns the built-in schema of canonical fields.
func DefaultSchema() *Schema {
	s, err := ParseSchema(strings.NewReader(string(defaultSchema)))
	if err != nil {
		panic("contract: built-in schema: " + err.Error())
	}
	return s
}

type schemaFile struct {
	Fields []struct {
		Name     string             `yaml:"name"`
		Type     string             `yaml:"type"`
		Aliases  []string           `yaml:"aliases"`
		Values   []string           `yaml:"values"`
		Synonyms map[string]string  `yaml:"synonyms"`
		Words    map[string]float64 `yaml:"words"`
	} `yaml:"fields"`
}

// ParseSchema reads a schema in the YAML form of the built-in schema.yaml.
func ParseSchema(r io.Reader) (*Schema, error) {
	var sf schemaFile
	dec := yaml.NewDecoder(r)
	dec.KnownFields(true)
	if err := dec.Decode(&sf); err != nil {
		return nil, fmt.Errorf("read schema: %w", err)
	}
	var fields []*Field
	for _, f := range sf.Fields {
		t, ok := ParseType(f.Type)
		if !ok {
			return nil, fmt.Errorf("field %q: unknown type %q (want one of %s)", f.Name, f.Type, strings.Join(typeNames[:], ", "))
		}
		fd := &Field{Name: f.Name, Type: t, Aliases: f.Aliases, Values: f.Values}
		if len(f.Synonyms) > 0 {
			fd.Synonyms = make(map[string]string, len(f.Synonyms))
			for k, v := range f.Synonyms {
				if !slices.Contains(f.Values, v) {
					return nil, fmt.Errorf("field %q: synonym %q maps to %q, which is not one of its values", f.Name, k, v)
				}
				fd.Synonyms[NormalizeWord(k)] = v
			}
		}
		if len(f.Words) > 0 {
			fd.Words = make(map[string]float64, len(f.Words))
			for k, v := range f.Words {
				fd.Words[NormalizeWord(k)] = v
			}
		}
		fields = append(fields, fd)
	}
	return NewSchema(fields)
}

// NewSchema builds a schema from fields, checking that names are valid CEL
// identifiers and that no name or alias is claimed twice.
func NewSchema(fields []*Field) (*Schema, error) {
	s := &Schema{byName: map[string]*Field{}, byAlias: map[string]*Field{}}
	for i, f := range fields {
		if !validName(f.Name) {
			return nil, fmt.Errorf("field name %q: use lower-case letters, digits and underscores", f.Name)
		}
		if _, dup := s.byName[f.Name]; dup {
			return nil, fmt.Errorf("field %q defined twice", f.Name)
		}
		if f.Type == Enum && len(f.Values) == 0 {
			return nil, fmt.Errorf("field %q: an enum needs values", f.Name)
		}
		f.Index = i
		if f.vv == nil {
			if err := defaultValues.attach(f, "values.yaml", false); err != nil {
				return nil, err
			}
		}
		s.fields = append(s.fields, f)
		s.byName[f.Name] = f
	}
	// Canonical names match first, then aliases; an alias claimed by two fields is an error.
	for _, f := range fields {
		s.byAlias[NormalizeHeader(f.Name)] = f
	}
	for _, f := range fields {
		for _, a := range f.Aliases {
			key := NormalizeHeader(a)
			if other, ok := s.byAlias[key]; ok && other != f {
				if NormalizeHeader(other.Name) == key {
					continue // the canonical name wins
				}
				return nil, fmt.Errorf("alias %q claimed by both %q and %q", a, other.Name, f.Name)
			}
			s.byAlias[key] = f
		}
	}
	return s, nil
}

func validName(n string) bool {
	if n == "" || !(n[0] >= 'a' && n[0] <= 'z') {
		return false
	}
	for _, r := range n {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}

// Fields returns the schema's fields in order.
func (s *Schema) Fields() []*Field { return s.fields }

// Len is the number of fields.
func (s *Schema) Len() int { return len(s.fields) }

// Field returns the field with the canonical name, or nil.
func (s *Schema) Field(name string) *Field { return s.byName[name] }

// WithAliases returns a copy of the schema in which each header spelling in
// extra (header → field name) also maps to that field. Mapping files use it.
func (s *Schema) WithAliases(extra map[string]string) (*Schema, error) {
	n := &Schema{fields: s.fields, byName: s.byName, byAlias: make(map[string]*Field, len(s.byAlias)+len(extra)), vv: s.vv}
	for k, v := range s.byAlias {
		n.byAlias[k] = v
	}
	for h, name := range extra {
		f := s.byName[name]
		if f == nil {
			return nil, fmt.Errorf("header %q maps to unknown field %q%s", h, name, s.suggest(name))
		}
		n.byAlias[NormalizeHeader(h)] = f
	}
	return n, nil
}

func (s *Schema) suggest(name string) string {
	if best := s.Closest(name); best != "" {
		return fmt.Sprintf(" (did you mean %q?)", best)
	}
	return ""
}

// Closest returns the field name nearest to name by edit distance, or "" when
// none is near enough to be a likely typo.
func (s *Schema) Closest(name string) string {
	// The shortest field that starts with the name ("recruitment_fee") is
	// the likely meaning.
	prefixed := ""
	for _, f := range s.fields {
		if len(name) >= 4 && strings.HasPrefix(f.Name, name) && (prefixed == "" || len(f.Name) < len(prefixed)) {
			prefixed = f.Name
		}
	}
	if prefixed != "" {
		return prefixed
	}
	best, bestD := "", len(name)/3+2
	for _, f := range s.fields {
		if d := EditDistance(name, f.Name); d < bestD {
			best, bestD = f.Name, d
		}
	}
	return best
}

// HeaderMatch is the result of matching one header cell against the schema.
type HeaderMatch struct {
	Field    *Field // nil when the header maps to no field
	Currency string // ISO code named by a bracketed unit, e.g. "Fee (USD)"
	Unit     string // the bracketed unit text, lower-cased, when there was one
}

// Match maps a header cell to a field. Matching ignores case, punctuation,
// spacing and line breaks; a bracketed unit ("Fee (USD)", "Age (yrs)") is
// tried with and without, and a currency it names is returned as a hint.
func (s *Schema) Match(header string) HeaderMatch {
	full := NormalizeHeader(header)
	if full == "" {
		return HeaderMatch{}
	}
	base, unit := splitUnit(header)
	m := HeaderMatch{Unit: unit}
	if c := CurrencyCode(unit); c != "" {
		m.Currency = c
	}
	if f, ok := s.byAlias[full]; ok {
		m.Field = f
		return m
	}
	if f, ok := s.byAlias[NormalizeHeader(base)]; ok && base != header {
		m.Field = f
	}
	return m
}

// splitUnit separates a trailing bracketed unit: "Fee (USD)" → "Fee", "usd".
func splitUnit(h string) (base, unit string) {
	h = strings.TrimSpace(h)
	for _, p := range [][2]byte{{'(', ')'}, {'[', ']'}} {
		if strings.HasSuffix(h, string(p[1])) {
			if i := strings.LastIndexByte(h, p[0]); i > 0 {
				return strings.TrimSpace(h[:i]), strings.ToLower(strings.TrimSpace(h[i+1 : len(h)-1]))
			}
		}
	}
	return h, ""
}

// NormalizeHeader folds a header for matching: lower case, with every run of
// characters other than letters and digits turned into a single space.
// "Passport\nKept-By " and "passport kept by" are the same header. A "#" is
// kept as the word "no" ("License #" matches "License No").
func NormalizeHeader(h string) string {
	var buf [64]byte
	b := fold(buf[:0], h)
	if string(b) == h {
		return h
	}
	return string(b)
}

// NormalizeWord folds a cell word for synonym lookup the same way headers are
// folded.
func NormalizeWord(w string) string { return NormalizeHeader(w) }
