// Command rostergen writes a generated roster for benchmarking laborcheck:
//
//	go run ./internal/rostergen/cmd/rostergen -rows 200000 -o /tmp/roster.xlsx
//
// The extension of -o picks the format (.xlsx or .csv). See package
// internal/rostergen for what the rows hold.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/laborcheck/laborcheck/internal/rostergen"
)

func main() {
	var opts rostergen.Options
	out := flag.String("o", "", "output file: .xlsx or .csv (required)")
	flag.IntVar(&opts.Rows, "rows", 10000, "contracts (data rows)")
	flag.Uint64Var(&opts.Seed, "seed", 1, "varies the rows")
	flag.Float64Var(&opts.RiskyShare, "risky", 0.08, "share of contracts with risk indicators")
	flag.StringVar(&opts.Sheet, "sheet", "Workers", "worksheet name")
	flag.IntVar(&opts.First, "first", 0, "first contract written, counted from 0: -first 25000 -rows 25000 is the second quarter of a 100,000-row roster")
	flag.Parse()
	if *out == "" || flag.NArg() > 0 || opts.Rows < 0 || opts.First < 0 {
		flag.Usage()
		os.Exit(2)
	}
	if err := rostergen.WriteFile(*out, opts); err != nil {
		fmt.Fprintln(os.Stderr, "rostergen:", err)
		os.Exit(1)
	}
}
