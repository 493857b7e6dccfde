package engine

import (
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/laborcheck/laborcheck/internal/contract"
	"github.com/laborcheck/laborcheck/internal/rules"
)

// Combination escalates co-occurring findings on one contract: indicators
// that are each a clue read together as a stronger one. After a contract's
// rules have run, every combination whose condition holds adds a finding of
// its own that names the combination and lists its parts as evidence.
//
// A combination holds when either
//   - every group in All has at least one finding (by rule id), or
//   - MinIndicators > 0 and findings at MinSeverity or above cover at least
//     MinIndicators different indicators;
//
// and no combination named in Unless has fired on the contract before it.
type Combination struct {
	ID        string
	Title     string
	Indicator string // the combination's indicator; "" means the indicator of the gravest part
	// GravestPart gives each finding the indicator of its gravest part
	// rather than Indicator, which then only files the combination in the
	// rule list (finding_indicator: gravest_part).
	GravestPart   bool
	Severity      contract.Severity
	Message       string // {{parts}} and {{indicators}} are replaced
	References    []string
	Remedy        string // what should be done about a finding of the combination
	All           [][]string
	MinIndicators int
	MinSeverity   contract.Severity
	// AnyIndicator, when set, requires one part's indicator to be among
	// these: a sign of coercion beside the others (retained documents,
	// debt, withheld wages, restricted movement, threats, violence).
	AnyIndicator []string
	Unless       []string

	File string
	Line int
	// Changes are what rule files changed about the combination (see
	// WithPolicy).
	Changes []rules.Change
}

type combinationFile struct {
	Combinations []struct {
		ID            string     `yaml:"id"`
		Title         string     `yaml:"title"`
		Description   string     `yaml:"description"`
		Indicator     string     `yaml:"indicator"`
		FindingInd    string     `yaml:"finding_indicator"`
		Severity      string     `yaml:"severity"`
		Message       string     `yaml:"message"`
		References    []string   `yaml:"references"`
		Remedy        string     `yaml:"remedy"`
		All           [][]string `yaml:"all"`
		MinIndicators int        `yaml:"min_indicators"`
		MinSeverity   string     `yaml:"min_severity"`
		AnyIndicator  []string   `yaml:"any_indicator"`
		Unless        []string   `yaml:"unless"`
		Line          int        `yaml:"-"`
	} `yaml:"combinations"`
}

// ParseCombinations reads a combinations file: YAML with a top-level
// `combinations:` list (see rules/escalation/combinations.yaml). path names
// the file in errors and in each combination's source.
func ParseCombinations(path string, data []byte) ([]Combination, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var cf combinationFile
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(&cf); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	lines := combinationLines(&doc)
	var out []Combination
	seen := map[string]bool{}
	for i, c := range cf.Combinations {
		line := 0
		if i < len(lines) {
			line = lines[i]
		}
		where := fmt.Sprintf("%s:%d", path, line)
		if c.ID == "" || c.Title == "" || c.Message == "" || len(c.References) == 0 || strings.TrimSpace(c.Remedy) == "" {
			return nil, fmt.Errorf("%s: a combination needs id, title, message, references and remedy", where)
		}
		if seen[c.ID] {
			return nil, fmt.Errorf("%s: combination %s defined twice", where, c.ID)
		}
		seen[c.ID] = true
		sev, ok := contract.ParseSeverity(c.Severity)
		if !ok {
			return nil, fmt.Errorf("%s: combination %s: unknown severity %q", where, c.ID, c.Severity)
		}
		if c.Indicator != "" && !contract.IsIndicator(c.Indicator) {
			return nil, fmt.Errorf("%s: combination %s: unknown indicator %q", where, c.ID, c.Indicator)
		}
		switch c.FindingInd {
		case "":
		case "gravest_part":
			if c.Indicator == "" {
				return nil, fmt.Errorf("%s: combination %s: finding_indicator needs an indicator for the combination itself", where, c.ID)
			}
		default:
			return nil, fmt.Errorf("%s: combination %s: finding_indicator %q: the only value is gravest_part", where, c.ID, c.FindingInd)
		}
		comb := Combination{ID: c.ID, Title: c.Title, Indicator: c.Indicator, GravestPart: c.FindingInd != "", Severity: sev, Message: c.Message,
			References: c.References, Remedy: strings.TrimSpace(c.Remedy), All: c.All, MinIndicators: c.MinIndicators, AnyIndicator: c.AnyIndicator, Unless: c.Unless, File: path, Line: line}
		for _, ind := range c.AnyIndicator {
			if !contract.IsIndicator(ind) {
				return nil, fmt.Errorf("%s: combination %s: any_indicator: unknown indicator %q", where, c.ID, ind)
			}
		}
		if c.MinSeverity != "" {
			if comb.MinSeverity, ok = contract.ParseSeverity(c.MinSeverity); !ok {
				return nil, fmt.Errorf("%s: combination %s: unknown min_severity %q", where, c.ID, c.MinSeverity)
			}
		}
		switch {
		case len(c.All) == 0 && c.MinIndicators == 0:
			return nil, fmt.Errorf("%s: combination %s: give `all` (groups of rule ids) or `min_indicators`", where, c.ID)
		case len(c.All) > 0 && c.MinIndicators > 0:
			return nil, fmt.Errorf("%s: combination %s: give either `all` or `min_indicators`, not both", where, c.ID)
		case c.MinIndicators == 1:
			return nil, fmt.Errorf("%s: combination %s: min_indicators must be 2 or more", where, c.ID)
		}
		for _, g := range c.All {
			if len(g) == 0 {
				return nil, fmt.Errorf("%s: combination %s: an empty group in `all`", where, c.ID)
			}
		}
		out = append(out, comb)
	}
	return out, nil
}

// combinationLines returns the line of each item of the combinations list.
func combinationLines(doc *yaml.Node) []int {
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil
	}
	root := doc.Content[0]
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "combinations" {
			var out []int
			for _, n := range root.Content[i+1].Content {
				out = append(out, n.Line)
			}
			return out
		}
	}
	return nil
}

// Rule returns the combination as a rule of kind rules.KindCombination, so
// that reports list it beside the rules it combines, and rule files can
// override, disable and waive it (rules.LoadOptions.Checks). Its Indicator
// is "" when it takes the gravest part's.
func (c *Combination) Rule() *rules.Rule {
	return &rules.Rule{ID: c.ID, Title: c.Title, Indicator: c.Indicator, Severity: c.Severity, DeclaredSeverity: c.Severity,
		Message: c.Message, References: c.References, Remedy: c.Remedy, File: c.File, Line: c.Line,
		Kind: rules.KindCombination, Changes: c.Changes}
}

// WithPolicy returns the combinations as the rule files of set leave them:
// without those a file disabled, and with the severity an override gave.
// A combination set does not know is kept as it is.
func WithPolicy(combos []Combination, set *rules.Set) []Combination {
	out := make([]Combination, 0, len(combos))
	for _, c := range combos {
		if r := set.Check(c.ID); r != nil {
			if r.DisabledBy != "" {
				continue
			}
			c.Severity, c.Changes = r.Severity, r.Changes
		}
		out = append(out, c)
	}
	return out
}

// combiner is the combinations compiled against a program's rule ids.
type combiner struct {
	combos []compiledCombination
}

type compiledCombination struct {
	*Combination
	groups [][]string // All, with ids the program lacks removed
	rule   *rules.Compiled
}

func newCombiner(prog *rules.Program, combos []Combination) *combiner {
	ids := map[string]bool{}
	for _, r := range prog.Rules {
		ids[r.ID] = true
	}
	cb := &combiner{}
	for i := range combos {
		c := &combos[i]
		cc := compiledCombination{Combination: c, rule: &rules.Compiled{Rule: c.Rule(), Index: -1}}
		usable := true
		for _, g := range c.All {
			var kept []string
			for _, id := range g {
				if ids[id] {
					kept = append(kept, id)
				}
			}
			if len(kept) == 0 {
				usable = false // a group no rule can satisfy: the combination never holds
			}
			cc.groups = append(cc.groups, kept)
		}
		if usable {
			cb.combos = append(cb.combos, cc)
		}
	}
	return cb
}

// combine returns the combination findings for a contract's rule findings.
func (cb *combiner) combine(findings []Finding) []Finding {
	if cb == nil || len(findings) < 2 {
		return nil
	}
	var out []Finding
	fired := map[string]bool{}
	for _, c := range cb.combos {
		if slices.ContainsFunc(c.Unless, func(id string) bool { return fired[id] }) {
			continue
		}
		parts := c.parts(findings)
		if parts == nil {
			continue
		}
		fired[c.ID] = true
		out = append(out, c.finding(parts))
	}
	return out
}

// parts returns the findings that make the combination hold, or nil.
func (c *compiledCombination) parts(findings []Finding) []*Finding {
	var parts []*Finding
	if len(c.groups) > 0 {
		for _, g := range c.groups {
			n := len(parts)
			for i := range findings {
				if slices.Contains(g, findings[i].Rule.ID) {
					parts = append(parts, &findings[i])
				}
			}
			if len(parts) == n {
				return nil
			}
		}
		return parts
	}
	indicators := map[string]bool{}
	for i := range findings {
		f := &findings[i]
		if f.Severity >= c.MinSeverity {
			parts = append(parts, f)
			indicators[f.indicator()] = true
		}
	}
	if len(indicators) < c.MinIndicators {
		return nil
	}
	if len(c.AnyIndicator) > 0 && !slices.ContainsFunc(c.AnyIndicator, func(ind string) bool { return indicators[ind] }) {
		return nil // several indicators, but no sign of coercion among them
	}
	return parts
}

func (c *compiledCombination) finding(parts []*Finding) Finding {
	grave := parts[0]
	for _, p := range parts[1:] {
		if p.Severity > grave.Severity {
			grave = p
		}
	}
	ind := c.Indicator
	if ind == "" || c.GravestPart {
		ind = grave.indicator()
	}
	var names, inds []string
	ev := make([]Evidence, 0, len(parts))
	for _, p := range parts {
		names = append(names, p.Rule.ID+" ("+p.Severity.String()+")")
		// Indicators in words, as a reader says them: "debt bondage".
		if w := strings.ReplaceAll(p.indicator(), "_", " "); !slices.Contains(inds, w) {
			inds = append(inds, w)
		}
		ev = append(ev, Evidence{Field: p.Rule.ID, Value: p.Severity.String(), Raw: p.Message})
	}
	msg := fillCombination(c.Message, strings.Join(names, " + "), strings.Join(inds, ", "))
	return Finding{Rule: c.rule, Indicator: ind, Severity: c.Severity, Message: msg, Evidence: ev}
}

// fillCombination replaces {{parts}} and {{indicators}} in a combination's
// message, as strings.NewReplacer would, without building a replacer for
// every flagged contract.
func fillCombination(msg, parts, indicators string) string {
	var b strings.Builder
	b.Grow(len(msg) + len(parts) + len(indicators))
	for {
		i := strings.Index(msg, "{{")
		if i < 0 {
			break
		}
		b.WriteString(msg[:i])
		rest := msg[i:]
		switch {
		case strings.HasPrefix(rest, "{{parts}}"):
			b.WriteString(parts)
			msg = rest[len("{{parts}}"):]
		case strings.HasPrefix(rest, "{{indicators}}"):
			b.WriteString(indicators)
			msg = rest[len("{{indicators}}"):]
		default:
			b.WriteByte('{')
			msg = rest[1:]
		}
	}
	b.WriteString(msg)
	return b.String()
}
