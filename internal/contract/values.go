package contract

import (
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/laborcheck/laborcheck/internal/vocab"
)

// This file reads the cell-value vocabulary (internal/vocab/values.yaml, and
// the extension files policy staff give with -vocab): the wordings that say
// yes or no, name an enum value, stand for a number or a pay period, or
// mean that no money changed hands. The file's own comments describe its
// form. The parsers never read the YAML: they look folded text up in the
// maps built here once per schema.

// valueVocab is a compiled value vocabulary. It is immutable once built.
type valueVocab struct {
	source, asOf string
	replace      bool // used instead of the built-in vocabulary, not added to it

	workdays     float64 // assume.workdays_per_week
	deferredDays int     // assume.deferred_pay_days

	null, negation, doubt map[string]bool
	mentionAfter          map[string]bool    // enum: a value these follow is only mentioned
	mentionBefore         map[string]bool    // enum: a value these precede is only mentioned
	answers               map[string]bool    // generic yes and no
	numbers               map[string]float64 // quantity words
	periods               map[string]float64 // period word → weeks
	days                  map[string]float64 // day name → days
	intervals             map[string]int     // duration phrase → days; -1: see ambiguous
	ambiguous             map[string]string  // duration phrase → question

	zero, cancel map[string]bool
	multipliers  map[string]float64
	multByCur    map[string]map[string]float64
	wage         map[string]bool
	wagePeriods  map[string]float64 // period word → months of wage

	langFillers map[string]bool
	languages   map[string]string

	fields map[string]*fieldWords
}

// fieldWords are the wordings of one field.
type fieldWords struct {
	line     int                // where the field is named, for errors
	answers  map[string]bool    // bool: phrase → yes or no
	synonyms map[string]string  // enum: phrase → value
	valLines map[string]int     // enum: value → line, for errors
	numbers  map[string]float64 // number, int, duration: phrase → number
	deferred map[string]bool    // duration: pay deferred to the end of the contract
	perWeek  string             // number: "days" or "hours"
	zero     map[string]bool    // money: wordings that mean nothing was paid, for this field alone
	keyLines map[string]int     // section → line, for errors
}

// Codes of Field.boolExact.
const (
	exactYes   = 1
	exactNo    = 2
	exactNull  = 3
	exactPlain = 4 // added to exactYes or exactNo: a plain answer, which Invert turns round
)

// defaultValues is the built-in vocabulary, read once.
var defaultValues = mustValueVocab()

func mustValueVocab() *valueVocab {
	vv, err := parseValueVocab("values.yaml", vocab.Values, true)
	if err != nil {
		panic("contract: built-in value vocabulary: " + err.Error())
	}
	return vv
}

// ValueVocabInfo returns the source and as_of of the built-in value
// vocabulary, for reports that say what they were read with.
func ValueVocabInfo() (source, asOf string) { return defaultValues.source, defaultValues.asOf }

// vocabError is an error at a line of a vocabulary file.
func vocabError(name string, n *yaml.Node, format string, args ...any) error {
	if n != nil && n.Line > 0 {
		return fmt.Errorf("%s:%d: %s", name, n.Line, fmt.Sprintf(format, args...))
	}
	return fmt.Errorf("%s: %s", name, fmt.Sprintf(format, args...))
}

// vocabReader walks a vocabulary file's nodes.
type vocabReader struct{ name string }

func (r vocabReader) errf(n *yaml.Node, format string, args ...any) error {
	return vocabError(r.name, n, format, args...)
}

func deref(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

// mapping returns the key and value nodes of a mapping.
func (r vocabReader) mapping(n *yaml.Node, what string) ([][2]*yaml.Node, error) {
	n = deref(n)
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return nil, nil
	}
	if n.Kind != yaml.MappingNode {
		return nil, r.errf(n, "%s: want a mapping", what)
	}
	var out [][2]*yaml.Node
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			return nil, r.errf(k, "%s: keys must be plain words or numbers", what)
		}
		if k.Tag == "!!merge" {
			return nil, r.errf(k, "%s: merge keys (<<) are not supported", what)
		}
		if seen[k.Value] {
			return nil, r.errf(k, "%s: %q given twice", what, k.Value)
		}
		seen[k.Value] = true
		out = append(out, [2]*yaml.Node{k, deref(v)})
	}
	return out, nil
}

// phrases reads a phrase or a list of phrases, folded.
func (r vocabReader) phrases(n *yaml.Node, what string) ([]string, error) {
	ps, _, err := r.phraseNodes(n, what)
	return ps, err
}

// phraseNodes is phrases with the node of each phrase, for errors.
func (r vocabReader) phraseNodes(n *yaml.Node, what string) ([]string, []*yaml.Node, error) {
	n = deref(n)
	var nodes []*yaml.Node
	switch n.Kind {
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return nil, nil, nil
		}
		nodes = []*yaml.Node{n}
	case yaml.SequenceNode:
		nodes = n.Content
	default:
		return nil, nil, r.errf(n, "%s: want a phrase or a list of phrases", what)
	}
	out := make([]string, 0, len(nodes))
	for i, p := range nodes {
		p = deref(p)
		nodes[i] = p
		if p.Kind != yaml.ScalarNode {
			return nil, nil, r.errf(p, "%s: want a phrase, not a list or mapping", what)
		}
		f := NormalizeWord(p.Value)
		if f == "" {
			return nil, nil, r.errf(p, "%s: %q has no letters or digits", what, p.Value)
		}
		out = append(out, f)
	}
	return out, nodes, nil
}

// wordSet adds phrases to into with val. A phrase the same file gives
// another value (yes and no, say) is an error.
func (r vocabReader) wordSet(n *yaml.Node, what string, into map[string]bool, val bool) error {
	ps, nodes, err := r.phraseNodes(n, what)
	for i, p := range ps {
		if old, ok := into[p]; ok && old != val {
			return r.errf(nodes[i], "%s: %q is given both ways", what, nodes[i].Value)
		}
		into[p] = val
	}
	return err
}

// number reads a number written plainly or as a fraction ("12/52").
func (r vocabReader) number(n *yaml.Node, what string) (float64, error) {
	n = deref(n)
	if n.Kind != yaml.ScalarNode {
		return 0, r.errf(n, "%s: want a number", what)
	}
	s := strings.TrimSpace(n.Value)
	if a, b, ok := strings.Cut(s, "/"); ok {
		x, err1 := strconv.ParseFloat(strings.TrimSpace(a), 64)
		y, err2 := strconv.ParseFloat(strings.TrimSpace(b), 64)
		if err1 == nil && err2 == nil && y != 0 {
			return x / y, nil
		}
	} else if x, err := strconv.ParseFloat(s, 64); err == nil && !math.IsInf(x, 0) && !math.IsNaN(x) {
		return x, nil
	}
	return 0, r.errf(n, "%s: %q is not a number", what, n.Value)
}

// numberPhrases reads a mapping of number → phrases into m.
func (r vocabReader) numberPhrases(n *yaml.Node, what string, m map[string]float64) error {
	kvs, err := r.mapping(n, what)
	if err != nil {
		return err
	}
	for _, kv := range kvs {
		x, err := r.number(kv[0], what)
		if err != nil {
			return err
		}
		ps, nodes, err := r.phraseNodes(kv[1], what)
		if err != nil {
			return err
		}
		for i, p := range ps {
			if old, ok := m[p]; ok && old != x {
				return r.errf(nodes[i], "%s: %q is given as both %v and %v", what, nodes[i].Value, old, x)
			}
			m[p] = x
		}
	}
	return nil
}

// wordNumbers reads a mapping of word → number into m.
func (r vocabReader) wordNumbers(n *yaml.Node, what string, m map[string]float64) error {
	kvs, err := r.mapping(n, what)
	if err != nil {
		return err
	}
	for _, kv := range kvs {
		w := NormalizeWord(kv[0].Value)
		if w == "" {
			return r.errf(kv[0], "%s: %q has no letters or digits", what, kv[0].Value)
		}
		x, err := r.number(kv[1], what)
		if err != nil {
			return err
		}
		m[w] = x
	}
	return nil
}

func newValueVocab() *valueVocab {
	return &valueVocab{
		null: map[string]bool{}, negation: map[string]bool{}, doubt: map[string]bool{},
		mentionAfter: map[string]bool{}, mentionBefore: map[string]bool{},
		answers: map[string]bool{}, numbers: map[string]float64{}, periods: map[string]float64{},
		days: map[string]float64{}, intervals: map[string]int{}, ambiguous: map[string]string{},
		zero: map[string]bool{}, cancel: map[string]bool{}, multipliers: map[string]float64{},
		multByCur: map[string]map[string]float64{}, wage: map[string]bool{},
		wagePeriods: map[string]float64{}, langFillers: map[string]bool{}, languages: map[string]string{},
		fields: map[string]*fieldWords{},
	}
}

// parseValueVocab reads a vocabulary file. name is used in errors
// ("values.yaml:12: …"). The built-in file must name its source and date.
func parseValueVocab(name string, data []byte, requireSource bool) (*valueVocab, error) {
	r := vocabReader{name: name}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	vv := newValueVocab()
	if len(doc.Content) == 0 {
		if requireSource {
			return nil, r.errf(nil, "empty vocabulary")
		}
		return vv, nil
	}
	kvs, err := r.mapping(doc.Content[0], "vocabulary")
	if err != nil {
		return nil, err
	}
	for _, kv := range kvs {
		k, v := kv[0], kv[1]
		var err error
		switch k.Value {
		case "kind":
			if v.Value != "values" {
				err = r.errf(v, "kind %q: a value vocabulary is kind: values", v.Value)
			}
		case "replace":
			vv.replace = v.Value == "true"
		case "source":
			vv.source = strings.TrimSpace(v.Value)
		case "as_of":
			vv.asOf = strings.TrimSpace(v.Value)
		case "assume":
			err = r.assume(v, vv)
		case "null":
			err = r.wordSet(v, "null", vv.null, true)
		case "negation":
			err = r.wordSet(v, "negation", vv.negation, true)
		case "doubt":
			err = r.wordSet(v, "doubt", vv.doubt, true)
		case "mentions":
			err = r.mentions(v, vv)
		case "yes":
			err = r.wordSet(v, "yes", vv.answers, true)
		case "no":
			err = r.wordSet(v, "no", vv.answers, false)
		case "numbers":
			err = r.wordNumbers(v, "numbers", vv.numbers)
		case "periods":
			err = r.numberPhrases(v, "periods", vv.periods)
		case "days":
			err = r.numberPhrases(v, "days", vv.days)
		case "intervals":
			err = r.intervals(v, vv)
		case "money":
			err = r.money(v, vv)
		case "language_fillers":
			err = r.wordSet(v, "language_fillers", vv.langFillers, true)
		case "languages":
			err = r.languages(v, vv)
		case "fields":
			err = r.fields(v, vv)
		default:
			err = r.errf(k, "unknown key %q%s", k.Value, didYouMean(k.Value, []string{"kind", "replace", "source", "as_of", "assume", "null",
				"negation", "doubt", "mentions", "yes", "no", "numbers", "periods", "days", "intervals", "money",
				"language_fillers", "languages", "fields"}))
		}
		if err != nil {
			return nil, err
		}
	}
	if requireSource && (vv.source == "" || vv.asOf == "") {
		return nil, r.errf(doc.Content[0], "the vocabulary must name its source and as_of date")
	}
	return vv, nil
}

func didYouMean(got string, options []string) string {
	if n := Nearest(got, options); n != "" {
		return fmt.Sprintf(" (did you mean %q?)", n)
	}
	return ""
}

func (r vocabReader) mentions(n *yaml.Node, vv *valueVocab) error {
	kvs, err := r.mapping(n, "mentions")
	if err != nil {
		return err
	}
	for _, kv := range kvs {
		switch kv[0].Value {
		case "after":
			err = r.wordSet(kv[1], "mentions.after", vv.mentionAfter, true)
		case "before":
			err = r.wordSet(kv[1], "mentions.before", vv.mentionBefore, true)
		default:
			err = r.errf(kv[0], "mentions: unknown key %q (want after or before)", kv[0].Value)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (r vocabReader) assume(n *yaml.Node, vv *valueVocab) error {
	kvs, err := r.mapping(n, "assume")
	if err != nil {
		return err
	}
	for _, kv := range kvs {
		x, err := r.number(kv[1], "assume."+kv[0].Value)
		if err != nil {
			return err
		}
		switch kv[0].Value {
		case "workdays_per_week":
			if x <= 0 || x > 7 {
				return r.errf(kv[1], "assume.workdays_per_week: %v is not between 0 and 7", x)
			}
			vv.workdays = x
		case "deferred_pay_days":
			if x < 1 || x != math.Trunc(x) || x > 3660 {
				return r.errf(kv[1], "assume.deferred_pay_days: want a whole number of days")
			}
			vv.deferredDays = int(x)
		default:
			return r.errf(kv[0], "assume: unknown key %q%s", kv[0].Value,
				didYouMean(kv[0].Value, []string{"workdays_per_week", "deferred_pay_days"}))
		}
	}
	return nil
}

func (r vocabReader) intervals(n *yaml.Node, vv *valueVocab) error {
	kvs, err := r.mapping(n, "intervals")
	if err != nil {
		return err
	}
	for _, kv := range kvs {
		if kv[0].Value == "ambiguous" {
			amb, err := r.mapping(kv[1], "intervals.ambiguous")
			if err != nil {
				return err
			}
			for _, a := range amb {
				w := NormalizeWord(a[0].Value)
				if err := r.notNumber(a[0], w, "intervals.ambiguous"); err != nil {
					return err
				}
				vv.ambiguous[w] = strings.TrimSpace(a[1].Value)
				vv.intervals[w] = -1 // one lookup finds both
			}
			continue
		}
		x, err := r.number(kv[0], "intervals")
		if err != nil {
			return err
		}
		if x < 0 || x != math.Trunc(x) {
			return r.errf(kv[0], "intervals: want a whole number of days, not %v", x)
		}
		ps, nodes, err := r.phraseNodes(kv[1], "intervals")
		if err != nil {
			return err
		}
		for i, p := range ps {
			if err := r.notNumber(nodes[i], p, "intervals"); err != nil {
				return err
			}
			vv.intervals[p] = int(x)
		}
	}
	return nil
}

// notNumber refuses a duration phrase that is a plain number: a duration
// cell holding a number is read as that many days, which a wording cannot
// change or make ambiguous.
func (r vocabReader) notNumber(n *yaml.Node, phrase, what string) error {
	if _, err := strconv.ParseFloat(phrase, 64); err == nil {
		return r.errf(n, "%s: %q is a number, which a duration cell reads as that many days; give words, such as \"fortnight\"", what, n.Value)
	}
	return nil
}

func (r vocabReader) money(n *yaml.Node, vv *valueVocab) error {
	kvs, err := r.mapping(n, "money")
	if err != nil {
		return err
	}
	for _, kv := range kvs {
		k, v := kv[0], kv[1]
		var err error
		switch k.Value {
		case "zero":
			err = r.wordSet(v, "money.zero", vv.zero, true)
		case "cancel":
			err = r.wordSet(v, "money.cancel", vv.cancel, true)
		case "multipliers":
			err = r.wordNumbers(v, "money.multipliers", vv.multipliers)
		case "multipliers_by_currency":
			var words [][2]*yaml.Node
			if words, err = r.mapping(v, "money.multipliers_by_currency"); err != nil {
				return err
			}
			for _, w := range words {
				curs, err := r.mapping(w[1], "money.multipliers_by_currency")
				if err != nil {
					return err
				}
				key := NormalizeWord(w[0].Value)
				m := vv.multByCur[key]
				if m == nil {
					m = map[string]float64{}
					vv.multByCur[key] = m
				}
				for _, c := range curs {
					code := strings.ToUpper(strings.TrimSpace(c[0].Value))
					if !strings.Contains(isoCodes, code) || len(code) != 3 {
						return r.errf(c[0], "money.multipliers_by_currency: %q is not an ISO 4217 code", c[0].Value)
					}
					x, err := r.number(c[1], "money.multipliers_by_currency")
					if err != nil {
						return err
					}
					m[code] = x
				}
			}
		case "wage":
			err = r.wordSet(v, "money.wage", vv.wage, true)
		case "wage_periods":
			err = r.numberPhrases(v, "money.wage_periods", vv.wagePeriods)
		default:
			err = r.errf(k, "money: unknown key %q%s", k.Value, didYouMean(k.Value,
				[]string{"zero", "cancel", "multipliers", "multipliers_by_currency", "wage", "wage_periods"}))
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (r vocabReader) languages(n *yaml.Node, vv *valueVocab) error {
	kvs, err := r.mapping(n, "languages")
	if err != nil {
		return err
	}
	for _, kv := range kvs {
		code := NormalizeWord(kv[0].Value)
		if code == "" {
			return r.errf(kv[0], "languages: %q is not a language code", kv[0].Value)
		}
		ps, err := r.phrases(kv[1], "languages."+code)
		if err != nil {
			return err
		}
		for _, p := range ps {
			vv.languages[p] = code
		}
	}
	return nil
}

func (r vocabReader) fields(n *yaml.Node, vv *valueVocab) error {
	kvs, err := r.mapping(n, "fields")
	if err != nil {
		return err
	}
	for _, kv := range kvs {
		name := kv[0].Value
		fw := &fieldWords{line: kv[0].Line, keyLines: map[string]int{}}
		secs, err := r.mapping(kv[1], "fields."+name)
		if err != nil {
			return err
		}
		for _, sec := range secs {
			k, v := sec[0], sec[1]
			what := "fields." + name + "." + k.Value
			fw.keyLines[k.Value] = k.Line
			switch k.Value {
			case "yes", "no":
				if fw.answers == nil {
					fw.answers = map[string]bool{}
				}
				err = r.wordSet(v, what, fw.answers, k.Value == "yes")
			case "numbers":
				fw.numbers = map[string]float64{}
				err = r.numberPhrases(v, what, fw.numbers)
			case "deferred":
				fw.deferred = map[string]bool{}
				err = r.wordSet(v, what, fw.deferred, true)
			case "zero":
				fw.zero = map[string]bool{}
				err = r.wordSet(v, what, fw.zero, true)
			case "per_week":
				fw.perWeek = strings.TrimSpace(v.Value)
				if fw.perWeek != "days" && fw.perWeek != "hours" {
					err = r.errf(v, "%s: want days or hours, not %q", what, v.Value)
				}
			default:
				// An enum value and its wordings.
				var ps []string
				var nodes []*yaml.Node
				if ps, nodes, err = r.phraseNodes(v, what); err == nil {
					if fw.synonyms == nil {
						fw.synonyms, fw.valLines = map[string]string{}, map[string]int{}
					}
					fw.valLines[k.Value] = k.Line
					for i, p := range ps {
						if old, ok := fw.synonyms[p]; ok && old != k.Value {
							return r.errf(nodes[i], "%s: %q also names %s", what, nodes[i].Value, old)
						}
						fw.synonyms[p] = k.Value
					}
				}
			}
			if err != nil {
				return err
			}
		}
		vv.fields[name] = fw
	}
	return nil
}

// merge returns a vocabulary with o's wordings added to v's; o's win where
// both give one.
func (v *valueVocab) merge(o *valueVocab) *valueVocab {
	n := *v
	n.null, n.negation, n.doubt = union(v.null, o.null), union(v.negation, o.negation), union(v.doubt, o.doubt)
	n.mentionAfter, n.mentionBefore = union(v.mentionAfter, o.mentionAfter), union(v.mentionBefore, o.mentionBefore)
	n.answers, n.numbers, n.periods = union(v.answers, o.answers), union(v.numbers, o.numbers), union(v.periods, o.periods)
	n.days, n.intervals, n.ambiguous = union(v.days, o.days), union(v.intervals, o.intervals), union(v.ambiguous, o.ambiguous)
	n.zero, n.cancel, n.multipliers = union(v.zero, o.zero), union(v.cancel, o.cancel), union(v.multipliers, o.multipliers)
	n.wage, n.wagePeriods = union(v.wage, o.wage), union(v.wagePeriods, o.wagePeriods)
	n.langFillers, n.languages = union(v.langFillers, o.langFillers), union(v.languages, o.languages)
	n.multByCur = maps.Clone(v.multByCur)
	for k, m := range o.multByCur {
		n.multByCur[k] = union(n.multByCur[k], m)
	}
	if o.workdays != 0 {
		n.workdays = o.workdays
	}
	if o.deferredDays != 0 {
		n.deferredDays = o.deferredDays
	}
	n.fields = maps.Clone(v.fields)
	for name, ofw := range o.fields {
		fw := v.fields[name]
		if fw == nil {
			n.fields[name] = ofw
			continue
		}
		m := *fw
		m.answers, m.synonyms, m.numbers = union(fw.answers, ofw.answers), union(fw.synonyms, ofw.synonyms), union(fw.numbers, ofw.numbers)
		m.deferred, m.valLines, m.keyLines = union(fw.deferred, ofw.deferred), union(fw.valLines, ofw.valLines), union(fw.keyLines, ofw.keyLines)
		m.zero = union(fw.zero, ofw.zero)
		if ofw.perWeek != "" {
			m.perWeek = ofw.perWeek
		}
		m.line = ofw.line
		n.fields[name] = &m
	}
	return &n
}

func union[K comparable, V any](a, b map[K]V) map[K]V {
	if len(b) == 0 {
		return a
	}
	if len(a) == 0 {
		return b
	}
	m := make(map[K]V, len(a)+len(b))
	maps.Copy(m, a)
	maps.Copy(m, b)
	return m
}

// attach gives field f the vocabulary vv: its wordings are merged into the
// field's synonyms and words, over which the field's own (from the schema
// file) win. With strict set, wordings that do not fit the field are errors
// naming the file and line.
func (vv *valueVocab) attach(f *Field, name string, strict bool) error {
	f.vv = vv
	if !f.baseSet {
		f.baseSynonyms, f.baseWords, f.baseSet = f.Synonyms, f.Words, true
	}
	fw := vv.fields[f.Name]
	f.fw = fw
	f.Synonyms, f.Words = f.baseSynonyms, f.baseWords
	f.nulls = nil
	for _, v := range f.Values {
		if vv.null[NormalizeWord(v)] {
			f.nulls = append(f.nulls, v)
		}
	}
	f.boolExact = nil
	if f.Type == Bool {
		// One lookup reads the common cells: the field's own wordings,
		// then the null words, then plain answers.
		m := make(map[string]uint8, len(vv.answers)+len(vv.null))
		for w, b := range vv.answers {
			m[w] = exactNo + exactPlain
			if b {
				m[w] = exactYes + exactPlain
			}
		}
		for w := range vv.null {
			m[w] = exactNull
		}
		if fw != nil {
			for w, b := range fw.answers {
				m[w] = exactNo
				if b {
					m[w] = exactYes
				}
			}
		}
		f.boolExact = m
	}
	if fw == nil {
		return nil
	}
	bad := func(key, format string, args ...any) error {
		if !strict {
			return nil
		}
		line := fw.keyLines[key]
		if line == 0 {
			line = fw.line
		}
		return fmt.Errorf("%s:%d: field %s: %s", name, line, f.Name, fmt.Sprintf(format, args...))
	}
	if fw.answers != nil && f.Type != Bool {
		if err := bad("yes", "yes and no are for bool fields, and this is a %s field", f.Type); err != nil {
			return err
		}
	}
	if fw.numbers != nil && f.Type != Number && f.Type != Int && f.Type != Duration {
		if err := bad("numbers", "numbers are for number, int and duration fields, and this is a %s field", f.Type); err != nil {
			return err
		}
	}
	if fw.deferred != nil && f.Type != Duration {
		if err := bad("deferred", "deferred is for duration fields, and this is a %s field", f.Type); err != nil {
			return err
		}
	}
	if fw.zero != nil && f.Type != Money {
		if err := bad("zero", "zero is for money fields, and this is a %s field", f.Type); err != nil {
			return err
		}
	}
	if fw.perWeek != "" && f.Type != Number && f.Type != Int {
		if err := bad("per_week", "per_week is for number fields, and this is a %s field", f.Type); err != nil {
			return err
		}
	}
	if len(fw.synonyms) > 0 {
		if f.Type != Enum {
			for v := range fw.valLines {
				if err := bad(v, "%q is not a section of a %s field (want yes, no, numbers, deferred, zero or per_week)", v, f.Type); err != nil {
					return err
				}
			}
		} else {
			syn := make(map[string]string, len(fw.synonyms)+len(f.baseSynonyms)+len(f.Values))
			for _, v := range f.Values {
				syn[NormalizeWord(v)] = v
			}
			for p, v := range fw.synonyms {
				if !slices.Contains(f.Values, v) {
					if err := bad(v, "%q is not one of its values (%s)%s", v, strings.Join(f.Values, ", "), didYouMean(v, f.Values)); err != nil {
						return err
					}
					continue
				}
				syn[p] = v
			}
			maps.Copy(syn, f.baseSynonyms)
			f.Synonyms = syn
		}
	}
	if len(fw.numbers) > 0 && (f.Type == Number || f.Type == Int || f.Type == Duration) {
		words := make(map[string]float64, len(fw.numbers)+len(f.baseWords))
		maps.Copy(words, fw.numbers)
		maps.Copy(words, f.baseWords)
		f.Words = words
	}
	return nil
}

// WithValueVocab returns a copy of the schema that also reads cells with the
// wordings of the vocabulary file r, in the form of the built-in values.yaml
// (source and as_of may be left out). Its wordings are added to the
// schema's, and win where both give one. A field the schema lacks, an enum
// value the field lacks, or wordings that do not fit a field's type are
// errors that name the file and line; the file's name is taken from r when
// it has one (an *os.File does).
//
// The command line's -vocab flag calls it once per run.
func (s *Schema) WithValueVocab(r io.Reader) (*Schema, error) {
	name := "vocabulary"
	if n, ok := r.(interface{ Name() string }); ok && n.Name() != "" {
		name = n.Name()
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	ext, err := parseValueVocab(name, data, false)
	if err != nil {
		return nil, err
	}
	if ext.replace {
		// Used instead of the built-in vocabulary: it must say where its
		// words come from, as the built-in one does.
		if ext, err = parseValueVocab(name, data, true); err != nil {
			return nil, err
		}
	}
	for fname, fw := range ext.fields {
		if s.byName[fname] == nil {
			return nil, fmt.Errorf("%s:%d: no field %q in the schema%s", name, fw.line, fname, s.suggest(fname))
		}
	}
	merged := ext
	if !ext.replace {
		merged = s.values().merge(ext)
	}
	n := &Schema{byName: make(map[string]*Field, len(s.fields)), byAlias: make(map[string]*Field, len(s.byAlias)), vv: merged}
	old := make(map[*Field]*Field, len(s.fields))
	for _, f := range s.fields {
		c := *f
		strict := ext.fields[f.Name] != nil
		if err := merged.attach(&c, name, strict); err != nil {
			return nil, err
		}
		old[f] = &c
		n.fields = append(n.fields, &c)
		n.byName[c.Name] = &c
	}
	for k, f := range s.byAlias {
		n.byAlias[k] = old[f]
	}
	return n, nil
}

// values returns the schema's value vocabulary.
func (s *Schema) values() *valueVocab {
	if s.vv != nil {
		return s.vv
	}
	return defaultValues
}

// vocab returns the field's value vocabulary: its schema's, or the built-in
// one for fields made in code.
func (f *Field) vocab() *valueVocab {
	if f.vv != nil {
		return f.vv
	}
	return defaultValues
}
