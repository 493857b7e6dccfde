package header

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"go.yaml.in/yaml/v3"

	"github.com/laborcheck/laborcheck/internal/contract"
	"github.com/laborcheck/laborcheck/internal/vocab"
)

// Vocabulary is a parsed header vocabulary (see internal/vocab/headers.yaml
// for the format). It is immutable once built and safe for concurrent use.
type Vocabulary struct {
	// Sources name where each file of the vocabulary came from, with the
	// date it was last reviewed: the built-in file first, then extensions.
	Sources []Source

	words     map[string]entry // folded surface form (words joined by one space) → meaning
	maxPhrase int              // the most words in one surface form
	maxHan    int              // the most Han characters in one surface form
	leads     map[string]bool  // words that make a period of the period word after them
	vetoes    map[string]bool
	weak      map[string]bool              // concepts too general to name a field beside an unknown word
	conv      map[string]map[string]factor // field period → header unit → factor
	fields    map[string]*fieldVocab
	heads     map[string]string // concept that names a field on its own → that field
	latin     map[byte][]string // single-word Latin surface forms by first letter, for spelling correction
}

// Source is where a vocabulary file came from.
type Source struct {
	File   string // "builtin:headers.yaml" or the path given
	Source string // the file's own `source:`
	AsOf   string // the file's `as_of:`
}

type entryKind uint8

const (
	kindWord entryKind = iota
	kindAbbrev
	kindStop
	kindUnit
)

type entry struct {
	concept string // a concept, or for units per_day … percent
	kind    entryKind
}

// factor converts a header's period into a field's.
type factor struct {
	x        float64
	workdays bool   // × working days a week, resolved per contract
	text     string // as written: "12/52", "workdays"
}

type pattern struct {
	concepts []string // sorted, distinct
	invert   bool     // an opposite question
	yes, no  string   // a yes/no question about an enum field
}

type fieldVocab struct {
	name     string
	label    string
	patterns []pattern
	also     map[string]bool
	veto     map[string]bool
	period   string
	percent  bool
	shape    string
	convert  map[string]factor
	fillDown bool
	clock    bool            // a time of day answers yes (a curfew's hour)
	own      map[string]bool // every concept of the field's patterns
}

// periodWords are the concepts a period lead turns into a unit.
var periodWords = map[string]string{"day": "per_day", "week": "per_week", "fortnight": "per_fortnight", "month": "per_month", "year": "per_year"}

var (
	defaultOnce  sync.Once
	defaultVocab *Vocabulary
	defaultErr   error
)

// Default returns the built-in vocabulary.
func Default() *Vocabulary {
	defaultOnce.Do(func() {
		defaultVocab, defaultErr = Parse(bytes.NewReader(vocab.Headers), "builtin:headers.yaml")
	})
	if defaultErr != nil {
		panic("header: built-in vocabulary: " + defaultErr.Error())
	}
	return defaultVocab
}

// vocabFile is the YAML form; nodes keep positions for error messages.
type vocabFile struct {
	Source       string    `yaml:"source"`
	AsOf         string    `yaml:"as_of"`
	StopWords    []string  `yaml:"stop_words"`
	Abbreviation yaml.Node `yaml:"abbreviations"`
	Words        yaml.Node `yaml:"words"`
	Units        yaml.Node `yaml:"units"`
	PeriodLeads  []string  `yaml:"period_leads"`
	Conversions  yaml.Node `yaml:"conversions"`
	Vetoes       []string  `yaml:"vetoes"`
	Weak         []string  `yaml:"weak"`
	Fields       yaml.Node `yaml:"fields"`
}

type fieldFile struct {
	Label    string            `yaml:"label"`
	Shape    string            `yaml:"shape"`
	Match    []string          `yaml:"match"`
	Also     []string          `yaml:"also"`
	Veto     []string          `yaml:"veto"`
	Opposite []string          `yaml:"opposite"`
	YesNo    []yesNoFile       `yaml:"yes_no"`
	Period   string            `yaml:"period"`
	Percent  bool              `yaml:"percent"`
	FillDown bool              `yaml:"fill_down"`
	Clock    bool              `yaml:"clock"`
	Convert  map[string]string `yaml:"convert"`
}

type yesNoFile struct {
	Match string `yaml:"match"`
	Yes   string `yaml:"yes"`
	No    string `yaml:"no"`
}

// errorList gathers every problem in a file, each with its position.
type errorList struct {
	name string
	errs []string
}

func (l *errorList) add(n *yaml.Node, format string, args ...any) {
	pos := l.name
	if n != nil && n.Line > 0 {
		pos = fmt.Sprintf("%s:%d:%d", l.name, n.Line, n.Column)
	}
	l.errs = append(l.errs, pos+": "+fmt.Sprintf(format, args...))
}

func (l *errorList) err() error {
	if len(l.errs) == 0 {
		return nil
	}
	return errors.New(strings.Join(l.errs, "\n"))
}

// Parse reads a vocabulary file. name is used in error messages, which give
// file:line:col for every problem found (all of them, not only the first).
func Parse(r io.Reader, name string) (*Vocabulary, error) {
	v := newVocabulary()
	if err := v.add(r, name, true); err != nil {
		return nil, err
	}
	return v, nil
}

// Extend returns a copy of v with the entries of the file in r added: new
// words, stop words, patterns and fields. A word the file lists under
// another concept moves to it; a field the file names gains its patterns.
func (v *Vocabulary) Extend(r io.Reader, name string) (*Vocabulary, error) {
	n := v.clone()
	if err := n.add(r, name, false); err != nil {
		return nil, err
	}
	return n, nil
}

func newVocabulary() *Vocabulary {
	return &Vocabulary{
		words: map[string]entry{}, leads: map[string]bool{}, vetoes: map[string]bool{}, weak: map[string]bool{},
		conv: map[string]map[string]factor{}, fields: map[string]*fieldVocab{}, heads: map[string]string{},
	}
}

func (v *Vocabulary) clone() *Vocabulary {
	n := newVocabulary()
	n.Sources = slices.Clone(v.Sources)
	n.maxPhrase, n.maxHan = v.maxPhrase, v.maxHan
	for k, e := range v.words {
		n.words[k] = e
	}
	for k := range v.leads {
		n.leads[k] = true
	}
	for k := range v.vetoes {
		n.vetoes[k] = true
	}
	for k := range v.weak {
		n.weak[k] = true
	}
	for p, m := range v.conv {
		n.conv[p] = map[string]factor{}
		for k, f := range m {
			n.conv[p][k] = f
		}
	}
	for k, f := range v.fields {
		c := *f
		c.patterns = slices.Clone(f.patterns)
		n.fields[k] = &c
	}
	return n
}

func (v *Vocabulary) add(r io.Reader, name string, strict bool) error {
	data, err := io.ReadAll(io.LimitReader(r, 16<<20))
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return fmt.Errorf("%s: %s", name, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	var f vocabFile
	el := &errorList{name: name}
	if len(doc.Content) == 0 {
		return fmt.Errorf("%s: the file is empty", name)
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return fmt.Errorf("%s:%d:%d: want a mapping with keys such as words, fields and units", name, root.Line, root.Column)
	}
	known := []string{"kind", "replace", "source", "as_of", "stop_words", "abbreviations", "words", "units", "period_leads", "conversions", "vetoes", "weak", "fields"}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k := root.Content[i]
		if !slices.Contains(known, k.Value) {
			hint := ""
			if s := contract.Nearest(k.Value, known); s != "" {
				hint = fmt.Sprintf(" (did you mean %q?)", s)
			}
			el.add(k, "unknown key %q%s", k.Value, hint)
		}
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		if k, val := root.Content[i], root.Content[i+1]; k.Value == "kind" && val.Value != "headers" {
			el.add(val, "kind %q: a header vocabulary is kind: headers", val.Value)
		}
	}
	if err := root.Decode(&f); err != nil {
		el.add(root, "%s", plainYAMLError(err))
		return el.err()
	}
	v.Sources = append(v.Sources, Source{File: name, Source: strings.TrimSpace(f.Source), AsOf: f.AsOf})
	claimed := map[string]string{} // within this file: surface → concept, to catch a word listed twice
	addWord := func(n *yaml.Node, surface, concept string, kind entryKind) {
		key := foldPhrase(surface)
		if key == "" {
			el.add(n, "%q has no letters or digits", surface)
			return
		}
		if prev, ok := claimed[key]; ok && prev != concept {
			el.add(n, "%q is listed under both %s and %s", surface, prev, concept)
			return
		}
		claimed[key] = concept
		v.words[key] = entry{concept: concept, kind: kind}
		words := strings.Count(key, " ") + 1
		v.maxPhrase = max(v.maxPhrase, words)
		if h := hanLen(key); h > v.maxHan {
			v.maxHan = h
		}
	}
	for _, w := range f.StopWords {
		addWord(nil, w, "", kindStop)
	}
	for _, w := range f.PeriodLeads {
		key := foldPhrase(w)
		v.leads[key] = true
	}
	concepts := func(n *yaml.Node, kind entryKind, what string) {
		if n.Kind == 0 {
			return
		}
		if n.Kind != yaml.MappingNode {
			el.add(n, "%s: want a mapping of concept to a list of words", what)
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, list := n.Content[i], n.Content[i+1]
			concept := k.Value
			if concept == "" || strings.ContainsFunc(concept, unicode.IsSpace) {
				el.add(k, "%s: a concept is one word (use _ to join words): %q", what, k.Value)
				continue
			}
			if list.Kind != yaml.SequenceNode {
				el.add(list, "%s: %s: want a list of words", what, k.Value)
				continue
			}
			if kind == kindWord && !strings.Contains(concept, "_") {
				addWord(k, k.Value, concept, kind) // a concept's own name means it
			}
			target, tkind := concept, kind
			if kind == kindAbbrev {
				// An abbreviation of a word means what the word means:
				// "std" is "standard", which the words list under regular.
				if e, ok := v.words[foldPhrase(concept)]; ok {
					target = e.concept
					if e.kind == kindStop {
						tkind = kindStop
					}
				}
			}
			for _, w := range list.Content {
				if w.Kind != yaml.ScalarNode {
					el.add(w, "%s: %s: want words, not a %s", what, k.Value, kindName(w))
					continue
				}
				addWord(w, w.Value, target, tkind)
			}
		}
	}
	concepts(&f.Words, kindWord, "words")
	concepts(&f.Abbreviation, kindAbbrev, "abbreviations")
	if f.Units.Kind != 0 {
		units := []string{"per_day", "per_week", "per_fortnight", "per_month", "per_year", "percent"}
		for i := 0; i+1 < len(f.Units.Content); i += 2 {
			if k := f.Units.Content[i]; !slices.Contains(units, k.Value) {
				el.add(k, "units: unknown unit %q (want one of %s)", k.Value, strings.Join(units, ", "))
			}
		}
		concepts(&f.Units, kindUnit, "units")
	}
	for _, w := range f.Vetoes {
		v.vetoes[foldConcept(w)] = true
	}
	for _, w := range f.Weak {
		v.weak[foldConcept(w)] = true
	}
	if f.Conversions.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(f.Conversions.Content); i += 2 {
			k, m := f.Conversions.Content[i], f.Conversions.Content[i+1]
			if k.Value != "week" && k.Value != "month" {
				el.add(k, "conversions: a field period is week or month, not %q", k.Value)
				continue
			}
			conv := v.conv[k.Value]
			if conv == nil {
				conv = map[string]factor{}
				v.conv[k.Value] = conv
			}
			var raw map[string]string
			if err := m.Decode(&raw); err != nil {
				el.add(m, "conversions: %s: %s", k.Value, plainYAMLError(err))
				continue
			}
			for unit, text := range raw {
				fa, err := parseFactor(text)
				if err != nil {
					el.add(m, "conversions: %s: %s: %v", k.Value, unit, err)
					continue
				}
				conv[unit] = fa
			}
		}
	}
	if f.Fields.Kind == yaml.MappingNode {
		schema := contract.DefaultSchema()
		for i := 0; i+1 < len(f.Fields.Content); i += 2 {
			k, n := f.Fields.Content[i], f.Fields.Content[i+1]
			fd := schema.Field(k.Value)
			if fd == nil {
				hint := ""
				if s := schema.Closest(k.Value); s != "" {
					hint = fmt.Sprintf(" (did you mean %q?)", s)
				}
				el.add(k, "fields: unknown field %q%s", k.Value, hint)
				continue
			}
			var ff fieldFile
			if err := decodeKnown(n, &ff); err != nil {
				el.add(n, "fields: %s: %s", k.Value, err)
				continue
			}
			v.addField(el, k, fd, ff, strict)
		}
	} else if f.Fields.Kind != 0 {
		el.add(&f.Fields, "fields: want a mapping of field name to its words")
	}
	if err := el.err(); err != nil {
		return err
	}
	v.indexHeads()
	return nil
}

func (v *Vocabulary) addField(el *errorList, k *yaml.Node, fd *contract.Field, ff fieldFile, strict bool) {
	fv := v.fields[fd.Name]
	if fv == nil {
		fv = &fieldVocab{name: fd.Name, also: map[string]bool{}, veto: map[string]bool{}}
		v.fields[fd.Name] = fv
	} else {
		// An extension adds to the built-in entry; copy the sets it shares.
		fv.also, fv.veto = cloneSet(fv.also), cloneSet(fv.veto)
	}
	if ff.Label != "" {
		fv.label = ff.Label
	}
	if ff.Shape != "" {
		if ff.Shape != "id" && ff.Shape != "text" {
			el.add(k, "fields: %s: shape is id or text, not %q", fd.Name, ff.Shape)
		}
		fv.shape = ff.Shape
	}
	if ff.Period != "" {
		if ff.Period != "week" && ff.Period != "month" {
			el.add(k, "fields: %s: period is week or month, not %q", fd.Name, ff.Period)
		}
		fv.period = ff.Period
	}
	if ff.Percent {
		fv.percent = true
	}
	if ff.FillDown {
		fv.fillDown = true
	}
	if ff.Clock {
		fv.clock = true
	}
	for unit, text := range ff.Convert {
		fa, err := parseFactor(text)
		if err != nil {
			el.add(k, "fields: %s: convert %s: %v", fd.Name, unit, err)
			continue
		}
		if fv.convert == nil {
			fv.convert = map[string]factor{}
		}
		fv.convert[unit] = fa
	}
	for _, w := range ff.Also {
		for _, c := range v.conceptsOf(w) {
			fv.also[c] = true
		}
	}
	for _, w := range ff.Veto {
		for _, c := range v.conceptsOf(w) {
			fv.veto[c] = true
		}
	}
	addPattern := func(text string, p pattern) {
		p.concepts = v.conceptsOf(text)
		if len(p.concepts) == 0 {
			el.add(k, "fields: %s: pattern %q has no words that carry meaning", fd.Name, text)
			return
		}
		fv.patterns = append(fv.patterns, p)
	}
	for _, m := range ff.Match {
		addPattern(m, pattern{})
	}
	for _, m := range ff.Opposite {
		if fd.Type != contract.Bool {
			el.add(k, "fields: %s: opposite questions are for yes/no fields; %s is %s", fd.Name, fd.Name, fd.Type)
			continue
		}
		addPattern(m, pattern{invert: true})
	}
	for _, q := range ff.YesNo {
		if fd.Type != contract.Enum {
			el.add(k, "fields: %s: yes_no questions are for fields with a list of values; %s is %s", fd.Name, fd.Name, fd.Type)
			continue
		}
		for _, val := range []string{q.Yes, q.No} {
			if !slices.Contains(fd.Values, val) {
				el.add(k, "fields: %s: yes_no value %q is not one of %s", fd.Name, val, strings.Join(fd.Values, ", "))
			}
		}
		addPattern(q.Match, pattern{yes: q.Yes, no: q.No})
	}
	if strict && len(fv.patterns) == 0 {
		el.add(k, "fields: %s: no match patterns", fd.Name)
	}
}

// indexHeads finds the concepts that name a field on their own: a header
// concept of that kind, left unexplained by another field, counts against it.
// It also gathers each field's own concepts: a word of one of its patterns
// explains a header read through another ("Worker's full name").
func (v *Vocabulary) indexHeads() {
	v.heads = map[string]string{}
	v.latin = map[byte][]string{}
	for _, f := range v.fields {
		f.own = map[string]bool{}
		for _, p := range f.patterns {
			for _, c := range p.concepts {
				f.own[c] = true
			}
			if len(p.concepts) == 1 && !p.invert && p.yes == "" {
				v.heads[p.concepts[0]] = f.name
			}
		}
	}
	for k, e := range v.words {
		if e.kind == kindWord && !strings.Contains(k, " ") && len(k) >= 5 && hanLen(k) == 0 {
			v.latin[k[0]] = append(v.latin[k[0]], k)
		}
	}
	for _, ws := range v.latin {
		slices.Sort(ws)
	}
}

// conceptsOf reads a pattern or list entry written in words into concepts.
func (v *Vocabulary) conceptsOf(text string) []string {
	a := v.analyze(text)
	out := slices.Clone(a.concepts)
	if a.unit == "percent" {
		out = append(out, "percent")
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func cloneSet(m map[string]bool) map[string]bool {
	n := make(map[string]bool, len(m))
	for k := range m {
		n[k] = true
	}
	return n
}

// parseFactor reads "26", "12/52", "1/4" or "workdays".
func parseFactor(s string) (factor, error) {
	s = strings.TrimSpace(s)
	if s == "workdays" {
		return factor{workdays: true, text: s}, nil
	}
	num, den, frac := strings.Cut(s, "/")
	a, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
	if err != nil || a <= 0 {
		return factor{}, fmt.Errorf("want a number, a fraction such as 12/52, or workdays; got %q", s)
	}
	if frac {
		b, err := strconv.ParseFloat(strings.TrimSpace(den), 64)
		if err != nil || b <= 0 {
			return factor{}, fmt.Errorf("want a fraction such as 12/52; got %q", s)
		}
		a /= b
	}
	return factor{x: a, text: s}, nil
}

// decodeKnown decodes n into out, reporting keys out does not have by name.
func decodeKnown(n *yaml.Node, out any) error {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	if err := enc.Encode(n); err != nil {
		return err
	}
	dec := yaml.NewDecoder(&buf)
	dec.KnownFields(true)
	if err := dec.Decode(out); err != nil {
		return errors.New(plainYAMLError(err))
	}
	return nil
}

// plainYAMLError turns the YAML library's messages into plain words: no Go
// type names.
func plainYAMLError(err error) string {
	s := strings.TrimPrefix(err.Error(), "yaml: ")
	s = strings.TrimPrefix(s, "unmarshal errors:\n")
	var out []string
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if i := strings.Index(line, "field "); i >= 0 && strings.Contains(line, " not found in type ") {
			name := line[i+len("field "):]
			name = name[:strings.Index(name, " not found")]
			line = strings.TrimSpace(line[:i]) + fmt.Sprintf(" unknown key %q", name)
		}
		if i := strings.Index(line, "cannot unmarshal "); i >= 0 {
			line = line[:i] + "the value has the wrong shape (a list, a word or a mapping is expected here)"
		}
		out = append(out, line)
	}
	return strings.Join(out, "; ")
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "mapping"
	case yaml.SequenceNode:
		return "list"
	}
	return "value"
}

// Label returns the words reports use to ask for a field's column: the
// vocabulary's label, else the field's name in words.
func (v *Vocabulary) Label(field string) string {
	if f := v.fields[field]; f != nil && f.label != "" {
		return f.label
	}
	return strings.ReplaceAll(field, "_", " ")
}

// FillDown reports whether the vocabulary marks field as one that rosters
// write once above a block of rows (an employer over its workers), so that
// blank cells below a value take it.
func (m *Matcher) FillDown(f *contract.Field) bool {
	if f == nil {
		return false
	}
	fv := m.vocab.fields[f.Name]
	return fv != nil && fv.fillDown
}

// allWeak reports whether every concept of a pattern is weak.
func (v *Vocabulary) allWeak(concepts []string) bool {
	for _, c := range concepts {
		if !v.weak[c] {
			return false
		}
	}
	return len(concepts) > 0
}
