package rules

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/laborcheck/laborcheck/internal/contract"
)

// Variable is a named expression that the rules of its file read as
// variables.<name>. A variable may read the variables declared above it.
// It is evaluated at most once per contract, and only when a rule needs it.
type Variable struct {
	Name string
	Expr string
	Line int
	key  *yaml.Node
	node *yaml.Node
}

// List is a named list of text values that the rules of its file read as
// lists.<name>, e.g. the custody words that mean "not the worker".
type List struct {
	Name  string
	Items []string
	Line  int
	key   *yaml.Node
}

// Override changes a rule of an earlier file without editing that file.
type Override struct {
	ID       string
	Severity contract.Severity // SeverityNone when the override leaves it
	Reason   string
	Line     int
	idNode   *yaml.Node
	sevNode  *yaml.Node
}

// Disable turns off rules of earlier files, by id or by indicator.
type Disable struct {
	IDs        []Ref
	Indicators []Ref
	Reason     string
}

// Ref is a name written in a rule file, with its place.
type Ref struct {
	Value string
	Line  int
	node  *yaml.Node
}

// Change is one thing a later file changed about a rule.
type Change struct {
	Where string // file:line of the override
	What  string // e.g. "severity high → critical"
}

func (c Change) String() string { return c.Where + ": " + c.What }

// namePattern is what a variable, list, table or column name looks like:
// it must be usable after a dot in an expression.
var namePattern = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)

func (p *parser) name(k *yaml.Node, what string, seen map[string]int) bool {
	if !namePattern.MatchString(k.Value) {
		p.errorf(k, "", fmt.Sprintf("%s name %q: use lower-case letters, digits and '_', starting with a letter", what, k.Value),
			fmt.Sprintf("the name is written after a dot in expressions, e.g. %ss.%s", what, strings.Trim(strings.ToLower(nonName.ReplaceAllString(k.Value, "_")), "_")))
		return false
	}
	if line, dup := seen[k.Value]; dup {
		p.errorf(k, "", fmt.Sprintf("%s %q declared twice (first at line %d)", what, k.Value, line), "")
		return false
	}
	seen[k.Value] = k.Line
	return true
}

var nonName = regexp.MustCompile(`[^A-Za-z0-9_]+`)

// variables parses `variables:`, a mapping of name → expression in the
// order they are evaluated.
func (p *parser) variables(n *yaml.Node) {
	if n.Kind != yaml.MappingNode {
		p.errorf(n, "", "`variables` must map names to expressions", "e.g. variables: {worker_costs: contract.visa_cost_paid_by_worker + contract.travel_cost_paid_by_worker}")
		return
	}
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if !p.name(k, "variable", seen) {
			continue
		}
		if v.Kind != yaml.ScalarNode || strings.TrimSpace(v.Value) == "" {
			p.errorf(v, "", fmt.Sprintf("variable %q must be an expression", k.Value), "")
			continue
		}
		p.file.Variables = append(p.file.Variables, &Variable{Name: k.Value, Expr: v.Value, Line: k.Line, key: k, node: v})
	}
}

// lists parses `lists:`, a mapping of name → list of text values.
func (p *parser) lists(n *yaml.Node) {
	if n.Kind != yaml.MappingNode {
		p.errorf(n, "", "`lists` must map names to lists of values", "e.g. lists: {employer_side: [employer, agent, recruiter, supervisor]}")
		return
	}
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if !p.name(k, "list", seen) {
			continue
		}
		if v.Kind != yaml.SequenceNode {
			p.errorf(v, "", fmt.Sprintf("list %q must be a list of values, e.g. [employer, agent]", k.Value), "")
			continue
		}
		l := &List{Name: k.Value, Line: k.Line, key: k, Items: []string{}}
		for _, item := range v.Content {
			if item.Kind != yaml.ScalarNode || item.Tag == "!!null" {
				p.errorf(item, "", fmt.Sprintf("list %q: each item must be a single value", k.Value), "")
				continue
			}
			l.Items = append(l.Items, item.Value)
		}
		p.file.Lists = append(p.file.Lists, l)
	}
}

// overrides parses `overrides:`, a list of {id, severity, reason}.
func (p *parser) overrides(n *yaml.Node) {
	if n.Kind != yaml.SequenceNode {
		p.errorf(n, "", "`overrides` must be a list of {id, severity, reason}", "e.g. overrides: [{id: fee-paid, severity: critical}]")
		return
	}
	keys := []string{"id", "severity", "reason"}
	for _, on := range n.Content {
		if on.Kind != yaml.MappingNode {
			p.errorf(on, "", "an override is a mapping {id, severity, reason}", "")
			continue
		}
		o := &Override{Line: on.Line}
		for i := 0; i+1 < len(on.Content); i += 2 {
			k, v := on.Content[i], on.Content[i+1]
			switch k.Value {
			case "id":
				o.ID, o.idNode = v.Value, v
			case "severity":
				o.sevNode = v
			case "reason":
				o.Reason = v.Value
			default:
				p.errorf(k, "", fmt.Sprintf("unknown override key %q", k.Value), suggestOr(k.Value, keys, "an override can set: "+strings.Join(keys[1:], ", ")))
			}
		}
		if o.ID == "" {
			p.errorf(on, "", "override without `id`", "name the rule to change, e.g. id: fee-paid")
			continue
		}
		if o.sevNode == nil {
			p.errorf(on, "", fmt.Sprintf("override of %q changes nothing", o.ID), "set `severity:`; to turn the rule off use `disable: {ids: [...]}`")
			continue
		}
		s, ok := contract.ParseSeverity(o.sevNode.Value)
		if o.sevNode.Kind != yaml.ScalarNode || !ok {
			p.errorf(o.sevNode, "", fmt.Sprintf("unknown severity %q", o.sevNode.Value), suggestOr(o.sevNode.Value, contract.Severities(), "one of: "+strings.Join(contract.Severities(), ", ")))
			continue
		}
		o.Severity = s
		p.file.Overrides = append(p.file.Overrides, o)
	}
}

// disable parses `disable: {ids: [...], indicators: [...], reason: ...}`.
func (p *parser) disable(n *yaml.Node) {
	if n.Kind != yaml.MappingNode {
		p.errorf(n, "", "`disable` must be a mapping {ids: [...], indicators: [...]}", "")
		return
	}
	keys := []string{"ids", "indicators", "reason"}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		var into *[]Ref
		switch k.Value {
		case "ids":
			into = &p.file.Disable.IDs
		case "indicators":
			into = &p.file.Disable.Indicators
		case "reason":
			p.file.Disable.Reason = v.Value
			continue
		default:
			p.errorf(k, "", fmt.Sprintf("unknown disable key %q", k.Value), suggestOr(k.Value, keys, "disable has: ids, indicators, reason"))
			continue
		}
		if v.Kind != yaml.SequenceNode {
			p.errorf(v, "", fmt.Sprintf("`disable.%s` must be a list", k.Value), "")
			continue
		}
		for _, item := range v.Content {
			if item.Kind != yaml.ScalarNode || item.Value == "" {
				p.errorf(item, "", fmt.Sprintf("each of `disable.%s` must be a single value", k.Value), "")
				continue
			}
			if k.Value == "indicators" && !contract.IsIndicator(item.Value) {
				p.errorf(item, "", fmt.Sprintf("unknown indicator %q", item.Value), suggestOr(item.Value, contract.Indicators, "one of: "+strings.Join(contract.Indicators, ", ")))
				continue
			}
			*into = append(*into, Ref{Value: item.Value, Line: item.Line, node: item})
		}
	}
}

// tables parses `tables:`, a mapping of name → {file, sheet, key, columns}
// or name → file.
func (p *parser) tables(n *yaml.Node) {
	if n.Kind != yaml.MappingNode {
		p.errorf(n, "", "`tables` must map names to {file, key, columns}", "e.g. tables: {min_wage: {file: min-wage.csv, key: [country, year]}}")
		return
	}
	seen := map[string]int{}
	keys := []string{"file", "sheet", "key", "columns"}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if !p.name(k, "table", seen) {
			continue
		}
		t := &Table{Name: k.Value, Line: k.Line, key: k}
		switch v.Kind {
		case yaml.ScalarNode:
			t.File, t.fileNode = v.Value, v
		case yaml.MappingNode:
			for j := 0; j+1 < len(v.Content); j += 2 {
				tk, tv := v.Content[j], v.Content[j+1]
				switch tk.Value {
				case "file":
					t.File, t.fileNode = tv.Value, tv
				case "sheet":
					t.Sheet = tv.Value
				case "key":
					t.keyNode = tv
					t.Key = p.columnNames(tv, k.Value, "key")
				case "columns":
					p.tableColumns(t, tv)
				default:
					p.errorf(tk, "", fmt.Sprintf("unknown table key %q", tk.Value), suggestOr(tk.Value, keys, "a table has: "+strings.Join(keys, ", ")))
				}
			}
		default:
			p.errorf(v, "", fmt.Sprintf("table %q must be a file name or {file, key, columns}", k.Value), "")
			continue
		}
		if strings.TrimSpace(t.File) == "" {
			p.errorf(v, "", fmt.Sprintf("table %q has no `file`", k.Value), "name a .csv or .xlsx file, relative to this rule file")
			continue
		}
		p.file.Tables = append(p.file.Tables, t)
	}
}

func (p *parser) columnNames(n *yaml.Node, table, what string) []string {
	var out []string
	switch n.Kind {
	case yaml.ScalarNode:
		out = append(out, columnName(n.Value))
	case yaml.SequenceNode:
		for _, c := range n.Content {
			if c.Kind != yaml.ScalarNode || strings.TrimSpace(c.Value) == "" {
				p.errorf(c, "", fmt.Sprintf("table %q: each %s column must be a column name", table, what), "")
				continue
			}
			out = append(out, columnName(c.Value))
		}
	default:
		p.errorf(n, "", fmt.Sprintf("table %q: `%s` must be a column name or a list of them", table, what), "")
	}
	return out
}

func (p *parser) tableColumns(t *Table, n *yaml.Node) {
	t.columnsNode = n
	if n.Kind != yaml.MappingNode {
		p.errorf(n, "", fmt.Sprintf("table %q: `columns` must map column names to number or text", t.Name), "e.g. columns: {monthly_wage: number, currency: text}")
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		typ, ok := columnTypes[v.Value]
		if !ok {
			p.errorf(v, "", fmt.Sprintf("table %q column %q: unknown type %q", t.Name, k.Value, v.Value), "a column is number or text")
			continue
		}
		t.Columns = append(t.Columns, &TableColumn{Name: columnName(k.Value), Type: typ, node: k})
	}
}

var columnTypes = map[string]ColumnType{"number": NumberColumn, "text": TextColumn, "string": TextColumn}

// columnName folds a header into the name rules use after a dot: lower
// case, with every run of other characters as one '_' ("Monthly wage (MYR)"
// is monthly_wage_myr).
func columnName(h string) string {
	return strings.Trim(strings.ToLower(nonName.ReplaceAllString(strings.TrimSpace(h), "_")), "_")
}

// names lists the names of declared things, for did-you-mean hints.
func names[T any](items []T, name func(T) string) []string {
	out := make([]string, 0, len(items))
	for _, it := range items {
		out = append(out, name(it))
	}
	slices.Sort(out)
	return out
}
