package rules

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Waivers.
//
// A waiver excuses one rule's findings on some contracts for a time, with a
// reason and the name of whoever approved it: say, a fee the employer has
// since refunded in full. Waived findings stay in the report, marked as
// waived; they do not count towards -fail-on. A waiver that has expired is
// not applied.

// Waiver is one entry of a waiver file.
type Waiver struct {
	Rule       string    // rule id
	Contract   string    // contract_id the waiver covers, or ""
	Worker     string    // worker_id the waiver covers, or ""
	Supplier   string    // supplier (or employer) name the waiver covers, or ""
	Reason     string    // why the finding is acceptable
	ApprovedBy string    // who approved the waiver
	Expires    time.Time // the last day the waiver applies
	File       string
	Line       int
}

// Source is "file:line" of the waiver.
func (w *Waiver) Source() string { return fmt.Sprintf("%s:%d", w.File, w.Line) }

// Covers reports whether the waiver applies to a finding of rule on a
// contract with these identifiers. Every identifier the waiver names must
// match, ignoring case and surrounding spaces.
func (w *Waiver) Covers(rule, contractID, workerID, supplier string) bool {
	return w.Rule == rule && same(w.Contract, contractID) && same(w.Worker, workerID) && same(w.Supplier, supplier)
}

func same(want, got string) bool {
	return want == "" || strings.EqualFold(strings.Join(strings.Fields(want), " "), strings.Join(strings.Fields(got), " "))
}

// Waivers is a parsed waiver file.
type Waivers struct {
	Path   string
	SHA256 string
	List   []*Waiver
}

// ReadWaivers reads and checks a waiver file.
func ReadWaivers(path string) (*Waivers, Errors) {
	data, err := ReadLimited(path, MaxYAMLFileSize)
	if err != nil {
		return nil, Errors{{File: path, Msg: fmt.Sprintf("read waiver file: %v", err)}}
	}
	return ParseWaivers(path, data)
}

var waiverKeys = []string{"rule", "contract", "worker", "supplier", "reason", "approved_by", "expires"}

// ParseWaivers parses a waiver file: YAML with a top-level `waivers:` list
// of {rule, contract | worker | supplier, reason, approved_by, expires}. It
// returns every problem, each at its place in the file.
func ParseWaivers(path string, data []byte) (*Waivers, Errors) {
	sum := sha256.Sum256(data)
	ws := &Waivers{Path: path, SHA256: hex.EncodeToString(sum[:])}
	f := &File{Path: path, lines: strings.Split(string(data), "\n")}
	p := &parser{file: f}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return ws, Errors{yamlError(path, err, f.lines)}
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		p.errorf(nil, "", "a waiver file is a mapping with a `waivers:` list", "start the file with `waivers:`")
		return ws, p.errs
	}
	root := doc.Content[0]
	var list *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		switch k.Value {
		case "waivers":
			list = v
		case "description":
		default:
			p.errorf(k, "", fmt.Sprintf("unknown top-level key %q", k.Value), suggestOr(k.Value, []string{"waivers", "description"}, "a waiver file has `waivers:`"))
		}
	}
	switch {
	case list == nil:
		p.errorf(root, "", "no `waivers:` key", "list the waivers under `waivers:`")
		return ws, p.errs
	case list.Kind == yaml.ScalarNode && list.Tag == "!!null":
		return ws, p.errs
	case list.Kind != yaml.SequenceNode:
		p.errorf(list, "", "`waivers:` must be a list", "start each waiver with `- rule: ...`")
		return ws, p.errs
	}
	for _, n := range list.Content {
		if w := p.waiver(n); w != nil {
			ws.List = append(ws.List, w)
		}
	}
	sortErrors(p.errs)
	return ws, p.errs
}

func (p *parser) waiver(n *yaml.Node) *Waiver {
	if n.Kind != yaml.MappingNode {
		p.errorf(n, "", "a waiver is a mapping {rule, contract, reason, approved_by, expires}", "")
		return nil
	}
	w := &Waiver{File: p.file.Path, Line: n.Line}
	var expires *yaml.Node
	ok := true
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if v.Kind != yaml.ScalarNode {
			p.errorf(v, "", fmt.Sprintf("waiver %q must be a single value", k.Value), "")
			ok = false
			continue
		}
		val := strings.TrimSpace(v.Value)
		switch k.Value {
		case "rule":
			w.Rule = val
		case "contract":
			w.Contract = val
		case "worker":
			w.Worker = val
		case "supplier":
			w.Supplier = val
		case "reason":
			w.Reason = val
		case "approved_by":
			w.ApprovedBy = val
		case "expires":
			expires = v
		default:
			p.errorf(k, "", fmt.Sprintf("unknown waiver key %q", k.Value), suggestKey(k.Value, waiverKeys, map[string]string{
				"rule_id": "rule", "id": "rule", "contract_id": "contract", "worker_id": "worker", "employer": "supplier",
				"vendor": "supplier", "justification": "reason", "approver": "approved_by", "approved": "approved_by",
				"expiry": "expires", "until": "expires", "valid_until": "expires", "expiry_date": "expires",
			}))
			ok = false
		}
	}
	need := func(val, key, hint string) {
		if val == "" {
			p.errorf(n, "", fmt.Sprintf("waiver without `%s`", key), hint)
			ok = false
		}
	}
	need(w.Rule, "rule", "name the rule id the waiver excuses, e.g. rule: fee-paid")
	if w.Contract == "" && w.Worker == "" && w.Supplier == "" {
		p.errorf(n, "", "waiver names no contract, worker or supplier", "a waiver covers the findings of one rule on a contract (contract:), a worker (worker:) or a supplier (supplier:)")
		ok = false
	}
	need(w.Reason, "reason", "say why the finding is acceptable, e.g. reason: fee refunded in full on 2024-03-02, receipt on file")
	need(w.ApprovedBy, "approved_by", "name who approved the waiver")
	if expires == nil {
		p.errorf(n, "", "waiver without `expires`", "every waiver ends: expires: 2025-12-31")
		return nil
	}
	t, err := time.Parse(time.DateOnly, strings.TrimSpace(expires.Value))
	if err != nil {
		p.errorf(expires, "", fmt.Sprintf("expires %q is not a date", expires.Value), "write the last day the waiver applies as YYYY-MM-DD, e.g. 2025-12-31")
		return nil
	}
	w.Expires = t
	if !ok {
		return nil
	}
	return w
}

// Split returns the waivers that apply on day and those that expired before
// it. A waiver applies up to and including its expiry date.
func (ws *Waivers) Split(day time.Time) (active, expired []*Waiver) {
	y, m, d := day.Date()
	day = time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	for _, w := range ws.List {
		if w.Expires.Before(day) {
			expired = append(expired, w)
		} else {
			active = append(active, w)
		}
	}
	return active, expired
}

// UnknownRules returns the waivers whose rule known does not recognise (a
// typo, or a rule that was disabled or removed).
func (ws *Waivers) UnknownRules(known func(id string) bool) []*Waiver {
	var out []*Waiver
	for _, w := range ws.List {
		if !known(w.Rule) {
			out = append(out, w)
		}
	}
	return out
}

// Matcher finds the waiver that covers a finding. It is safe for concurrent
// use.
type Matcher struct {
	byRule map[string][]*Waiver
}

// NewMatcher returns a matcher over waivers (normally the active ones).
func NewMatcher(waivers []*Waiver) *Matcher {
	m := &Matcher{byRule: map[string][]*Waiver{}}
	for _, w := range waivers {
		m.byRule[w.Rule] = append(m.byRule[w.Rule], w)
	}
	return m
}

// Match returns the first waiver, in file order, that covers a finding of
// rule on a contract with these identifiers, or nil.
func (m *Matcher) Match(rule, contractID, workerID, supplier string) *Waiver {
	if m == nil {
		return nil
	}
	for _, w := range m.byRule[rule] {
		if w.Covers(rule, contractID, workerID, supplier) {
			return w
		}
	}
	return nil
}
