package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/laborcheck/laborcheck/internal/partial"
	"github.com/laborcheck/laborcheck/internal/report"
	"github.com/laborcheck/laborcheck/internal/rules"
	"github.com/laborcheck/laborcheck/internal/scan"
)

// shardKeyEnv names the environment variable whose value keys the hashes
// of passport and bank numbers in partial results.
const shardKeyEnv = "LABORCHECK_SHARD_KEY"

// partialExt is the extension merge looks for in a folder of partials.
const partialExt = ".partial"

// shardSpec is -shard i/N.
type shardSpec struct{ index, count int }

// parseShard reads -shard i/N and checks it goes with -partial, and not
// with -o. It prints any problem.
func (cfg *scanConfig) parseShard(ui *ui, s string) error {
	if s == "" {
		if cfg.partial != "" {
			ui.errorf("-partial names where a shard writes its partial result: use it with -shard i/N")
			return errUsage
		}
		if cfg.shardKey != "" {
			ui.errorf("-shard-key keys the hashes in a shard's partial result: use it with -shard i/N")
			return errUsage
		}
		return nil
	}
	is, ns, ok := strings.Cut(s, "/")
	i, err1 := strconv.Atoi(strings.TrimSpace(is))
	n, err2 := strconv.Atoi(strings.TrimSpace(ns))
	if !ok || err1 != nil || err2 != nil || n < 1 || i < 0 || i >= n {
		ui.errorf("-shard %q: want i/N with 0 <= i < N, e.g. -shard 0/4", s)
		ui.hint("i counts from 0, as $JOB_COMPLETION_INDEX does; with Slurm use $SLURM_ARRAY_TASK_ID and an array of 0-(N-1)")
		return errUsage
	}
	if cfg.partial == "" {
		ui.errorf("-shard needs -partial FILE: where the shard writes its partial result")
		return errUsage
	}
	if len(cfg.outputs) > 0 || cfg.stdout != "" {
		ui.errorf("a shard writes a partial result, not reports: drop -o, and give the reports to 'laborcheck merge'")
		return errUsage
	}
	if cfg.annotate != "" {
		ui.errorf("a shard writes a partial result, not annotated copies: run -annotate with a plain scan")
		return errUsage
	}
	cfg.shard = &shardSpec{i, n}
	return nil
}

// minShardKey is the shortest shard key taken: a key short enough to guess
// would let anyone holding the partials test passport numbers against it.
const minShardKey = 16

// maxShardKey bounds the key file read.
const maxShardKey = 4096

// shardKey reads the key of the passport and bank hashes: the -shard-key
// file when given (a mounted secret, say), else $LABORCHECK_SHARD_KEY.
// Surrounding white space, a file's final newline among it, is not part of
// the key. With neither, the key is nil (the partial derives one from the
// rules and inputs) and the shard says so. It prints any problem.
func shardKey(ui *ui, file string) ([]byte, error) {
	from, key := "$"+shardKeyEnv, os.Getenv(shardKeyEnv)
	if file != "" {
		data, err := readLimited(file, maxShardKey)
		if err != nil {
			ui.errorf("-shard-key: %v", err)
			ui.hint("name a file that holds the key, e.g. a Kubernetes Secret mounted as a file")
			return nil, err
		}
		from, key = "-shard-key "+safe(file), string(data)
	}
	key = strings.TrimSpace(key)
	switch {
	case key == "" && file == "":
		ui.warnf("no shard key: passport and bank numbers are hashed under a key derived from the rules and the input list, so anyone with the partials and that list can test guesses; give every shard the same secret with -shard-key FILE or $%s", shardKeyEnv)
		return nil, nil
	case len(key) < minShardKey:
		err := fmt.Errorf("shard key from %s: %d characters, want at least %d", from, len(key), minShardKey)
		ui.errorf("%v", err)
		ui.hint("make one with: head -c 32 /dev/urandom | base64")
		return nil, err
	}
	return []byte(key), nil
}

// reportClock is the time reports are stamped with: $SOURCE_DATE_EPOCH
// (seconds since 1970) when set, for reports that are the same from run to
// run; nil (the time of the run) otherwise.
func reportClock() func() time.Time {
	v := os.Getenv("SOURCE_DATE_EPOCH")
	if v == "" {
		return nil
	}
	sec, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return nil
	}
	t := time.Unix(sec, 0).UTC()
	return func() time.Time { return t }
}

// shardSettings are the settings that shape a contract's results besides
// those the report records: shards must agree on them.
type shardSettings struct {
	ReviewDate string `json:"review_date"`
	DateOrder  int    `json:"date_order"`
	Sheet      string `json:"sheet"`
	MapSHA256  string `json:"map_sha256,omitempty"`
}

// runShard reviews one shard of files and writes its partial result. It
// exits 0 once the partial is written, whatever was found: the merge
// judges the findings.
func runShard(ctx context.Context, ui *ui, cfg *scanConfig, files []string, opts scan.Options, tables scanTables, waivers scanWaivers) int {
	settings := shardSettings{DateOrder: int(cfg.dateOrder), Sheet: cfg.sheet}
	day := cfg.asOf
	if day.IsZero() {
		day = time.Now()
	}
	settings.ReviewDate = day.Format(time.DateOnly)
	if cfg.mapFile != "" {
		data, err := readLimited(cfg.mapFile, rules.MaxYAMLFileSize)
		if err != nil {
			ui.errorf("-map: %v", err)
			return ExitCannotRun
		}
		settings.MapSHA256 = partial.Sum(data)
	}
	sh := scan.Shard{Index: cfg.shard.index, Count: cfg.shard.count, Partial: cfg.partial, Settings: settings,
		EntityListName: tables.entityName, EntityList: tables.entityData, Waivers: waivers.active}
	key, err := shardKey(ui, cfg.shardKey)
	if err != nil {
		return ExitCannotRun
	}
	sh.Secret = key
	res, err := scan.RunShard(ctx, files, opts, sh)
	if code, stop := interrupted(ctx, ui, "no partial result was written"); stop {
		return code
	}
	if err != nil {
		ui.errorf("scan -shard %d/%d: %v", sh.Index, sh.Count, err)
		if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EFBIG) {
			ui.hint("no room left for the partial result or the temporary files; set TMPDIR to a disk with more room")
		}
		return ExitCannotRun
	}
	if cfg.quiet {
		fmt.Fprintln(ui.out, safe(cfg.partial))
	} else {
		fmt.Fprintf(ui.out, "wrote %s: shard %d of 0-%d, %s of %d, %s\n", safe(cfg.partial), sh.Index, sh.Count-1,
			plural(res.Files, "file"), len(files), plural(res.Contracts, "contract"))
	}
	return ExitOK
}

const mergeUsage = `Usage: laborcheck merge [flags] PARTIAL... | DIR

Makes the reports of a review split into shards ('laborcheck scan -shard
i/N -partial FILE') from the shards' partial results: the files named, or
every *.partial file in DIR. The reports are those one 'laborcheck scan' of
the same inputs would write, and the exit code is the one it would give.

The set is checked first: a shard missing or given twice, or shards made
with other rules, tables, options, vocabularies, inputs, shard key or
laborcheck version, stop the merge (exit 2) with the shard and what differs.

Flags:
  -o FILE       write a report; the extension picks the format (.json, .csv,
                .xlsx, .html); repeatable. Without -o a summary is printed.
                "-o -" writes the report to standard output
  -format FMT   the format of the report "-o -" writes: json, csv, xlsx or html
  -fail-on SEV  exit 1 when a finding is at or above SEV: critical, high,
                medium, low, info (default high)
  -q            print nothing on success but the reports' paths
  -v            list every supplier, flagged contract and finding in the summary

Examples:
  laborcheck merge -o report.xlsx -o report.json parts/
  laborcheck merge -fail-on critical parts/shard-*.partial
`

func parseMergeFlags(ui *ui, args []string) (*scanConfig, error) {
	cfg := &scanConfig{}
	fs := newFlags("merge")
	fs.Var(&cfg.outputs, "o", "")
	failOn := fs.String("fail-on", "high", "")
	fs.BoolVar(&cfg.quiet, "q", false, "")
	fs.BoolVar(&cfg.verbose, "v", false, "")
	format := fs.String("format", "", "")
	paths, err := parseInterleaved(fs, args)
	if err != nil {
		return nil, exitError{flagError(ui, fs, err, mergeUsage, "merge")}
	}
	cfg.paths = paths
	if !cfg.parseFailOn(ui, *failOn) {
		return nil, errUsage
	}
	if !cfg.parseOutputs(ui, *format) {
		return nil, errUsage
	}
	if len(cfg.paths) == 0 {
		ui.errorf("no partial results to merge")
		ui.hint("name the shards' partial results, or the folder that holds them, e.g. laborcheck merge parts/")
		return nil, errUsage
	}
	return cfg, nil
}

// partialFiles turns merge's arguments into partial files: a folder stands
// for the *.partial files in it.
func partialFiles(ui *ui, paths []string) ([]string, bool) {
	var out []string
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			ui.errorf("%v", err)
			return nil, false
		}
		if !st.IsDir() {
			out = append(out, p)
			continue
		}
		ents, err := os.ReadDir(p)
		if err != nil {
			ui.errorf("%v", err)
			return nil, false
		}
		n := len(out)
		for _, e := range ents {
			if !e.IsDir() && strings.HasSuffix(e.Name(), partialExt) && !strings.HasPrefix(e.Name(), ".") {
				out = append(out, filepath.Join(p, e.Name()))
			}
		}
		if len(out) == n {
			ui.errorf("no *%s files in %s", partialExt, safe(p))
			ui.hint("shards write their partial results with 'laborcheck scan -shard i/N -partial DIR/shard-i%s'", partialExt)
			return nil, false
		}
	}
	return out, true
}

func runMerge(ctx context.Context, ui *ui, args []string) int {
	cfg, err := parseMergeFlags(ui, args)
	if err != nil {
		var ee exitError
		if errors.As(err, &ee) {
			return ee.code
		}
		return ExitCannotRun
	}
	for _, o := range cfg.outputs {
		if err := report.CheckWritable(o); err != nil {
			ui.errorf("%v", err)
			return ExitCannotRun
		}
	}
	parts, ok := partialFiles(ui, cfg.paths)
	if !ok {
		return ExitCannotRun
	}
	set, err := partial.OpenSet(parts)
	if err != nil {
		ui.errorf("merge: %v", err)
		var se *partial.SetError
		if errors.As(err, &se) && strings.Contains(se.Msg, "missing") {
			ui.hint("run the missing shards again with the same inputs and flags, then merge")
		} else if errors.As(err, &se) && strings.Contains(se.Msg, "made with other") {
			ui.hint("every shard of a review must be run with the same flags, rules, tables and inputs by the same laborcheck")
		}
		return ExitCannotRun
	}
	tmpDir, err := os.MkdirTemp("", "laborcheck-run-")
	if err != nil {
		ui.errorf("create a temporary directory: %v", err)
		ui.hint("set TMPDIR to a directory laborcheck can write to")
		return ExitCannotRun
	}
	defer os.RemoveAll(tmpDir)
	rep, err := scan.Merge(ctx, set, scan.MergeOptions{FailOn: cfg.failOn, Now: reportClock(), Spill: true, SpillDir: tmpDir})
	if code, stop := interrupted(ctx, ui, "no report was written"); stop {
		if err == nil {
			rep.Close()
		}
		return code
	}
	if err != nil {
		ui.errorf("merge: %v", err)
		if scan.IsDamaged(err) {
			ui.hint("the partial result is damaged: run its shard again")
		}
		return ExitCannotRun
	}
	defer rep.Close()
	return writeReports(ctx, ui, cfg, rep, tmpDir)
}
