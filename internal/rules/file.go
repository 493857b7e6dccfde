package rules

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/laborcheck/laborcheck/internal/contract"
)

// File is one parsed rule file: its rules, the declarations they share
// (variables, lists, tables) and the changes it makes to rules of earlier
// files (overrides, disable).
type File struct {
	Path      string
	SHA256    string
	Rules     []*Rule
	Variables []*Variable
	Lists     []*List
	Tables    []*Table
	Overrides []*Override
	Disable   Disable

	lines []string
	root  *yaml.Node // the top-level mapping, for positions
}

// Rule is one rule as written in a rule file.
type Rule struct {
	ID         string
	Title      string
	Indicator  string
	Severity   contract.Severity
	When       string // optional precondition
	Expr       string
	Message    string
	References []string
	// Remedy says what should be done when the rule flags a contract, e.g.
	// "return passports to workers; reimburse fees". Reports show it with
	// every finding.
	Remedy   string
	Escalate []Escalation
	Tests    []Test

	File string // the rule file's path
	Line int    // the line of the rule's first key; 0 for a check defined in code

	// Kind is "" for a rule of a rule file, else KindCombination or
	// KindCrossRow: a check that is not a CEL expression but that rule
	// files override, disable and waive like a rule (see LoadOptions.Checks).
	Kind string

	// DeclaredSeverity is the severity written in the rule; Severity is the
	// one in effect after later files' overrides.
	DeclaredSeverity contract.Severity
	// Changes lists what later files changed, in order.
	Changes []Change
	// DisabledBy is where a later file disabled the rule ("" when enabled).
	DisabledBy string

	nodes map[string]*yaml.Node // key → value node, for positions
	node  *yaml.Node            // the rule's mapping
	file  *File
}

// Kinds of checks that layer like rules without being rules of a rule file.
const (
	KindCombination = "combination"     // co-occurring findings on one contract (engine.Combination)
	KindCrossRow    = "cross-row check" // a supplier-level check across rows (crossrow.Check)
)

// Source is "file:line", where the rule is defined; for a check defined in
// code (Line 0), File alone.
func (r *Rule) Source() string {
	if r.Line == 0 {
		return r.File
	}
	return fmt.Sprintf("%s:%d", r.File, r.Line)
}

// Escalation raises a finding's severity when its condition holds, e.g. more
// than 72 hours a week is critical where more than 60 is high.
type Escalation struct {
	When     string
	Severity contract.Severity
	node     *yaml.Node
}

// Expect is what a rule test expects of its rule.
type Expect string

// Test expectations.
const (
	ExpectFlag         Expect = "flag"
	ExpectPass         Expect = "pass"
	ExpectInsufficient Expect = "insufficient"
)

// Test is one example a rule carries: a contract, given as cell text per
// field, and the outcome the rule must reach on it.
type Test struct {
	Name     string
	Contract map[string]string
	Expect   Expect
	// Severity, when set, is the severity a flag must have: the rule's
	// own, raised by its escalations (before overrides of later files).
	Severity contract.Severity
	Line     int
	nodes    map[string]*yaml.Node // field → value node
	keys     []string              // contract fields in file order
}

var idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)

// ruleKeyAliases are words people write for a rule key, from other tools.
var ruleKeyAliases = map[string]string{
	"expression": "expr", "condition": "expr", "rule": "expr", "match": "expr",
	"msg": "message", "output": "message", "refs": "references", "reference": "references",
	"standards": "references", "name": "title", "test": "tests", "examples": "tests",
	"priority": "severity", "level": "severity", "desc": "description", "escalation": "escalate",
	"precondition": "when", "if": "when",
	"remediation": "remedy", "action": "remedy", "fix": "remedy", "corrective_action": "remedy", "remedies": "remedy",
}

var ruleKeys = []string{"id", "title", "indicator", "severity", "when", "expr", "message", "references", "remedy", "escalate", "tests", "description"}

// ReadFile reads and parses one rule file.
func ReadFile(path string) (*File, Errors) {
	data, err := ReadLimited(path, MaxYAMLFileSize)
	if err != nil {
		return nil, Errors{{File: path, Msg: fmt.Sprintf("read rule file: %v", err)}}
	}
	return Parse(path, data)
}

// Parse parses the YAML of one rule file. It reports every problem it can
// find without compiling the expressions.
func Parse(path string, data []byte) (*File, Errors) {
	sum := sha256.Sum256(data)
	f := &File{Path: path, SHA256: hex.EncodeToString(sum[:]), lines: strings.Split(string(data), "\n")}
	p := &parser{file: f}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		p.errs = append(p.errs, yamlError(path, err, f.lines))
		return f, p.errs
	}
	if len(doc.Content) == 0 {
		p.errorf(nil, "", "the file is empty", "a rule file starts with `rules:` followed by a list of rules")
		return f, p.errs
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		p.errorf(root, "", "a rule file must be a mapping with a `rules:` key", "")
		return f, p.errs
	}
	f.root = root
	var rulesNode *yaml.Node
	seenKeys := map[string]bool{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if seenKeys[k.Value] {
			p.errorf(k, "", fmt.Sprintf("top-level key %q given twice", k.Value), "merge the two blocks into one")
			continue
		}
		seenKeys[k.Value] = true
		switch k.Value {
		case "rules":
			rulesNode = v
		case "variables":
			p.variables(v)
		case "lists":
			p.lists(v)
		case "tables":
			p.tables(v)
		case "overrides":
			p.overrides(v)
		case "disable":
			p.disable(v)
		case "description":
			if v.Kind != yaml.ScalarNode {
				p.errorf(v, "", "`description` must be text", "")
			}
		default:
			p.errorf(k, "", fmt.Sprintf("unknown top-level key %q", k.Value), suggestOr(k.Value, topKeys, "a rule file has: "+strings.Join(topKeys, ", ")))
		}
	}
	if rulesNode == nil {
		if len(f.Overrides) == 0 && len(f.Disable.IDs) == 0 && len(f.Disable.Indicators) == 0 && len(p.errs) == 0 {
			p.errorf(root, "", "no `rules:` key", "a rule file lists its rules under `rules:`; a file that only changes earlier rules has `overrides:` or `disable:`")
		}
		return f, p.errs
	}
	if rulesNode.Kind != yaml.SequenceNode {
		if rulesNode.Kind == yaml.ScalarNode && rulesNode.Tag == "!!null" {
			return f, p.errs // rules: with nothing under it
		}
		p.errorf(rulesNode, "", "`rules:` must be a list", "start each rule with `- id: ...`")
		return f, p.errs
	}
	seen := map[string]int{}
	for _, rn := range rulesNode.Content {
		r := p.rule(rn)
		if r == nil {
			continue
		}
		if r.ID != "" {
			if line, dup := seen[r.ID]; dup {
				p.errorf(r.nodes["id"], r.ID, fmt.Sprintf("duplicate rule id (first defined at line %d)", line), "give every rule its own id")
			} else {
				seen[r.ID] = r.Line
			}
		}
		f.Rules = append(f.Rules, r)
	}
	return f, p.errs
}

var topKeys = []string{"description", "variables", "lists", "tables", "rules", "overrides", "disable"}

type parser struct {
	file *File
	errs Errors
}

func (p *parser) errorf(n *yaml.Node, ruleID, msg, hint string) {
	e := &Error{File: p.file.Path, RuleID: ruleID, Msg: msg, Hint: hint}
	if n != nil {
		e.Line, e.Col = n.Line, n.Column
		e.Snippet = p.file.line(n.Line)
	}
	p.errs = append(p.errs, e)
}

func (f *File) line(n int) string {
	if n < 1 || n > len(f.lines) {
		return ""
	}
	return strings.TrimRight(f.lines[n-1], "\r")
}

func (p *parser) rule(n *yaml.Node) *Rule {
	if n.Kind != yaml.MappingNode {
		p.errorf(n, "", "a rule must be a mapping of keys (id, title, indicator, ...)", "")
		return nil
	}
	r := &Rule{File: p.file.Path, Line: n.Line, nodes: map[string]*yaml.Node{}, node: n, file: p.file}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if !slices.Contains(ruleKeys, k.Value) {
			p.errorf(k, "", fmt.Sprintf("unknown rule key %q", k.Value), suggestKey(k.Value, ruleKeys, ruleKeyAliases))
			continue
		}
		if _, dup := r.nodes[k.Value]; dup {
			p.errorf(k, "", fmt.Sprintf("key %q given twice", k.Value), "")
		}
		r.nodes[k.Value] = v
	}
	r.ID = p.scalar(r, "id")
	if r.ID == "" {
		p.errorf(n, "", "rule has no id", "every rule needs a unique `id:` such as fee-paid")
	} else if !idPattern.MatchString(r.ID) {
		p.errorf(r.nodes["id"], "", fmt.Sprintf("rule id %q: use lower-case letters, digits, '-', '_' and '.'", r.ID), "")
	}
	for _, key := range []string{"title", "message", "expr"} {
		if p.scalar(r, key) == "" && r.nodes[key] == nil {
			p.errorf(n, r.ID, fmt.Sprintf("missing %q", key), requiredHint[key])
		}
	}
	r.Title, r.Message, r.Expr, r.When = p.scalar(r, "title"), p.scalar(r, "message"), p.scalar(r, "expr"), p.scalar(r, "when")
	r.Remedy = strings.TrimSpace(p.scalar(r, "remedy"))
	if rn := r.nodes["remedy"]; rn != nil && rn.Kind == yaml.ScalarNode && r.Remedy == "" {
		p.errorf(rn, r.ID, "`remedy` must not be empty", remedyHint)
	}
	p.scalar(r, "description")

	if ind := p.scalar(r, "indicator"); ind == "" {
		p.errorf(n, r.ID, `missing "indicator"`, "one of: "+strings.Join(contract.Indicators, ", "))
	} else if !contract.IsIndicator(ind) {
		p.errorf(r.nodes["indicator"], r.ID, fmt.Sprintf("unknown indicator %q", ind), suggestOr(ind, contract.Indicators, "one of: "+strings.Join(contract.Indicators, ", ")))
	} else {
		r.Indicator = ind
	}
	r.Severity = p.severity(r, r.nodes["severity"], n)
	r.DeclaredSeverity = r.Severity

	if rn := r.nodes["references"]; rn == nil {
		p.errorf(n, r.ID, `missing "references"`, "name the standard and clause the rule rests on, e.g. - \"ILO C29, Art. 2\"")
	} else if rn.Kind != yaml.SequenceNode || len(rn.Content) == 0 {
		p.errorf(rn, r.ID, "`references` must be a non-empty list of strings", "")
	} else {
		for _, c := range rn.Content {
			if c.Kind != yaml.ScalarNode || strings.TrimSpace(c.Value) == "" {
				p.errorf(c, r.ID, "each reference must be a non-empty string", "")
				continue
			}
			r.References = append(r.References, c.Value)
		}
	}
	if en := r.nodes["escalate"]; en != nil {
		if en.Kind != yaml.SequenceNode {
			p.errorf(en, r.ID, "`escalate` must be a list of {when, severity}", "")
		} else {
			for _, e := range en.Content {
				r.Escalate = append(r.Escalate, p.escalation(r, e))
			}
		}
	}
	if tn := r.nodes["tests"]; tn != nil {
		if tn.Kind != yaml.SequenceNode {
			p.errorf(tn, r.ID, "`tests` must be a list of {name, contract, expect}", "")
		} else {
			for _, t := range tn.Content {
				if tc, ok := p.test(r, t); ok {
					r.Tests = append(r.Tests, tc)
				}
			}
		}
	}
	return r
}

const remedyHint = `say what should be done when the rule flags, e.g. remedy: "return passports to workers; reimburse fees"`

// remedyProblems are the rules of f without a remedy. Lint requires one of
// every rule, so that every finding says what should be done; a scan runs
// a rule without one, and its findings show no remedy.
func (f *File) remedyProblems() Errors {
	var out Errors
	for _, r := range f.Rules {
		if r.nodes["remedy"] == nil && r.node != nil {
			out = append(out, f.errorAt(r.node, r.ID, `missing "remedy"`, remedyHint))
		}
	}
	return out
}

var requiredHint = map[string]string{
	"title":   "a short title such as \"Worker paid a recruitment fee\"",
	"message": "the text a finding shows; {{contract.<field>}} inserts a value",
	"expr":    "a CEL expression that is true when the contract shows the indicator, e.g. contract.recruitment_fee_paid_by_worker > 0",
}

func (p *parser) scalar(r *Rule, key string) string {
	n := r.nodes[key]
	if n == nil {
		return ""
	}
	if n.Kind != yaml.ScalarNode {
		p.errorf(n, r.ID, fmt.Sprintf("%q must be text", key), "")
		return ""
	}
	return n.Value
}

func (p *parser) severity(r *Rule, n, parent *yaml.Node) contract.Severity {
	if n == nil {
		p.errorf(parent, r.ID, `missing "severity"`, "one of: "+strings.Join(contract.Severities(), ", "))
		return contract.SeverityNone
	}
	s, ok := contract.ParseSeverity(n.Value)
	if n.Kind != yaml.ScalarNode || !ok {
		p.errorf(n, r.ID, fmt.Sprintf("unknown severity %q", n.Value), suggestOr(n.Value, contract.Severities(), "one of: "+strings.Join(contract.Severities(), ", ")))
	}
	return s
}

func (p *parser) escalation(r *Rule, n *yaml.Node) Escalation {
	e := Escalation{node: n}
	if n.Kind != yaml.MappingNode {
		p.errorf(n, r.ID, "an escalation is a mapping {when: <expression>, severity: <word>}", "")
		return e
	}
	var sev *yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch k.Value {
		case "when":
			e.When, e.node = v.Value, v
		case "severity":
			sev = v
		default:
			p.errorf(k, r.ID, fmt.Sprintf("unknown escalation key %q", k.Value), suggest(k.Value, []string{"when", "severity"}))
		}
	}
	if e.When == "" {
		p.errorf(n, r.ID, "escalation without `when`", "")
	}
	if sev == nil {
		p.errorf(n, r.ID, "escalation without `severity`", "the severity the finding takes when `when` holds, e.g. severity: critical")
		return e
	}
	e.Severity = p.severity(r, sev, n)
	return e
}

func (p *parser) test(r *Rule, n *yaml.Node) (Test, bool) {
	t := Test{Line: n.Line, nodes: map[string]*yaml.Node{}, Contract: map[string]string{}}
	if n.Kind != yaml.MappingNode {
		p.errorf(n, r.ID, "a test is a mapping {name, contract, expect}", "")
		return t, false
	}
	var expect, severity *yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch k.Value {
		case "name":
			t.Name = v.Value
		case "expect":
			expect = v
		case "severity":
			severity = v
		case "contract":
			if v.Kind != yaml.MappingNode {
				p.errorf(v, r.ID, "`contract` must map field names to cell values", "")
				continue
			}
			for j := 0; j+1 < len(v.Content); j += 2 {
				fk, fv := v.Content[j], v.Content[j+1]
				if fv.Kind != yaml.ScalarNode {
					p.errorf(fv, r.ID, fmt.Sprintf("test value for %q must be a single value, as a cell holds", fk.Value), "")
					continue
				}
				val := fv.Value
				if fv.Tag == "!!null" {
					val = ""
				}
				t.Contract[fk.Value] = val
				t.nodes[fk.Value] = fk
				t.keys = append(t.keys, fk.Value)
			}
		default:
			p.errorf(k, r.ID, fmt.Sprintf("unknown test key %q", k.Value), suggest(k.Value, []string{"name", "contract", "expect", "severity"}))
		}
	}
	if t.Name == "" {
		t.Name = fmt.Sprintf("line %d", n.Line)
	}
	switch {
	case expect == nil:
		p.errorf(n, r.ID, fmt.Sprintf("test %q has no `expect`", t.Name), "expect: flag, pass or insufficient")
		return t, false
	case !slices.Contains([]string{"flag", "pass", "insufficient"}, expect.Value):
		p.errorf(expect, r.ID, fmt.Sprintf("test %q: unknown expectation %q", t.Name, expect.Value), "expect: flag, pass or insufficient")
		return t, false
	}
	t.Expect = Expect(expect.Value)
	if severity != nil {
		s, ok := contract.ParseSeverity(severity.Value)
		switch {
		case severity.Kind != yaml.ScalarNode || !ok || s == contract.SeverityNone:
			p.errorf(severity, r.ID, fmt.Sprintf("test %q: unknown severity %q", t.Name, severity.Value), suggestOr(severity.Value, contract.Severities(), "one of: "+strings.Join(contract.Severities(), ", ")))
			return t, false
		case t.Expect != ExpectFlag:
			p.errorf(severity, r.ID, fmt.Sprintf("test %q: a severity goes with expect: flag", t.Name), "only a flag has a severity; drop severity: or expect a flag")
			return t, false
		}
		t.Severity = s
	}
	return t, true
}

var yamlLine = regexp.MustCompile(`line (\d+)`)

func yamlError(path string, err error, lines []string) *Error {
	e := &Error{File: path, Msg: strings.TrimPrefix(err.Error(), "yaml: "), Hint: "check indentation and quoting; text containing ': ' or starting with a quote needs quotes around it"}
	if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
		fmt.Sscan(m[1], &e.Line)
		e.Msg = strings.Replace(e.Msg, "line "+m[1]+": ", "", 1)
		if e.Line >= 1 && e.Line <= len(lines) {
			e.Snippet = strings.TrimRight(lines[e.Line-1], "\r")
			text := e.Snippet
			e.Col = len(text) - len(strings.TrimLeft(text, " \t")) + 1
			// "mapping values are not allowed": an unquoted ': ' inside a
			// value; point at it.
			if strings.Contains(e.Msg, "mapping values are not allowed") {
				if i := strings.Index(text, ": "); i >= 0 {
					if j := strings.Index(text[i+2:], ": "); j >= 0 {
						e.Col = utf8.RuneCountInString(text[:i+2+j]) + 1
					}
				}
			}
		}
	}
	return e
}

// suggestKey is suggest for keys, knowing words other tools use for them.
func suggestKey(got string, keys []string, aliases map[string]string) string {
	if k, ok := aliases[strings.ToLower(got)]; ok {
		return fmt.Sprintf("did you mean %q?", k)
	}
	if s := suggest(got, keys); s != "" {
		return s
	}
	var words []string
	for a := range aliases {
		words = append(words, a)
	}
	slices.Sort(words)
	best, bestD := "", len(got)/3+2
	for _, w := range words {
		if d := contract.EditDistance(strings.ToLower(got), w); d < bestD {
			best, bestD = w, d
		}
	}
	if best != "" {
		return fmt.Sprintf("did you mean %q?", aliases[best])
	}
	return ""
}

func suggest(got string, options []string) string {
	return suggestOr(got, options, "")
}

func suggestOr(got string, options []string, otherwise string) string {
	best, bestD := "", len(got)/3+2
	for _, o := range options {
		if d := contract.EditDistance(strings.ToLower(got), o); d < bestD {
			best, bestD = o, d
		}
	}
	if best != "" {
		return fmt.Sprintf("did you mean %q?", best)
	}
	return otherwise
}
