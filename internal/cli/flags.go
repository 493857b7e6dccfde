package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"runtime/debug"
	"strings"

	"github.com/laborcheck/laborcheck/internal/contract"
)

// newFlags returns a flag set that prints nothing itself: flagError says
// what went wrong, in at most three lines, and -h prints the usage.
func newFlags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// flagError handles an error from parsing a command's flags and returns the
// exit code: -h and --help print the usage on stdout and exit 0; an unknown
// flag gets its nearest known one as a hint; any other problem is named,
// with a pointer to the command's help.
func flagError(ui *ui, fs *flag.FlagSet, err error, usage, command string) int {
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(ui.out, usage)
		return ExitOK
	}
	help := fmt.Sprintf("'laborcheck %s -h' lists the flags", command)
	if name, ok := strings.CutPrefix(err.Error(), "flag provided but not defined: -"); ok {
		ui.errorf("%s: unknown flag -%s", command, safe(name))
		var names []string
		fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
		if s := contract.Nearest(strings.TrimLeft(name, "-"), names); s != "" {
			ui.hint("did you mean -%s? %s", s, help)
		} else {
			ui.hint("%s", help)
		}
		return ExitCannotRun
	}
	ui.errorf("%s: %s", command, safe(err.Error()))
	ui.hint("%s", help)
	return ExitCannotRun
}

// exitError ends a command with an exit code already decided (and its
// message already printed).
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit %d", e.code) }

// writeBuildInfo prints what the binary was built from: the Go version, the
// module and its dependencies' versions, and the source revision when the
// build recorded one.
func writeBuildInfo(w io.Writer) {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return
	}
	fmt.Fprintf(w, "go %s\n", strings.TrimPrefix(bi.GoVersion, "go"))
	fmt.Fprintf(w, "module %s %s\n", bi.Main.Path, bi.Main.Version)
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision", "vcs.time", "vcs.modified", "GOOS", "GOARCH", "CGO_ENABLED":
			fmt.Fprintf(w, "%s %s\n", s.Key, s.Value)
		}
	}
	for _, d := range bi.Deps {
		if strings.HasPrefix(d.Path, "github.com/google/cel-go") || strings.HasPrefix(d.Path, "github.com/xuri/excelize") {
			fmt.Fprintf(w, "dep %s %s\n", d.Path, d.Version)
		}
	}
}
