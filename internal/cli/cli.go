// Package cli is laborcheck's command line: flag parsing per subcommand,
// usage text, exit codes, and turning errors into messages with hints. It
// wires the other packages together and holds no business logic.
package cli

import (
	"context"
	"errors"
	"fmt"
	"github.com/laborcheck/laborcheck/internal/contract"
	"io"
	"runtime/debug"
	"strings"
)

// Exit codes.
const (
	ExitOK         = 0 // ran; no finding at or above -fail-on
	ExitFindings   = 1 // ran; findings at or above -fail-on
	ExitCannotRun  = 2 // bad flags, invalid or missing rule files, no readable input
	ExitIncomplete = 3 // ran, but the review is incomplete: an input file or sheet could not be read, a file holds no contracts, its columns let no rule run, or its coverage is below -min-coverage
	// ExitInternal (EX_SOFTWARE) is a fault of laborcheck's own: a crash, or
	// a file its reader failed on. Wins over 1, 2 and 3.
	ExitInternal    = 70
	ExitInterrupted = 130 // stopped by SIGINT (Ctrl-C); no report was replaced by a partial one
	ExitTerminated  = 143 // stopped by SIGTERM; likewise
)

// Version is the release version; set with -ldflags "-X ...cli.Version=v1.2.3".
var Version = ""

func version() string {
	if Version != "" {
		return Version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
}

const usage = `laborcheck reviews labour contracts for signs of forced labour.

It reads rosters (.xlsx, .xlsm, .xls, .ods, .csv, .tsv, or folders of them),
checks every contract against rules drawn from ILO and industry standards, and
reports each risk indicator with the row, the values that triggered it and the
standard it breaks. Findings are risk indicators for follow-up, not verdicts.

Usage:
  laborcheck scan [flags] PATH...     review rosters and report findings
  laborcheck inspect [flags] PATH...  show how rosters' columns map to fields
  laborcheck merge [flags] PARTS|DIR  make the reports of a review run as shards
  laborcheck rules list [PATH...]     list the rules in effect (-fields: the fields)
  laborcheck rules test [PATH...]     run the examples each rule carries
  laborcheck rules lint [PATH...]     check rule files without running them
  laborcheck template [flags]         write a workbook for suppliers to fill in
  laborcheck version                  print the version and what it was built from

Examples:
  laborcheck scan samples/
  laborcheck scan -o report.xlsx -o report.json rosters/
  laborcheck scan -fail-on critical supplier-a.xlsx && echo "gate passed"
  laborcheck scan -rules rules/ -rules local-overrides.yaml rosters/
  laborcheck inspect samples/garment-factory.xlsx
  laborcheck inspect -write-map map.yaml rosters/ && laborcheck scan -map map.yaml rosters/
  laborcheck scan -annotate marked/ rosters/
  laborcheck template -lang es -o plantilla.xlsx

Run 'laborcheck COMMAND -h' for a command's flags.

Exit codes:
  0    no finding at or above -fail-on
  1    findings at or above -fail-on
  2    could not run: bad flags, invalid rule files, no readable input, a
       report that cannot be written
  3    ran, but an input file or sheet could not be read (the review is incomplete)
  70   internal error: laborcheck crashed, or failed on a file; please report it
  130  stopped by SIGINT; 143: by SIGTERM. No report is replaced by a partial one
`

// Main runs the command line in args (without the program name) and returns
// the exit code. A panic anywhere in the command is reported on stderr as an
// internal error, with its stack, and returns ExitInternal; a run whose ctx
// was cancelled by [NotifyContext] returns ExitInterrupted or ExitTerminated.
func Main(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) (code int) {
	defer func() {
		if v := recover(); v != nil {
			code = crashed(stderr, v)
		}
	}()
	code = run(ctx, args, stdin, stdout, stderr)
	if sig := interruptCode(ctx); sig != 0 && code != sig {
		// The signal came after the command had done its work, or the
		// command does not watch for one: the run still counts as stopped.
		fmt.Fprintf(stderr, "laborcheck: error: %v\n", context.Cause(ctx))
		code = sig
	}
	return code
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	ui := &ui{out: stdout, err: stderr}
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return ExitCannotRun
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "scan":
		return runScan(ctx, ui, rest)
	case "inspect":
		return runInspect(ctx, ui, rest)
	case "merge":
		return runMerge(ctx, ui, rest)
	case "rules":
		return runRules(ctx, ui, rest)
	case "template":
		return runTemplate(ui, rest)
	case "version", "-version", "--version":
		fmt.Fprintf(stdout, "laborcheck %s\n", version())
		writeBuildInfo(stdout)
		return ExitOK
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return ExitOK
	}
	ui.errorf("unknown command %q", cmd)
	if s := contract.Nearest(cmd, []string{"scan", "inspect", "merge", "rules", "template", "version", "help"}); s != "" {
		ui.hint("did you mean %q?", s)
	}
	ui.hint("run 'laborcheck help' for usage")
	return ExitCannotRun
}

// ui prints in laborcheck's house style: results on stdout; errors and hints
// on stderr as "laborcheck: error: ..." and "laborcheck: hint: ...".
// Messages quote file, sheet and header names from rosters, so each is
// printed through safe: a roster cannot send the terminal escape sequences.
type ui struct {
	out, err io.Writer
}

func (u *ui) errorf(format string, a ...any) {
	fmt.Fprintf(u.err, "laborcheck: error: %s\n", safe(fmt.Sprintf(format, a...)))
}

func (u *ui) warnf(format string, a ...any) {
	fmt.Fprintf(u.err, "laborcheck: warning: %s\n", safe(fmt.Sprintf(format, a...)))
}

func (u *ui) hint(format string, a ...any) {
	fmt.Fprintf(u.err, "laborcheck: hint: %s\n", safe(fmt.Sprintf(format, a...)))
}

// errUsage marks a flag error already reported by the flag package.
var errUsage = errors.New("usage")

// multiFlag collects a repeatable string flag.
type multiFlag []string

func (m *multiFlag) String() string { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error {
	*m = append(*m, v)
	return nil
}
