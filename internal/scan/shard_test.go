package scan

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/laborcheck/laborcheck/internal/contract"
	"github.com/laborcheck/laborcheck/internal/crossrow"
	"github.com/laborcheck/laborcheck/internal/partial"
	"github.com/laborcheck/laborcheck/internal/report"
)

// writeBatch writes a batch of small rosters whose suppliers, passport
// numbers and bank accounts recur across files, of uneven sizes, with one
// byte-identical copy, and returns their paths in order.
func writeBatch(t testing.TB, dir string, files int) []string {
	t.Helper()
	suppliers := []string{"Acme Supplies", "Blue River Garments", "Coastal Nets", "Delta Electronics", "Evergreen Farms"}
	var paths []string
	n := 0
	for f := range files {
		var b strings.Builder
		b.WriteString("Contract No.,Worker ID,Full Name,Passport No.,Employer,Supplier,Recruitment Fee,Bank Account,Monthly Wage,Currency,Passport Held By,Weekly Hours\n")
		rows := 2 + (f*7)%11
		for r := range rows {
			n++
			sup := suppliers[(f+r)%len(suppliers)]
			// Every 9th contract reuses a passport of an earlier file, every
			// 7th an account: the shared numbers span files, and shards.
			pp := fmt.Sprintf("P%07d", 1000000+n)
			if n%9 == 0 {
				pp = fmt.Sprintf("P%07d", 1000000+n/3)
			}
			acct := fmt.Sprintf("DE44 5001 0517 %04d %04d 31", n, f)
			if n%7 == 0 {
				acct = fmt.Sprintf("DE44 5001 0517 %04d %04d 31", n/2, 1)
			}
			fee := []string{"0", "500", "", "1200"}[(n+f)%4]
			held := []string{"Worker", "Employer", "Worker", ""}[n%4]
			fmt.Fprintf(&b, "C-%d,W%d,Worker %d,%s,%s Ltd,%s,%s,%s,%d,USD,%s,%d\n", n, n, n, pp, sup, sup, fee, acct, 700+n%5*100, held, 44+n%4*6)
		}
		p := filepath.Join(dir, fmt.Sprintf("roster-%02d.csv", f))
		require.NoError(t, os.WriteFile(p, []byte(b.String()), 0o644))
		paths = append(paths, p)
		if f == 3 {
			cp := filepath.Join(dir, fmt.Sprintf("roster-%02d (copy).csv", f))
			require.NoError(t, os.WriteFile(cp, []byte(b.String()), 0o644))
			paths = append(paths, cp)
		}
	}
	return paths
}

func shardAndMerge(t *testing.T, files []string, opts Options, n int) *report.Report {
	t.Helper()
	dir := t.TempDir()
	var parts []string
	for i := range n {
		p := filepath.Join(dir, fmt.Sprintf("part-%d.lcp", i))
		_, err := RunShard(context.Background(), files, opts, Shard{Index: i, Count: n, Partial: p})
		require.NoError(t, err)
		parts = append(parts, p)
	}
	set, err := partial.OpenSet(parts)
	require.NoError(t, err)
	rep, err := Merge(context.Background(), set, MergeOptions{FailOn: opts.FailOn, Now: opts.Now, Spill: opts.Spill, SpillDir: opts.SpillDir})
	require.NoError(t, err)
	t.Cleanup(func() { rep.Close() })
	return rep
}

func TestMergeEqualsScan(t *testing.T) {
	files := append(writeBatch(t, t.TempDir(), 23), samples(t)...)
	for _, spill := range []bool{false, true} {
		opts := options(t, 2)
		opts.Spill, opts.SpillDir = spill, t.TempDir()
		rep, err := Run(context.Background(), files, opts)
		require.NoError(t, err)
		want := jsonOf(t, rep)
		rep.Close()
		for _, id := range []string{"shared-passport", "shared-bank-account", "fee-share"} {
			require.Contains(t, string(want), `"rule_id":"`+id+`"`)
		}
		for _, n := range []int{1, 3, 7} {
			got := jsonOf(t, shardAndMerge(t, files, opts, n))
			if !bytes.Equal(got, want) {
				t.Fatalf("spill %v: merge of %d shards differs from the scan:\n%s", spill, n, firstDiff(got, want))
			}
		}
	}
}

// A cross-row policy from the rule files (a check disabled, another's
// severity overridden) travels with the shards to the merge.
func TestMergeKeepsCrossRowPolicy(t *testing.T) {
	files := writeBatch(t, t.TempDir(), 11)
	opts := options(t, 2)
	opts.CrossRowPolicy = &crossrow.Policy{
		Disabled: map[string]bool{crossrow.FeeShare.ID: true},
		Severity: map[string]contract.Severity{crossrow.SharedPassport.ID: contract.Critical},
		Changes:  map[string][]string{crossrow.SharedPassport.ID: {"local.yaml:3: severity high → critical"}},
	}
	rep, err := Run(context.Background(), files, opts)
	require.NoError(t, err)
	want := jsonOf(t, rep)
	require.NotContains(t, string(want), `"rule_id":"fee-share"`)
	require.Contains(t, string(want), "local.yaml:3: severity high → critical")
	if got := jsonOf(t, shardAndMerge(t, files, opts, 3)); !bytes.Equal(got, want) {
		t.Fatalf("merge differs from the scan:\n%s", firstDiff(got, want))
	}
}

func TestRunDeterministicAcrossFileWorkers(t *testing.T) {
	files := append(writeBatch(t, t.TempDir(), 17), samples(t)...)
	var want []byte
	for _, w := range []int{1, 2, 3, 8} {
		rep, err := Run(context.Background(), files, options(t, w))
		require.NoError(t, err)
		got := jsonOf(t, rep)
		if want == nil {
			want = got
			continue
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("-workers %d differs from -workers 1:\n%s", w, firstDiff(got, want))
		}
	}
}

func TestPartialHoldsNoNumbers(t *testing.T) {
	dir := t.TempDir()
	files := writeBatch(t, dir, 5)
	p := filepath.Join(t.TempDir(), "part.lcp")
	_, err := RunShard(context.Background(), files, options(t, 2), Shard{Index: 0, Count: 1, Partial: p})
	require.NoError(t, err)
	r, err := partial.Open(p)
	require.NoError(t, err)
	var all bytes.Buffer
	for _, e := range r.Index {
		meta, err := r.Meta(e)
		require.NoError(t, err)
		all.Write(meta)
		rc, err := r.Records(e)
		require.NoError(t, err)
		_, err = all.ReadFrom(rc)
		require.NoError(t, err)
		rc.Close()
	}
	raw, err := os.ReadFile(p)
	require.NoError(t, err)
	all.Write(raw)
	require.Contains(t, all.String(), "Worker 3") // the blocks were read
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		for _, line := range strings.Split(string(data), "\n")[1:] {
			cells := strings.Split(line, ",")
			if len(cells) < 8 {
				continue
			}
			pp, acct := cells[3], strings.ReplaceAll(cells[7], " ", "")
			for _, num := range []string{pp, acct, cells[7], pp[1:]} {
				if bytes.Contains(all.Bytes(), []byte(num)) {
					t.Fatalf("the partial holds %q in clear", num)
				}
			}
		}
	}
}

func firstDiff(got, want []byte) string {
	g, w := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := range min(len(g), len(w)) {
		if g[i] != w[i] {
			lo := max(0, i-3)
			return fmt.Sprintf("line %d:\n got: %s\nwant: %s\ncontext:\n%s", i+1, g[i], w[i], strings.Join(w[lo:i+1], "\n"))
		}
	}
	return fmt.Sprintf("lengths %d and %d lines", len(g), len(w))
}

// Files read ahead of their turn wait once they hold readAhead contracts:
// the report is the same whatever the number of workers, and a run
// cancelled while files wait ends.
func TestRunReadAheadHeld(t *testing.T) {
	files := append(writeBatch(t, t.TempDir(), 17), samples(t)...)
	want := jsonOf(t, must(Run(context.Background(), files, options(t, 1))))
	defer func(n int) { readAhead = n }(readAhead)
	for _, ahead := range []int{1, 3} {
		readAhead = ahead
		for _, w := range []int{2, 3, 8} {
			got := jsonOf(t, must(Run(context.Background(), files, options(t, w))))
			if !bytes.Equal(got, want) {
				t.Fatalf("read ahead %d, -workers %d differs from -workers 1:\n%s", ahead, w, firstDiff(got, want))
			}
		}
	}

	readAhead = 1
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	opts := options(t, 4)
	opts.Progress = func(p Progress) {
		if p.Contracts > 5 {
			cancel()
		}
	}
	_, err := Run(ctx, files, opts)
	require.ErrorIs(t, err, context.Canceled)
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
