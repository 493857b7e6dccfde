// Command laborcheck reviews labour-contract rosters for forced-labour risk
// indicators. Run 'laborcheck help' for usage.
package main

import (
	"context"
	"os"

	"github.com/laborcheck/laborcheck/internal/cli"
)

func main() { os.Exit(run()) }

// run is main with its deferred calls done before the exit. SIGINT and
// SIGTERM cancel the run's context: the run stops cleanly and exits 130 or
// 143 (see cli.NotifyContext).
func run() int {
	ctx, stop := cli.NotifyContext(context.Background())
	defer stop()
	defer cli.TuneMemory()()
	return cli.Main(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
}
