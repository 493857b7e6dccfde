package rules

import (
	"math"
	"math/bits"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/ast"
	celops "github.com/google/cel-go/common/operators"
	"github.com/google/cel-go/common/types"

	"github.com/laborcheck/laborcheck/internal/contract"
)

// Native evaluation.
//
// Most rules are comparisons of contract fields with literals joined by
// && and ||. CEL's interpreter spends most of its time on such an
// expression boxing values and walking its plan; a rule pack runs dozens of
// them on every contract. An expression made only of what this file knows
// (fields, literals, review_date, comparisons, equality, && || ! ?:, has(),
// arithmetic of numbers, string concatenation, `in` a list of string
// literals, matches() with a literal pattern) is compiled to a tree of Go
// nodes that give exactly what CEL gives: true, false, or an unknown naming
// the absent fields, with CEL's rules for combining unknowns. Anything else
// stays with CEL, and so does any evaluation a node cannot decide as CEL
// would (a NaN ordered, an int that overflows, text long enough that the
// cost limit could be reached): the node says so and the rule is evaluated
// by CEL.
//
// The boolean part of a tree, which is most of it, is read by testers (see
// ntester): a node in a boolean place hands back a state and a set of
// fields, not a value of any kind, and the commonest leaves (a field
// against a literal, has(), `in`) read the contract in place.

// nkind is the kind of a native value.
type nkind uint8

const (
	nBool nkind = iota
	nInt
	nDouble
	nString
	nTime
	nUnknown
)

// nval is a native value. An unknown holds the set of absent fields it
// depends on.
//
// A time is its Unix seconds in i and its nanoseconds in ns (a time.Time
// would make the value, copied at every node, half as large again).
type nval struct {
	k   nkind
	b   bool
	ns  int32
	i   int64
	f   float64
	s   string
	unk fieldSet
}

// timeVal is the native value of t.
func timeVal(t time.Time) nval {
	return nval{k: nTime, i: t.Unix(), ns: int32(t.Nanosecond())}
}

// fieldSet is a set of schema field indexes (below maxNativeFields).
type fieldSet [2]uint64

const maxNativeFields = 128

func (s *fieldSet) add(i int) { s[i>>6] |= 1 << (i & 63) }
func (s fieldSet) union(o fieldSet) fieldSet {
	return fieldSet{s[0] | o[0], s[1] | o[1]}
}

// indexes lists the set's fields in ascending order, as missingFields does.
func (s fieldSet) indexes() []int {
	out := make([]int, 0, bits.OnesCount64(s[0])+bits.OnesCount64(s[1]))
	for w := range s {
		for v := s[w]; v != 0; v &= v - 1 {
			out = append(out, w*64+bits.TrailingZeros64(v))
		}
	}
	return out
}

// nenv is what a native evaluation reads besides the contract.
type nenv struct {
	review time.Time
	bail   bool // a node could not decide as CEL would: evaluate with CEL
}

type nnode interface {
	eval(c *contract.Contract, env *nenv) nval
}

// nativeExpr is a compiled expression.
type nativeExpr struct {
	root nnode
	test ntester // root, as a tester (what Evaluator runs)
	// For an expression whose cost grows with text: the fields whose text
	// it reads (once per occurrence), the length of its literals, and the
	// estimated worst-case cost for text of up to 2^k characters; nil for
	// an expression whose cost is bounded.
	textFields []int
	literals   int
	costByLog  []uint64
	limit      uint64
	// cellLimit: limit is the estimated cost on text fields of up to
	// MaxCellText characters each (see runtimeLimit).
	cellLimit bool
}

// eval evaluates the expression; ok is false when CEL must. env is the
// caller's (an Evaluator's), so that evaluating allocates nothing.
func (x *nativeExpr) eval(c *contract.Contract, env *nenv) (v nval, ok bool) {
	if x.costByLog != nil && !x.withinLimit(c) {
		return nval{}, false
	}
	env.bail = false
	v = x.root.eval(c, env)
	return v, !env.bail
}

// decide is eval read as a boolean by the root's tester; qSlow when CEL
// must decide.
func (x *nativeExpr) decide(c *contract.Contract, env *nenv) (qstate, fieldSet) {
	if x.costByLog != nil && !x.withinLimit(c) {
		return qSlow, fieldSet{}
	}
	env.bail = false
	st, unk := x.test.test(c, env)
	if env.bail {
		return qSlow, fieldSet{}
	}
	return st, unk
}

// withinLimit reports whether no text the expression can build on c is long
// enough for its cost to reach the limit: every text is at most the sum of
// the texts it reads.
func (x *nativeExpr) withinLimit(c *contract.Contract) bool {
	n := x.literals
	cells := true // every text read is within a cell's length
	for _, i := range x.textFields {
		if i < len(c.Values) && c.Values[i].Present {
			s := c.Values[i].Str
			n += len(s)
			if len(s) > MaxCellText && utf8.RuneCountInString(s) > MaxCellText {
				cells = false
			}
		}
	}
	if cells && x.cellLimit {
		return true // the limit is the cost on cells of MaxCellText characters
	}
	k := bits.Len(uint(n)) // 2^k > n
	return k < len(x.costByLog) && x.costByLog[k] <= x.limit
}

// compileNative compiles a checked expression, or returns nil when it is
// not made only of what native evaluation knows.
func (cf *compiledFile) compileNative(env *cel.Env, checked *cel.Ast, limit uint64) *nativeExpr {
	if cf.e.schema.Len() > maxNativeFields {
		return nil
	}
	nc := &nativeCompiler{cf: cf, checked: checked}
	root := nc.compile(checked.NativeRep().Expr())
	if root == nil {
		return nil
	}
	x := &nativeExpr{root: root, test: tester(root), limit: limit}
	if !cf.boundedCost(env, checked, limit) {
		x.limit = cf.runtimeLimit(env, checked, limit)
		x.cellLimit = x.limit > limit
		limit = x.limit
		// The cost depends on the text read: estimate it for text of up to
		// 2^k characters, for k as long as it stays within the limit.
		x.textFields, x.literals = nc.textFields, nc.literals
		for k := 0; k < 40; k++ {
			est, err := env.EstimateCost(checked, estimator{cf, uint64(1) << k, MaxListSize})
			if err != nil {
				return nil
			}
			x.costByLog = append(x.costByLog, est.Max)
			if est.Max > limit {
				break
			}
		}
	}
	return x
}

type nativeCompiler struct {
	cf         *compiledFile
	checked    *cel.Ast
	textFields []int
	literals   int
}

func (nc *nativeCompiler) typeOf(e ast.Expr) *types.Type {
	return nc.checked.NativeRep().GetType(e.ID())
}

func (nc *nativeCompiler) compile(e ast.Expr) nnode {
	switch e.Kind() {
	case ast.LiteralKind:
		switch v := e.AsLiteral().(type) {
		case types.Bool:
			return nconst{nval{k: nBool, b: bool(v)}}
		case types.Int:
			return nconst{nval{k: nInt, i: int64(v)}}
		case types.Double:
			return nconst{nval{k: nDouble, f: float64(v)}}
		case types.String:
			nc.literals += len(v)
			return nconst{nval{k: nString, s: string(v)}}
		}
	case ast.IdentKind:
		if e.AsIdent() == "review_date" {
			return nreview{}
		}
	case ast.SelectKind:
		sel := e.AsSelect()
		if op := sel.Operand(); op.Kind() != ast.IdentKind || op.AsIdent() != "contract" {
			return nil
		}
		f := nc.cf.e.schema.Field(sel.FieldName())
		if f == nil {
			return nil
		}
		if sel.IsTestOnly() {
			return nhas{f.Index}
		}
		k := nativeKind(f.Type)
		if k == nString {
			nc.textFields = append(nc.textFields, f.Index)
		}
		return nfield{f.Index, k}
	case ast.CallKind:
		return nc.call(e)
	}
	return nil
}

func nativeKind(t contract.Type) nkind {
	switch t {
	case contract.Int, contract.Duration:
		return nInt
	case contract.Number, contract.Money:
		return nDouble
	case contract.Bool:
		return nBool
	case contract.Date:
		return nTime
	}
	return nString
}

func (nc *nativeCompiler) args(es []ast.Expr) []nnode {
	out := make([]nnode, len(es))
	for i, a := range es {
		if out[i] = nc.compile(a); out[i] == nil {
			return nil
		}
	}
	return out
}

// isType reports whether e has one of the given CEL types.
func (nc *nativeCompiler) isType(e ast.Expr, ts ...*types.Type) bool {
	t := nc.typeOf(e)
	for _, want := range ts {
		if t != nil && t.IsExactType(want) {
			return true
		}
	}
	return false
}

func (nc *nativeCompiler) call(e ast.Expr) nnode {
	call := e.AsCall()
	fn := call.FunctionName()
	if call.IsMemberFunction() {
		if fn != "matches" || len(call.Args()) != 1 {
			return nil
		}
		return nc.matches(call.Target(), call.Args()[0])
	}
	raw := call.Args()
	switch fn {
	case "matches":
		if len(raw) == 2 {
			return nc.matches(raw[0], raw[1])
		}
		return nil
	case celops.In:
		return nc.in(raw)
	}
	args := nc.args(raw)
	if args == nil {
		return nil
	}
	switch fn {
	case celops.LogicalAnd:
		return newLogic(args, false)
	case celops.LogicalOr:
		return newLogic(args, true)
	case celops.LogicalNot:
		return nnot{args[0]}
	case celops.Conditional:
		return ncond{args[0], args[1], args[2]}
	case celops.Equals, celops.NotEquals:
		if !nc.comparable(raw, true) {
			return nil
		}
		if n := fieldConst(args, fn); n != nil {
			return n
		}
		return neq{args[0], args[1], fn == celops.NotEquals}
	case celops.Less, celops.LessEquals, celops.Greater, celops.GreaterEquals:
		if !nc.comparable(raw, false) {
			return nil
		}
		if n := fieldConst(args, fn); n != nil {
			return n
		}
		return ncmp{args[0], args[1], cmpCode(fn)}
	case celops.Add, celops.Subtract, celops.Multiply, celops.Divide, celops.Modulo:
		if len(raw) != 2 {
			return nil
		}
		if fn == celops.Add && nc.isType(raw[0], types.StringType) && nc.isType(raw[1], types.StringType) {
			return nconcat{args[0], args[1]}
		}
		// CEL's arithmetic is of two ints or two doubles, never mixed.
		switch {
		case fn != celops.Modulo && nc.isType(raw[0], types.DoubleType) && nc.isType(raw[1], types.DoubleType):
			return narith{args[0], args[1], arithOp(fn), nDouble}
		case nc.isType(raw[0], types.IntType) && nc.isType(raw[1], types.IntType):
			return narith{args[0], args[1], arithOp(fn), nInt}
		}
	}
	return nil
}

func arithOp(fn string) byte {
	switch fn {
	case celops.Add:
		return '+'
	case celops.Subtract:
		return '-'
	case celops.Multiply:
		return '*'
	case celops.Divide:
		return '/'
	}
	return '%'
}

// comparable reports whether two operands are of types native evaluation
// compares as CEL does: numbers (of either kind), strings, timestamps, and
// (for equality) bools.
func (nc *nativeCompiler) comparable(args []ast.Expr, eq bool) bool {
	if len(args) != 2 {
		return false
	}
	num := func(e ast.Expr) bool { return nc.isType(e, types.IntType, types.DoubleType) }
	a, b := args[0], args[1]
	switch {
	case num(a) && num(b):
		return true
	case nc.isType(a, types.StringType) && nc.isType(b, types.StringType):
		return true
	case nc.isType(a, types.TimestampType) && nc.isType(b, types.TimestampType):
		return true
	case eq && nc.isType(a, types.BoolType) && nc.isType(b, types.BoolType):
		return true
	}
	return false
}

func (nc *nativeCompiler) matches(s, pattern ast.Expr) nnode {
	if pattern.Kind() != ast.LiteralKind || !nc.isType(s, types.StringType) {
		return nil
	}
	p, ok := pattern.AsLiteral().(types.String)
	if !ok {
		return nil
	}
	re, err := regexp.Compile(string(p))
	if err != nil {
		return nil
	}
	nc.literals += len(p)
	arg := nc.compile(s)
	if arg == nil {
		return nil
	}
	return nmatches{arg, re}
}

// in compiles `x in [literals]` for a string x and string literals.
func (nc *nativeCompiler) in(raw []ast.Expr) nnode {
	if len(raw) != 2 || raw[1].Kind() != ast.ListKind || !nc.isType(raw[0], types.StringType) {
		return nil
	}
	l := raw[1].AsList()
	if len(l.OptionalIndices()) > 0 {
		return nil
	}
	set := map[string]bool{}
	for _, el := range l.Elements() {
		if el.Kind() != ast.LiteralKind {
			return nil
		}
		s, ok := el.AsLiteral().(types.String)
		if !ok {
			return nil
		}
		set[string(s)] = true
	}
	x := nc.compile(raw[0])
	if x == nil {
		return nil
	}
	return nin{x, set}
}

// fieldConst compiles `contract.f OP literal` (or `literal OP contract.f`)
// for numbers and bools, the commonest comparison, to a node that reads the
// field in place; nil for other operands.
func fieldConst(args []nnode, op string) nnode {
	f, fok := args[0].(nfield)
	k, kok := args[1].(nconst)
	if !fok || !kok {
		f, fok = args[1].(nfield)
		k, kok = args[0].(nconst)
		if !fok || !kok {
			return nil
		}
		switch op { // literal OP field: field (mirror OP) literal
		case celops.Less:
			op = celops.Greater
		case celops.LessEquals:
			op = celops.GreaterEquals
		case celops.Greater:
			op = celops.Less
		case celops.GreaterEquals:
			op = celops.LessEquals
		}
	}
	switch {
	case f.k == nBool && k.v.k == nBool && (op == celops.Equals || op == celops.NotEquals):
	case (f.k == nInt || f.k == nDouble) && (k.v.k == nInt || k.v.k == nDouble):
	default:
		return nil
	}
	return &nfieldConst{f: f.i, fk: f.k, kk: k.v.k, cmp: cmpCode(op), ki: k.v.i, kf: k.v.f, kb: k.v.b}
}

// nfieldConst compares a number or bool field with a literal. It is a
// pointer node: the tree calls its eval through an interface, and a value
// this size would be copied at every call.
type nfieldConst struct {
	f   int
	fk  nkind // the field's kind
	kk  nkind // the literal's: nInt, nDouble or nBool
	cmp cmpOp
	ki  int64
	kf  float64
	kb  bool
}

// cmpOp is a comparison operator, decoded once from CEL's function name.
type cmpOp uint8

const (
	cmpEq cmpOp = iota
	cmpNe
	cmpLt
	cmpLe
	cmpGt
	cmpGe
)

func cmpCode(op string) cmpOp {
	switch op {
	case celops.Equals:
		return cmpEq
	case celops.NotEquals:
		return cmpNe
	case celops.Less:
		return cmpLt
	case celops.LessEquals:
		return cmpLe
	case celops.Greater:
		return cmpGt
	}
	return cmpGe
}

// holds reports whether r, a three-way comparison, satisfies op.
func (op cmpOp) holds(r int) bool {
	switch op {
	case cmpEq:
		return r == 0
	case cmpNe:
		return r != 0
	case cmpLt:
		return r < 0
	case cmpLe:
		return r <= 0
	case cmpGt:
		return r > 0
	}
	return r >= 0
}

func (n *nfieldConst) eval(c *contract.Contract, env *nenv) nval {
	return valueOf(n.test(c, env))
}

func boolState(b bool) qstate {
	if b {
		return qTrue
	}
	return qFalse
}

func (n *nfieldConst) test(c *contract.Contract, env *nenv) (qstate, fieldSet) {
	if n.f >= len(c.Values) || !c.Values[n.f].Present {
		var unk fieldSet
		unk.add(n.f)
		return qUnknown, unk
	}
	v := &c.Values[n.f]
	var r int
	switch {
	case n.fk == nBool:
		return boolState((v.Bool == n.kb) == (n.cmp == cmpEq)), fieldSet{}
	case n.fk == nInt && n.kk == nInt:
		r = cmp3(v.Int < n.ki, v.Int > n.ki)
	case n.fk == nInt:
		r = -compareDoubleInt(n.kf, v.Int)
	case math.IsNaN(v.Num):
		if n.cmp == cmpEq || n.cmp == cmpNe {
			return boolState(n.cmp == cmpNe), fieldSet{}
		}
		env.bail = true // CEL: NaN values cannot be ordered
		return qSlow, fieldSet{}
	case n.kk == nInt:
		r = compareDoubleInt(v.Num, n.ki)
	default:
		r = cmp3(v.Num < n.kf, v.Num > n.kf)
	}
	return boolState(n.cmp.holds(r)), fieldSet{}
}

// Nodes.

type nconst struct{ v nval }

func (n nconst) test(_ *contract.Contract, env *nenv) (qstate, fieldSet) {
	return stateOf(n.v, env)
}

func (n nconst) eval(*contract.Contract, *nenv) nval { return n.v }

type nreview struct{}

func (nreview) eval(_ *contract.Contract, env *nenv) nval { return timeVal(env.review) }

// nfield reads a field: its value, or an unknown naming it when absent.
type nfield struct {
	i int
	k nkind
}

func (n nfield) test(c *contract.Contract, env *nenv) (qstate, fieldSet) {
	if n.k != nBool {
		return stateOf(n.eval(c, env), env)
	}
	if n.i >= len(c.Values) || !c.Values[n.i].Present {
		var unk fieldSet
		unk.add(n.i)
		return qUnknown, unk
	}
	return boolState(c.Values[n.i].Bool), fieldSet{}
}

func (n nfield) eval(c *contract.Contract, _ *nenv) nval {
	if n.i >= len(c.Values) || !c.Values[n.i].Present {
		v := nval{k: nUnknown}
		v.unk.add(n.i)
		return v
	}
	v := &c.Values[n.i]
	switch n.k {
	case nInt:
		return nval{k: nInt, i: v.Int}
	case nDouble:
		return nval{k: nDouble, f: v.Num}
	case nBool:
		return nval{k: nBool, b: v.Bool}
	case nTime:
		return timeVal(v.Time)
	}
	return nval{k: nString, s: v.Str}
}

// nhas is has(contract.field).
type nhas struct{ i int }

func (n nhas) test(c *contract.Contract, _ *nenv) (qstate, fieldSet) {
	return boolState(n.i < len(c.Values) && c.Values[n.i].Present), fieldSet{}
}

func (n nhas) eval(c *contract.Contract, _ *nenv) nval {
	return nval{k: nBool, b: n.i < len(c.Values) && c.Values[n.i].Present}
}

// nlogic is && (or, with or set, ||): decided by the first false (true)
// term, else unknown when any term is (naming all of their fields).
type nlogic struct {
	terms []nnode
	tests []ntester // terms, as testers
	or    bool
}

func newLogic(terms []nnode, or bool) *nlogic {
	n := &nlogic{terms: terms, or: or}
	for _, t := range terms {
		n.tests = append(n.tests, tester(t))
	}
	return n
}

// ntester is a node that can give its result as a boolean's state and the
// fields of an unknown: the && and || that most rules are made of pass
// those on, not an nval several times their size. A result that is
// neither a bool nor an unknown sets env.bail, as it would in the tree's
// parent or leave the expression to CEL at its root.
type ntester interface {
	test(c *contract.Contract, env *nenv) (qstate, fieldSet)
}

// tester returns n as an ntester: itself when it is one.
func tester(n nnode) ntester {
	if t, ok := n.(ntester); ok {
		return t
	}
	return evalTester{n}
}

// evalTester tests a node by its value.
type evalTester struct{ n nnode }

func (t evalTester) test(c *contract.Contract, env *nenv) (qstate, fieldSet) {
	return stateOf(t.n.eval(c, env), env)
}

// stateOf is v as a state.
func stateOf(v nval, env *nenv) (qstate, fieldSet) {
	switch {
	case env.bail:
	case v.k == nBool && v.b:
		return qTrue, fieldSet{}
	case v.k == nBool:
		return qFalse, fieldSet{}
	case v.k == nUnknown:
		return qUnknown, v.unk
	default:
		env.bail = true
	}
	return qSlow, fieldSet{}
}

// valueOf is a state as a value.
func valueOf(st qstate, unk fieldSet) nval {
	switch st {
	case qTrue:
		return nval{k: nBool, b: true}
	case qFalse:
		return nval{k: nBool}
	case qUnknown:
		return nval{k: nUnknown, unk: unk}
	}
	return nval{}
}

func (n *nlogic) test(c *contract.Contract, env *nenv) (qstate, fieldSet) {
	var unk fieldSet
	unknown := false
	for _, t := range n.tests {
		st, u := t.test(c, env)
		switch {
		case env.bail:
			return qSlow, fieldSet{}
		case st == qUnknown:
			unk, unknown = unk.union(u), true
		case (st == qTrue) == n.or:
			return st, fieldSet{}
		}
	}
	if unknown {
		return qUnknown, unk
	}
	if n.or {
		return qFalse, fieldSet{}
	}
	return qTrue, fieldSet{}
}

func (n *nlogic) eval(c *contract.Contract, env *nenv) nval {
	return valueOf(n.test(c, env))
}

type nnot struct{ x nnode }

// testNode tests n: by its own test when it is a tester, else by its value.
func testNode(n nnode, c *contract.Contract, env *nenv) (qstate, fieldSet) {
	if t, ok := n.(ntester); ok {
		return t.test(c, env)
	}
	return stateOf(n.eval(c, env), env)
}

func (n nnot) test(c *contract.Contract, env *nenv) (qstate, fieldSet) {
	st, unk := testNode(n.x, c, env)
	switch st {
	case qTrue:
		return qFalse, unk
	case qFalse:
		return qTrue, unk
	}
	return st, unk
}

func (n nnot) eval(c *contract.Contract, env *nenv) nval {
	v := n.x.eval(c, env)
	if v.k == nBool {
		v.b = !v.b
	} else if v.k != nUnknown {
		env.bail = true
	}
	return v
}

// ncond is c ? a : b; an unknown condition is the result.
type ncond struct{ c, a, b nnode }

func (n ncond) test(c *contract.Contract, env *nenv) (qstate, fieldSet) {
	st, unk := testNode(n.c, c, env)
	switch st {
	case qTrue:
		return testNode(n.a, c, env)
	case qFalse:
		return testNode(n.b, c, env)
	}
	return st, unk // unknown (the condition's fields), or bail
}

func (n ncond) eval(c *contract.Contract, env *nenv) nval {
	v := n.c.eval(c, env)
	switch {
	case v.k == nUnknown || env.bail:
		return v
	case v.k != nBool:
		env.bail = true
		return v
	case v.b:
		return n.a.eval(c, env)
	}
	return n.b.eval(c, env)
}

// strict2 evaluates the operands of a strict function: when either is
// unknown, the result is unknown, naming the fields of both.
func strict2(a, b nnode, c *contract.Contract, env *nenv) (x, y nval, unk fieldSet, unknown bool) {
	x, y = a.eval(c, env), b.eval(c, env)
	if x.k == nUnknown {
		unk, unknown = unk.union(x.unk), true
	}
	if y.k == nUnknown {
		unk, unknown = unk.union(y.unk), true
	}
	return x, y, unk, unknown
}

// neq is == (!= with ne), as CEL's heterogeneous equality of the types
// comparable allows.
type neq struct {
	a, b nnode
	ne   bool
}

func (n neq) test(c *contract.Contract, env *nenv) (qstate, fieldSet) {
	// The commonest form, a string field against a literal: read in place.
	f, fok := n.a.(nfield)
	k, kok := n.b.(nconst)
	if !fok || !kok {
		f, fok = n.b.(nfield)
		k, kok = n.a.(nconst)
	}
	if fok && kok && f.k == nString && k.v.k == nString {
		if f.i >= len(c.Values) || !c.Values[f.i].Present {
			var unk fieldSet
			unk.add(f.i)
			return qUnknown, unk
		}
		return boolState((c.Values[f.i].Str == k.v.s) != n.ne), fieldSet{}
	}
	return stateOf(n.eval(c, env), env)
}

func (n neq) eval(c *contract.Contract, env *nenv) nval {
	x, y, unk, unknown := strict2(n.a, n.b, c, env)
	if unknown || env.bail {
		return nval{k: nUnknown, unk: unk}
	}
	var eq bool
	switch {
	case x.k == nString && y.k == nString:
		eq = x.s == y.s
	case x.k == nBool && y.k == nBool:
		eq = x.b == y.b
	case x.k == nTime && y.k == nTime:
		eq = x.i == y.i && x.ns == y.ns
	case isNum(x) && isNum(y):
		if x.k == nDouble && math.IsNaN(x.f) || y.k == nDouble && math.IsNaN(y.f) {
			eq = false
		} else {
			eq = compareNum(x, y) == 0
		}
	default:
		env.bail = true
		return nval{}
	}
	return nval{k: nBool, b: eq != n.ne}
}

func isNum(v nval) bool { return v.k == nInt || v.k == nDouble }

// compareNum orders two numbers as CEL's Int and Double Compare do (NaN
// excluded by the caller).
func compareNum(x, y nval) int {
	switch {
	case x.k == nInt && y.k == nInt:
		return cmp3(x.i < y.i, x.i > y.i)
	case x.k == nDouble && y.k == nDouble:
		return cmp3(x.f < y.f, x.f > y.f)
	case x.k == nDouble:
		return compareDoubleInt(x.f, y.i)
	}
	return -compareDoubleInt(y.f, x.i)
}

func compareDoubleInt(d float64, i int64) int {
	switch {
	case d < math.MinInt64:
		return -1
	case d > math.MaxInt64:
		return 1
	}
	f := float64(i)
	return cmp3(d < f, d > f)
}

func cmp3(less, more bool) int {
	switch {
	case less:
		return -1
	case more:
		return 1
	}
	return 0
}

// ncmp is <, <=, > or >=.
type ncmp struct {
	a, b nnode
	op   cmpOp
}

func (n ncmp) test(c *contract.Contract, env *nenv) (qstate, fieldSet) {
	return stateOf(n.eval(c, env), env)
}

func (n ncmp) eval(c *contract.Contract, env *nenv) nval {
	x, y, unk, unknown := strict2(n.a, n.b, c, env)
	if unknown || env.bail {
		return nval{k: nUnknown, unk: unk}
	}
	var r int
	switch {
	case x.k == nString && y.k == nString:
		r = strings.Compare(x.s, y.s)
	case x.k == nTime && y.k == nTime:
		r = cmp3(x.i < y.i || x.i == y.i && x.ns < y.ns, x.i > y.i || x.i == y.i && x.ns > y.ns)
	case isNum(x) && isNum(y):
		if x.k == nDouble && math.IsNaN(x.f) || y.k == nDouble && math.IsNaN(y.f) {
			env.bail = true // CEL: NaN values cannot be ordered
			return nval{}
		}
		r = compareNum(x, y)
	default:
		env.bail = true
		return nval{}
	}
	return nval{k: nBool, b: n.op.holds(r)}
}

type nconcat struct{ a, b nnode }

func (n nconcat) eval(c *contract.Contract, env *nenv) nval {
	x, y, unk, unknown := strict2(n.a, n.b, c, env)
	if unknown || env.bail {
		return nval{k: nUnknown, unk: unk}
	}
	return nval{k: nString, s: x.s + y.s}
}

// narith is +, -, *, / or % of two ints or two doubles. Doubles are Go's
// float64 arithmetic, as CEL's (a division by zero is an infinity); an int
// result that overflows, or an int division by zero, is CEL's error, left
// to CEL.
type narith struct {
	a, b nnode
	op   byte
	k    nkind
}

func (n narith) eval(c *contract.Contract, env *nenv) nval {
	x, y, unk, unknown := strict2(n.a, n.b, c, env)
	if unknown || env.bail {
		return nval{k: nUnknown, unk: unk}
	}
	if x.k != n.k || y.k != n.k {
		env.bail = true
		return nval{}
	}
	if n.k == nDouble {
		var r float64
		switch n.op {
		case '+':
			r = x.f + y.f
		case '-':
			r = x.f - y.f
		case '*':
			r = x.f * y.f
		default:
			r = x.f / y.f
		}
		return nval{k: nDouble, f: r}
	}
	a, b := x.i, y.i
	var r int64
	ok := true
	switch n.op {
	case '+':
		r = a + b
		ok = (a^r)&(b^r) >= 0
	case '-':
		r = a - b
		ok = (a^b)&(a^r) >= 0
	case '*':
		r = a * b
		ok = a == 0 || r/a == b && !(a == -1 && b == math.MinInt64) && !(b == -1 && a == math.MinInt64)
	case '/':
		if ok = b != 0 && !(a == math.MinInt64 && b == -1); ok {
			r = a / b
		}
	default:
		if ok = b != 0 && !(a == math.MinInt64 && b == -1); ok {
			r = a % b
		}
	}
	if !ok {
		env.bail = true // CEL's overflow or division-by-zero error
		return nval{}
	}
	return nval{k: nInt, i: r}
}

type nin struct {
	x   nnode
	set map[string]bool
}

func (n nin) test(c *contract.Contract, env *nenv) (qstate, fieldSet) {
	if f, ok := n.x.(nfield); ok && f.k == nString {
		// The commonest form, a string field in a list: read in place.
		if f.i >= len(c.Values) || !c.Values[f.i].Present {
			var unk fieldSet
			unk.add(f.i)
			return qUnknown, unk
		}
		return boolState(n.set[c.Values[f.i].Str]), fieldSet{}
	}
	return stateOf(n.eval(c, env), env)
}

func (n nin) eval(c *contract.Contract, env *nenv) nval {
	v := n.x.eval(c, env)
	if v.k != nString {
		if v.k != nUnknown {
			env.bail = true
		}
		return v
	}
	return nval{k: nBool, b: n.set[v.s]}
}

type nmatches struct {
	s  nnode
	re *regexp.Regexp
}

func (n nmatches) test(c *contract.Contract, env *nenv) (qstate, fieldSet) {
	return stateOf(n.eval(c, env), env)
}

func (n nmatches) eval(c *contract.Contract, env *nenv) nval {
	v := n.s.eval(c, env)
	if v.k != nString {
		if v.k != nUnknown {
			env.bail = true
		}
		return v
	}
	return nval{k: nBool, b: n.re.MatchString(v.s)}
}
