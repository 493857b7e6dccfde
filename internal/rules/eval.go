package rules

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/google/cel-go/common/types/traits"
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
	// Written is, for Flag, the severity the rule's own file gives: its
	// declared severity raised by its escalations, before any override of
	// a later file. Rule examples assert it.
	Written contract.Severity
	Missing []int // Insufficient: schema indexes of the blank fields that left it undecided (shared: read only)
	// Lookups are, for Insufficient, the table lookups that found no value,
	// e.g. `table min_wage has no row for "MY", "2024"`.
	Lookups []string
	Err     error // Failed: why
}

// Evaluator evaluates compiled rules on contracts. It reuses its activation
// and remembers the values of variables for the contract it last saw, so one
// goroutine uses it at a time (make one per worker), and a contract must not
// change between calls that evaluate it.
type Evaluator struct {
	p          *Program
	act        activation
	reviewTime time.Time          // review_date, for native evaluation
	native     nenv               // native evaluation's environment
	missings   map[fieldSet][]int // Outcome.Missing lists, by field set
	celOnly    bool               // evaluate with CEL only (tests compare the two)
}

// NewEvaluator returns an evaluator of p. reviewDate is the review_date the
// expressions see (the zero time means today).
func (p *Program) NewEvaluator(reviewDate time.Time) *Evaluator {
	if reviewDate.IsZero() {
		reviewDate = time.Now()
	}
	y, m, d := reviewDate.Date()
	ev := &Evaluator{p: p, reviewTime: time.Date(y, m, d, 0, 0, 0, 0, time.UTC)}
	ev.native.review = ev.reviewTime
	ev.act.review = timestamp(ev.reviewTime)
	ev.act.val.t = p.env.ct
	ev.act.cache = make([][]ref.Val, len(p.files))
	for i, f := range p.files {
		ev.act.cache[i] = make([]ref.Val, len(f.vars))
	}
	return ev
}

// activation resolves the names an expression reads: contract, review_date
// and the variables of the file being evaluated, each computed on first use
// and kept until the contract changes.
type activation struct {
	val    contractVal
	review ref.Val
	file   *compiledFile
	cache  [][]ref.Val // [file][variable]; nil until computed
}

func (a *activation) ResolveName(name string) (any, bool) {
	switch name {
	case "contract":
		return &a.val, true
	case "review_date":
		return a.review, true
	}
	if v, ok := strings.CutPrefix(name, "variables."); ok && a.file != nil {
		if i, ok := a.file.varIndex[v]; ok {
			return a.variable(a.file.vars[i]), true
		}
	}
	return nil, false
}

func (a *activation) variable(v *compiledVar) ref.Val {
	slot := &a.cache[a.file.index][v.index]
	if *slot != nil {
		return *slot
	}
	var out ref.Val
	if v.prog == nil {
		out = types.NewErr("variable %s did not compile", v.Name)
	} else {
		val, _, err := v.prog.Eval(a)
		switch {
		case err != nil:
			out = types.WrapErr(fmt.Errorf("variables.%s: %w", v.Name, cleanErr(err)))
		default:
			out = val
		}
	}
	*slot = out
	return out
}

// use points the activation at contract c and rule r's file, forgetting
// variable values when the contract changes.
func (ev *Evaluator) use(r *Compiled, c *contract.Contract) {
	a := &ev.act
	a.file = r.cfile
	if a.val.c == c {
		return
	}
	a.val.c = c
	for _, vals := range a.cache {
		clear(vals)
	}
}

// Forget makes the evaluator forget the contract it last saw (and the
// variable values it computed for it), so that the contract can be reused
// for another row.
func (ev *Evaluator) Forget() {
	ev.act.val.c = nil
	for _, vals := range ev.act.cache {
		clear(vals)
	}
}

func (a *activation) Parent() interpreter.Activation { return nil }

// Eval evaluates rule r on contract c.
//
// Most rules are decided natively: those results are read as they come
// (see quick), and only a decision native evaluation leaves to CEL builds
// an Outcome of its own and points the activation at the contract.
func (ev *Evaluator) Eval(r *Compiled, c *contract.Contract) Outcome {
	if r.when != nil {
		switch st, unk := ev.quick(r.when, c); st {
		case qFalse:
			return Outcome{Status: Pass} // the rule does not apply
		case qUnknown:
			return Outcome{Status: Insufficient, Missing: ev.missing(unk)}
		case qSlow:
			if o := ev.slowDecide(r, r.when, c); o.Status != Flag {
				return o // false, unknown or error as they are
			}
		}
	}
	switch st, unk := ev.quick(r.expr, c); st {
	case qFalse:
		return Outcome{Status: Pass}
	case qUnknown:
		return Outcome{Status: Insufficient, Missing: ev.missing(unk)}
	case qSlow:
		if o := ev.slowDecide(r, r.expr, c); o.Status != Flag {
			return o
		}
	}
	o := Outcome{Status: Flag, Severity: r.Severity, Written: r.DeclaredSeverity}
	for _, esc := range r.escalate {
		if e := ev.decide(r, esc.prog, c); e.Status == Flag {
			o.Severity, o.Written = max(o.Severity, esc.severity), max(o.Written, esc.severity)
		}
	}
	return o
}

// qstate is a native decision's result.
type qstate uint8

const (
	qSlow    qstate = iota // not decided natively: slowDecide decides
	qFalse                 // false
	qTrue                  // true
	qUnknown               // unknown, naming the fields of its fieldSet
)

// quick decides d natively when it can. It hands back a state and a set
// of fields rather than an nval or an Outcome: it runs for every rule on
// every contract, and those are several times larger.
func (ev *Evaluator) quick(d *decision, c *contract.Contract) (qstate, fieldSet) {
	if d == nil || d.native == nil || ev.celOnly {
		return qSlow, fieldSet{}
	}
	return d.native.decide(c, &ev.native)
}

// missing returns the indexes of the fields in set, shared between the
// outcomes that name the same fields (Outcome.Missing is read-only).
func (ev *Evaluator) missing(set fieldSet) []int {
	if m, ok := ev.missings[set]; ok {
		return m
	}
	m := set.indexes()
	if ev.missings == nil {
		ev.missings = make(map[fieldSet][]int)
	}
	if len(ev.missings) < 1024 {
		ev.missings[set] = m
	}
	return m
}

// decide runs a boolean expression of rule r: true → Flag, false → Pass;
// natively when it can.
func (ev *Evaluator) decide(r *Compiled, d *decision, c *contract.Contract) Outcome {
	switch st, unk := ev.quick(d, c); st {
	case qTrue:
		return Outcome{Status: Flag}
	case qFalse:
		return Outcome{Status: Pass}
	case qUnknown:
		return Outcome{Status: Insufficient, Missing: ev.missing(unk)}
	}
	return ev.slowDecide(r, d, c)
}

// slowDecide is decide for a decision that quick left: by CEL.
func (ev *Evaluator) slowDecide(r *Compiled, d *decision, c *contract.Contract) Outcome {
	// CEL reads the contract and the variables of r's file through the
	// activation, pointed at them only now: native evaluation needs
	// neither.
	ev.use(r, c)
	out, _, err := d.prog.Eval(&ev.act)
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
		return Outcome{Status: Insufficient, Missing: missingFields(v), Lookups: lookupMisses(v)}
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
		if id <= -unknownBase && id > tableMissID {
			out = append(out, int(-id-unknownBase))
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func lookupMisses(u *types.Unknown) []string {
	trails, ok := u.GetAttributeTrails(tableMissID)
	if !ok {
		return nil
	}
	var out []string
	for _, t := range trails {
		if s, ok := missReason(t); ok {
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// VariableValues renders the values of the variables rule r reads on
// contract c, as "name=value", for explaining a result.
func (ev *Evaluator) VariableValues(r *Compiled, c *contract.Contract) []string {
	ev.use(r, c)
	var out []string
	for _, i := range r.vars {
		v := r.cfile.vars[i]
		out = append(out, v.Name+"="+display(ev.act.variable(v)))
	}
	return out
}

func display(v ref.Val) string {
	switch x := v.(type) {
	case *types.Unknown:
		if l := lookupMisses(x); len(l) > 0 {
			return "(unknown: " + strings.Join(l, "; ") + ")"
		}
		return "(unknown)"
	case *types.Err:
		return "(error: " + x.String() + ")"
	}
	return formatVal(v)
}

// Message renders the rule's message for contract c.
func (ev *Evaluator) Message(r *Compiled, c *contract.Contract) string {
	ev.use(r, c)
	var b strings.Builder
	// One allocation for most messages: the text, and a short value for
	// each expression.
	n := 0
	for _, part := range r.message {
		n += len(part.text) + 16
	}
	b.Grow(n)
	schema := ev.p.env.schema
	for _, part := range r.message {
		if part.prog == nil {
			b.WriteString(part.text)
			continue
		}
		if part.field >= 0 {
			f := schema.Fields()[part.field]
			v := c.Value(part.field)
			switch {
			case !v.Present && !c.HasColumn(part.field):
				b.WriteString("(not in the roster)") // the sheet has no such column
			case !v.Present:
				b.WriteString(notRecorded)
			default:
				b.WriteString(ev.messageValue(f, v, c))
			}
			continue
		}
		out, _, err := part.prog.Eval(&ev.act)
		switch {
		case err != nil:
			b.WriteString("(error)")
		case types.IsUnknown(out):
			b.WriteString(notRecorded)
		case out.Type() == types.BoolType:
			b.WriteString(yesNo(out == types.True))
		default:
			b.WriteString(formatVal(out))
		}
	}
	return b.String()
}

// notRecorded stands in a message for a value whose cell is blank.
const notRecorded = "not recorded"

// messageValue renders a field's value in a message as the roster has it:
// a yes/no field as the cell's own text ("Yes", "22:00"), never true or
// false; a value read from a wording with that wording beside it (agent
// ("Broker")); money with its currency, taken from the currency column
// when the cell names none, so that both sides of a comparison show one.
func (ev *Evaluator) messageValue(f *contract.Field, v contract.Value, c *contract.Contract) string {
	switch f.Type {
	case contract.Bool:
		if raw := strings.TrimSpace(v.Raw); raw != "" && !v.Derived {
			return raw
		}
		return yesNo(v.Bool)
	case contract.Enum:
		raw := strings.TrimSpace(v.Raw)
		if raw != "" && !v.Derived && contract.NormalizeWord(raw) != contract.NormalizeWord(v.Str) {
			return fmt.Sprintf("%s (%q)", v.Str, raw)
		}
		return v.Str
	case contract.Money:
		cur := v.Currency
		if cur == "" {
			if cf := ev.p.env.schema.Field("currency"); cf != nil {
				if cv := c.Value(cf.Index); cv.Present {
					cur = strings.ToUpper(strings.TrimSpace(cv.Str))
				}
			}
		}
		return moneyText(v.Num, cur)
	}
	return v.Display(f.Type)
}

// moneyText writes an amount as a roster would: the currency first, then
// the amount with thousands separators and at most two decimals
// ("NPR 150,000", "USD 1,200.50").
func moneyText(n float64, currency string) string {
	s := contract.GroupDigits(strings.TrimSuffix(strconv.FormatFloat(math.Abs(n), 'f', 2, 64), ".00"))
	if n < 0 {
		s = "-" + s
	}
	if currency == "" {
		return s
	}
	return currency + " " + s
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func formatVal(v ref.Val) string {
	switch x := v.(type) {
	case types.Double:
		// Thousands separators, as reports write amounts: a computed
		// double is an amount, a share or a rate, never a year.
		return contract.GroupDigits(strconv.FormatFloat(float64(x), 'f', -1, 64))
	case types.Timestamp:
		return x.Time.Format(time.DateOnly)
	case types.String:
		return string(x)
	case traits.Lister:
		var parts []string
		it := x.Iterator()
		for it.HasNext() == types.True {
			parts = append(parts, formatVal(it.Next()))
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	return fmt.Sprint(v.Value())
}
