package cli

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	defaultrules "github.com/laborcheck/laborcheck/rules"

	"github.com/laborcheck/laborcheck/internal/contract"
	"github.com/laborcheck/laborcheck/internal/crossrow"
	"github.com/laborcheck/laborcheck/internal/engine"
	"github.com/laborcheck/laborcheck/internal/report"
	"github.com/laborcheck/laborcheck/internal/rules"
)

// rulePaths is the rule paths to load: the built-in pack when none is given.
func rulePaths(paths []string) []string {
	if len(paths) == 0 {
		return []string{rules.BuiltinPath}
	}
	return paths
}

// ruleLoadOptions are the options rule files load with: the built-in pack
// for the path "builtin", and the built-in combinations and cross-row
// checks, which files override, disable and waive like rules.
func ruleLoadOptions() rules.LoadOptions {
	return rules.LoadOptions{Builtin: defaultrules.FS, Checks: checkRules()}
}

// checkRules returns the built-in combinations and cross-row checks as
// rules (fresh ones: loading changes them).
func checkRules() []*rules.Rule {
	var out []*rules.Rule
	// A broken combinations file is reported by loadTables.
	if combos, err := engine.ParseCombinations(defaultrules.CombinationsPath, defaultrules.Combinations); err == nil {
		for i := range combos {
			out = append(out, combos[i].Rule())
		}
	}
	for _, c := range crossrow.Checks {
		out = append(out, &rules.Rule{ID: c.ID, Title: c.Title, Indicator: c.Indicator, Severity: c.Severity, DeclaredSeverity: c.Severity,
			References: c.References, Remedy: c.Remedy, File: crossrow.CheckSource, Kind: rules.KindCrossRow})
	}
	return out
}

// crossRowPolicy is what the rule files of set changed about the cross-row
// checks.
func crossRowPolicy(set *rules.Set) *crossrow.Policy {
	p := &crossrow.Policy{Disabled: map[string]bool{}, Severity: map[string]contract.Severity{}, Changes: map[string][]string{}}
	for _, c := range crossrow.Checks {
		r := set.Check(c.ID)
		switch {
		case r == nil:
		case r.DisabledBy != "":
			p.Disabled[c.ID] = true
		case len(r.Changes) > 0:
			p.Severity[c.ID] = r.Severity
			for _, ch := range r.Changes {
				p.Changes[c.ID] = append(p.Changes[c.ID], ch.String())
			}
		}
	}
	return p
}

// loadRules reads the rule files at paths (the path "builtin" is the
// built-in pack; no path at all means the pack alone) and compiles them. It
// returns every problem it found.
func loadRules(paths []string, schema *contract.Schema) (*rules.Program, rules.Errors) {
	set, errs := rules.Load(rulePaths(paths), ruleLoadOptions())
	env, err := rules.NewEnv(schema)
	if err != nil {
		return nil, append(errs, &rules.Error{File: "schema", Msg: err.Error()})
	}
	if set == nil {
		return nil, errs
	}
	prog, cerrs := env.Compile(set, rules.CompileOptions{})
	return prog, append(errs, cerrs...)
}

// loadProgram is loadRules for commands that run the rules: it prints every
// problem and returns false when there were any.
func loadProgram(ui *ui, paths []string, schema *contract.Schema) (*rules.Program, bool) {
	prog, errs := loadRules(paths, schema)
	if len(errs) > 0 {
		printProblems(ui.err, errs)
		ui.errorf("%s in the rule files; nothing was run", plural(len(errs), "problem"))
		ui.hint("run 'laborcheck rules lint' on the files for the full list")
		return nil, false
	}
	return prog, true
}

// maxListedProblems is how many problems a command lists before it only
// counts the rest: a broken or hostile file can have one per line.
const maxListedProblems = 50

// printProblems writes each problem with its snippet and hint, up to
// maxListedProblems of them, then how many more there are.
func printProblems(w io.Writer, problems rules.Errors) {
	for i, e := range problems {
		if i == maxListedProblems {
			fmt.Fprintf(w, "… and %s\n", plural(len(problems)-i, "more problem"))
			return
		}
		fmt.Fprintf(w, "%s\n", e.Detail())
	}
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// ruleTables lists the lookup tables the rules read, with their digests,
// for the report.
func ruleTables(prog *rules.Program) []report.File {
	var out []report.File
	for _, t := range prog.Set.Tables() {
		out = append(out, report.File{Path: t.Path, SHA256: t.SHA256})
	}
	return out
}

const rulesUsage = `Usage:
  laborcheck rules list [-format table|json] [-v] [PATH...]
  laborcheck rules list -fields [-format table|json]
  laborcheck rules test [-v] [PATH...]
  laborcheck rules lint [PATH...]

PATH is a rule file or a folder of them. Later files layer over earlier
ones: they can add rules, change a rule's severity (overrides:) and turn
rules off (disable:). The path "builtin" is the built-in pack, so
"builtin local.yaml" layers local.yaml over it; without PATH the built-in
pack is used alone.

  list   the rules in effect: id, indicator, severity, title, where each is
         defined and what later files changed, then the built-in
         combinations and cross-row checks (files override, disable and
         waive them like rules); then those turned off. -v adds each
         one's references and remedy (the JSON form always has them).
         With -fields: the contract fields rules read and mapping files
         name, with each field's type and allowed values
  test   runs every example the rules carry (tests:) and prints each failure
         with the expected and actual outcome and the values the rule read;
         ends with "N passed, M failed"; exits 1 when an example fails
  lint   checks rule files without running a scan: YAML, keys, indicators,
         severities, expressions and their types, literals, cost, variables,
         lists, tables, layering and examples. Every problem is printed as
         file:line:col with the line, a caret and a hint; exits 2 when there
         is an error (warnings alone exit 0)

Examples:
  laborcheck rules lint my-rules/
  laborcheck rules test builtin my-rules/local.yaml
  laborcheck rules list -format json builtin my-rules/
`

func runRules(_ context.Context, ui *ui, args []string) int {
	if len(args) == 0 {
		fmt.Fprint(ui.err, rulesUsage)
		return ExitCannotRun
	}
	switch args[0] {
	case "list":
		return runRulesList(ui, args[1:])
	case "test":
		return runRulesTest(ui, args[1:])
	case "lint", "check":
		return runRulesLint(ui, args[1:])
	case "-h", "-help", "--help", "help":
		fmt.Fprint(ui.out, rulesUsage)
		return ExitOK
	}
	ui.errorf("unknown rules command %q", args[0])
	ui.hint("use list, test or lint")
	return ExitCannotRun
}

func rulesFlags(ui *ui, name string) *flag.FlagSet {
	return newFlags("rules " + name)
}

// listedRule is one row of `rules list`.
type listedRule struct {
	ID string `json:"id"`
	// Kind is "rule", "combination" or "cross-row check".
	Kind       string   `json:"kind"`
	Indicator  string   `json:"indicator"`
	Severity   string   `json:"severity"`
	Title      string   `json:"title"`
	Source     string   `json:"source"`
	Layers     []string `json:"layers,omitempty"`
	DisabledBy string   `json:"disabled_by,omitempty"`
	References []string `json:"references"`
	Remedy     string   `json:"remedy,omitempty"`
}

func listRow(r *rules.Rule) listedRule {
	row := listedRule{ID: r.ID, Kind: cmp.Or(r.Kind, "rule"), Indicator: r.Indicator, Severity: r.Severity.String(), Title: r.Title,
		Source: r.Source(), DisabledBy: r.DisabledBy, References: r.References, Remedy: r.Remedy}
	for _, c := range r.Changes {
		row.Layers = append(row.Layers, c.String())
	}
	return row
}

func runRulesList(ui *ui, args []string) int {
	fs := rulesFlags(ui, "list")
	format := fs.String("format", "table", "")
	fields := fs.Bool("fields", false, "")
	verbose := fs.Bool("v", false, "")
	paths, err := parseInterleaved(fs, args)
	if err != nil {
		return flagError(ui, fs, err, rulesUsage, fs.Name())
	}
	if *fields {
		return listFields(ui, *format)
	}
	prog, ok := loadProgram(ui, paths, contract.DefaultSchema())
	if !ok {
		return ExitCannotRun
	}
	var rows, off []listedRule
	for _, r := range prog.Rules {
		rows = append(rows, listRow(r.Rule))
	}
	for _, r := range prog.Set.Checks {
		rows = append(rows, listRow(r))
	}
	for _, r := range prog.Set.Disabled {
		off = append(off, listRow(r))
	}
	switch *format {
	case "json":
		enc := json.NewEncoder(ui.out)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(append(rows, off...)); err != nil {
			ui.errorf("%v", err)
			return ExitCannotRun
		}
	case "table":
		tw := tabwriter.NewWriter(ui.out, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tINDICATOR\tSEVERITY\tTITLE\tSOURCE")
		for _, r := range rows {
			src := r.Source
			for _, l := range r.Layers {
				src += "; " + l
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.ID, r.Indicator, r.Severity, r.Title, src)
		}
		tw.Flush()
		if *verbose {
			for _, r := range rows {
				fmt.Fprintf(ui.out, "\n%s (%s)\n", r.ID, r.Kind)
				for _, ref := range r.References {
					fmt.Fprintf(ui.out, "  reference: %s\n", ref)
				}
				if r.Remedy != "" {
					fmt.Fprintf(ui.out, "  remedy: %s\n", r.Remedy)
				}
			}
			fmt.Fprintln(ui.out)
		}
		for _, r := range off {
			fmt.Fprintf(ui.out, "disabled: %s (%s), by %s\n", r.ID, r.Source, r.DisabledBy)
		}
	default:
		ui.errorf("-format %q: want table or json", *format)
		return ExitCannotRun
	}
	return ExitOK
}

// listedField is one row of `rules list -fields`.
type listedField struct {
	Name   string   `json:"name"`
	Type   string   `json:"type"`
	Values []string `json:"values,omitempty"`
}

// listFields prints the contract fields rules read and mapping files name,
// with each field's type and, for a field with a list of values, the values.
func listFields(ui *ui, format string) int {
	var rows []listedField
	for _, f := range contract.DefaultSchema().Fields() {
		typ := f.Type.String()
		switch f.Type {
		case contract.Bool:
			typ = "yes/no"
		case contract.Enum:
			typ = "one of"
		case contract.Duration:
			typ = "days"
		}
		rows = append(rows, listedField{Name: f.Name, Type: typ, Values: f.Values})
	}
	switch format {
	case "json":
		enc := json.NewEncoder(ui.out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rows); err != nil {
			ui.errorf("%v", err)
			return ExitCannotRun
		}
	case "table":
		tw := tabwriter.NewWriter(ui.out, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "FIELD\tTYPE\tVALUES")
		for _, r := range rows {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", r.Name, r.Type, strings.Join(r.Values, ", "))
		}
		tw.Flush()
	default:
		ui.errorf("-format %q: want table or json", format)
		return ExitCannotRun
	}
	return ExitOK
}

func runRulesTest(ui *ui, args []string) int {
	fs := rulesFlags(ui, "test")
	verbose := fs.Bool("v", false, "")
	paths, err := parseInterleaved(fs, args)
	if err != nil {
		return flagError(ui, fs, err, rulesUsage, fs.Name())
	}
	schema := contract.DefaultSchema()
	prog, ok := loadProgram(ui, paths, schema)
	if !ok {
		return ExitCannotRun
	}
	deriver := contract.NewDeriver(schema, rules.TestReviewDate)
	results := prog.RunTests(deriver.Derive)
	passed, failed := 0, 0
	const indent = "      "
	for _, r := range results {
		if r.OK() {
			passed++
			if *verbose {
				fmt.Fprintf(ui.out, "ok    %s rule %s, example %q\n", r.Where(), r.Rule.ID, r.Test.Name)
			}
			continue
		}
		failed++
		fmt.Fprintf(ui.out, "FAIL  %s rule %s, example %q\n", r.Where(), r.Rule.ID, r.Test.Name)
		if r.Setup != nil {
			var e *rules.Error
			if errors.As(r.Setup, &e) {
				fmt.Fprintf(ui.out, "%s%s\n", indent, strings.ReplaceAll(e.Detail(), "\n", "\n"+indent))
			} else {
				fmt.Fprintf(ui.out, "%s%v\n", indent, r.Setup)
			}
			continue
		}
		want, got := string(r.Test.Expect), outcomeWord(r.Got)
		if r.Test.Severity != contract.SeverityNone {
			want += " (" + r.Test.Severity.String() + ")"
			if r.Got == rules.Flag {
				got += " (" + r.Severity.String() + ")"
			}
		}
		fmt.Fprintf(ui.out, "%sexpected %s, got %s\n", indent, want, got)
		if r.Err != nil {
			fmt.Fprintf(ui.out, "%serror: %v\n", indent, r.Err)
		}
		if len(r.Missing) > 0 {
			fmt.Fprintf(ui.out, "%sblank: %s\n", indent, strings.Join(r.Missing, ", "))
		}
		for _, l := range r.Lookups {
			fmt.Fprintf(ui.out, "%slookup: %s\n", indent, l)
		}
		if len(r.Values) > 0 {
			fmt.Fprintf(ui.out, "%svalues: %s\n", indent, strings.Join(r.Values, ", "))
		}
		if len(r.Variables) > 0 {
			fmt.Fprintf(ui.out, "%svariables: %s\n", indent, strings.Join(r.Variables, ", "))
		}
	}
	// A rule that cannot show it both flags and passes is weakly tested.
	for _, r := range prog.Rules {
		var flagEx, passEx bool
		for _, t := range r.Tests {
			flagEx = flagEx || t.Expect == rules.ExpectFlag
			passEx = passEx || t.Expect == rules.ExpectPass
		}
		switch {
		case !flagEx && !passEx:
			fmt.Fprintf(ui.out, "note  %s rule %s has no examples\n", r.Source(), r.ID)
		case !flagEx:
			fmt.Fprintf(ui.out, "note  %s rule %s has no example that flags\n", r.Source(), r.ID)
		case !passEx:
			fmt.Fprintf(ui.out, "note  %s rule %s has no example that passes\n", r.Source(), r.ID)
		}
	}
	fmt.Fprintf(ui.out, "%d passed, %d failed\n", passed, failed)
	if failed > 0 {
		return ExitFindings
	}
	return ExitOK
}

func outcomeWord(s rules.Status) string {
	switch s {
	case rules.Flag:
		return "flag"
	case rules.Pass:
		return "pass"
	case rules.Insufficient:
		return "insufficient"
	}
	return "error"
}

func runRulesLint(ui *ui, args []string) int {
	fs := rulesFlags(ui, "lint")
	paths, err := parseInterleaved(fs, args)
	if err != nil {
		return flagError(ui, fs, err, rulesUsage, fs.Name())
	}
	prog, problems := rules.Lint(rulePaths(paths), contract.DefaultSchema(), ruleLoadOptions())
	errs, warns := 0, 0
	printProblems(ui.out, problems)
	for _, e := range problems {
		if e.Warning {
			warns++
		} else {
			errs++
		}
	}
	n := 0
	if prog != nil {
		n = len(prog.Rules)
	}
	switch {
	case errs > 0 && warns > 0:
		fmt.Fprintf(ui.out, "%s, %s\n", plural(errs, "error"), plural(warns, "warning"))
	case errs > 0:
		fmt.Fprintf(ui.out, "%s\n", plural(errs, "error"))
	case warns > 0:
		fmt.Fprintf(ui.out, "%s, %s\n", plural(n, "rule"), plural(warns, "warning"))
	default:
		fmt.Fprintf(ui.out, "%s, no problems\n", plural(n, "rule"))
	}
	if errs > 0 {
		return ExitCannotRun
	}
	return ExitOK
}
