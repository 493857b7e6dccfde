package header

import (
	"fmt"
	"slices"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/laborcheck/laborcheck/internal/contract"
)

// candidate is one reading of a header as a field.
type candidate struct {
	field      *contract.Field
	score      float64
	method     Method
	hints      contract.Hints
	conversion string
	partial    bool // only part of a pattern matched: the values must confirm it
	refuted    string
	confirmed  bool
}

// Matcher maps headers to the fields of a schema through a vocabulary.
// Its readings never change once made, and it is safe for concurrent use.
type Matcher struct {
	schema  *contract.Schema
	vocab   *Vocabulary
	user    map[string]*contract.Field // folded header → field, from the user's map
	aliases map[string]*contract.Field // folded alias → field, from the schema
	cells   *cellFields                // HeaderFields' readings of cell texts
}

// cellFields remembers the field each cell text HeaderFields looked at
// names clearly (nil for none): the rows above and below a header, the
// first rows of every file of a batch, repeat their countries, employers
// and answers from file to file, and reading a text by meaning is the
// cost of finding a header. It keeps about maxCellFields texts at most.
type cellFields struct {
	m sync.Map // cell text → *contract.Field
	n atomic.Int32
}

const maxCellFields = 1 << 14

// cellField returns the field cell c names clearly from its text alone,
// or nil.
func (m *Matcher) cellField(c string) *contract.Field {
	if m.cells != nil {
		if f, ok := m.cells.m.Load(c); ok {
			return f.(*contract.Field)
		}
	}
	var f *contract.Field
	cs := m.candidates(c)
	cs = slices.DeleteFunc(cs, func(c candidate) bool { return c.partial })
	if len(cs) > 0 && cs[0].score >= mapScore {
		f = cs[0].field
	}
	if m.cells != nil && m.cells.n.Load() < maxCellFields {
		if _, loaded := m.cells.m.LoadOrStore(c, f); !loaded {
			m.cells.n.Add(1)
		}
	}
	return f
}

// NewMatcher returns a matcher for schema. user maps the user's own header
// spellings to field names (a -map file, checked when it was read); a name
// the schema lacks is passed over.
func NewMatcher(schema *contract.Schema, v *Vocabulary, user map[string]string) (*Matcher, error) {
	if v == nil {
		v = Default()
	}
	m := &Matcher{schema: schema, vocab: v, user: map[string]*contract.Field{}, aliases: map[string]*contract.Field{}, cells: &cellFields{}}
	for _, f := range schema.Fields() {
		m.aliases[contract.NormalizeHeader(f.Name)] = f
	}
	for _, f := range schema.Fields() {
		for _, a := range f.Aliases {
			k := contract.NormalizeHeader(a)
			if _, ok := m.aliases[k]; !ok {
				m.aliases[k] = f
			}
		}
	}
	keys := make([]string, 0, len(user))
	for h := range user {
		keys = append(keys, h)
	}
	sort.Strings(keys)
	for _, h := range keys {
		if f := schema.Field(user[h]); f != nil {
			m.user[contract.NormalizeHeader(h)] = f
		}
	}
	return m, nil
}

// Vocabulary returns the matcher's vocabulary.
func (m *Matcher) Vocabulary() *Vocabulary { return m.vocab }

// alias returns the field a header is a known spelling of: the schema's
// names and aliases, with or without a bracketed unit ("Fee (USD)"). A
// bracket that says more than a unit ("Notice period (employer)") is part
// of the header, which is then no alias.
func (m *Matcher) alias(h, key string) *contract.Field {
	if f := m.aliases[key]; f != nil {
		return f
	}
	hm := m.schema.Match(h)
	if hm.Field == nil || hm.Unit == "" {
		return hm.Field
	}
	if u := m.vocab.analyze(hm.Unit); len(u.concepts) > 0 {
		return nil
	}
	return hm.Field
}

// candidates reads one header as each field it may stand for, best first,
// one reading per field.
func (m *Matcher) candidates(h string) []candidate {
	key := contract.NormalizeHeader(h)
	if key == "" {
		return nil
	}
	if f := m.user[key]; f != nil {
		return []candidate{{field: f, score: 2, method: ByUserMap, hints: m.plainHints(f, m.vocab.analyze(h))}}
	}
	a := m.vocab.analyze(h)
	best := map[*contract.Field]candidate{}
	consider := func(c candidate) {
		if old, ok := best[c.field]; !ok || c.score > old.score || c.score == old.score && old.partial && !c.partial {
			best[c.field] = c
		}
	}
	if f := m.alias(h, key); f != nil {
		fv := m.vocab.fields[f.Name]
		if a.unit == "" || fv == nil || a.unit == "per_"+fv.period || fv.period == "" && a.unit != "percent" {
			consider(candidate{field: f, score: 1.2, method: ByAlias, hints: m.plainHints(f, a)})
		}
	}
	if len(a.concepts) > 0 {
		for _, f := range m.schema.Fields() {
			fv := m.vocab.fields[f.Name]
			if fv == nil {
				continue
			}
			for _, p := range fv.patterns {
				if c, ok := m.readAs(f, fv, p, a); ok {
					consider(c)
				}
			}
		}
	}
	out := make([]candidate, 0, len(best))
	for _, c := range best {
		out = append(out, c)
	}
	sortCandidates(out)
	return out
}

func sortCandidates(cs []candidate) {
	slices.SortStableFunc(cs, func(x, y candidate) int {
		switch {
		case x.score > y.score:
			return -1
		case x.score < y.score:
			return 1
		}
		return x.field.Index - y.field.Index
	})
}

// plainHints are the hints of a header matched as a whole: its currency.
func (m *Matcher) plainHints(f *contract.Field, a analysis) contract.Hints {
	var h contract.Hints
	if f.Type == contract.Money {
		h.Currency = a.currency
	}
	if fv := m.vocab.fields[f.Name]; fv != nil && fv.percent && a.unit == "percent" {
		h.Share = true
	}
	return h
}

// readAs reads header a as field f through pattern p. Every concept of the
// pattern must be in the header for a full reading; a partial one (some of
// the pattern) is kept for the values to confirm.
func (m *Matcher) readAs(f *contract.Field, fv *fieldVocab, p pattern, a analysis) (candidate, bool) {
	matched := 0
	for _, c := range p.concepts {
		if a.has(c) {
			matched++
		}
	}
	if matched == 0 {
		return candidate{}, false
	}
	partial := matched < len(p.concepts)
	explained := map[string]bool{}
	for _, c := range p.concepts {
		explained[c] = true
	}
	for _, c := range a.concepts {
		if fv.also[c] || fv.own[c] || c == "yesno" && (f.Type == contract.Bool || p.yes != "") {
			explained[c] = true
		}
	}
	invert := p.invert
	if a.has("not") && !explained["not"] {
		if f.Type != contract.Bool {
			return candidate{}, false
		}
		invert = !invert
		explained["not"] = true
	}
	for _, c := range a.concepts {
		if !explained[c] && (m.vocab.vetoes[c] || fv.veto[c]) {
			return candidate{}, false
		}
	}
	if p.yes != "" && a.has("yesno") == false && !a.question && partial {
		return candidate{}, false
	}
	// Pattern words weigh fully, words the field merely allows (also) less:
	// "Worker ref" is the worker's id more than a contract reference.
	weight, foreign := 0.0, 0
	for _, c := range a.concepts {
		switch {
		case slices.Contains(p.concepts, c) && slices.Contains(a.corrected, c):
			weight += correctedWeight
		case slices.Contains(p.concepts, c):
			weight++
		case explained[c]:
			weight += alsoWeight
		default:
			if owner, ok := m.vocab.heads[c]; ok && owner != f.Name {
				foreign++
			}
		}
	}
	score := weight / float64(len(a.concepts))
	// A pattern of weak words only ("number", "name", "deduction") beside
	// a word the vocabulary does not know names something else: "Style
	// No." is not the worker's number, "Auditor name" not the worker's.
	if m.vocab.allWeak(p.concepts) {
		for _, c := range a.unknown {
			if !explained[c] {
				score /= 2
				break
			}
		}
	}
	for range foreign {
		score /= 2
	}
	score += 0.01 * float64(len(p.concepts)) // a longer pattern is the closer reading
	if partial {
		score *= float64(matched) / float64(len(p.concepts)) / 2
	}
	c := candidate{field: f, score: score, method: ByWords, partial: partial}
	if a.abbrev {
		c.method = ByAbbreviation
	}
	c.hints = m.plainHints(f, a)
	if f.Type == contract.Bool {
		c.hints.Invert = invert
	}
	if p.yes != "" {
		c.hints.Yes, c.hints.No = p.yes, p.no
	}
	switch {
	case a.unit == "percent":
		if fv.percent {
			c.hints.Share = true
		} else if f.Type == contract.Money {
			return candidate{}, false
		}
	case fv.percent:
		return candidate{}, false // a share needs "%" in its header
	case a.unit != "" && fv.period != "" && a.unit != "per_"+fv.period:
		fa, ok := fv.convert[a.unit]
		if !ok {
			fa, ok = m.vocab.conv[fv.period][a.unit]
		}
		if !ok {
			return candidate{}, false
		}
		c.method = ByUnit
		if fa.workdays {
			c.hints.Basis = contract.BasisWorkdays
			c.conversion = fmt.Sprintf("%s → %s: × working days a week (7 − rest days)", unitWords(a.unit), "per "+fv.period)
		} else {
			c.hints.Scale = fa.x
			c.conversion = fmt.Sprintf("%s → per %s: × %s", unitWords(a.unit), fv.period, fa.text)
		}
	}
	if c.hints.Share {
		c.conversion = "percentage → share"
	}
	return c, true
}

func unitWords(u string) string {
	switch u {
	case "per_day":
		return "per day"
	case "per_week":
		return "per week"
	case "per_fortnight":
		return "per fortnight"
	case "per_month":
		return "per month"
	case "per_year":
		return "per year"
	}
	return u
}
