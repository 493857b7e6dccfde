package rules

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/laborcheck/laborcheck/internal/contract"
)

// ruleWithExpr is a rule file whose one rule has expression expr (written
// double-quoted, so expr must not hold a double quote) and message msg.
func ruleWithExpr(expr, msg string) []byte {
	return fmt.Appendf(nil, `rules:
  - id: big
    title: t
    indicator: child_labour
    severity: high
    expr: "%s"
    message: "%s"
    references: [r]
`, expr, msg)
}

// TestExpressionLimits: an expression too long or too deeply nested for the
// parser is a lint error with its place and its size, never a panic.
func TestExpressionLimits(t *testing.T) {
	nested := func(n int) string { return strings.Repeat("(", n) + "contract.age > 1" + strings.Repeat(")", n) }
	long := func(n int) string { return "contract.age > 1" + strings.Repeat(" || contract.age > 2", n) }
	cases := []struct {
		name, expr, msg string
		want            string // "" when the rule compiles
		line, col       int
	}{
		{name: "nesting at the limit", expr: nested(MaxExpressionDepth), msg: "m"},
		{name: "nesting one over", expr: nested(MaxExpressionDepth + 1), msg: "m",
			want: fmt.Sprintf("expr: the expression nests %d levels; at most %d are allowed", MaxExpressionDepth+1, MaxExpressionDepth), line: 6, col: 12 + MaxExpressionDepth},
		{name: "250 brackets", expr: nested(250), msg: "m",
			want: "expr: the expression nests 250 levels; at most 100 are allowed", line: 6, col: 12 + MaxExpressionDepth},
		{name: "brackets in text do not count", expr: "contract.product == '" + strings.Repeat("(", 300) + "'", msg: "m"},
		{name: "chain of operators", expr: "contract.age" + strings.Repeat(" + 1", 300) + " > 1", msg: "m",
			want: "expr: the expression nests more than 100 levels", line: 6, col: 12},
		{name: "length at the limit", expr: "contract.age > 1 " + strings.Repeat(" ", MaxExpressionLength-17), msg: "m"},
		{name: "over 100,000 characters", expr: long(6000), msg: "m",
			want: "expr: the expression is 120016 characters long; at most 10000 are allowed", line: 6, col: 12},
		{name: "nested placeholder", expr: "contract.age > 1", msg: "{{" + nested(300) + "}}",
			want: "message: the expression nests 300 levels; at most 100 are allowed", line: 7, col: 17 + MaxExpressionDepth},
	}
	env, err := NewEnv(contract.DefaultSchema())
	require.NoError(t, err)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, errs := Parse("f.yaml", ruleWithExpr(tc.expr, tc.msg))
			require.Empty(t, errs)
			_, errs = env.Compile(&Set{Files: []*File{f}, Rules: f.Rules}, CompileOptions{})
			if tc.want == "" {
				assert.Empty(t, errs)
				return
			}
			require.Len(t, errs, 1, "%v", errs)
			e := errs[0]
			assert.Equal(t, tc.want, e.Msg)
			assert.Equal(t, [2]int{tc.line, tc.col}, [2]int{e.Line, e.Col})
			assert.NotEmpty(t, e.Hint)
			assert.Less(t, len(e.Detail()), 1000, "the snippet is cut around the caret")
		})
	}
}
