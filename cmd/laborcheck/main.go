// Command laborcheck reviews labour-contract rosters for forced-labour risk
// indicators. Run 'laborcheck help' for usage.
package main

import (
	"context"
	"os"
	"os/signal"

	"github.com/laborcheck/laborcheck/internal/cli"
)

func main() { os.Exit(run()) }

func run() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	return cli.Main(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
}
