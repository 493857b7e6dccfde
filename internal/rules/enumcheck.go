package rules

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/ast"
	"github.com/google/cel-go/common/types"
	"go.yaml.in/yaml/v3"

	"github.com/laborcheck/laborcheck/internal/contract"
)

// enumProblems finds comparisons of a field with a list of values (such as
// passport_held_by) against a value the field never takes:
// contract.passport_held_by == "company" is never true, since a cell reading
// "Company" is read as "employer". It checks ==, != and `in` a list
// (a literal list, or a list of the file's lists:), and points at the value.
func (cf *compiledFile) enumProblems(r *Rule, node *yaml.Node, src string, base int, checked *cel.Ast, what string) Errors {
	if checked == nil {
		return nil
	}
	native := checked.NativeRep()
	info := native.SourceInfo()
	var out Errors
	report := func(f *contract.Field, lit ast.Expr, value string, op, list string) {
		if slices.Contains(f.Values, value) {
			return
		}
		loc := info.GetStartLocation(lit.ID())
		line, col := loc.Line(), loc.Column()
		if line < 1 {
			line, col = 1, 0
		}
		if list != "" {
			// Point at the start of the list's name, not the dot CEL
			// places a qualified name at.
			if i := strings.Index(src, list); i >= 0 {
				line = 1 + strings.Count(src[:i], "\n")
				col = utf8.RuneCountInString(src[strings.LastIndex(src[:i], "\n")+1 : i])
			}
		}
		never := "true"
		if op == "!=" {
			never = "false"
		}
		msg := fmt.Sprintf("contract.%s is never %q, so this comparison is never %s", f.Name, value, never)
		if list != "" {
			msg = fmt.Sprintf("contract.%s is never %q (an item of %s), so that item never matches", f.Name, value, list)
		}
		e := cf.celError(r, node, src, base, line, col, msg, what)
		e.Hint = enumHint(f, value)
		out = append(out, e)
	}
	ast.PostOrderVisit(native.Expr(), ast.NewExprVisitor(func(x ast.Expr) {
		if x.Kind() != ast.CallKind {
			return
		}
		call := x.AsCall()
		args := call.Args()
		if len(args) != 2 {
			return
		}
		switch call.FunctionName() {
		case "_==_", "_!=_":
			op := "=="
			if call.FunctionName() == "_!=_" {
				op = "!="
			}
			for i := range 2 {
				if f := cf.enumField(args[i]); f != nil {
					if s, ok := stringLiteral(args[1-i]); ok {
						report(f, args[1-i], s, op, "")
					}
				}
			}
		case "@in":
			f := cf.enumField(args[0])
			if f == nil {
				return
			}
			switch args[1].Kind() {
			case ast.ListKind:
				for _, el := range args[1].AsList().Elements() {
					if s, ok := stringLiteral(el); ok {
						report(f, el, s, "in", "")
					}
				}
			default:
				// A list of the file's lists:, which the checker may
				// fold into a constant.
				name := ""
				if args[1].Kind() == ast.IdentKind {
					name = args[1].AsIdent()
				} else if ref, ok := native.ReferenceMap()[args[1].ID()]; ok {
					name = ref.Name
				}
				l, ok := strings.CutPrefix(name, "lists.")
				if !ok {
					return
				}
				for _, dl := range cf.file.Lists {
					if dl.Name == l {
						for _, item := range dl.Items {
							report(f, args[1], item, "in", name)
						}
					}
				}
			}
		}
	}))
	return out
}

// enumField returns the field e selects when it is contract.<field> of a
// field with a list of values, else nil.
func (cf *compiledFile) enumField(e ast.Expr) *contract.Field {
	if e.Kind() != ast.SelectKind {
		return nil
	}
	sel := e.AsSelect()
	if sel.IsTestOnly() || sel.Operand().Kind() != ast.IdentKind || sel.Operand().AsIdent() != "contract" {
		return nil
	}
	f := cf.e.schema.Field(sel.FieldName())
	if f == nil || f.Type != contract.Enum || len(f.Values) == 0 {
		return nil
	}
	return f
}

func stringLiteral(e ast.Expr) (string, bool) {
	if e.Kind() != ast.LiteralKind {
		return "", false
	}
	s, ok := e.AsLiteral().(types.String)
	return string(s), ok
}

// enumHint suggests the value meant: the value a wording stands for
// ("company" is read as "employer"), the value written in other case, or
// the nearest value.
func enumHint(f *contract.Field, value string) string {
	all := "its values are " + strings.Join(f.Values, ", ")
	w := contract.NormalizeWord(value)
	for _, v := range f.Values {
		if contract.NormalizeWord(v) == w {
			return fmt.Sprintf("values are compared exactly: write %q (%s)", v, all)
		}
	}
	if v, ok := f.Synonyms[w]; ok {
		return fmt.Sprintf("a cell reading %q is read as %q: write %q (%s)", value, v, v, all)
	}
	if s := suggest(w, f.Values); s != "" {
		return s + " (" + all + ")"
	}
	return all
}

// enumValueHint is the hint for a bare word that is a value of a field with
// a list of values (contract.passport_held_by == employer): values are
// text, written in quotes. It returns "" for any other word.
func (e *Env) enumValueHint(word string) string {
	w := contract.NormalizeWord(word)
	for _, f := range e.schema.Fields() {
		if f.Type != contract.Enum {
			continue
		}
		for _, v := range f.Values {
			if v == word || contract.NormalizeWord(v) == w {
				return fmt.Sprintf("values are text: write %q, in quotes", v)
			}
		}
	}
	for _, f := range e.schema.Fields() {
		if v, ok := f.Synonyms[w]; ok && f.Type == contract.Enum && w == word {
			return fmt.Sprintf("values are text, in quotes; a cell reading %q is read as %q: write %q", word, v, v)
		}
	}
	return ""
}
