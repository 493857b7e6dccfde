package rules

import (
	"strings"
	"unicode/utf8"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/checker"
	"github.com/google/cel-go/common/ast"
	"github.com/google/cel-go/common/types"
)

// Cost estimates.
//
// CEL estimates the worst-case cost of an expression from the sizes of the
// text and lists it works on. Where the rule file says the size (a list
// under lists:, a list literal) the estimate uses it; contract text and
// computed text are assumed to be at most MaxTextSize characters, computed
// lists at most MaxListSize items.

type sizeEstimate = checker.SizeEstimate

type estimator struct {
	cf *compiledFile
	// text and list are the sizes assumed for text and lists whose size
	// the rule file does not give: MaxTextSize and MaxListSize, except when
	// testing whether a cost depends on them.
	text, list uint64
}

func (x estimator) EstimateSize(n checker.AstNode) *checker.SizeEstimate {
	if p := n.Path(); len(p) > 0 {
		if name, ok := strings.CutPrefix(p[0], "lists."); ok {
			if l := x.cf.lists[name]; l != nil {
				if len(p) == 1 {
					s := checker.FixedSizeEstimate(uint64(len(l.Items)))
					return &s
				}
				longest := 0
				for _, it := range l.Items {
					longest = max(longest, utf8.RuneCountInString(it))
				}
				return &checker.SizeEstimate{Min: 0, Max: uint64(longest)}
			}
		}
		if name, ok := strings.CutPrefix(p[0], "variables."); ok && len(p) == 1 {
			if i, ok := x.cf.varIndex[name]; ok && x.cf.vars[i].size != nil {
				return x.cf.vars[i].size
			}
		}
	}
	switch n.Type().Kind() {
	case types.StringKind, types.BytesKind:
		return &checker.SizeEstimate{Min: 0, Max: x.text}
	case types.ListKind, types.MapKind:
		return &checker.SizeEstimate{Min: 0, Max: x.list}
	}
	return nil
}

func (x estimator) EstimateCallCost(function, _ string, _ *checker.AstNode, args []checker.AstNode) *checker.CallEstimate {
	if strings.HasPrefix(function, "tables.") {
		// A map lookup after joining the key.
		return &checker.CallEstimate{CostEstimate: checker.CostEstimate{Min: 1, Max: uint64(1 + len(args))}}
	}
	return nil
}

// estimate is the worst-case cost of a checked expression.
func (cf *compiledFile) estimate(checked *cel.Ast) uint64 {
	return cf.estimateFor(checked, MaxTextSize)
}

// estimateFor is the worst-case cost of a checked expression on text of up
// to text characters.
func (cf *compiledFile) estimateFor(checked *cel.Ast, text uint64) uint64 {
	est, err := cf.env.EstimateCost(checked, estimator{cf, text, MaxListSize})
	if err != nil {
		return 0
	}
	return est.Max
}

// hugeSize stands for text and lists of any size when testing whether an
// expression's cost depends on the data.
const hugeSize = 1 << 40

// boundedCost reports whether an expression's worst-case cost is at most
// limit whatever the size of the text and lists it reads: its estimate is
// the same when they are assumed to be of any size as when they are assumed
// to be small, and within the limit. Comparisons of numbers, dates and
// flags, and of text against literals, are; matches() on contract text is
// not.
func (cf *compiledFile) boundedCost(env *cel.Env, checked *cel.Ast, limit uint64) bool {
	small, err := env.EstimateCost(checked, estimator{cf, MaxTextSize, MaxListSize})
	if err != nil || small.Max > limit {
		return false
	}
	huge, err := env.EstimateCost(checked, estimator{cf, hugeSize, hugeSize})
	return err == nil && huge.Max == small.Max
}

// runtimeLimit is the cost limit of one evaluation of checked: limit, raised
// to the expression's estimated cost on text of [MaxCellText] characters
// when its cost grows with the text it reads. The readers cap a cell at
// that length, so a rule within the budget completes on any cell: a long
// cell costs in proportion to its length, never an error. The estimate
// still assumes computed lists (split()) of up to [MaxListSize] items; a
// rule that goes beyond them on a contract ends as an error there.
func (cf *compiledFile) runtimeLimit(env *cel.Env, checked *cel.Ast, limit uint64) uint64 {
	est, err := env.EstimateCost(checked, estimator{cf, MaxCellText, MaxListSize})
	if err != nil {
		return limit
	}
	return max(limit, est.Max)
}

// program plans a checked expression for evaluation. The runtime cost limit
// (see runtimeLimit) guards against expressions whose cost grows with the
// data beyond what the estimate foresaw; an expression whose cost is
// bounded (see boundedCost) can never reach it, so it runs without the cost
// tracker, which costs more than such an expression itself. Results are the
// same either way.
func (cf *compiledFile) program(env *cel.Env, checked *cel.Ast, limit uint64) (cel.Program, error) {
	if cf.boundedCost(env, checked, limit) {
		return env.Program(checked, cel.EvalOptions(cel.OptOptimize))
	}
	limit = cf.runtimeLimit(env, checked, limit)
	return env.Program(checked, cel.EvalOptions(cel.OptOptimize), cel.CostLimit(limit))
}

// resultSize is the size of a variable's value when the expression shows
// it: a list literal, or a list of the file.
func (cf *compiledFile) resultSize(checked *cel.Ast) *sizeEstimate {
	root := checked.NativeRep().Expr()
	switch root.Kind() {
	case ast.ListKind:
		s := checker.FixedSizeEstimate(uint64(len(root.AsList().Elements())))
		return &s
	case ast.IdentKind:
		if name, ok := strings.CutPrefix(root.AsIdent(), "lists."); ok {
			if l := cf.lists[name]; l != nil {
				s := checker.FixedSizeEstimate(uint64(len(l.Items)))
				return &s
			}
		}
	case ast.LiteralKind:
		if s, ok := root.AsLiteral().(types.String); ok {
			e := checker.FixedSizeEstimate(uint64(utf8.RuneCountInString(string(s))))
			return &e
		}
	}
	return nil
}
