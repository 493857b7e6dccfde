package rules

import (
	"fmt"
	"time"

	"github.com/laborcheck/laborcheck/internal/contract"
)

// TestResult is the outcome of one rule example.
type TestResult struct {
	Rule *Compiled
	Test Test
	Got  Status
	// Severity is, when Got is Flag, the severity the rule's file gives
	// the flag (see Outcome.Written).
	Severity contract.Severity
	Err      error    // why the rule failed, when Got is Failed
	Setup    error    // the example itself is broken (unknown field, unreadable value)
	Values   []string // "field=value" for the fields the rule read, for failure reports
	// Variables are "name=value" for the variables the rule read.
	Variables []string
	// Missing are the blank fields that left the rule undecided, and
	// Lookups the table lookups that found nothing (Got is Insufficient).
	Missing []string
	Lookups []string
}

// OK reports whether the rule reached the expected outcome.
func (t TestResult) OK() bool {
	if t.Setup != nil {
		return false
	}
	switch t.Test.Expect {
	case ExpectFlag:
		return t.Got == Flag && (t.Test.Severity == contract.SeverityNone || t.Severity == t.Test.Severity)
	case ExpectPass:
		return t.Got == Pass
	case ExpectInsufficient:
		return t.Got == Insufficient
	}
	return false
}

// Where is "file:line" of the example.
func (t TestResult) Where() string { return fmt.Sprintf("%s:%d", t.Rule.File, t.Test.Line) }

// TestReviewDate is the review_date rule examples run with, so that they give
// the same result whatever day they run.
var TestReviewDate = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

// RunTests evaluates every example of every rule. derive, when not nil, is
// applied to each example contract before evaluation, as a scan would.
func (p *Program) RunTests(derive func(*contract.Contract)) []TestResult {
	schema := p.env.schema
	ev := p.NewEvaluator(TestReviewDate)
	var out []TestResult
	for _, r := range p.Rules {
		for _, t := range r.Tests {
			res := TestResult{Rule: r, Test: t}
			c, err := p.exampleContract(r, t)
			if err != nil {
				res.Setup = err
				out = append(out, res)
				continue
			}
			if derive != nil {
				derive(c)
			}
			o := ev.Eval(r, c)
			res.Got, res.Err, res.Lookups, res.Severity = o.Status, o.Err, o.Lookups, o.Written
			for _, i := range o.Missing {
				res.Missing = append(res.Missing, schema.Fields()[i].Name)
			}
			res.Variables = ev.VariableValues(r, c)
			for _, i := range r.Fields {
				f := schema.Fields()[i]
				v := c.Value(i)
				shown := "(blank)"
				if v.Present {
					shown = v.Display(f.Type)
				}
				res.Values = append(res.Values, f.Name+"="+shown)
			}
			out = append(out, res)
		}
	}
	return out
}

func (p *Program) exampleContract(r *Compiled, t Test) (*contract.Contract, error) {
	schema := p.env.schema
	c := &contract.Contract{File: r.File, Row: t.Line, Values: make([]contract.Value, schema.Len())}
	for _, name := range t.keys {
		f := schema.Field(name)
		if f == nil {
			n := t.nodes[name]
			hint := ""
			if best := p.env.closestField(name); best != "" {
				hint = fmt.Sprintf("did you mean %q?", best)
			}
			return nil, &Error{File: r.File, Line: n.Line, Col: n.Column, RuleID: r.ID, Msg: fmt.Sprintf("test %q: unknown field %q", t.Name, name), Hint: hint, Snippet: r.file.line(n.Line)}
		}
		v, err := f.Parse(t.Contract[name], contract.Hints{DateOrder: contract.DayFirst})
		if err != nil {
			n := t.nodes[name]
			return nil, &Error{File: r.File, Line: n.Line, Col: n.Column, RuleID: r.ID, Msg: fmt.Sprintf("test %q: %s value %q: %v", t.Name, name, t.Contract[name], err), Snippet: r.file.line(n.Line)}
		}
		c.Values[f.Index] = v
	}
	return c, nil
}
