package cli

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/laborcheck/laborcheck/internal/report"
)

var update = flag.Bool("update", false, "rewrite testscript expectations and golden files")

// exitFile is where the test build of laborcheck records its exit code, so
// scripts can assert it exactly with "exitcode N".
const exitFile = ".laborcheck-exit"

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"laborcheck": runMain,
		// laborcheck-crashing is laborcheck with a fault: it panics once a
		// scan has reviewed its rosters, before writing the reports.
		"laborcheck-crashing": func() {
			testHookScanned = func(*report.Report) { crashHere() }
			runMain()
		},
		// laborcheck-reader-fault is laborcheck whose reader fails on any
		// file named fault.csv, as source.Read reports a panic: the file is
		// unreadable, as an internal error.
		"laborcheck-reader-fault": func() {
			testHookScanned = func(rep *report.Report) {
				for i := range rep.Inputs {
					in := &rep.Inputs[i]
					if filepath.Base(in.Path) != "fault.csv" {
						continue
					}
					why := "internal error: please report (reading failed: injected fault)"
					in.Error, in.InternalError, in.Sheets, in.Incomplete = &why, true, nil, nil
					rep.Summary.InputsUnreadable++
					rep.Summary.InputsIncomplete--
				}
			}
			runMain()
		},
	})
}

func crashHere() { panic("injected fault") }

func runMain() {
	code := Main(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	if work := os.Getenv("WORK"); work != "" {
		_ = os.WriteFile(filepath.Join(work, exitFile), []byte(strconv.Itoa(code)), 0o644)
	}
	os.Exit(code)
}

// TestScript runs the command-line scenarios in testdata/script. Each script
// sees $SAMPLES, the repository's samples/ folder, so the README's
// walk-through is tested as written.
func TestScript(t *testing.T) {
	samples, err := filepath.Abs("../../samples")
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir:           "testdata/script",
		UpdateScripts: *update,
		Setup: func(env *testscript.Env) error {
			env.Setenv("SAMPLES", samples)
			env.Setenv("CI", "")
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			// exitcode N: the last laborcheck run exited with code N.
			"exitcode": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 1 {
					ts.Fatalf("usage: exitcode N")
				}
				got := strings.TrimSpace(ts.ReadFile(exitFile))
				if (got == args[0]) == neg {
					ts.Fatalf("laborcheck exited with %s, want %s%s", got, map[bool]string{true: "not ", false: ""}[neg], args[0])
				}
			},
		},
	})
}
