package scan

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"

	"github.com/laborcheck/laborcheck/internal/contract"
	"github.com/laborcheck/laborcheck/internal/engine"
	"github.com/laborcheck/laborcheck/internal/report"
	"github.com/laborcheck/laborcheck/internal/rostergen"
	"github.com/laborcheck/laborcheck/internal/source"
	"github.com/xuri/excelize/v2"
)

// Benchmarks of the review pipeline over generated rosters (see
// internal/rostergen): 39 columns, 8% risky contracts, messy values, shared
// strings as LibreOffice writes them. Each runs at 10,000 and 200,000 rows;
// the rosters are generated once and kept in os.TempDir()/laborcheck-bench.
// Benchmarks run only with -bench; the 200,000-row ones take seconds per
// iteration, so run them once each:
//
//	go test ./internal/scan -run '^$' -bench . -benchtime 1x
//	go test ./internal/scan -run '^$' -bench 'EndToEnd/xlsx/rows=200000' -benchtime 1x -cpuprofile cpu.out
//
// Besides time and allocations they report contracts/s and the peak live
// heap (peak-heap-MB, sampled every 10 ms). scripts/bench-scan.sh measures
// the laborcheck command itself (wall time and peak RSS).
//
// BenchmarkReadExcelize is the reference point: excelize's row iterator over
// the same roster. It reads the file named by LABORCHECK_BENCH_ROSTER
// instead when that is set.

var benchSizes = []int{10_000, 200_000}

var rosters sync.Map // file name → *rosterFile

type rosterFile struct {
	once sync.Once
	path string
	err  error
}

// benchRoster returns the path of a generated roster of rows contracts in
// format ("xlsx" or "csv").
func benchRoster(b *testing.B, format string, rows int) string {
	b.Helper()
	name := fmt.Sprintf("roster-%d-v1.%s", rows, format)
	v, _ := rosters.LoadOrStore(name, &rosterFile{})
	rf := v.(*rosterFile)
	rf.once.Do(func() {
		dir := filepath.Join(os.TempDir(), "laborcheck-bench")
		if rf.err = os.MkdirAll(dir, 0o755); rf.err != nil {
			return
		}
		rf.path = filepath.Join(dir, name)
		if _, err := os.Stat(rf.path); err == nil {
			return
		}
		rf.err = rostergen.WriteFile(rf.path, rostergen.Options{Rows: rows})
	})
	if rf.err != nil {
		b.Fatal(rf.err)
	}
	return rf.path
}

// forSizes runs fn as a sub-benchmark per roster size, reporting
// allocations, contracts/s and the peak heap.
func forSizes(b *testing.B, fn func(b *testing.B, rows int)) {
	for _, rows := range benchSizes {
		b.Run(fmt.Sprintf("rows=%d", rows), func(b *testing.B) {
			b.ReportAllocs()
			ph := rostergen.StartPeakHeap()
			fn(b, rows)
			b.ReportMetric(ph.StopMB(), "peak-heap-MB")
			b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "contracts/s")
		})
	}
}

// BenchmarkRead is source.Read: every contract of the roster, parsed.
func BenchmarkRead(b *testing.B) {
	for _, format := range []string{"xlsx", "csv"} {
		b.Run(format, func(b *testing.B) {
			forSizes(b, func(b *testing.B, rows int) {
				path := benchRoster(b, format, rows)
				opts := source.Options{Schema: contract.DefaultSchema()}
				b.ResetTimer()
				for b.Loop() {
					n := 0
					in, err := source.Read(context.Background(), path, opts, func(*contract.Contract, []contract.DataIssue) error {
						n++
						return nil
					})
					if err != nil || in.Err != nil || n != rows {
						b.Fatalf("Read: %v, %v, %d contracts", err, in.Err, n)
					}
				}
			})
		})
	}
}

// BenchmarkEvaluate is the engine over the built-in pack and its
// combinations, on every worker: rows contracts drawn in turn from the
// roster's first 10,000 (read and derived before the timer starts).
func BenchmarkEvaluate(b *testing.B) {
	forSizes(b, func(b *testing.B, rows int) {
		opts := options(b, 0)
		path := benchRoster(b, "xlsx", 10_000)
		var pool []*contract.Contract
		if _, err := source.Read(context.Background(), path, source.Options{Schema: opts.Schema}, func(c *contract.Contract, _ []contract.DataIssue) error {
			pool = append(pool, c)
			return nil
		}); err != nil {
			b.Fatal(err)
		}
		eng := engine.New(opts.Program, opts.Schema, opts.Engine)
		x := eng.NewEvaluator()
		for _, c := range pool {
			x.Evaluate(c) // derives the blank fields once
		}
		b.ResetTimer()
		for b.Loop() {
			flagged := 0
			err := eng.Run(context.Background(), func(emit func(*contract.Contract) error) error {
				for i := range rows {
					if err := emit(pool[i%len(pool)]); err != nil {
						return err
					}
				}
				return nil
			}, func(r engine.Result) error {
				if r.Status == engine.Flagged {
					flagged++
				}
				return nil
			})
			if err != nil || flagged == 0 {
				b.Fatalf("Run: %v, %d flagged", err, flagged)
			}
		}
	})
}

// BenchmarkReport writes the report of a scan of the roster as JSON and as
// XLSX (the scan itself runs before the timer starts). As in the laborcheck
// command, the report's contracts and findings are in temporary files.
func BenchmarkReport(b *testing.B) {
	for _, format := range []string{report.FormatJSON, report.FormatXLSX} {
		b.Run(format, func(b *testing.B) {
			forSizes(b, func(b *testing.B, rows int) {
				opts := options(b, 0)
				opts.Spill, opts.SpillDir = true, b.TempDir()
				rep, err := Run(context.Background(), []string{benchRoster(b, "xlsx", rows)}, opts)
				if err != nil {
					b.Fatal(err)
				}
				defer rep.Close()
				runtime.GC()
				b.ResetTimer()
				for b.Loop() {
					if err := report.Write(io.Discard, format, rep); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}

// BenchmarkEndToEnd is what `laborcheck scan -o report.json -o report.xlsx
// ROSTER` does: read, evaluate, cross-row checks (contracts and findings
// kept in temporary files), and both reports written to files side by side.
func BenchmarkEndToEnd(b *testing.B) {
	for _, format := range []string{"xlsx", "csv"} {
		b.Run(format, func(b *testing.B) {
			forSizes(b, func(b *testing.B, rows int) {
				path := benchRoster(b, format, rows)
				opts := options(b, 0)
				dir := b.TempDir()
				opts.Spill, opts.SpillDir = true, dir
				outs := []string{filepath.Join(dir, "report.json"), filepath.Join(dir, "report.xlsx")}
				b.ResetTimer()
				for b.Loop() {
					rep, err := Run(context.Background(), []string{path}, opts)
					if err != nil {
						b.Fatal(err)
					}
					if rep.Summary.Contracts != rows {
						b.Fatalf("%d contracts", rep.Summary.Contracts)
					}
					if _, err := report.WriteFiles(context.Background(), outs, rep, report.WriteOptions{}); err != nil {
						b.Fatal(err)
					}
					if err := rep.Close(); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}

// BenchmarkReadExcelize reads every cell of the roster's sheet with
// excelize's streaming row iterator, for comparison with BenchmarkRead.
func BenchmarkReadExcelize(b *testing.B) {
	read := func(b *testing.B, path string) int {
		f, err := excelize.OpenFile(path)
		if err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		rows, err := f.Rows(f.GetSheetName(0))
		if err != nil {
			b.Fatal(err)
		}
		n, cells := 0, 0
		for rows.Next() {
			cols, err := rows.Columns()
			if err != nil {
				b.Fatal(err)
			}
			n++
			cells += len(cols)
		}
		if err := rows.Close(); err != nil {
			b.Fatal(err)
		}
		if cells == 0 {
			b.Fatal("no cells")
		}
		return n - 1 // the header row
	}
	if path := os.Getenv("LABORCHECK_BENCH_ROSTER"); path != "" {
		b.Run("file", func(b *testing.B) {
			b.ReportAllocs()
			ph := rostergen.StartPeakHeap()
			rows := 0
			for b.Loop() {
				rows = read(b, path)
			}
			b.ReportMetric(ph.StopMB(), "peak-heap-MB")
			b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "contracts/s")
		})
		return
	}
	forSizes(b, func(b *testing.B, rows int) {
		path := benchRoster(b, "xlsx", rows)
		b.ResetTimer()
		for b.Loop() {
			if n := read(b, path); n != rows {
				b.Fatalf("%d rows", n)
			}
		}
	})
}

// benchLibreOfficeRoster returns rows contracts of the generated roster,
// from contract first on, as LibreOffice saves them (soffice converts the
// generated workbook); the benchmark is skipped where soffice is absent.
func benchLibreOfficeRoster(b *testing.B, rows, first int) string {
	b.Helper()
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		b.Skip("soffice (LibreOffice) is not installed")
	}
	name := fmt.Sprintf("lo-%d-from-%d-v1.xlsx", rows, first)
	v, _ := rosters.LoadOrStore(name, &rosterFile{})
	rf := v.(*rosterFile)
	rf.once.Do(func() {
		dir := filepath.Join(os.TempDir(), "laborcheck-bench")
		if rf.err = os.MkdirAll(dir, 0o755); rf.err != nil {
			return
		}
		rf.path = filepath.Join(dir, name)
		if _, err := os.Stat(rf.path); err == nil {
			return
		}
		gen := filepath.Join(b.TempDir(), name)
		if rf.err = rostergen.WriteFile(gen, rostergen.Options{Rows: rows, First: first}); rf.err != nil {
			return
		}
		out := b.TempDir()
		cmd := exec.Command(soffice, "--headless", "-env:UserInstallation=file://"+filepath.Join(out, "profile"),
			"--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", out, gen)
		if msg, err := cmd.CombinedOutput(); err != nil {
			rf.err = fmt.Errorf("soffice: %v: %s", err, msg)
			return
		}
		rf.err = os.Rename(filepath.Join(out, name), rf.path)
	})
	if rf.err != nil {
		b.Fatal(rf.err)
	}
	return rf.path
}

// BenchmarkEndToEndLibreOffice is BenchmarkEndToEnd on rosters a real
// spreadsheet program saved: the generated roster converted by LibreOffice,
// whole (files=1) and as 8 files of an eighth of its rows each (files=8).
// Converting takes minutes at 200,000 rows; the copies are kept in
// os.TempDir()/laborcheck-bench.
func BenchmarkEndToEndLibreOffice(b *testing.B) {
	for _, files := range []int{1, 8} {
		b.Run(fmt.Sprintf("files=%d", files), func(b *testing.B) {
			forSizes(b, func(b *testing.B, rows int) {
				var paths []string
				for i := range files {
					paths = append(paths, benchLibreOfficeRoster(b, rows/files, i*(rows/files)))
				}
				opts := options(b, 0)
				dir := b.TempDir()
				opts.Spill, opts.SpillDir = true, dir
				outs := []string{filepath.Join(dir, "report.json"), filepath.Join(dir, "report.xlsx")}
				b.ResetTimer()
				for b.Loop() {
					rep, err := Run(context.Background(), paths, opts)
					if err != nil {
						b.Fatal(err)
					}
					if rep.Summary.Contracts != rows {
						b.Fatalf("%d contracts", rep.Summary.Contracts)
					}
					if _, err := report.WriteFiles(context.Background(), outs, rep, report.WriteOptions{}); err != nil {
						b.Fatal(err)
					}
					if err := rep.Close(); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}
