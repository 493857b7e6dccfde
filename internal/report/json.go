package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"strings"

	"github.com/laborcheck/laborcheck/internal/contract"
)

// WriteJSON writes r as JSON: indented (two spaces), but for the elements
// of its lists of rows (contracts, findings, data_issues, rule_errors),
// which are written one to a line, compact, so that a report of hundreds
// of thousands of contracts stays as small as its content and a row can be
// found with grep. Contracts and findings come in report order, highest
// risk first (see [Report.EachFinding]). Keys come in struct order and map
// keys sorted, so the same report gives the same bytes; a nil list is
// written as [] and a nil map as {}, and summary.by_severity has every
// severity word. Characters such as '<' and '&' are written as they are,
// not as \u escapes.
//
// Indented again (json.Indent), the output is identical to encoding the
// whole report at once, indented; but each element of a top-level list is
// encoded on its own, so a report with hundreds of thousands of contracts
// is never held in memory as one JSON document.
func WriteJSON(w io.Writer, r *Report) error {
	n := normalize(r)
	bw := bufio.NewWriterSize(w, 64<<10)

	var buf bytes.Buffer
	field := json.NewEncoder(&buf) // a top-level value, one level deep
	field.SetEscapeHTML(false)
	field.SetIndent("  ", "  ")
	elem := json.NewEncoder(&buf) // an element of a top-level list
	elem.SetEscapeHTML(false)
	elem.SetIndent("    ", "  ")
	row := json.NewEncoder(&buf) // a row: one line
	row.SetEscapeHTML(false)
	encode := func(enc *json.Encoder, v any) error {
		buf.Reset()
		if err := enc.Encode(v); err != nil {
			return err
		}
		_, err := bw.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
		return err
	}

	v := reflect.ValueOf(n).Elem()
	t := v.Type()
	bw.WriteString("{")
	first := true
	for i := range t.NumField() {
		name, ok := jsonKey(t.Field(i))
		if !ok {
			continue
		}
		if !first {
			bw.WriteString(",")
		}
		first = false
		fmt.Fprintf(bw, "\n  %q: ", name)
		fv := v.Field(i)
		if each, ok := n.lists(name); ok {
			// contracts and findings: from memory or read back from disk,
			// encoded by jsonfast.go where it can.
			j := 0
			var fast []byte
			err := each(func(x any) error {
				if j == 0 {
					bw.WriteString("[")
				} else {
					bw.WriteString(",")
				}
				bw.WriteString("\n    ")
				j++
				switch x := x.(type) {
				case *Contract:
					fast = appendContractJSON(fast[:0], x)
					_, err := bw.Write(fast)
					return err
				case *Finding:
					var ok bool
					if fast, ok = appendFindingJSON(fast[:0], x); ok {
						_, err := bw.Write(fast)
						return err
					}
				}
				return encode(row, x)
			})
			if err != nil {
				return fmt.Errorf("encode %s[%d]: %w", name, j-1, err)
			}
			if j == 0 {
				bw.WriteString("[]")
			} else {
				bw.WriteString("\n  ]")
			}
			continue
		}
		if fv.Kind() != reflect.Slice {
			if err := encode(field, fv.Interface()); err != nil {
				return fmt.Errorf("encode %s: %w", name, err)
			}
			continue
		}
		if fv.Len() == 0 {
			bw.WriteString("[]")
			continue
		}
		enc := elem
		if rowLists[name] {
			enc = row
		}
		bw.WriteString("[")
		for j := range fv.Len() {
			if j > 0 {
				bw.WriteString(",")
			}
			bw.WriteString("\n    ")
			if err := encode(enc, fv.Index(j).Interface()); err != nil {
				return fmt.Errorf("encode %s[%d]: %w", name, j, err)
			}
		}
		bw.WriteString("\n  ]")
	}
	bw.WriteString("\n}\n")
	return bw.Flush()
}

// rowLists are the top-level lists whose elements WriteJSON writes one to
// a line (contracts and findings are always passed through lists).
var rowLists = map[string]bool{"contracts": true, "findings": true, "data_issues": true, "rule_errors": true}

// lists returns, for the keys of the report's two long lists, a function
// that passes their elements, normalized, to fn in order. (Elements read
// back from Rows are normalized here; normalize has done the others.)
func (n *Report) lists(key string) (func(fn func(any) error) error, bool) {
	switch key {
	case "contracts":
		return func(fn func(any) error) error {
			return n.eachContract(func(c *Contract) error { return fn(c) }, true)
		}, true
	case "findings":
		return func(fn func(any) error) error {
			return n.eachFinding(func(f *Finding) error {
				if f.Evidence == nil || f.References == nil {
					g := *f
					if g.Evidence == nil {
						g.Evidence = map[string]Evidence{}
					}
					g.References = orEmpty(g.References)
					f = &g
				}
				return fn(f)
			}, true)
		}, true
	}
	return nil, false
}

// jsonKey returns the key of a top-level Report field. Report's fields are
// all tagged plainly (no omitempty); TestWriteJSON_MatchesEncoder holds
// WriteJSON to encoding/json's output so a new field cannot drift.
func jsonKey(f reflect.StructField) (string, bool) {
	if !f.IsExported() {
		return "", false
	}
	tag := f.Tag.Get("json")
	if tag == "-" {
		return "", false
	}
	name, _, _ := strings.Cut(tag, ",")
	if name == "" {
		name = f.Name
	}
	return name, true
}

// normalize returns r with every nil list as an empty one, every nil map as
// an empty one and every severity word in Summary.BySeverity. r is not
// changed: parts that need no change are shared, and a list is copied only
// when one of its elements needs a change.
func normalize(r *Report) *Report {
	n := *r
	bySev := make(map[string]int, len(contract.Severities()))
	for k, v := range r.Summary.BySeverity {
		bySev[k] = v
	}
	for _, w := range contract.Severities() {
		bySev[w] += 0
	}
	n.Summary.BySeverity = bySev
	if n.Summary.ByIndicator == nil {
		n.Summary.ByIndicator = map[string]int{}
	}
	n.Inputs, _ = fixEach(r.Inputs, func(in *Input) bool {
		var changed bool
		in.Sheets, changed = fixEach(in.Sheets, func(s *Sheet) bool {
			ch := s.Mapped == nil || s.Unmapped == nil
			s.Mapped = orEmpty(s.Mapped)
			s.Unmapped = orEmpty(s.Unmapped)
			return ch
		})
		return changed
	})
	n.Contracts = orEmpty(r.Contracts)
	n.Findings, _ = fixEach(r.Findings, func(f *Finding) bool {
		ch := f.Evidence == nil || f.References == nil
		if f.Evidence == nil {
			f.Evidence = map[string]Evidence{}
		}
		f.References = orEmpty(f.References)
		return ch
	})
	n.DataIssues = orEmpty(r.DataIssues)
	n.RuleErrors = orEmpty(r.RuleErrors)
	n.Suppliers, _ = fixEach(r.Suppliers, func(s *Supplier) bool {
		ch := s.ByIndicator == nil || s.IndicatorsChecked == nil || s.IndicatorsPartly == nil || s.IndicatorsNotChecked == nil
		if s.ByIndicator == nil {
			s.ByIndicator = map[string]int{}
		}
		s.IndicatorsChecked = orEmpty(s.IndicatorsChecked)
		s.IndicatorsPartly = orEmpty(s.IndicatorsPartly)
		s.IndicatorsNotChecked = orEmpty(s.IndicatorsNotChecked)
		return ch
	})
	n.Rules, _ = fixEach(r.Rules, func(ru *Rule) bool {
		ch := ru.References == nil
		ru.References = orEmpty(ru.References)
		return ch
	})
	n.Run.RuleFiles = orEmpty(r.Run.RuleFiles)
	n.Run.Tables = orEmpty(r.Run.Tables)
	return &n
}

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// fixEach applies fix to a copy of each element of s. It returns s itself
// when fix changed nothing, or a new slice of the fixed copies and true when
// it changed something. A nil s becomes an empty slice (and counts as a change).
func fixEach[T any](s []T, fix func(*T) bool) ([]T, bool) {
	if s == nil {
		return []T{}, true
	}
	var out []T
	for i := range s {
		e := s[i]
		if fix(&e) && out == nil {
			out = make([]T, len(s))
			copy(out, s[:i])
		}
		if out != nil {
			out[i] = e
		}
	}
	if out == nil {
		return s, false
	}
	return out, true
}
