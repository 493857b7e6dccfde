package rules

import (
	"cmp"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/ast"
	"go.yaml.in/yaml/v3"

	"github.com/laborcheck/laborcheck/internal/contract"
)

// DefaultCostLimit bounds the work one expression may do on one contract. CEL
// counts cost in its own units (roughly one per operation, more for string
// and list work); an expression that exceeds it on a contract ends as an
// error for that contract, never as a crash or a hang.
const DefaultCostLimit = 100_000

// DefaultCostBudget bounds a rule's estimated worst-case cost, summed over its
// expressions, message placeholders and the variables it reads. A rule over
// the budget does not load. The estimate assumes text of up to
// [MaxTextSize] characters and lists of up to [MaxListSize] items where the
// real sizes are not known from the rule file.
const DefaultCostBudget = 100_000

// Size assumptions of the cost estimate.
const (
	MaxTextSize = 1_000 // characters in a cell or a computed text
	MaxListSize = 100   // items in a list built from contract data
)

// CompileOptions tune compilation.
type CompileOptions struct {
	CostLimit  uint64 // per evaluation of one expression; 0 means DefaultCostLimit
	CostBudget uint64 // estimated per rule; 0 means DefaultCostBudget
}

// Program is a compiled rule set, ready to evaluate contracts. It is safe for
// concurrent use; each goroutine needs its own [Evaluator].
type Program struct {
	Set   *Set
	Rules []*Compiled
	// Warnings are problems that do not stop a scan (a rule that reads no
	// contract field, a variable no rule reads), for lint to show. They
	// include Set.Warnings.
	Warnings Errors
	env      *Env
	files    []*compiledFile
}

// Compiled is one rule with its expressions compiled.
type Compiled struct {
	*Rule
	Index int // position in Program.Rules
	// Fields are the schema indexes of the contract fields the rule's
	// decision reads, directly or through variables, ascending.
	Fields []int
	// Variables are the names of the variables the rule reads, directly or
	// through other variables, in declaration order.
	Variables []string
	// Cost is the estimated worst-case cost of the rule; LongCost the same
	// on text of MaxCellText characters, the most a cell holds.
	Cost     uint64
	LongCost uint64
	cfile    *compiledFile
	vars     []int // indexes of Variables in file.vars
	when     *decision
	expr     *decision
	escalate []compiledEscalation
	message  []messagePart
	need     *need // what deciding the rule needs of a roster (see Checkable)
}

type compiledEscalation struct {
	prog     *decision
	severity contract.Severity
}

// decision is a compiled boolean expression: its CEL program and, when it
// can be evaluated natively (see native.go), its native form.
type decision struct {
	prog   cel.Program
	native *nativeExpr
}

// messagePart is literal text, or a {{ expression }} to render.
type messagePart struct {
	text  string
	prog  cel.Program
	field int // >= 0 when the expression is exactly contract.<field>
}

// compiledFile is what the rules of one file share.
type compiledFile struct {
	e        *Env
	file     *File
	index    int // in Program.files
	env      *cel.Env
	vars     []*compiledVar
	varIndex map[string]int
	lists    map[string]*List
	used     map[string]bool // "variables.x", "lists.x", "tables.x" read anywhere in the file
}

// compiledVar is one variable of a file.
type compiledVar struct {
	*Variable
	index    int
	prog     cel.Program
	fields   []int // contract fields read, through earlier variables too
	need     *need // what deciding the variable needs, when it is true or false
	deps     []int // variables read, transitively, ascending
	cost     uint64
	longCost uint64 // on text of MaxCellText characters
	size     *sizeEstimate
}

// refs is what a checked expression reads.
type refs struct {
	fields []int
	vars   []string
	lists  []string
	tables []string
}

// Compile type-checks and compiles every rule of set. It returns all problems
// in all rules, each at its place in its file.
func (e *Env) Compile(set *Set, opts CompileOptions) (*Program, Errors) {
	if opts.CostLimit == 0 {
		opts.CostLimit = DefaultCostLimit
	}
	if opts.CostBudget == 0 {
		opts.CostBudget = DefaultCostBudget
	}
	p := &Program{Set: set, env: e}
	p.Warnings = append(p.Warnings, set.Warnings...)
	var errs Errors
	byFile := map[*File]*compiledFile{}
	fileOf := func(f *File) *compiledFile {
		if cf, ok := byFile[f]; ok {
			return cf
		}
		cf, fe := e.compileFile(f, len(p.files), opts)
		errs = append(errs, fe...)
		byFile[f] = cf
		p.files = append(p.files, cf)
		return cf
	}
	for _, f := range set.Files {
		fileOf(f)
	}
	for _, r := range set.Rules {
		cf := fileOf(r.file)
		c, ce := cf.compileRule(r, opts)
		errs = append(errs, ce...)
		if len(ce) == 0 {
			c.Index = len(p.Rules)
			p.Rules = append(p.Rules, c)
		}
		p.Warnings = append(p.Warnings, cf.ruleWarnings(c)...)
	}
	for _, r := range set.Disabled {
		// A disabled rule still has to compile: the file must stay valid
		// for whoever loads it without the layer that disables the rule.
		if cf := byFile[r.file]; cf != nil {
			_, ce := cf.compileRule(r, opts)
			errs = append(errs, ce...)
		}
	}
	for _, cf := range p.files {
		p.Warnings = append(p.Warnings, cf.unused()...)
	}
	sortErrors(errs)
	sortErrors(p.Warnings)
	return p, errs
}

// sortErrors orders errors by file (in the order the files first appear),
// then line and column.
func sortErrors(errs Errors) {
	order := map[string]int{}
	for _, e := range errs {
		if _, ok := order[e.File]; !ok {
			order[e.File] = len(order)
		}
	}
	slices.SortStableFunc(errs, func(a, b *Error) int {
		return cmp.Or(cmp.Compare(order[a.File], order[b.File]), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Col, b.Col))
	})
}

// compileFile builds the environment of file f and compiles its variables.
func (e *Env) compileFile(f *File, index int, opts CompileOptions) (*compiledFile, Errors) {
	cf := &compiledFile{e: e, file: f, index: index, varIndex: map[string]int{}, lists: map[string]*List{}, used: map[string]bool{}}
	for _, l := range f.Lists {
		cf.lists[l.Name] = l
	}
	var errs Errors
	env, err := e.fileEnv(f)
	if err != nil {
		errs = append(errs, f.errorAt(f.root, "", err.Error(), ""))
		env = e.cel
	}
	for _, v := range f.Variables {
		cv := &compiledVar{Variable: v, index: len(cf.vars)}
		cf.env = env
		checked, ce := cf.check(nil, v.node, v.Expr, "variable "+v.Name, false)
		typ := cel.DynType
		if len(ce) > 0 {
			errs = append(errs, ce...)
		} else {
			errs = append(errs, cf.enumProblems(nil, v.node, v.Expr, 0, checked, "variable "+v.Name)...)
			typ = checked.OutputType()
			rf := cf.refsOf(checked)
			cv.fields = rf.fields
			for _, name := range rf.vars {
				dep := cf.vars[cf.varIndex[name]]
				cv.deps = append(cv.deps, dep.index)
				cv.deps = append(cv.deps, dep.deps...)
				cv.fields = append(cv.fields, dep.fields...)
			}
			cv.deps = sortedSet(cv.deps)
			cv.fields = sortedSet(cv.fields)
			cv.need = cf.needOf(checked)
			cv.cost = cf.estimate(checked)
			cv.longCost = cf.estimateFor(checked, MaxCellText)
			cv.size = cf.resultSize(checked)
			prg, err := cf.program(env, checked, opts.CostLimit)
			if err != nil {
				errs = append(errs, cf.celError(nil, v.node, v.Expr, 0, 1, 0, err.Error(), "variable "+v.Name))
			}
			cv.prog = prg
		}
		cf.varIndex[v.Name] = cv.index
		cf.vars = append(cf.vars, cv)
		ext, err := env.Extend(cel.Variable("variables."+v.Name, typ))
		if err != nil {
			errs = append(errs, f.errorAt(v.key, "", fmt.Sprintf("variable %q: %v", v.Name, err), ""))
			continue
		}
		env = ext
	}
	cf.env = env
	for _, cv := range cf.vars {
		if cv.cost > opts.CostBudget {
			errs = append(errs, cf.costError(nil, cv.node, "variable "+cv.Name, cv.cost, opts.CostBudget))
		} else if cv.longCost > longBudget(opts) {
			errs = append(errs, cf.longCostError(nil, cv.node, "variable "+cv.Name, cv.longCost, longBudget(opts)))
		}
	}
	return cf, errs
}

func sortedSet(xs []int) []int {
	slices.Sort(xs)
	return slices.Compact(xs)
}

// check parses and type-checks src, an expression written at node. wantBool
// requires a true-or-false result.
func (cf *compiledFile) check(r *Rule, node *yaml.Node, src, what string, wantBool bool) (*cel.Ast, Errors) {
	return cf.checkAt(r, node, src, 0, what, wantBool)
}

// checkAt is check for an expression that starts at character offset base
// of node's text (a message placeholder).
func (cf *compiledFile) checkAt(r *Rule, node *yaml.Node, src string, base int, what string, wantBool bool) (*cel.Ast, Errors) {
	if err := cf.checkSize(r, node, src, base, what); err != nil {
		return nil, Errors{err}
	}
	checked, iss := cf.env.Compile(src)
	if iss.Err() != nil {
		var errs Errors
		skip := map[string]bool{}
		for _, ce := range iss.Errors() {
			line, col := ce.Location.Line(), ce.Location.Column()
			if line < 1 || col < 0 {
				// An issue about the whole expression (CEL's parser
				// limits): no position inside it.
				line, col = 1, 0
			}
			if parserLimit.MatchString(ce.Message) {
				err := cf.celError(r, node, src, base, line, col,
					fmt.Sprintf("the expression nests more than %d levels", MaxExpressionDepth), what)
				err.Hint = fmt.Sprintf("at most %d levels are allowed; a chain such as a + b + c nests one level for each operator: split the expression into variables", MaxExpressionDepth)
				return nil, Errors{err}
			}
			if undefinedField.MatchString(ce.Message) && charAt(src, runeOffset(src, line, col)) == '.' {
				col++ // point at the field name, not the dot before it
			}
			msg, hint, name := cf.explain(strings.TrimSuffix(ce.Message, " (in container '')"), src, line, col)
			if m := undeclaredRef.FindStringSubmatch(ce.Message); m != nil && skip[m[1]] {
				continue
			}
			if name != "" {
				skip[name] = true
			}
			err := cf.celError(r, node, src, base, line, col, msg, what)
			if hint != "" {
				err.Hint = hint
			}
			errs = append(errs, err)
		}
		return nil, errs
	}
	if wantBool && !checked.OutputType().IsExactType(cel.BoolType) {
		return nil, Errors{cf.celError(r, node, src, base, 1, 0,
			fmt.Sprintf("must be true or false, but this expression gives %s", typeWord(checked.OutputType().String())), what)}
	}
	return checked, nil
}

// checkSize refuses an expression too long or too deeply nested for the
// parser (see [MaxExpressionLength], [MaxExpressionDepth]), with its size
// and the place where it goes over.
func (cf *compiledFile) checkSize(r *Rule, node *yaml.Node, src string, base int, what string) *Error {
	if n := utf8.RuneCountInString(src); n > MaxExpressionLength {
		err := cf.celError(r, node, src, base, 1, 0, fmt.Sprintf("the expression is %d characters long; at most %d are allowed", n, MaxExpressionLength), what)
		err.Hint = "split it into variables, and put long lists of values under `lists:`"
		return err
	}
	depth, at := nesting(src)
	if depth <= MaxExpressionDepth {
		return nil
	}
	err := cf.celError(r, node, src, base, 1, at, fmt.Sprintf("the expression nests %d levels; at most %d are allowed", depth, MaxExpressionDepth), what)
	err.Hint = "remove brackets that are not needed, or split the expression into variables"
	return err
}

// nesting is the deepest nesting of brackets in a CEL expression, outside
// string literals, and the character offset of the first bracket beyond
// MaxExpressionDepth (0 when none is).
func nesting(src string) (depth, at int) {
	d := 0
	var quote rune // the quote character of the string literal we are in
	escaped := false
	i := 0
	for _, c := range src {
		switch {
		case quote != 0:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == quote:
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '(' || c == '[' || c == '{':
			d++
			if d > depth {
				depth = d
				if d == MaxExpressionDepth+1 {
					at = i
				}
			}
		case c == ')' || c == ']' || c == '}':
			d--
		}
		i++
	}
	return depth, at
}

func (cf *compiledFile) compileRule(r *Rule, opts CompileOptions) (*Compiled, Errors) {
	c := &Compiled{Rule: r, cfile: cf}
	var errs Errors
	fields := map[int]bool{}
	vars := map[int]bool{}
	var cost, longCost uint64
	program := func(checked *cel.Ast, node *yaml.Node, src, what string) cel.Program {
		prg, err := cf.program(cf.env, checked, opts.CostLimit)
		if err != nil {
			errs = append(errs, cf.celError(r, node, src, 0, 1, 0, err.Error(), what))
			return nil
		}
		return prg
	}
	use := func(checked *cel.Ast, decision bool) {
		rf := cf.refsOf(checked)
		for _, name := range rf.vars {
			v := cf.vars[cf.varIndex[name]]
			vars[v.index] = true
			for _, d := range v.deps {
				vars[d] = true
			}
			if decision {
				for _, i := range v.fields {
					fields[i] = true
				}
			}
		}
		if decision {
			for _, i := range rf.fields {
				fields[i] = true
			}
		}
		cost += cf.estimate(checked)
		longCost += cf.estimateFor(checked, MaxCellText)
	}
	var needs []*need // of when and expr
	compile := func(src string, node *yaml.Node, what string) *decision {
		if node == nil || strings.TrimSpace(src) == "" {
			return nil
		}
		checked, ce := cf.check(r, node, src, what, true)
		if len(ce) > 0 {
			errs = append(errs, ce...)
			return nil
		}
		use(checked, true)
		errs = append(errs, cf.enumProblems(r, node, src, 0, checked, what)...)
		if what != "escalate.when" {
			needs = append(needs, cf.needOf(checked))
		}
		prg := program(checked, node, src, what)
		if prg == nil {
			return nil
		}
		return &decision{prog: prg, native: cf.compileNative(cf.env, checked, opts.CostLimit)}
	}
	c.expr = compile(r.Expr, r.nodes["expr"], "expr")
	c.when = compile(r.When, r.nodes["when"], "when")
	for _, esc := range r.Escalate {
		if prg := compile(esc.When, esc.node, "escalate.when"); prg != nil {
			c.escalate = append(c.escalate, compiledEscalation{prog: prg, severity: esc.Severity})
		}
	}
	c.need = allOf(needs...)
	c.message = cf.compileMessage(r, &errs, use, opts)
	for i := range fields {
		c.Fields = append(c.Fields, i)
	}
	slices.Sort(c.Fields)
	for i := range vars {
		c.vars = append(c.vars, i)
	}
	slices.Sort(c.vars)
	for _, i := range c.vars {
		c.Variables = append(c.Variables, cf.vars[i].Name)
		cost += cf.vars[i].cost
		longCost += cf.vars[i].longCost
	}
	c.Cost, c.LongCost = cost, longCost
	if cost > opts.CostBudget && len(errs) == 0 {
		node := r.nodes["expr"]
		if node == nil {
			node = r.nodes["message"]
		}
		errs = append(errs, cf.costError(r, node, "", cost, opts.CostBudget))
	} else if longCost > longBudget(opts) && len(errs) == 0 {
		node := r.nodes["expr"]
		if node == nil {
			node = r.nodes["message"]
		}
		errs = append(errs, cf.longCostError(r, node, "", longCost, longBudget(opts)))
	}
	return c, errs
}

func (cf *compiledFile) costError(r *Rule, node *yaml.Node, what string, cost, budget uint64) *Error {
	id := ""
	if r != nil {
		id = r.ID
	}
	msg := fmt.Sprintf("estimated cost up to %d is over the budget of %d", cost, budget)
	if what != "" {
		msg = what + ": " + msg
	}
	err := cf.file.errorAt(node, id, msg,
		fmt.Sprintf("the estimate assumes text of up to %d characters and lists of up to %d items; avoid all()/exists() inside all()/exists(), and matches() or split() inside them", MaxTextSize, MaxListSize))
	if node != nil {
		err.Line, err.Col = cf.file.sourcePos(node, 0)
		err.Snippet = cf.file.line(err.Line)
	}
	return err
}

// longBudget is the budget on text of MaxCellText characters:
// [LongCostFactor] times the budget on ordinary text.
func longBudget(opts CompileOptions) uint64 {
	if opts.CostBudget > math.MaxUint64/LongCostFactor {
		return math.MaxUint64
	}
	return opts.CostBudget * LongCostFactor
}

// longCostError refuses a rule (or variable) whose cost on the longest
// cell would be over [MaxLongCost], although it is within the budget on
// ordinary text.
func (cf *compiledFile) longCostError(r *Rule, node *yaml.Node, what string, cost, budget uint64) *Error {
	err := cf.costError(r, node, what, cost, budget)
	err.Msg = strings.Replace(err.Msg, "estimated cost up to", fmt.Sprintf("on a cell of %d characters, estimated cost up to", MaxCellText), 1)
	err.Hint = "the cost grows faster than the text: avoid all()/exists() inside all()/exists(), and matches() or split() inside them"
	return err
}

var placeholder = regexp.MustCompile(`\{\{(.*?)\}\}`)

func (cf *compiledFile) compileMessage(r *Rule, errs *Errors, use func(*cel.Ast, bool), opts CompileOptions) []messagePart {
	node := r.nodes["message"]
	var parts []messagePart
	last := 0
	for _, m := range placeholder.FindAllStringSubmatchIndex(r.Message, -1) {
		if m[0] > last {
			parts = append(parts, messagePart{text: r.Message[last:m[0]], field: -1})
		}
		inner := r.Message[m[2]:m[3]]
		src := strings.TrimSpace(inner)
		base := utf8.RuneCountInString(r.Message[:m[2]]) + utf8.RuneCountInString(inner[:len(inner)-len(strings.TrimLeft(inner, " \t\n"))])
		last = m[1]
		part := messagePart{field: -1}
		if src == "" {
			*errs = append(*errs, cf.celError(r, node, r.Message, utf8.RuneCountInString(r.Message[:m[0]]), 1, 0, "empty placeholder {{ }}", "message"))
			continue
		}
		if name, ok := strings.CutPrefix(src, "contract."); ok {
			if f := cf.e.schema.Field(name); f != nil {
				part.field = f.Index
			}
		}
		checked, ce := cf.checkAt(r, node, src, base, "message", false)
		if len(ce) > 0 {
			*errs = append(*errs, ce...)
			continue
		}
		use(checked, false)
		prg, err := cf.program(cf.env, checked, opts.CostLimit)
		if err != nil {
			*errs = append(*errs, cf.celError(r, node, src, base, 1, 0, err.Error(), "message"))
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

// refsOf lists what a checked expression reads: contract fields, variables,
// lists and tables. It records the names as used in the file.
func (cf *compiledFile) refsOf(checked *cel.Ast) refs {
	var out refs
	ast.PreOrderVisit(ast.NavigateAST(checked.NativeRep()), ast.NewExprVisitor(func(x ast.Expr) {
		switch x.Kind() {
		case ast.SelectKind:
			sel := x.AsSelect()
			if op := sel.Operand(); op.Kind() == ast.IdentKind && op.AsIdent() == "contract" {
				if f := cf.e.schema.Field(sel.FieldName()); f != nil {
					out.fields = append(out.fields, f.Index)
				}
			}
		case ast.IdentKind:
			name := x.AsIdent()
			if v, ok := strings.CutPrefix(name, "variables."); ok {
				if _, known := cf.varIndex[v]; known && !slices.Contains(out.vars, v) {
					out.vars = append(out.vars, v)
				}
			} else if l, ok := strings.CutPrefix(name, "lists."); ok {
				out.lists = append(out.lists, l)
			}
			cf.used[name] = true
		case ast.CallKind:
			if t, ok := strings.CutPrefix(x.AsCall().FunctionName(), "tables."); ok {
				out.tables = append(out.tables, t)
				cf.used["tables."+t] = true
			}
		}
	}))
	// Constants such as lists.<name> are folded into literals by the
	// checker; find them through the reference map.
	for _, ref := range checked.NativeRep().ReferenceMap() {
		if l, ok := strings.CutPrefix(ref.Name, "lists."); ok {
			out.lists = append(out.lists, l)
			cf.used[ref.Name] = true
		}
	}
	return out
}

var (
	parserLimit    = regexp.MustCompile(`recursion limit exceeded|max recursion depth exceeded`)
	undefinedField = regexp.MustCompile(`undefined field '([^']+)'`)
	undeclaredRef  = regexp.MustCompile(`undeclared reference to '([^']+)'`)
	noOverload     = regexp.MustCompile(`found no matching overload for '([^']+)' applied to '\((.*)\)'`)
	declaredName   = regexp.MustCompile(`^(variables|lists|tables)\.([A-Za-z_][A-Za-z0-9_]*)`)
)

// celError places a CEL issue (line and 0-based column within src, which
// starts at character offset base of node's text) at its position in the
// rule file.
func (cf *compiledFile) celError(r *Rule, node *yaml.Node, src string, base, line, col int, msg, what string) *Error {
	f := cf.file
	err := &Error{File: f.Path, Msg: fmt.Sprintf("%s: %s", what, msg)}
	if r != nil {
		err.RuleID = r.ID
	}
	if node == nil {
		return err
	}
	if line < 1 {
		line = 1
	}
	err.Line, err.Col = f.sourcePos(node, base+max(0, runeOffset(src, line, col)))
	err.Snippet = f.line(err.Line)
	err.Hint = cf.e.hint(msg, src)
	return err
}

// explain rewrites a CEL issue in the words of a rule author. name is set
// when the issue is about a name the file should declare; the checker's
// follow-up issues about the same name are then dropped.
func (cf *compiledFile) explain(msg, src string, line, col int) (out, hint, name string) {
	out = msg
	if m := noOverload.FindStringSubmatch(msg); m != nil {
		args := strings.Split(m[2], ", ")
		for i, a := range args {
			args[i] = typeWord(a)
		}
		if op, ok := operators[m[1]]; ok {
			out = fmt.Sprintf("cannot use %s with %s", op, strings.Join(args, " and "))
		} else {
			out = fmt.Sprintf("cannot call %s with (%s)", m[1], strings.Join(args, ", "))
		}
		return out, cf.e.hint(msg, src), ""
	}
	rest := []rune(src)
	off := max(0, min(runeOffset(src, line, col), len(rest)))
	before, rest := string(rest[:off]), rest[off:]
	if m := undefinedField.FindStringSubmatch(msg); m != nil && !strings.HasSuffix(strings.TrimRight(before, " \t\n."), "contract") {
		var cols []string
		for _, t := range cf.file.Tables {
			for _, c := range t.Columns {
				cols = append(cols, c.Name)
			}
		}
		if len(cols) > 0 {
			return out, suggestOr(m[1], cols, "a table row has the table's value columns: "+strings.Join(cols, ", ")), ""
		}
		return out, "", ""
	}
	ref := undeclaredRef.FindStringSubmatch(msg)
	if ref == nil {
		return out, "", ""
	}
	m := declaredName.FindStringSubmatch(string(rest))
	if m == nil {
		// A value of a field with a list of values, written bare.
		return out, cf.e.enumValueHint(ref[1]), ""
	}
	kind, n := m[1], m[2]
	var have []string
	switch kind {
	case "variables":
		if i := slices.IndexFunc(cf.file.Variables, func(v *Variable) bool { return v.Name == n }); i >= 0 {
			return fmt.Sprintf("variables.%s is not declared above this expression (it is declared at line %d)", n, cf.file.Variables[i].Line),
				"a variable can read only the variables declared above it", n
		}
		have = names(cf.file.Variables, func(v *Variable) string { return v.Name })
		out = fmt.Sprintf("no variable %q in this file", n)
	case "lists":
		have = names(cf.file.Lists, func(l *List) string { return l.Name })
		out = fmt.Sprintf("no list %q in this file", n)
	case "tables":
		have = names(cf.file.Tables, func(t *Table) string { return t.Name })
		out = fmt.Sprintf("no table %q in this file", n)
	}
	hint = suggest(n, have)
	if hint == "" {
		if len(have) > 0 {
			hint = fmt.Sprintf("this file declares %s: %s", kind, strings.Join(have, ", "))
		} else {
			hint = fmt.Sprintf("declare it under `%s:` at the top of this file; %s are not shared between files", kind, kind)
		}
	}
	return out, hint, n
}

var operators = map[string]string{
	"_>_": ">", "_<_": "<", "_>=_": ">=", "_<=_": "<=", "_==_": "==", "_!=_": "!=",
	"_+_": "+", "_-_": "-", "_*_": "*", "_/_": "/", "_%_": "%", "@in": "in",
	"_&&_": "&&", "_||_": "||", "!_": "!", "-_": "-", "_[_]": "[ ]", "_?_:_": "? :",
}

// typeWord names a CEL type the way the rule-file format describes it.
func typeWord(t string) string {
	switch t {
	case "timestamp", "google.protobuf.Timestamp":
		return "date (timestamp)"
	case "google.protobuf.Duration":
		return "duration"
	case "double":
		return "number (double)"
	case "string":
		return "text (string)"
	case contractTypeName:
		return "contract"
	}
	return t
}

func (e *Env) hint(msg, src string) string {
	if m := undefinedField.FindStringSubmatch(msg); m != nil {
		if best := e.closestField(m[1]); best != "" {
			return fmt.Sprintf("did you mean contract.%s?", best)
		}
		return "contract fields are the schema's field names; `laborcheck inspect FILE` shows how a roster's headers map to them"
	}
	if m := undeclaredRef.FindStringSubmatch(msg); m != nil {
		if f := e.schema.Field(m[1]); f != nil {
			return fmt.Sprintf("contract fields are written contract.%s", m[1])
		}
		if best := e.closestField(m[1]); best != "" {
			return fmt.Sprintf("did you mean contract.%s?", best)
		}
		return "expressions can use contract.<field>, review_date, and the variables., lists. and tables. the file declares"
	}
	m := noOverload.FindStringSubmatch(msg)
	switch {
	case m != nil && strings.Contains(m[2], "timestamp") && (strings.Contains(m[2], "int") || strings.Contains(m[2], "double")):
		return "a date compares with a date: review_date, another date field, or timestamp(\"2024-01-31T00:00:00Z\"); use .getFullYear() for the year, or subtract two dates and compare with duration(\"720h\")"
	case m != nil && strings.Contains(m[2], "timestamp") && strings.Contains(m[2], "string"):
		return "write a date as timestamp(\"2024-01-31T00:00:00Z\"), not as text"
	case m != nil && strings.Contains(m[2], "string") && (strings.Contains(m[2], "int") || strings.Contains(m[2], "double")):
		return "text compares with text in quotes, numbers with numbers; check the field's type in rules/README.md or with `laborcheck inspect`"
	case m != nil && strings.Contains(m[2], "bool"):
		return "true/false fields compare with true or false, e.g. contract.overtime_voluntary == false"
	case m != nil && m[1] == "@in":
		return "x in [\"a\", \"b\"] needs a value of the list's type on the left"
	case strings.Contains(msg, "must be true or false"):
		return "compare the value, e.g. contract.recruitment_fee_paid_by_worker > 0"
	case strings.Contains(msg, "Syntax error"):
		return "check brackets and quotes; text values are written in quotes, e.g. contract.passport_held_by == \"employer\""
	case strings.Contains(msg, "invalid timestamp"):
		return "write dates as timestamp(\"2024-01-31T00:00:00Z\")"
	case strings.Contains(msg, "invalid duration"):
		return "write spans in hours, minutes or seconds, e.g. duration(\"720h\") for 30 days; units d, w, mo are not allowed"
	case strings.Contains(msg, "invalid matches") || strings.Contains(msg, "regex"):
		return "the pattern is an RE2 regular expression; escape special characters such as ( [ . with \\\\"
	}
	return ""
}

// charAt is the character at offset off of s, or 0.
func charAt(s string, off int) rune {
	for _, r := range s {
		if off == 0 {
			return r
		}
		off--
	}
	return 0
}

// closestField is the schema field a misspelt or shortened name most likely
// means: the nearest by edit distance, else the shortest field that starts
// with the name or contains it ("recruitment_fee" → recruitment_fee_paid_by_worker).
func (e *Env) closestField(name string) string {
	if best := e.schema.Closest(name); best != "" {
		return best
	}
	if len(name) < 4 {
		return ""
	}
	best := ""
	for _, f := range e.schema.Fields() {
		if strings.Contains(f.Name, name) && (best == "" || len(f.Name) < len(best) || strings.HasPrefix(f.Name, name) && !strings.HasPrefix(best, name)) {
			best = f.Name
		}
	}
	return best
}
