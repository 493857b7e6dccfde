package cli

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
)

// Interrupted is the cause a run's context is cancelled with when a signal
// stops it (see [NotifyContext]).
type Interrupted struct{ Signal os.Signal }

func (i *Interrupted) Error() string { return "interrupted by " + signalName(i.Signal) }

// NotifyContext returns a copy of parent that is cancelled, with an
// [*Interrupted] cause, when laborcheck receives SIGINT or SIGTERM. The
// signals stay caught until stop is called, so the run can stop cleanly:
// it removes its temporary files and replaces no report with a partial one,
// and Main then returns 130 (SIGINT) or 143 (SIGTERM).
func NotifyContext(parent context.Context) (ctx context.Context, stop context.CancelFunc) {
	ctx, cancel := context.WithCancelCause(parent)
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	go func() {
		select {
		case s := <-ch:
			cancel(&Interrupted{Signal: s})
		case <-ctx.Done():
		}
	}()
	return ctx, func() {
		signal.Stop(ch)
		cancel(nil)
	}
}

// interruptCode is the exit code of a run whose context a signal
// cancelled, as a shell reports a process the signal ended: 128 plus the
// signal's number. It is 0 when no signal stopped the run.
func interruptCode(ctx context.Context) int {
	var in *Interrupted
	if ctx.Err() == nil || !errors.As(context.Cause(ctx), &in) {
		return 0
	}
	if s, ok := in.Signal.(syscall.Signal); ok && s == syscall.SIGTERM {
		return ExitTerminated
	}
	return ExitInterrupted
}

func signalName(s os.Signal) string {
	switch s {
	case os.Interrupt:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	}
	return s.String()
}

// interrupted reports whether ctx was cancelled and, if so, says what
// became of the reports and returns the exit code.
func interrupted(ctx context.Context, ui *ui, what string) (int, bool) {
	if ctx.Err() == nil {
		return 0, false
	}
	ui.errorf("%v; %s", context.Cause(ctx), what)
	return cmp.Or(interruptCode(ctx), ExitCannotRun), true
}

// crashed reports a panic that reached Main: a fault of laborcheck's, with
// the stack where it happened, and returns ExitInternal.
func crashed(stderr io.Writer, v any) int {
	stack := debug.Stack()
	if s, ok := v.(interface{ Stack() []byte }); ok && len(s.Stack()) > 0 {
		stack = s.Stack()
	}
	fmt.Fprintf(stderr, "laborcheck: internal error: %s; please report it with the command that caused it\n", safe(fmt.Sprint(v)))
	fmt.Fprintf(stderr, "%s", shortStack(stack, 24))
	return ExitInternal
}

// shortStack keeps the first n lines of a stack, indented.
func shortStack(stack []byte, n int) string {
	lines := strings.Split(strings.TrimRight(string(stack), "\n"), "\n")
	var b strings.Builder
	for i, l := range lines {
		if i == n {
			fmt.Fprintf(&b, "  … (%d more lines)\n", len(lines)-n)
			break
		}
		b.WriteString("  " + safe(l) + "\n")
	}
	return b.String()
}
