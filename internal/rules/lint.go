package rules

import (
	"cmp"
	"errors"
	"fmt"
	"slices"

	"github.com/laborcheck/laborcheck/internal/contract"
)

// Warnings: problems lint shows that do not stop a scan.

// ruleWarnings flags a rule whose decision reads no contract field: it
// gives the same result for every contract, which is almost always a
// mistake (a comparison with a constant, or a variable that was meant to
// read the contract).
func (cf *compiledFile) ruleWarnings(c *Compiled) Errors {
	if c == nil || len(c.Fields) > 0 || c.expr == nil {
		return nil
	}
	node := c.nodes["expr"]
	e := cf.file.errorAt(node, c.ID, "rule reads no contract field, so it gives the same result for every contract",
		"compare a contract field, e.g. contract.recruitment_fee_paid_by_worker > 0")
	e.Line, e.Col = cf.file.sourcePos(node, 0)
	e.Snippet = cf.file.line(e.Line)
	return Errors{warning(e)}
}

// unused flags variables, lists and tables nothing in the file reads.
func (cf *compiledFile) unused() Errors {
	var out Errors
	f := cf.file
	for _, v := range f.Variables {
		if !cf.used["variables."+v.Name] {
			out = append(out, warning(f.errorAt(v.key, "", fmt.Sprintf("variable %q is never used", v.Name), "rules read it as variables."+v.Name)))
		}
	}
	for _, l := range f.Lists {
		if !cf.used["lists."+l.Name] {
			out = append(out, warning(f.errorAt(l.key, "", fmt.Sprintf("list %q is never used", l.Name), "rules read it as lists."+l.Name)))
		}
	}
	for _, t := range f.Tables {
		if !cf.used["tables."+t.Name] && t.rows != nil {
			out = append(out, warning(f.errorAt(t.key, "", fmt.Sprintf("table %q is never used", t.Name), fmt.Sprintf("rules read it as tables.%s(key...).<column>", t.Name))))
		}
	}
	return out
}

// Lint loads and compiles the rule files at paths and checks the examples
// the rules carry, as `laborcheck rules lint` does. It returns the program
// (nil when nothing could be loaded) and every problem, errors and
// warnings ([Error.Warning]) alike, ordered by file, line and column.
func Lint(paths []string, schema *contract.Schema, opts LoadOptions) (*Program, Errors) {
	set, errs := Load(paths, opts)
	env, err := NewEnv(schema)
	if err != nil {
		return nil, append(errs, &Error{File: "schema", Msg: err.Error()})
	}
	if set == nil {
		return nil, errs
	}
	prog, cerrs := env.Compile(set, CompileOptions{})
	errs = append(errs, cerrs...)
	for _, r := range prog.RunTests(nil) {
		var e *Error
		if errors.As(r.Setup, &e) {
			errs = append(errs, e)
		}
	}
	errs = append(errs, prog.Warnings...)
	for _, f := range set.Files {
		errs = append(errs, f.remedyProblems()...)
	}
	order := map[string]int{}
	for _, f := range set.Files {
		order[f.Path] = len(order)
	}
	for _, t := range set.Tables() {
		if _, ok := order[t.Path]; !ok {
			order[t.Path] = len(order)
		}
	}
	slices.SortStableFunc(errs, func(a, b *Error) int {
		oa, ka := order[a.File]
		ob, kb := order[b.File]
		switch {
		case ka != kb:
			return cmp.Compare(b2i(ka), b2i(kb)) // unknown files (a bad path) first
		case oa != ob:
			return cmp.Compare(oa, ob)
		case a.Line != b.Line:
			return cmp.Compare(a.Line, b.Line)
		}
		return cmp.Compare(a.Col, b.Col)
	})
	return prog, errs
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
