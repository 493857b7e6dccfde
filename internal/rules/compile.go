package rules

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/ast"
	"go.yaml.in/yaml/v3"

	"github.com/laborcheck/laborcheck/internal/contract"
)

// DefaultCostLimit bounds the work one rule may do on one contract. CEL
// counts cost in its own units (roughly one per operation, more for string
// and list work); a rule that exceeds it on a contract ends as an error for
// that contract.
const DefaultCostLimit = 100_000

// CompileOptions tune compilation.
type CompileOptions struct {
	CostLimit uint64 // per evaluation; 0 means DefaultCostLimit
}

// Program is a compiled rule set, ready to evaluate contracts. It is safe for
// concurrent use; each goroutine needs its own [Evaluator].
type Program struct {
	Set   *Set
	Rules []*Compiled
	env   *Env
}

// Compiled is one rule with its expressions compiled.
type Compiled struct {
	*Rule
	Index    int   // position in Program.Rules
	Fields   []int // schema indexes of the fields the rule reads, ascending
	when     cel.Program
	expr     cel.Program
	escalate []compiledEscalation
	message  []messagePart
}

type compiledEscalation struct {
	prog     cel.Program
	severity contract.Severity
}

// messagePart is literal text, or a {{ expression }} to render.
type messagePart struct {
	text  string
	prog  cel.Program
	field int // >= 0 when the expression is exactly contract.<field>
}

// Compile type-checks and compiles every rule of set. It returns all problems
// in all rules, each at its place in its file.
func (e *Env) Compile(set *Set, opts CompileOptions) (*Program, Errors) {
	if opts.CostLimit == 0 {
		opts.CostLimit = DefaultCostLimit
	}
	p := &Program{Set: set, env: e}
	var errs Errors
	for _, r := range set.Rules {
		c, ce := e.compileRule(r, opts)
		errs = append(errs, ce...)
		if len(ce) == 0 {
			c.Index = len(p.Rules)
			p.Rules = append(p.Rules, c)
		}
	}
	return p, errs
}

func (e *Env) compileRule(r *Rule, opts CompileOptions) (*Compiled, Errors) {
	c := &Compiled{Rule: r}
	var errs Errors
	fields := map[int]bool{}
	compile := func(src string, node *yaml.Node, what string, wantBool bool) cel.Program {
		if node == nil || strings.TrimSpace(src) == "" {
			return nil
		}
		checked, iss := e.cel.Compile(src)
		if iss.Err() != nil {
			for _, ce := range iss.Errors() {
				errs = append(errs, e.celError(r, node, src, ce.Location.Line(), ce.Location.Column(), ce.Message, what))
			}
			return nil
		}
		if wantBool && !checked.OutputType().IsExactType(cel.BoolType) {
			errs = append(errs, e.celError(r, node, src, 1, 0,
				fmt.Sprintf("%s must be true or false, but this expression gives %s", what, checked.OutputType()),
				what))
			return nil
		}
		for _, i := range e.readFields(checked) {
			fields[i] = true
		}
		prg, err := e.cel.Program(checked,
			cel.EvalOptions(cel.OptOptimize),
			cel.CostLimit(opts.CostLimit),
		)
		if err != nil {
			errs = append(errs, e.celError(r, node, src, 1, 0, err.Error(), what))
			return nil
		}
		return prg
	}
	c.expr = compile(r.Expr, r.nodes["expr"], "expr", true)
	c.when = compile(r.When, r.nodes["when"], "when", true)
	for _, esc := range r.Escalate {
		if prg := compile(esc.When, esc.node, "escalate.when", true); prg != nil {
			c.escalate = append(c.escalate, compiledEscalation{prog: prg, severity: esc.Severity})
		}
	}
	c.message = e.compileMessage(r, &errs)
	for i := range fields {
		c.Fields = append(c.Fields, i)
	}
	slices.Sort(c.Fields)
	return c, errs
}

var placeholder = regexp.MustCompile(`\{\{(.*?)\}\}`)

func (e *Env) compileMessage(r *Rule, errs *Errors) []messagePart {
	node := r.nodes["message"]
	var parts []messagePart
	last := 0
	for _, m := range placeholder.FindAllStringSubmatchIndex(r.Message, -1) {
		if m[0] > last {
			parts = append(parts, messagePart{text: r.Message[last:m[0]], field: -1})
		}
		src := strings.TrimSpace(r.Message[m[2]:m[3]])
		last = m[1]
		part := messagePart{field: -1}
		if name, ok := strings.CutPrefix(src, "contract."); ok {
			if f := e.schema.Field(name); f != nil {
				part.field = f.Index
			}
		}
		checked, iss := e.cel.Compile(src)
		if iss.Err() != nil {
			for _, ce := range iss.Errors() {
				line, col := 1, m[2]+ce.Location.Column()
				*errs = append(*errs, e.celError(r, node, r.Message, line, col, ce.Message, "message"))
			}
			continue
		}
		prg, err := e.cel.Program(checked, cel.EvalOptions(cel.OptOptimize))
		if err != nil {
			*errs = append(*errs, e.celError(r, node, r.Message, 1, m[2], err.Error(), "message"))
			continue
		}
		part.prog = prg
		parts = append(parts, part)
	}
	if last < len(r.Message) {
		parts = append(parts, messagePart{text: r.Message[last:], field: -1})
	}
	return parts
}

// readFields lists the schema fields an expression selects from contract.
func (e *Env) readFields(checked *cel.Ast) []int {
	var out []int
	ast.PreOrderVisit(ast.NavigateAST(checked.NativeRep()), ast.NewExprVisitor(func(x ast.Expr) {
		if x.Kind() != ast.SelectKind {
			return
		}
		sel := x.AsSelect()
		if op := sel.Operand(); op.Kind() == ast.IdentKind && op.AsIdent() == "contract" {
			if f := e.schema.Field(sel.FieldName()); f != nil {
				out = append(out, f.Index)
			}
		}
	}))
	return out
}

var (
	undefinedField = regexp.MustCompile(`undefined field '([^']+)'`)
	undeclaredRef  = regexp.MustCompile(`undeclared reference to '([^']+)'`)
)

// celError places a CEL issue (line and 0-based column within the
// expression) at its position in the rule file.
func (e *Env) celError(r *Rule, node *yaml.Node, src string, line, col int, msg, what string) *Error {
	f := r.file
	err := &Error{File: r.File, RuleID: r.ID, Msg: fmt.Sprintf("%s: %s", what, msg)}
	if node == nil {
		return err
	}
	if line < 1 {
		line = 1
	}
	switch node.Style {
	case yaml.LiteralStyle, yaml.FoldedStyle:
		err.Line = node.Line + line
		err.Col = indentOf(f.line(err.Line)) + col + 1
	default:
		err.Line = node.Line + line - 1
		if line == 1 {
			err.Col = node.Column + col
			if node.Style == yaml.DoubleQuotedStyle || node.Style == yaml.SingleQuotedStyle {
				err.Col++
			}
		} else {
			err.Col = indentOf(f.line(err.Line)) + col + 1
		}
	}
	err.Snippet = f.line(err.Line)
	err.Hint = e.hint(msg, src)
	return err
}

func indentOf(s string) int {
	return len(s) - len(strings.TrimLeft(s, " \t"))
}

func (e *Env) hint(msg, src string) string {
	if m := undefinedField.FindStringSubmatch(msg); m != nil {
		if best := e.schema.Closest(m[1]); best != "" {
			return fmt.Sprintf("did you mean contract.%s?", best)
		}
		return "contract fields are the schema's field names; `laborcheck inspect FILE` shows how a roster's headers map to them"
	}
	if m := undeclaredRef.FindStringSubmatch(msg); m != nil {
		if f := e.schema.Field(m[1]); f != nil {
			return fmt.Sprintf("contract fields are written contract.%s", m[1])
		}
		if best := e.schema.Closest(m[1]); best != "" {
			return fmt.Sprintf("did you mean contract.%s?", best)
		}
		return "expressions can use contract.<field>, review_date and the variables defined in the file"
	}
	switch {
	case strings.Contains(msg, "google.protobuf.Timestamp") && strings.Contains(msg, "no matching overload"):
		return "dates compare with dates: timestamp('2024-01-01T00:00:00Z'), review_date, or a date field; use duration('720h') for spans"
	case strings.Contains(msg, "no matching overload") && strings.Contains(msg, "string"):
		return "text compares with text in quotes, numbers with numbers; check the field's type with `laborcheck inspect`"
	case strings.Contains(msg, "must be true or false"):
		return "compare the value, e.g. contract.recruitment_fee_paid_by_worker > 0"
	case strings.Contains(msg, "Syntax error"):
		return "check brackets and quotes; text values are written in quotes, e.g. contract.passport_held_by == \"employer\""
	}
	return ""
}
