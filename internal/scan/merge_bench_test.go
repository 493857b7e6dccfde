package scan

import (
	"context"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/laborcheck/laborcheck/internal/contract"
	"github.com/laborcheck/laborcheck/internal/crossrow"
	"github.com/laborcheck/laborcheck/internal/engine"
	"github.com/laborcheck/laborcheck/internal/partial"
	"github.com/laborcheck/laborcheck/internal/report"
)

var mergeContracts = flag.String("merge.contracts", "1000000", "comma-separated sizes (contracts) of BenchmarkMerge's synthetic reviews, e.g. 1000000,10000000")

var mergeReport = flag.Bool("merge.report", false, "BenchmarkMerge also writes the JSON report (ordering the spilled rows by risk), as `laborcheck merge -o report.json` does")

// writeSyntheticShards writes the partial results of a synthetic review of
// n contracts in files of 25,000, split into shards: 60% of contracts
// flagged with two findings, 2,000 suppliers, every 200th passport and
// every 150th bank account shared with another contract's (far more than
// rosters show: each shared number is a cross-row finding held in memory
// until the report is made).
func writeSyntheticShards(b *testing.B, dir string, n, shards int) []string {
	b.Helper()
	opts := options(b, 1)
	s, err := newSetup(opts)
	if err != nil {
		b.Fatal(err)
	}
	const perFile = 25000
	files := (n + perFile - 1) / perFile
	inputs := make([]inputEntry, files)
	names := make([]string, files)
	for f := range files {
		names[f] = fmt.Sprintf("intake/roster-%05d.xlsx", f)
		inputs[f] = inputEntry{names[f], perFile}
	}
	rules := len(opts.Program.Rules)
	cover := &engine.Coverage{Checkable: make([]bool, rules), Partly: make([]bool, rules), Checked: rules * 3 / 4, Total: rules}
	for i := range cover.Checkable {
		cover.Checkable[i] = i%4 != 0
	}
	refs := []string{"ILO C181 Art. 7", "ILO indicators of forced labour (2012), indicator 4: debt bondage"}
	var paths []string
	for sh := range shards {
		p := filepath.Join(dir, fmt.Sprintf("shard-%d.partial", sh))
		hdr, key := shardHeader(s.rep, s.opts, Shard{Index: sh, Count: shards}, inputs)
		w, err := partial.Create(p, hdr)
		if err != nil {
			b.Fatal(err)
		}
		for f := sh; f < files; f += shards {
			blk := newBlock(f, dir, true, key)
			for r := range min(perFile, n-f*perFile) {
				i := f*perFile + r
				sup := "Supplier " + strconv.Itoa(i%2000)
				c := report.Contract{File: names[f], Sheet: "Workers", Row: r + 2, ContractID: "C-" + strconv.Itoa(i),
					WorkerID: "W-" + strconv.Itoa(i), WorkerName: "Worker " + strconv.Itoa(i), Supplier: sup,
					Status: report.StatusClear, RulesChecked: cover.Checked}
				status, risk := engine.Clear, contract.SeverityNone
				var fs []report.Finding
				if i%5 < 3 {
					status, risk = engine.Flagged, contract.High
					c.Status, c.Findings = report.StatusFlagged, 2
					h := "high"
					c.Risk = &h
					for _, id := range []string{"fee-paid", "passport-held"} {
						fs = append(fs, report.Finding{RuleID: id, Title: "Title of " + id, Indicator: "debt_bondage", Severity: "high",
							Message: "Worker paid a recruitment fee of " + strconv.Itoa(100+i%900) + " USD: a risk indicator",
							File:    c.File, Sheet: c.Sheet, Row: c.Row, ContractID: c.ContractID, WorkerID: c.WorkerID, WorkerName: c.WorkerName,
							Supplier: sup, References: refs,
							Evidence: map[string]report.Evidence{"recruitment_fee_paid_by_worker": {Value: float64(100 + i%900), Raw: strconv.Itoa(100 + i%900), Column: "H", Header: "Placement Fee"}}})
					}
				}
				pp := fmt.Sprintf("P%08d", i)
				if i%200 == 199 {
					pp = fmt.Sprintf("P%08d", i-7)
				}
				acct := fmt.Sprintf("GB29NWBK%014d", i)
				if i%150 == 149 {
					acct = fmt.Sprintf("GB29NWBK%014d", i-3)
				}
				rec := crossrow.Record{Ref: crossrow.Ref{File: c.File, Sheet: c.Sheet, Row: c.Row, ContractID: c.ContractID},
					Group: sup, Supplier: sup, Worker: c.WorkerID, Passport: pp, BankAccount: acct, Fees: crossrow.FeeStatus(i % 3)}
				if err := blk.addConverted(&c, fs, nil, readRow{record: rec}, cover, status, risk); err != nil {
					b.Fatal(err)
				}
			}
			blk.input = report.Input{Path: names[f], Format: "xlsx", Sheets: []report.Sheet{{Name: "Workers", HeaderRow: 1, Rows: blk.contracts,
				Mapped: []report.Column{}, Unmapped: []report.Column{}, RulesChecked: cover.Checked, RulesTotal: rules}}}
			meta, err := blk.meta()
			if err != nil {
				b.Fatal(err)
			}
			rd, err := blk.recs.reader()
			if err != nil {
				b.Fatal(err)
			}
			if err := w.Block(f, blk.contracts, meta, rd); err != nil {
				b.Fatal(err)
			}
			blk.recs.close()
		}
		if err := w.Commit(); err != nil {
			b.Fatal(err)
		}
		paths = append(paths, p)
	}
	return paths
}

// peakHeap samples the live heap (as of the last garbage collection) until
// stop is called, and returns its peak in bytes.
func peakHeap() (stop func() uint64) {
	var peak atomic.Uint64
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(s)
			if v := s[0].Value.Uint64(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 {
		close(done)
		<-finished
		return peak.Load()
	}
}

// BenchmarkMerge merges the partial results of a synthetic review of 1M
// contracts (and more with -merge.contracts) in 8 shards, as `laborcheck
// merge` does (contracts and findings spilled to disk), and reports
// contracts/s, contracts per CPU second and the peak live heap. Run it alone: -run '^$' -bench Merge
// -benchtime 1x.
func BenchmarkMerge(b *testing.B) {
	for _, s := range strings.Split(*mergeContracts, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("contracts=%d", n), func(b *testing.B) {
			dir := b.TempDir()
			parts := writeSyntheticShards(b, dir, n, 8)
			set, err := partial.OpenSet(parts)
			if err != nil {
				b.Fatal(err)
			}
			runtime.GC()
			b.ResetTimer()
			var peak uint64
			cpu0 := cpuTime()
			for range b.N {
				stop := peakHeap()
				rep, err := Merge(context.Background(), set, MergeOptions{FailOn: contract.High, Spill: true, SpillDir: dir})
				if err != nil {
					b.Fatal(err)
				}
				if rep.NumContracts() != n {
					b.Fatalf("merged %d contracts, want %d", rep.NumContracts(), n)
				}
				if *mergeReport {
					if err := report.WriteJSON(io.Discard, rep); err != nil {
						b.Fatal(err)
					}
				}
				peak = max(peak, stop())
				rep.Close()
			}
			cpu := cpuTime() - cpu0
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "contracts/s")
			b.ReportMetric(float64(n)*float64(b.N)/cpu.Seconds(), "contracts/cpu-s")
			b.ReportMetric(float64(peak)/(1<<20), "peak-live-heap-MB")
		})
	}
}
