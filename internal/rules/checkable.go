package rules

import (
	"slices"
	"strings"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/ast"
	celops "github.com/google/cel-go/common/operators"
)

// need is what an expression needs of a roster to be decided: a tree over
// the fields it reads, following CEL's logic. a && b needs both sides, a || b
// either (true on one side decides it), !a what a needs, c ? x : y c and
// one of x and y; has(contract.f) needs nothing (an absent column is simply
// not set); anything else (a comparison, a call, a table lookup by its key
// fields) needs every field it reads.
type need struct {
	any    bool    // any one kid is enough; else all fields and all kids
	fields []int   // schema indexes, ascending
	kids   []*need // nil for a leaf
}

// always is what a constant or has() needs: nothing.
var always = &need{}

// Checkable reports whether the rule can be decided on a roster that
// provides the fields for which avail is true (indexed like the schema):
// ok when some combination of its inputs is provided that decides it, full
// when every field it reads is provided. A rule that is ok but not full is
// partly checked: one side of an `||` has no column.
func (c *Compiled) Checkable(avail []bool) (ok, full bool) {
	if c.need == nil {
		return true, true
	}
	return c.need.check(avail)
}

// Absent returns the fields the rule reads for its decision that avail
// lacks, ascending.
func (c *Compiled) Absent(avail []bool) []int {
	if c.need == nil {
		return nil
	}
	var out []int
	c.need.absent(avail, &out)
	slices.Sort(out)
	return slices.Compact(out)
}

func (n *need) check(avail []bool) (ok, full bool) {
	if n.any {
		full = true
		for _, k := range n.kids {
			kok, kfull := k.check(avail)
			ok = ok || kok
			full = full && kfull
		}
		return ok, full
	}
	ok, full = true, true
	for _, f := range n.fields {
		if f >= len(avail) || !avail[f] {
			return false, false
		}
	}
	for _, k := range n.kids {
		kok, kfull := k.check(avail)
		ok = ok && kok
		full = full && kfull
	}
	return ok, full
}

func (n *need) absent(avail []bool, out *[]int) {
	for _, f := range n.fields {
		if f >= len(avail) || !avail[f] {
			*out = append(*out, f)
		}
	}
	for _, k := range n.kids {
		k.absent(avail, out)
	}
}

// allOf is a need of every one of ns; nil entries need nothing.
func allOf(ns ...*need) *need {
	out := &need{}
	for _, n := range ns {
		switch {
		case n == nil || n == always:
		case !n.any && len(n.kids) == 0:
			out.fields = append(out.fields, n.fields...)
		default:
			out.kids = append(out.kids, n)
		}
	}
	out.fields = sortedSet(out.fields)
	if len(out.fields) == 0 && len(out.kids) == 0 {
		return always
	}
	if len(out.fields) == 0 && len(out.kids) == 1 {
		return out.kids[0]
	}
	return out
}

// needOf builds the need of a checked expression.
func (cf *compiledFile) needOf(checked *cel.Ast) *need {
	return cf.needOfExpr(checked.NativeRep().Expr())
}

func (cf *compiledFile) needOfExpr(e ast.Expr) *need {
	switch e.Kind() {
	case ast.LiteralKind:
		return always
	case ast.IdentKind:
		if v, ok := cf.variable(e.AsIdent()); ok {
			if v.need != nil {
				return v.need
			}
			return &need{fields: v.fields}
		}
		return always
	case ast.SelectKind:
		if e.AsSelect().IsTestOnly() {
			return always // has(contract.f)
		}
	case ast.CallKind:
		call := e.AsCall()
		args := call.Args()
		switch call.FunctionName() {
		case celops.LogicalAnd:
			if len(args) == 2 {
				return allOf(cf.needOfExpr(args[0]), cf.needOfExpr(args[1]))
			}
		case celops.LogicalOr:
			if len(args) == 2 {
				a, b := cf.needOfExpr(args[0]), cf.needOfExpr(args[1])
				if a == always || b == always {
					return always
				}
				return &need{any: true, kids: []*need{a, b}}
			}
		case celops.LogicalNot:
			if len(args) == 1 {
				return cf.needOfExpr(args[0])
			}
		case celops.Conditional:
			if len(args) == 3 {
				x, y := cf.needOfExpr(args[1]), cf.needOfExpr(args[2])
				either := always
				if x != always && y != always {
					either = &need{any: true, kids: []*need{x, y}}
				}
				return allOf(cf.needOfExpr(args[0]), either)
			}
		}
	}
	return allOf(&need{fields: cf.fieldsRead(e)})
}

// fieldsRead lists every contract field e reads, through variables too;
// has(contract.f) reads none.
func (cf *compiledFile) fieldsRead(e ast.Expr) []int {
	var out []int
	ast.PreOrderVisit(e, ast.NewExprVisitor(func(x ast.Expr) {
		switch x.Kind() {
		case ast.SelectKind:
			sel := x.AsSelect()
			if op := sel.Operand(); !sel.IsTestOnly() && op.Kind() == ast.IdentKind && op.AsIdent() == "contract" {
				if f := cf.e.schema.Field(sel.FieldName()); f != nil {
					out = append(out, f.Index)
				}
			}
		case ast.IdentKind:
			if v, ok := cf.variable(x.AsIdent()); ok {
				out = append(out, v.fields...)
			}
		}
	}))
	return sortedSet(out)
}

// variable returns the compiled variable an identifier names.
func (cf *compiledFile) variable(ident string) (*compiledVar, bool) {
	name, ok := strings.CutPrefix(ident, "variables.")
	if !ok {
		return nil, false
	}
	i, ok := cf.varIndex[name]
	if !ok || i >= len(cf.vars) {
		return nil, false
	}
	return cf.vars[i], true
}
