package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"

	defaultrules "github.com/laborcheck/laborcheck/rules"

	"github.com/laborcheck/laborcheck/internal/contract"
	"github.com/laborcheck/laborcheck/internal/rules"
)

// builtinPrefix names the built-in pack's files in positions and reports.
const builtinPrefix = "builtin:"

// loadRules reads the rule files at paths, or the built-in pack when there
// are none, and compiles them. It prints every problem and returns false when
// there were any.
func loadRules(ui *ui, paths []string, schema *contract.Schema) (*rules.Program, rules.Errors) {
	var set *rules.Set
	var errs rules.Errors
	if len(paths) == 0 {
		set, errs = rules.LoadFS(defaultrules.FS, builtinPrefix)
	} else {
		set, errs = rules.Load(paths)
	}
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

func loadProgram(ui *ui, paths []string, schema *contract.Schema) (*rules.Program, bool) {
	prog, errs := loadRules(ui, paths, schema)
	if len(errs) > 0 {
		for _, e := range errs {
			fmt.Fprintf(ui.err, "%s\n", e.Detail())
		}
		ui.errorf("%d problem(s) in the rule files; nothing was scanned", len(errs))
		ui.hint("run 'laborcheck rules lint' on the files for the full list")
		return nil, false
	}
	return prog, true
}

const rulesUsage = `Usage:
  laborcheck rules list [-format table|json] [PATH...]
  laborcheck rules test [PATH...]
  laborcheck rules lint [PATH...]

PATH is a rule file or a folder of them; without PATH the built-in pack is used.

  list   the rules in effect: id, indicator, severity, title and source
  test   runs every example the rules carry and prints failures with the
         expected and actual outcome; ends with "N passed, M failed"
  lint   checks rule files (YAML, fields, types, expressions, references)
         without running a scan; every problem is printed as file:line:col
`

func runRules(ctx context.Context, ui *ui, args []string) int {
	if len(args) == 0 {
		fmt.Fprint(ui.err, rulesUsage)
		return ExitCannotRun
	}
	switch args[0] {
	case "list":
		return runRulesList(ui, args[1:])
	case "test":
		return runRulesTest(ui, args[1:])
	case "lint":
		return runRulesLint(ui, args[1:])
	case "-h", "-help", "--help", "help":
		fmt.Fprint(ui.out, rulesUsage)
		return ExitOK
	}
	ui.errorf("unknown rules command %q", args[0])
	ui.hint("use list, test or lint")
	return ExitCannotRun
}

func rulesFlags(ui *ui, name string, args []string) (*flag.FlagSet, []string, bool) {
	fs := flag.NewFlagSet("rules "+name, flag.ContinueOnError)
	fs.SetOutput(ui.err)
	fs.Usage = func() { fmt.Fprint(ui.err, rulesUsage) }
	return fs, args, true
}

func runRulesList(ui *ui, args []string) int {
	fs, _, _ := rulesFlags(ui, "list", args)
	format := fs.String("format", "table", "")
	paths, err := parseInterleaved(fs, args)
	if err != nil {
		return ExitCannotRun
	}
	prog, ok := loadProgram(ui, paths, contract.DefaultSchema())
	if !ok {
		return ExitCannotRun
	}
	type row struct {
		ID         string   `json:"id"`
		Indicator  string   `json:"indicator"`
		Severity   string   `json:"severity"`
		Title      string   `json:"title"`
		Source     string   `json:"source"`
		References []string `json:"references"`
	}
	var rows []row
	for _, r := range prog.Rules {
		rows = append(rows, row{r.ID, r.Indicator, r.Severity.String(), r.Title, r.Source(), r.References})
	}
	switch *format {
	case "json":
		enc := json.NewEncoder(ui.out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rows); err != nil {
			ui.errorf("%v", err)
			return ExitCannotRun
		}
	case "table":
		tw := tabwriter.NewWriter(ui.out, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tINDICATOR\tSEVERITY\tTITLE\tSOURCE")
		for _, r := range rows {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.ID, r.Indicator, r.Severity, r.Title, r.Source)
		}
		tw.Flush()
	default:
		ui.errorf("-format %q: want table or json", *format)
		return ExitCannotRun
	}
	return ExitOK
}

func runRulesTest(ui *ui, args []string) int {
	fs, _, _ := rulesFlags(ui, "test", args)
	verbose := fs.Bool("v", false, "")
	paths, err := parseInterleaved(fs, args)
	if err != nil {
		return ExitCannotRun
	}
	schema := contract.DefaultSchema()
	prog, ok := loadProgram(ui, paths, schema)
	if !ok {
		return ExitCannotRun
	}
	deriver := contract.NewDeriver(schema, rules.TestReviewDate)
	results := prog.RunTests(deriver.Derive)
	passed, failed := 0, 0
	for _, r := range results {
		if r.OK() {
			passed++
			if *verbose {
				fmt.Fprintf(ui.out, "ok    %s %s: %s\n", r.Where(), r.Rule.ID, r.Test.Name)
			}
			continue
		}
		failed++
		fmt.Fprintf(ui.out, "FAIL  %s rule %s, example %q\n", r.Where(), r.Rule.ID, r.Test.Name)
		if r.Setup != nil {
			if e, ok := r.Setup.(*rules.Error); ok {
				fmt.Fprintf(ui.out, "      %s\n", strings.ReplaceAll(e.Detail(), "\n", "\n      "))
			} else {
				fmt.Fprintf(ui.out, "      %v\n", r.Setup)
			}
			continue
		}
		fmt.Fprintf(ui.out, "      expected %s, got %s\n", r.Test.Expect, outcomeWord(r.Got))
		if r.Err != nil {
			fmt.Fprintf(ui.out, "      error: %v\n", r.Err)
		}
		if len(r.Values) > 0 {
			fmt.Fprintf(ui.out, "      values: %s\n", strings.Join(r.Values, ", "))
		}
	}
	// Rules that cannot show they both flag and pass are weakly tested.
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
	fs, _, _ := rulesFlags(ui, "lint", args)
	paths, err := parseInterleaved(fs, args)
	if err != nil {
		return ExitCannotRun
	}
	schema := contract.DefaultSchema()
	prog, errs := loadRules(ui, paths, schema)
	if prog != nil {
		for _, r := range prog.RunTests(nil) {
			if e, ok := r.Setup.(*rules.Error); ok {
				errs = append(errs, e)
			}
		}
	}
	for _, e := range errs {
		fmt.Fprintf(ui.out, "%s\n", e.Detail())
	}
	if len(errs) > 0 {
		fmt.Fprintf(ui.out, "%d problem(s)\n", len(errs))
		return ExitCannotRun
	}
	n := 0
	if prog != nil {
		n = len(prog.Rules)
	}
	fmt.Fprintf(ui.out, "%d rules, no problems\n", n)
	return ExitOK
}
