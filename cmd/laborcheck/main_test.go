package main

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/laborcheck/laborcheck/internal/rostergen"
)

// TestMain lets the tests run laborcheck as a process of its own: the test
// binary, started with LABORCHECK_RUN_MAIN=1, is laborcheck.
func TestMain(m *testing.M) {
	if os.Getenv("LABORCHECK_RUN_MAIN") == "1" {
		os.Exit(run())
	}
	os.Exit(m.Run())
}

// laborcheck returns a command running laborcheck with args in dir, with
// its temporary files in tmp. LABORCHECK_TEST_BIN names another binary to
// run instead (to compare a build with this one).
func laborcheck(t *testing.T, dir, tmp string, args ...string) *exec.Cmd {
	t.Helper()
	bin := os.Getenv("LABORCHECK_TEST_BIN")
	if bin == "" {
		exe, err := os.Executable()
		if err != nil {
			t.Fatal(err)
		}
		bin = exe
	}
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "LABORCHECK_RUN_MAIN=1", "TMPDIR="+tmp, "CI=1")
	return cmd
}

const previous = "previous report\n"

var reports = []string{"r.json", "r.csv", "r.xlsx", "r.html"}

// TestSignals interrupts scans at random moments, from the start of the
// review to past the end of the report writing, and checks after each
// that every report is either the previous one or whole, that no
// temporary file is left in the run's TMPDIR or next to the reports, and
// that the exit code says what happened.
func TestSignals(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a hundred scans")
	}
	if _, err := exec.LookPath("kill"); err != nil && os.PathSeparator != '/' {
		t.Skip("needs Unix signals")
	}
	tries := 50
	if n, err := strconv.Atoi(os.Getenv("LABORCHECK_SIGNAL_TRIES")); err == nil {
		tries = n
	}
	const rows = 3000
	// A workbook, as suppliers mostly send: its reader stops part-way
	// through a sheet when interrupted.
	roster := filepath.Join(t.TempDir(), "roster.xlsx")
	if err := rostergen.WriteFile(roster, rostergen.Options{Rows: rows, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	args := []string{"scan", "-q"}
	for _, r := range reports {
		args = append(args, "-o", r)
	}
	args = append(args, roster)

	// A run left alone gives the reports to compare with, and its length.
	// The faster of two, the first paying for a cold cache.
	refDir, refTmp := t.TempDir(), t.TempDir()
	var took time.Duration
	for i := range 2 {
		start := time.Now()
		out, err := laborcheck(t, refDir, refTmp, args...).CombinedOutput()
		if d := time.Since(start); i == 0 || d < took {
			took = d
		}
		var ee *exec.ExitError
		if err != nil && !(errors.As(err, &ee) && ee.ExitCode() == 1) {
			t.Fatalf("scan: %v\n%s", err, out)
		}
	}
	refCSV, err := os.ReadFile(filepath.Join(refDir, "r.csv"))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("an uninterrupted scan of %d contracts takes %v", rows, took.Round(time.Millisecond))

	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		name := map[syscall.Signal]string{syscall.SIGINT: "SIGINT", syscall.SIGTERM: "SIGTERM"}[sig]
		t.Run(name, func(t *testing.T) {
			want := 128 + int(sig)
			var partial, leftovers, interrupted, finished, early, wrongCode int
			for try := range tries {
				dir, tmp := t.TempDir(), t.TempDir()
				for _, r := range reports {
					if err := os.WriteFile(filepath.Join(dir, r), []byte(previous), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				cmd := laborcheck(t, dir, tmp, args...)
				var stderr bytes.Buffer
				cmd.Stderr = &stderr
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				delay := time.Duration(rand.Int64N(int64(took) * 6 / 5))
				time.Sleep(delay)
				_ = cmd.Process.Signal(sig)
				err := cmd.Wait()
				code := cmd.ProcessState.ExitCode()
				var replaced int
				for _, r := range reports {
					switch whole, old := checkReport(filepath.Join(dir, r), rows, refCSV); {
					case old:
					case whole:
						replaced++
					default:
						partial++
						t.Errorf("try %d (signal after %v): %s was replaced by a partial report", try, delay, r)
					}
				}
				if n := countFiles(t, tmp) + countTemp(t, dir); n > 0 {
					leftovers += n
					t.Errorf("try %d (signal after %v): %d temporary files left", try, delay, n)
				}
				ws, _ := cmd.ProcessState.Sys().(syscall.WaitStatus)
				switch {
				case code == want:
					interrupted++
				case ws.Signaled() && ws.Signal() == sig && replaced == 0:
					// The signal came before the Go runtime handed over
					// to laborcheck (which, on a loaded machine, can be
					// a good part of a second), so its default action
					// applied; the checks above show nothing had been
					// touched.
					early++
				case code == 1 && replaced == len(reports):
					finished++ // done before the signal came
				default:
					wrongCode++
					t.Errorf("try %d (signal after %v): exit code %d (%v), want %d; %d reports replaced\n%s", try, delay, code, err, want, replaced, stderr.String())
				}
			}
			t.Logf("%s: %d tries: %d interrupted (exit %d), %d finished first, %d stopped before start; %d partial reports, %d temporary files left, %d wrong exit codes",
				name, tries, interrupted, want, finished, early, partial, leftovers, wrongCode)
			if interrupted == 0 {
				t.Errorf("%s: no try was interrupted with exit %d: the signal is not handled", name, want)
			}
		})
	}
}

// checkReport says whether the report at path is whole (a complete report
// of every contract) or the previous one.
func checkReport(path string, rows int, refCSV []byte) (whole, old bool) {
	data, err := os.ReadFile(path)
	if err != nil {
		return false, false
	}
	if string(data) == previous {
		return false, true
	}
	switch filepath.Ext(path) {
	case ".json":
		var r struct {
			Summary struct{ Contracts int } `json:"summary"`
		}
		return json.Unmarshal(data, &r) == nil && r.Summary.Contracts == rows, false
	case ".csv":
		return bytes.Equal(data, refCSV), false
	case ".xlsx":
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return false, false
		}
		for _, f := range zr.File {
			rc, err := f.Open()
			if err != nil {
				return false, false
			}
			_, err = bytes.NewBuffer(nil).ReadFrom(rc)
			rc.Close()
			if err != nil {
				return false, false
			}
		}
		return true, false
	case ".html":
		return bytes.HasSuffix(bytes.TrimSpace(data), []byte("</html>")) &&
			bytes.Contains(data, []byte(strconv.Itoa(rows))), false
	}
	return false, false
}

// countFiles counts what is in dir, at any depth.
func countFiles(t *testing.T, dir string) int {
	t.Helper()
	n := 0
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != dir {
			n++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// countTemp counts the reports' temporary files in dir.
func countTemp(t *testing.T, dir string) int {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") || strings.HasSuffix(e.Name(), ".tmp") {
			n++
		}
	}
	return n
}
