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
// 143 (see cli.NotifyContext). The signals stay caught until the process
// exits: a signal that comes after the run has written its reports, while
// it is on its way out, changes nothing, where the default action would
// end the process with no word of the reports it had just written.
func run() int {
	ctx, _ := cli.NotifyContext(context.Background())
	defer cli.TuneMemory()()
	return cli.Main(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
}
