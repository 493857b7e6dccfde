package rules

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/google/cel-go/interpreter"

	"github.com/laborcheck/laborcheck/internal/contract"
)

// Status is how one rule ended on one contract.
type Status int

// Rule outcomes.
const (
	Pass         Status = iota // the contract does not show the indicator, or the rule does not apply
	Flag                       // the contract shows the indicator
	Insufficient               // fields the rule needs are blank: unknown, not false
	Failed                     // the rule could not be evaluated (reported, never fatal)
)

var statusNames = [...]string{"pass", "flag", "insufficient", "error"}

func (s Status) String() string { return statusNames[s] }

// Outcome is the result of one rule on one contract.
type Outcome struct {
	Status   Status
	Severity contract.Severity // Flag: the rule's severity, raised by escalations
	Missing  []int             // Insufficient: schema indexes of the blank fields that left it undecided
	Err      error             // Failed: why
}

// Evaluator evaluates compiled rules on contracts. It reuses its activation,
// so one goroutine uses it at a time; make one per worker.
type Evaluator struct {
	p   *Program
	act activation
}

// NewEvaluator returns an evaluator of p. reviewDate is the review_date the
// expressions see (the zero time means today).
func (p *Program) NewEvaluator(reviewDate time.Time) *Evaluator {
	if reviewDate.IsZero() {
		reviewDate = time.Now()
	}
	y, m, d := reviewDate.Date()
	ev := &Evaluator{p: p}
	ev.act.review = timestamp(time.Date(y, m, d, 0, 0, 0, 0, time.UTC))
	ev.act.val.t = p.env.ct
	return ev
}

type activation struct {
	val    contractVal
	review ref.Val
}

func (a *activation) ResolveName(name string) (any, bool) {
	switch name {
	case "contract":
		return &a.val, true
	case "review_date":
		return a.review, true
	}
	return nil, false
}

func (a *activation) Parent() interpreter.Activation { return nil }

// Eval evaluates rule r on contract c.
func (ev *Evaluator) Eval(r *Compiled, c *contract.Contract) Outcome {
	ev.act.val.c = c
	if r.when != nil {
		o := ev.decide(r.when, c)
		if o.Status != Flag {
			return o // false: the rule does not apply; unknown or error as they are
		}
	}
	o := ev.decide(r.expr, c)
	if o.Status != Flag {
		return o
	}
	o.Severity = r.Severity
	for _, esc := range r.escalate {
		if e := ev.decide(esc.prog, c); e.Status == Flag && esc.severity > o.Severity {
			o.Severity = esc.severity
		}
	}
	return o
}

// decide runs a boolean program: true → Flag, false → Pass.
func (ev *Evaluator) decide(prg cel.Program, c *contract.Contract) Outcome {
	out, _, err := prg.Eval(&ev.act)
	if err != nil {
		return Outcome{Status: Failed, Err: cleanErr(err)}
	}
	switch v := out.(type) {
	case types.Bool:
		if v {
			return Outcome{Status: Flag}
		}
		return Outcome{Status: Pass}
	case *types.Unknown:
		return Outcome{Status: Insufficient, Missing: missingFields(v)}
	}
	return Outcome{Status: Failed, Err: fmt.Errorf("expression gave %v, not true or false", out)}
}

func cleanErr(err error) error {
	msg := err.Error()
	if strings.Contains(msg, "operation cancelled: actual cost limit exceeded") {
		return errors.New("evaluation cost limit exceeded")
	}
	return err
}

func missingFields(u *types.Unknown) []int {
	var out []int
	for _, id := range u.IDs() {
		if id <= -unknownBase {
			out = append(out, int(-id-unknownBase))
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Message renders the rule's message for contract c.
func (ev *Evaluator) Message(r *Compiled, c *contract.Contract) string {
	ev.act.val.c = c
	var b strings.Builder
	schema := ev.p.env.schema
	for _, part := range r.message {
		if part.prog == nil {
			b.WriteString(part.text)
			continue
		}
		if part.field >= 0 {
			f := schema.Fields()[part.field]
			v := c.Value(part.field)
			if !v.Present {
				b.WriteString("(blank)")
			} else {
				b.WriteString(v.Display(f.Type))
			}
			continue
		}
		out, _, err := part.prog.Eval(&ev.act)
		switch {
		case err != nil:
			b.WriteString("(error)")
		case types.IsUnknown(out):
			b.WriteString("(blank)")
		default:
			b.WriteString(formatVal(out))
		}
	}
	return b.String()
}

func formatVal(v ref.Val) string {
	switch x := v.(type) {
	case types.Double:
		return strconv.FormatFloat(float64(x), 'f', -1, 64)
	case types.Timestamp:
		return x.Time.Format(time.DateOnly)
	case types.String:
		return string(x)
	}
	return fmt.Sprint(v.Value())
}
