package rules

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/laborcheck/laborcheck/internal/contract"
)

// File is one parsed rule file.
type File struct {
	Path   string
	SHA256 string
	Rules  []*Rule
	lines  []string
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
	Escalate   []Escalation
	Tests      []Test

	File string // the rule file's path
	Line int    // the line of the rule's first key

	nodes map[string]*yaml.Node // key → value node, for positions
	file  *File
}

// Source is "file:line", where the rule is defined.
func (r *Rule) Source() string { return fmt.Sprintf("%s:%d", r.File, r.Line) }

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
	Line     int
	nodes    map[string]*yaml.Node // field → value node
	keys     []string              // contract fields in file order
}

var idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)

var ruleKeys = []string{"id", "title", "indicator", "severity", "when", "expr", "message", "references", "escalate", "tests", "description"}

// ReadFile reads and parses one rule file.
func ReadFile(path string) (*File, Errors) {
	data, err := os.ReadFile(path)
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
	var rulesNode *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		switch k.Value {
		case "rules":
			rulesNode = v
		default:
			p.errorf(k, "", fmt.Sprintf("unknown top-level key %q", k.Value), suggest(k.Value, []string{"rules"}))
		}
	}
	if rulesNode == nil {
		p.errorf(root, "", "no `rules:` key", "a rule file lists its rules under `rules:`")
		return f, p.errs
	}
	if rulesNode.Kind != yaml.SequenceNode {
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
	r := &Rule{File: p.file.Path, Line: n.Line, nodes: map[string]*yaml.Node{}, file: p.file}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if !slices.Contains(ruleKeys, k.Value) {
			p.errorf(k, "", fmt.Sprintf("unknown rule key %q", k.Value), suggest(k.Value, ruleKeys))
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
	p.scalar(r, "description")

	if ind := p.scalar(r, "indicator"); ind == "" {
		p.errorf(n, r.ID, `missing "indicator"`, "one of: "+strings.Join(contract.Indicators, ", "))
	} else if !contract.IsIndicator(ind) {
		p.errorf(r.nodes["indicator"], r.ID, fmt.Sprintf("unknown indicator %q", ind), suggestOr(ind, contract.Indicators, "one of: "+strings.Join(contract.Indicators, ", ")))
	} else {
		r.Indicator = ind
	}
	r.Severity = p.severity(r, r.nodes["severity"], n)

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
	e.Severity = p.severity(r, sev, n)
	return e
}

func (p *parser) test(r *Rule, n *yaml.Node) (Test, bool) {
	t := Test{Line: n.Line, nodes: map[string]*yaml.Node{}, Contract: map[string]string{}}
	if n.Kind != yaml.MappingNode {
		p.errorf(n, r.ID, "a test is a mapping {name, contract, expect}", "")
		return t, false
	}
	var expect *yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch k.Value {
		case "name":
			t.Name = v.Value
		case "expect":
			expect = v
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
			p.errorf(k, r.ID, fmt.Sprintf("unknown test key %q", k.Value), suggest(k.Value, []string{"name", "contract", "expect"}))
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
	return t, true
}

var yamlLine = regexp.MustCompile(`line (\d+)`)

func yamlError(path string, err error, lines []string) *Error {
	e := &Error{File: path, Msg: strings.TrimPrefix(err.Error(), "yaml: "), Hint: "check indentation and quoting; text containing ': ' or starting with a quote needs quotes around it"}
	if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
		fmt.Sscan(m[1], &e.Line)
		e.Col = 1
		if e.Line >= 1 && e.Line <= len(lines) {
			e.Snippet = lines[e.Line-1]
		}
		e.Msg = strings.Replace(e.Msg, "line "+m[1]+": ", "", 1)
	}
	return e
}

func suggest(got string, options []string) string {
	return suggestOr(got, options, "")
}

func suggestOr(got string, options []string, otherwise string) string {
	best, bestD := "", len(got)/3+2
	for _, o := range options {
		if d := distance(strings.ToLower(got), o); d < bestD {
			best, bestD = o, d
		}
	}
	if best != "" {
		return fmt.Sprintf("did you mean %q?", best)
	}
	return otherwise
}

func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := 1
			if a[i-1] == b[j-1] {
				c = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+c)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// Set is the effective rule set: the rules of several files, in order.
type Set struct {
	Files []*File
	Rules []*Rule
}

// Digest is a sha256 over the rule files' digests, in order: the same files
// in the same order give the same digest.
func (s *Set) Digest() string {
	var b bytes.Buffer
	for _, f := range s.Files {
		b.WriteString(f.SHA256)
		b.WriteByte('\n')
	}
	sum := sha256.Sum256(b.Bytes())
	return hex.EncodeToString(sum[:])
}

// Load reads rule files from paths. A directory contributes its *.yaml and
// *.yml files in name order. Rule ids must be unique across the set.
func Load(paths []string) (*Set, Errors) {
	var files []*File
	var errs Errors
	for _, p := range paths {
		names, err := expand(p)
		if err != nil {
			errs = append(errs, &Error{File: p, Msg: err.Error()})
			continue
		}
		for _, name := range names {
			f, fe := ReadFile(name)
			errs = append(errs, fe...)
			if f != nil {
				files = append(files, f)
			}
		}
	}
	set, se := newSet(files)
	return set, append(errs, se...)
}

// LoadFS reads every *.yaml and *.yml file at the top of fsys, in name order,
// naming each prefix+name in positions. The built-in pack loads this way.
func LoadFS(fsys fs.FS, prefix string) (*Set, Errors) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, Errors{{File: prefix, Msg: err.Error()}}
	}
	var files []*File
	var errs Errors
	for _, e := range entries {
		if e.IsDir() || !isRuleFile(e.Name()) {
			continue
		}
		data, err := fs.ReadFile(fsys, e.Name())
		if err != nil {
			errs = append(errs, &Error{File: prefix + e.Name(), Msg: err.Error()})
			continue
		}
		f, fe := Parse(prefix+e.Name(), data)
		errs = append(errs, fe...)
		files = append(files, f)
	}
	set, se := newSet(files)
	return set, append(errs, se...)
}

func newSet(files []*File) (*Set, Errors) {
	s := &Set{Files: files}
	var errs Errors
	seen := map[string]*Rule{}
	for _, f := range files {
		for _, r := range f.Rules {
			if r.ID == "" {
				continue
			}
			if prev, dup := seen[r.ID]; dup {
				if prev.File != r.File {
					errs = append(errs, &Error{File: r.File, Line: r.nodes["id"].Line, Col: r.nodes["id"].Column, RuleID: r.ID,
						Msg: fmt.Sprintf("duplicate rule id (also defined at %s)", prev.Source()), Snippet: f.line(r.nodes["id"].Line),
						Hint: "rule ids are unique across all rule files; rename one of them"})
				}
				continue
			}
			seen[r.ID] = r
			s.Rules = append(s.Rules, r)
		}
	}
	if len(s.Rules) == 0 && len(errs) == 0 && len(files) > 0 {
		errs = append(errs, &Error{File: files[0].Path, Msg: "no rules found", Hint: "list rules under `rules:`"})
	}
	return s, errs
}

func isRuleFile(name string) bool {
	ext := strings.ToLower(filepath.Ext(name))
	return (ext == ".yaml" || ext == ".yml") && !strings.HasPrefix(name, ".")
}

func expand(p string) ([]string, error) {
	st, err := os.Stat(p)
	if err != nil {
		return nil, fmt.Errorf("rule path: %w", err)
	}
	if !st.IsDir() {
		return []string{p}, nil
	}
	entries, err := os.ReadDir(p)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		if !e.IsDir() && isRuleFile(e.Name()) {
			out = append(out, filepath.Join(p, e.Name()))
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no .yaml rule files in directory %s", p)
	}
	return out, nil
}
