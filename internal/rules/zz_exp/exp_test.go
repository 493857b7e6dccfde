package exp

import (
	"fmt"
	"testing"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/checker"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/google/cel-go/ext"
)

type est struct{}

func (est) EstimateSize(n checker.AstNode) *checker.SizeEstimate {
	fmt.Println("size", n.Path(), n.Type())
	return &checker.SizeEstimate{Min: 0, Max: 1000}
}
func (est) EstimateCallCost(fn, ov string, t *checker.AstNode, args []checker.AstNode) *checker.CallEstimate {
	return nil
}

func TestExp(t *testing.T) {
	env, err := cel.NewEnv(
		cel.Variable("c", cel.MapType(cel.StringType, cel.DynType)),
		cel.Variable("s", cel.StringType),
		cel.Variable("ts", cel.TimestampType),
		cel.Variable("variables.x", cel.DoubleType),
		cel.Constant("lists.l", cel.ListType(cel.StringType), types.NewStringList(types.DefaultTypeAdapter, []string{"a", "b"})),
		cel.Function("tables.mw", cel.Overload("tables_mw_2", []*cel.Type{cel.DynType, cel.DynType}, cel.DoubleType,
			cel.BinaryBinding(func(a, b ref.Val) ref.Val { return types.Double(3) }))),
		ext.Strings(), ext.Lists(),
		cel.ASTValidators(cel.ValidateTimestampLiterals(), cel.ValidateRegexLiterals()),
	)
	if err != nil {
		t.Fatal(err)
	}
	for _, src := range []string{
		"tables.mw('a', 2024) > variables.x",
		"s in lists.l",
		"ts > 5",
		"ts > timestamp('2024-13-01')",
		"s.matches('[')",
		"variables.y > 1",
		"tables.mx(1,2)",
		"s.size() > 1 && \n  ts > 5",
		"lists.l.all(a, lists.l.all(b, s.matches(a+b)))",
		"lists.range(1000000).all(i, s.contains(string(i)))",
		"s.split(',').all(a, s.split(';').all(b, a == b))",
		"1 + 'a'",
	} {
		ast, iss := env.Compile(src)
		if iss.Err() != nil {
			for _, e := range iss.Errors() {
				fmt.Printf("%q: %d:%d %s\n", src, e.Location.Line(), e.Location.Column(), e.Message)
			}
			continue
		}
		ce, err := env.EstimateCost(ast, est{})
		fmt.Printf("%q ok %v cost %v %v\n", src, ast.OutputType(), ce, err)
		prg, _ := env.Program(ast)
		out, _, err := prg.Eval(map[string]any{"s": "a", "variables.x": 1.0, "ts": types.Timestamp{}})
		fmt.Println("  eval", out, err)
	}
}
