package cli

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// writeShardBatch writes a batch of many small rosters whose suppliers,
// passport numbers and bank accounts recur across files (so that the
// supplier-level, shared-passport and shared-bank-account findings span
// files, and shards), of uneven sizes, with a byte-identical copy.
func writeShardBatch(t *testing.T, dir string, files int) {
	t.Helper()
	require := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	require(os.MkdirAll(dir, 0o755))
	suppliers := []string{"Acme Supplies", "Blue River Garments", "Coastal Nets", "Delta Electronics", "Evergreen Farms"}
	n := 0
	for f := range files {
		var b strings.Builder
		b.WriteString("Contract No.,Worker ID,Full Name,Passport No.,Employer,Supplier,Recruitment Fee,Bank Account,Monthly Wage,Currency,Passport Held By,Weekly Hours\n")
		for r := range 2 + (f*7)%13 {
			n++
			sup := suppliers[(f+r)%len(suppliers)]
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
		require(os.WriteFile(filepath.Join(dir, fmt.Sprintf("roster-%02d.csv", f)), []byte(b.String()), 0o644))
		if f == 5 {
			require(os.WriteFile(filepath.Join(dir, fmt.Sprintf("roster-%02d (1).csv", f)), []byte(b.String()), 0o644))
		}
	}
	// A workbook that cannot be read: the review is incomplete (exit 3).
	require(os.WriteFile(filepath.Join(dir, "damaged.xlsx"), []byte("PK\x03\x04 not a workbook"), 0o644))
}

// TestShardsMergeAcrossProcesses runs a review as one scan, and as 1, 3
// and 7 shards in separate processes merged: the four report formats are
// the same, byte for byte, and so is the exit code (3: one workbook of the
// batch cannot be read).
func TestShardsMergeAcrossProcesses(t *testing.T) {
	bin, err := exec.LookPath("laborcheck") // the test binary, as testscript.Main sets it up
	if err != nil {
		t.Skip("laborcheck is not on PATH")
	}
	dir := t.TempDir()
	writeShardBatch(t, filepath.Join(dir, "rosters"), 40)
	samples, err := filepath.Abs("../../samples")
	if err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(), "SOURCE_DATE_EPOCH=1767225600", "CI=1", "WORK=")
	run := func(args ...string) *exec.Cmd {
		cmd := exec.Command(bin, args...)
		cmd.Dir, cmd.Env = dir, env
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		return cmd
	}
	code := func(err error) int {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0
	}
	formats := []string{"json", "csv", "xlsx", "html"}
	outs := func(prefix string) []string {
		var o []string
		for _, f := range formats {
			o = append(o, "-o", prefix+"."+f)
		}
		return o
	}
	flags := []string{"-as-of", "2025-06-30", "-workers", "2"}
	inputs := []string{"rosters", samples}
	single := run(append(append(append([]string{"scan"}, flags...), outs("single")...), inputs...)...)
	wantCode := code(single.Run())
	if wantCode != ExitIncomplete {
		t.Fatalf("scan exited %d, want %d: %s", wantCode, ExitIncomplete, single.Stderr)
	}
	js, err := os.ReadFile(filepath.Join(dir, "single.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"fee-share", "shared-passport", "shared-bank-account"} {
		if !bytes.Contains(js, []byte(`"rule_id":"`+id+`"`)) {
			t.Fatalf("the batch gives no %s finding", id)
		}
	}
	for _, n := range []int{1, 3, 7} {
		parts := fmt.Sprintf("parts-%d", n)
		var cmds []*exec.Cmd
		for i := range n {
			args := append([]string{"scan", "-shard", fmt.Sprintf("%d/%d", i, n), "-partial", fmt.Sprintf("%s/shard-%d.partial", parts, i)}, flags...)
			cmd := run(append(args, inputs...)...)
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			cmds = append(cmds, cmd)
		}
		for i, cmd := range cmds {
			if c := code(cmd.Wait()); c != ExitOK {
				t.Fatalf("shard %d/%d exited %d: %s", i, n, c, cmd.Stderr)
			}
		}
		prefix := fmt.Sprintf("merged-%d", n)
		merge := run(append(append([]string{"merge"}, outs(prefix)...), parts)...)
		if c := code(merge.Run()); c != wantCode {
			t.Fatalf("merge of %d shards exited %d, want %d: %s", n, c, wantCode, merge.Stderr)
		}
		for _, f := range formats {
			want, err := os.ReadFile(filepath.Join(dir, "single."+f))
			if err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(filepath.Join(dir, prefix+"."+f))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%d shards: merged %s differs from the scan's (%d bytes, want %d)", n, f, len(got), len(want))
			}
		}
	}
}
