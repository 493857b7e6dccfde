package exp

import (
	"fmt"
	"testing"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/ast"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/interpreter"
)

type act struct{}

func (act) ResolveName(n string) (any, bool) {
	fmt.Println("resolve", n)
	switch n {
	case "variables.x":
		return types.NewUnknown(-5, types.NewAttributeTrail("table:foo")), true
	case "s":
		return "a", true
	}
	return nil, false
}
func (act) Parent() interpreter.Activation { return nil }

func TestExp2(t *testing.T) {
	env, _ := cel.NewEnv(cel.Variable("s", cel.StringType), cel.Variable("variables.x", cel.DoubleType))
	a, iss := env.Compile("variables.x > 1.0 || s == 'b'")
	if iss.Err() != nil {
		t.Fatal(iss.Err())
	}
	ast.PreOrderVisit(ast.NavigateAST(a.NativeRep()), ast.NewExprVisitor(func(x ast.Expr) {
		fmt.Println(x.Kind(), x.ID())
		if x.Kind() == ast.IdentKind {
			fmt.Println(" ident", x.AsIdent())
		}
	}))
	fmt.Println(a.NativeRep().ReferenceMap())
	prg, _ := env.Program(a, cel.EvalOptions(cel.OptOptimize))
	out, _, err := prg.Eval(act{})
	fmt.Println(out, err)
	if u, ok := out.(*types.Unknown); ok {
		for _, id := range u.IDs() {
			tr, _ := u.GetAttributeTrails(id)
			fmt.Println(id, tr)
		}
	}
}
