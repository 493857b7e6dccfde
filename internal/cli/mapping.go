package cli

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/laborcheck/laborcheck/internal/contract"
	"github.com/laborcheck/laborcheck/internal/source"
)

// mapping is a mapping file (-map): the user's own header spellings, and
// the cell wordings of their rosters with the values they stand for. Two
// forms are read:
//
//	# map.yaml
//	headers:
//	  Agent Charge: recruitment_fee_paid_by_worker
//	  PP Location: passport_held_by
//	values:
//	  passport_held_by:
//	    Block C desk: employer
//	  employer_provided_housing:
//	    Barracks: "yes"
//
//	# map.csv (or .tsv): header,field; a first line "header,field" is skipped
//	Agent Charge,recruitment_fee_paid_by_worker
type mapping struct {
	// Headers is header text → field name.
	Headers map[string]string
	// Values is field name → cell text folded with contract.NormalizeWord →
	// the value to read instead, in the field's own terms.
	Values map[string]map[string]string
}

// apply sets the mapping on the options the rosters are read with.
func (m *mapping) apply(o *source.Options) {
	if m == nil {
		return
	}
	o.HeaderMap, o.ValueMap = m.Headers, m.Values
}

// mapError is one problem in a mapping file. Line and Col are 1-based; 0
// when not known.
type mapError struct {
	File      string
	Line, Col int
	Msg       string
}

func (e *mapError) Error() string {
	switch {
	case e.Line > 0 && e.Col > 0:
		return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
	case e.Line > 0:
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return e.File + ": " + e.Msg
}

// maxMapFile bounds a mapping file. A mapping names a roster's headers and
// wordings, a few thousand lines at most; parsing YAML takes 20 to 45 times
// a file's size in memory (BenchmarkOptionFiles), so 2 MiB costs at most
// about 90 MB.
const maxMapFile = 2 << 20

// loadMapping reads the -map file, if one is given. It prints every problem
// the file has and returns false when there is any.
func loadMapping(ui *ui, path string, schema *contract.Schema) (*mapping, bool) {
	if path == "" {
		return nil, true
	}
	data, err := readLimited(path, maxMapFile)
	if err != nil {
		ui.errorf("-map: %v", err)
		return nil, false
	}
	m, errs := parseMapping(path, data, schema)
	if len(errs) == 0 {
		return m, true
	}
	for _, e := range errs {
		fmt.Fprintln(ui.err, safe(e.Error()))
	}
	ui.errorf("%s in the mapping file %s; nothing was read", plural(len(errs), "problem"), safe(path))
	ui.hint("'laborcheck rules list -fields' lists the field names and each field's values")
	ui.hint("'laborcheck inspect -write-map map.yaml ROSTER' writes a mapping file from a roster to start from")
	return nil, false
}

// parseMapping reads a mapping file's content; name is its path, whose
// extension picks the form. It returns every problem found, in file order.
func parseMapping(name string, data []byte, schema *contract.Schema) (*mapping, []*mapError) {
	p := &mapParser{
		name:     name,
		schema:   schema,
		m:        &mapping{Headers: map[string]string{}, Values: map[string]map[string]string{}},
		headerAt: map[string]int{},
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	switch ext := strings.ToLower(filepath.Ext(name)); ext {
	case ".yaml", ".yml":
		p.readYAML(data)
	case ".csv", ".tsv", ".txt":
		p.readCSV(data, ext == ".tsv")
	default:
		p.errs = append(p.errs, &mapError{File: name, Msg: "a mapping file is .yaml, .yml, .csv or .tsv"})
	}
	if len(p.errs) > 0 {
		return nil, p.errs
	}
	return p.m, nil
}

type mapParser struct {
	name     string
	schema   *contract.Schema
	m        *mapping
	errs     []*mapError
	headerAt map[string]int // folded header → the line that maps it
}

func (p *mapParser) errorAt(line, col int, format string, a ...any) {
	p.errs = append(p.errs, &mapError{File: p.name, Line: line, Col: col, Msg: fmt.Sprintf(format, a...)})
}

func (p *mapParser) errorf(n *yaml.Node, format string, a ...any) {
	p.errorAt(n.Line, n.Column, format, a...)
}

// yamlLine finds the line in yaml's own messages: "yaml: line 3: did not
// find expected key".
var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// placeholder is a "header: ?" line, as -write-map writes unmapped headers.
var placeholder = regexp.MustCompile(`:\s*\?\s*(#.*)?$`)

// lineOf returns line n (1-based) of data.
func lineOf(data []byte, n int) (string, bool) {
	for i := 1; len(data) > 0; i++ {
		line, rest, _ := bytes.Cut(data, []byte("\n"))
		if i == n {
			return strings.TrimRight(string(line), "\r"), true
		}
		data = rest
	}
	return "", false
}

func (p *mapParser) readYAML(data []byte) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		msg := err.Error()
		if m := yamlLine.FindStringSubmatch(msg); m != nil {
			line, _ := strconv.Atoi(m[1])
			if text, ok := lineOf(data, line); ok && placeholder.MatchString(text) {
				// An unmapped header of a written mapping file, uncommented
				// but not yet given its field.
				p.errorAt(line, 0, "write the field this header stands for in place of \"?\", or put the \"#\" back")
				return
			}
			p.errorAt(line, 0, "not valid YAML: %s", m[2])
			return
		}
		p.errorAt(0, 0, "not valid YAML: %s", strings.TrimPrefix(msg, "yaml: "))
		return
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return // an empty file maps nothing
	}
	root := deref(doc.Content[0])
	if isNull(root) {
		return
	}
	if root.Kind != yaml.MappingNode {
		p.errorf(root, "want the sections headers: and values:, not %s", kindName(root))
		return
	}
	seen := map[string]int{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := deref(root.Content[i]), deref(root.Content[i+1])
		if k.Kind != yaml.ScalarNode {
			p.errorf(k, "want the sections headers: and values:, not %s", kindName(k))
			continue
		}
		if line, dup := seen[k.Value]; dup {
			p.errorf(k, "section %q is given twice (also at line %d)", k.Value, line)
			continue
		}
		seen[k.Value] = k.Line
		switch k.Value {
		case "headers":
			p.yamlHeaders(v)
		case "values":
			p.yamlValues(v)
		default:
			hint := ""
			if s := contract.Nearest(k.Value, []string{"headers", "values"}); s != "" {
				hint = fmt.Sprintf(" (did you mean %q?)", s)
			}
			p.errorf(k, "unknown section %q%s: a mapping file has headers: and values:", k.Value, hint)
		}
	}
}

func (p *mapParser) yamlHeaders(n *yaml.Node) {
	if isNull(n) {
		return
	}
	if n.Kind != yaml.MappingNode {
		p.errorf(n, "headers: want header text and the field it stands for, one a line (Agent Charge: recruitment_fee_paid_by_worker), not %s", kindName(n))
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := deref(n.Content[i]), deref(n.Content[i+1])
		if k.Kind != yaml.ScalarNode {
			p.errorf(k, "headers: a header is text, not %s", kindName(k))
			continue
		}
		if v.Kind != yaml.ScalarNode {
			p.errorf(v, "header %q: want one field name, not %s", k.Value, kindName(v))
			continue
		}
		p.header(k.Line, k.Column, v.Line, v.Column, k.Value, v.Value)
	}
}

// header records one header → field line, or its problems.
func (p *mapParser) header(line, col, vline, vcol int, text, name string) {
	key := contract.NormalizeHeader(text)
	if key == "" {
		p.errorAt(line, col, "header %q has no letters or digits to match", text)
		return
	}
	if first, dup := p.headerAt[key]; dup {
		p.errorAt(line, col, "header %q is mapped twice (also at line %d; headers match ignoring case, spacing and punctuation)", text, first)
		return
	}
	p.headerAt[key] = line
	name = strings.TrimSpace(name)
	if name == "" || name == "?" {
		p.errorAt(vline, vcol, "header %q: no field given; write the field it stands for, or delete the line", text)
		return
	}
	f := p.field(vline, vcol, fmt.Sprintf("header %q: ", text), name)
	if f == nil {
		return
	}
	p.m.Headers[text] = f.Name
}

// field looks up a field name, reporting an unknown one with the nearest.
func (p *mapParser) field(line, col int, where, name string) *contract.Field {
	if f := p.schema.Field(name); f != nil {
		return f
	}
	hint := ""
	guess := strings.ToLower(strings.Join(strings.Fields(name), "_"))
	if p.schema.Field(guess) == nil {
		guess = p.schema.Closest(guess)
	}
	if guess != "" {
		hint = fmt.Sprintf(" (did you mean %q?)", guess)
	}
	p.errorAt(line, col, "%sunknown field %q%s", where, name, hint)
	return nil
}

func (p *mapParser) yamlValues(n *yaml.Node) {
	if isNull(n) {
		return
	}
	if n.Kind != yaml.MappingNode {
		p.errorf(n, "values: want field names, each with cell texts and the values they stand for, not %s", kindName(n))
		return
	}
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := deref(n.Content[i]), deref(n.Content[i+1])
		if k.Kind != yaml.ScalarNode {
			p.errorf(k, "values: want a field name, not %s", kindName(k))
			continue
		}
		f := p.field(k.Line, k.Column, "values: ", k.Value)
		if f == nil {
			continue
		}
		if line, dup := seen[f.Name]; dup {
			p.errorf(k, "values: %s is listed twice (also at line %d)", f.Name, line)
			continue
		}
		seen[f.Name] = k.Line
		if isNull(v) {
			continue
		}
		if v.Kind != yaml.MappingNode {
			p.errorf(v, "values: %s: want cell texts and the values they stand for (Site office: employer), not %s", f.Name, kindName(v))
			continue
		}
		words := map[string]int{}
		for j := 0; j+1 < len(v.Content); j += 2 {
			ck, cv := deref(v.Content[j]), deref(v.Content[j+1])
			if ck.Kind != yaml.ScalarNode {
				p.errorf(ck, "values: %s: a cell text is text, not %s", f.Name, kindName(ck))
				continue
			}
			word := contract.NormalizeWord(ck.Value)
			if word == "" {
				p.errorf(ck, "values: %s: cell text %q has no letters or digits to match", f.Name, ck.Value)
				continue
			}
			if line, dup := words[word]; dup {
				p.errorf(ck, "values: %s: cell text %q is mapped twice (also at line %d; cell texts match ignoring case, spacing and punctuation)", f.Name, ck.Value, line)
				continue
			}
			words[word] = ck.Line
			if cv.Kind != yaml.ScalarNode {
				p.errorf(cv, "values: %s: %q: want one value, not %s", f.Name, ck.Value, kindName(cv))
				continue
			}
			val, msg := mappedValue(f, cv)
			if msg != "" {
				p.errorf(cv, "values: %s: %q: %s", f.Name, ck.Value, msg)
				continue
			}
			if p.m.Values[f.Name] == nil {
				p.m.Values[f.Name] = map[string]string{}
			}
			p.m.Values[f.Name][word] = val
		}
	}
}

// mappedValue checks the value a cell wording is mapped to against its
// field, and returns it as the field reads it; msg says what is wrong.
func mappedValue(f *contract.Field, n *yaml.Node) (val, msg string) {
	if isNull(n) {
		return "", `no value given; write the value to read instead, or "" to read the cell as blank`
	}
	text := strings.TrimSpace(n.Value)
	if text == "" {
		return "", ""
	}
	switch f.Type {
	case contract.Enum:
		for _, v := range f.Values {
			if contract.NormalizeWord(text) == contract.NormalizeWord(v) {
				return v, ""
			}
		}
		return "", fmt.Sprintf("%q is not a value of %s; use one of: %s", text, f.Name, strings.Join(f.Values, ", "))
	case contract.Bool:
		switch contract.NormalizeWord(text) {
		case "yes", "true", "y":
			return "yes", ""
		case "no", "false", "n":
			return "no", ""
		}
		return "", fmt.Sprintf("%s is a yes/no field: map the cell text to yes or no, not %q", f.Name, text)
	case contract.String:
		return text, ""
	}
	if _, err := f.Parse(text, contract.Hints{}); err != nil {
		want := map[contract.Type]string{
			contract.Int:      "a whole number",
			contract.Number:   "a number",
			contract.Money:    "an amount, such as 500 or USD 500",
			contract.Duration: "a number of days, or a period such as 1 month",
			contract.Date:     "a date such as 2024-06-30",
		}[f.Type]
		return "", fmt.Sprintf("%q cannot be read as %s (%v); want %s", text, f.Name, err, want)
	}
	return text, ""
}

// deref follows a YAML alias (*name) to the node it names.
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n.Kind == yaml.AliasNode && n.Alias != nil && i < 8; i++ {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null" || n.Kind == 0
}

// kindName names a node's shape for messages.
func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "nothing"
		}
		return fmt.Sprintf("%q", n.Value)
	}
	return "an alias"
}

// readCSV reads the two-column form: header,field.
func (p *mapParser) readCSV(data []byte, tsv bool) {
	r := csv.NewReader(bytes.NewReader(data))
	if tsv {
		r.Comma = '\t'
	}
	r.Comment = '#'
	r.FieldsPerRecord = -1
	for first := true; ; first = false {
		rec, err := r.Read()
		if err == io.EOF {
			return
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				p.errorAt(pe.Line, pe.Column, "not valid CSV: %v", pe.Err)
			} else {
				p.errorAt(0, 0, "not valid CSV: %v", err)
			}
			return
		}
		line, _ := r.FieldPos(0)
		if len(rec) != 2 {
			p.errorAt(line, 0, "want two columns, header and field; got %d", len(rec))
			continue
		}
		h, f := strings.TrimSpace(rec[0]), strings.TrimSpace(rec[1])
		if first && strings.EqualFold(h, "header") && strings.EqualFold(f, "field") {
			continue
		}
		_, fcol := r.FieldPos(1)
		p.header(line, 1, line, fcol, h, f)
	}
}
