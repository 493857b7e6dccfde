package cli

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	defaultrules "github.com/laborcheck/laborcheck/rules"

	"github.com/laborcheck/laborcheck/internal/contract"
	"github.com/laborcheck/laborcheck/internal/crossrow"
	"github.com/laborcheck/laborcheck/internal/engine"
	"github.com/laborcheck/laborcheck/internal/header"
	"github.com/laborcheck/laborcheck/internal/refdata"
	"github.com/laborcheck/laborcheck/internal/report"
	"github.com/laborcheck/laborcheck/internal/rules"
	"github.com/laborcheck/laborcheck/internal/scan"
	"github.com/laborcheck/laborcheck/internal/source"
)

const scanUsage = `Usage: laborcheck scan [flags] PATH...

Reviews every contract in the rosters at PATH (files or folders; .xlsx,
.xlsm, .xls, .ods, .csv, .tsv) against the rules, and reports each risk
indicator found.
Flags may come before or after the paths.

Flags:
  -rules PATH       rule file or folder; repeatable, later files layer over
                    earlier ones (default: the built-in pack). The path
                    "builtin" is the built-in pack: -rules builtin -rules
                    local.yaml layers local.yaml over it
  -waivers FILE     waiver file (YAML): findings it covers are reported as
                    waived and do not count towards -fail-on; expired
                    waivers are not applied
  -o FILE           write a report; the extension picks the format (.json,
                    .csv, .xlsx, .html); repeatable. Without -o a summary is
                    printed. "-o -" writes the report to standard output (in
                    the -format given, JSON by default) and the summary to
                    standard error
  -format FMT       the format of the report "-o -" writes: json, csv, xlsx
                    or html
` + annotateUsage + `  -fail-on SEV      exit 1 when a finding is at or above SEV: critical, high,
                    medium, low, info (default high)
  -min-coverage SHARE
                    exit 3 when a roster's columns let less than SHARE of the
                    rules run (0.6 or 60%); the reports name each file and
                    sheet below it. A file with no contracts, or whose columns
                    let no rule run, exits 3 whatever this is
  -sheet NAME       read only this sheet of each workbook
  -vocab FILE       header vocabulary of your own (the form of the built-in
                    one): words, abbreviations and patterns added to it, or
                    with "replace: true" used instead of it; repeatable
  -map FILE         mapping file: your headers and the fields they stand
                    for, and your cell wordings and the values they stand
                    for (YAML with headers: and values:, or a two-column
                    CSV header,field for headers only); 'laborcheck
                    inspect -write-map FILE ROSTER' writes one to start from
  -password PW      password for encrypted workbooks
  -as-of DATE       review date (YYYY-MM-DD) for ages and review_date (default
                    today, or the day of $SOURCE_DATE_EPOCH when set)
  -date-order ORDER how to read dates like 03/04/2024 when a column does not
                    decide it: day-first or month-first
  -workers N        contracts evaluated in parallel (default: number of CPUs)
  -min-wage FILE    minimum-wage table (CSV: country, region, effective date
                    or year, monthly amount, currency, source) that fills a
                    blank minimum_wage_monthly; see samples/README.md
  -entity-list FILE entity list (CSV with a name column, e.g. the UFLPA
                    Entity List) to screen supplier and employer names against
  -fx FILE          exchange rates (CSV: currency, per_usd; "# as_of:" line)
                    in place of the built-in table, for amounts in two
                    currencies; a table over 400 days older than the review
                    date is warned about
  -agencies FILE    register of licensed recruitment agencies (CSV: agency,
                    licence_no, country, valid_until, status)
  -min-ages FILE    national minimum working ages (CSV: country, general,
                    light, hazardous, citation)
  -countries FILE   countries (CSV: alpha2, alpha3, name, names, demonyms,
                    languages)
  -xinjiang-places FILE
                    places in Xinjiang and places elsewhere of the same name
                    (CSV: place, names, country, region, context)
  -goods-list FILE  US DOL List of Goods Produced by Child Labor or Forced
                    Labor (CSV: good, names, country, child_labour,
                    forced_labour)
  -wro FILE         US CBP Withhold Release Orders (CSV: entity, names,
                    products, country, region, issued, status)
  -shard i/N        review only shard i (0 to N-1) of the inputs and write a
                    partial result to -partial FILE instead of reports; see
                    'laborcheck merge -h'
  -partial FILE     where a shard writes its partial result
  -shard-key FILE   the secret that keys the hashes of passport and bank
                    numbers in partial results (at least 16 characters, the
                    same for every shard; default: $LABORCHECK_SHARD_KEY)
  -q                print nothing on success but the reports' paths
  -v                list every supplier, flagged contract and finding in
                    the summary (default: the ten of each at highest risk)

Examples:
  laborcheck scan samples/
  laborcheck scan -o findings.xlsx -o findings.json rosters/2024/
  laborcheck scan -fail-on critical supplier.xlsx
  laborcheck scan -annotate marked/ rosters/
  laborcheck scan -shard 2/8 -partial parts/shard-2.partial rosters/
`

type scanConfig struct {
	rules     multiFlag
	outputs   multiFlag
	stdout    string // the format of the report written to standard output ("-o -"), or ""
	failOn    contract.Severity
	sheet     string
	password  string
	asOf      time.Time
	dateOrder contract.DateOrder
	workers   int
	quiet     bool
	paths     []string
	waivers   string
	minWage   string
	entities  string
	mapFile   string
	vocab     multiFlag
	// refFiles are the reference tables given in place of the built-in
	// ones, by kind (-fx, -agencies, …).
	refFiles map[string]*string
	verbose  bool
	annotate string // -annotate: the folder of the marked copies, or ""
	// minCoverage is the -min-coverage share, 0 when not set.
	minCoverage float64
	// shard is set by -shard i/N, with partial the -partial file.
	shard   *shardSpec
	partial string
	// shardKey is the -shard-key file, or "" for $LABORCHECK_SHARD_KEY.
	shardKey string
}

// parseInterleaved parses flags that may come before or after positional
// arguments; "--" ends flag parsing.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if len(args) > 0 && len(rest) < len(args) && args[len(args)-len(rest)-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

func parseScanFlags(ui *ui, args []string) (*scanConfig, error) {
	cfg := &scanConfig{}
	fs := newFlags("scan")
	fs.Var(&cfg.rules, "rules", "")
	fs.Var(&cfg.outputs, "o", "")
	failOn := fs.String("fail-on", "high", "")
	fs.StringVar(&cfg.sheet, "sheet", "", "")
	fs.StringVar(&cfg.password, "password", "", "")
	asOf := fs.String("as-of", "", "")
	dateOrder := fs.String("date-order", "", "")
	fs.IntVar(&cfg.workers, "workers", 0, "")
	fs.StringVar(&cfg.minWage, "min-wage", "", "")
	fs.StringVar(&cfg.entities, "entity-list", "", "")
	cfg.refFiles = map[string]*string{}
	for _, f := range refFlags {
		cfg.refFiles[f.kind] = fs.String(f.flag, "", "")
	}
	fs.BoolVar(&cfg.quiet, "q", false, "")
	fs.BoolVar(&cfg.verbose, "v", false, "")
	fs.StringVar(&cfg.waivers, "waivers", "", "")
	fs.StringVar(&cfg.mapFile, "map", "", "")
	fs.Var(&cfg.vocab, "vocab", "")
	fs.StringVar(&cfg.annotate, "annotate", "", "")
	minCoverage := fs.String("min-coverage", "", "")
	format := fs.String("format", "", "")
	shard := fs.String("shard", "", "")
	fs.StringVar(&cfg.partial, "partial", "", "")
	fs.StringVar(&cfg.shardKey, "shard-key", "", "")
	paths, err := parseInterleaved(fs, args)
	if err != nil {
		return nil, exitError{flagError(ui, fs, err, scanUsage, "scan")}
	}
	cfg.paths = paths
	if !cfg.parseFailOn(ui, *failOn) {
		return nil, errUsage
	}
	if *asOf != "" {
		t, err := time.Parse(time.DateOnly, *asOf)
		if err != nil {
			ui.errorf("-as-of %q is not a date", *asOf)
			ui.hint("write the review date as YYYY-MM-DD, e.g. -as-of 2024-06-30")
			return nil, errUsage
		}
		cfg.asOf = t
	} else if clock := reportClock(); clock != nil {
		// A run pinned by $SOURCE_DATE_EPOCH reviews as of that day too, so
		// that its findings (ages among them) are the same from day to day.
		cfg.asOf = clock().Truncate(24 * time.Hour)
	}
	var ok bool
	if cfg.dateOrder, ok = parseDateOrder(ui, *dateOrder); !ok {
		return nil, errUsage
	}
	if *minCoverage != "" {
		share, ok := parseShare(*minCoverage)
		if !ok {
			ui.errorf("-min-coverage %q is not a share", *minCoverage)
			ui.hint("write a share of the rules between 0 and 1 or a percentage, e.g. -min-coverage 0.6 or -min-coverage 60%%")
			return nil, errUsage
		}
		cfg.minCoverage = share
	}
	if cfg.workers < 0 {
		ui.errorf("-workers must be 0 (all CPUs) or more")
		return nil, errUsage
	}
	if !cfg.parseOutputs(ui, *format) {
		return nil, errUsage
	}
	if err := cfg.parseShard(ui, *shard); err != nil {
		return nil, err
	}
	if len(cfg.paths) == 0 {
		ui.errorf("no roster to scan")
		ui.hint("name files or folders, e.g. laborcheck scan samples/")
		return nil, errUsage
	}
	return cfg, nil
}

// parseDateOrder reads -date-order: "" (decide from each column's values),
// day-first or month-first. It prints any problem and returns false.
func parseDateOrder(ui *ui, s string) (contract.DateOrder, bool) {
	switch strings.ToLower(s) {
	case "":
		return 0, true
	case "day-first", "dmy":
		return contract.DayFirst, true
	case "month-first", "mdy":
		return contract.MonthFirst, true
	}
	ui.errorf("-date-order %q: want day-first or month-first", s)
	return 0, false
}

// testHookScanned, when set, is called with each scan's report before it
// is written: tests use it to fail the run at that point.
var testHookScanned func(*report.Report)

func runScan(ctx context.Context, ui *ui, args []string) int {
	cfg, err := parseScanFlags(ui, args)
	if err != nil {
		var ee exitError
		if errors.As(err, &ee) {
			return ee.code
		}
		return ExitCannotRun
	}
	// A report that cannot be written fails the run now, not after the
	// review.
	for _, o := range cfg.outputs {
		if err := report.CheckWritable(o); err != nil {
			ui.errorf("%v", err)
			return ExitCannotRun
		}
	}
	if cfg.annotate != "" && !checkAnnotateDir(ui, cfg.annotate) {
		return ExitCannotRun
	}
	// The built-in header vocabulary is read while the rules compile:
	// the review needs both, and neither waits for the other.
	go header.Default()
	vocab, schema, vocabFiles, ok := loadVocabulary(ui, cfg.vocab, contract.DefaultSchema())
	if !ok {
		return ExitCannotRun
	}
	m, ok := loadMapping(ui, cfg.mapFile, schema)
	if !ok {
		return ExitCannotRun
	}
	prog, ok := loadProgram(ui, cfg.rules, schema)
	if !ok {
		return ExitCannotRun
	}
	tables, ok := loadTables(ui, cfg)
	if !ok {
		return ExitCannotRun
	}
	waivers, ok := loadWaivers(ui, cfg)
	if !ok {
		return ExitCannotRun
	}
	files, ok := rosterFiles(ui, "scan", cfg.paths)
	if !ok {
		return ExitCannotRun
	}
	if cfg.annotate != "" {
		warnCopiesScanned(ui, cfg.annotate, files)
	}
	// Every temporary file of the run but the reports' own (which sit next
	// to the reports so that they can be renamed into place) goes in one
	// directory, removed however the run ends: done, failed, interrupted
	// or crashed.
	tmpDir, err := os.MkdirTemp("", "laborcheck-run-")
	if err != nil {
		ui.errorf("create a temporary directory: %v", err)
		ui.hint("set TMPDIR to a directory laborcheck can write to")
		return ExitCannotRun
	}
	defer os.RemoveAll(tmpDir)
	opts := scan.Options{
		Schema:  schema,
		Program: prog,
		Source: source.Options{
			Sheet:      cfg.sheet,
			Password:   cfg.password,
			DateOrder:  cfg.dateOrder,
			Vocabulary: vocab,
		},

		Engine: engine.Options{Workers: cfg.workers, ReviewDate: cfg.asOf,
			Combinations: engine.WithPolicy(tables.combinations, prog.Set), MinimumWages: tables.minWage,
			Reference: tables.reference, Waived: waivers.covers()},
		CrossRow:       crossrow.Options{EntityList: tables.entities},
		CrossRowPolicy: crossRowPolicy(prog.Set),
		Tables:         append(ruleTables(prog), tables.files...),
		Vocabularies:   vocabFiles,
		Waivers:        waivers.matcher,
		WaiverFiles:    waivers.files,
		FailOn:         cfg.failOn,
		MinCoverage:    cfg.minCoverage,
		Version:        version(),
		// Contracts and findings wait in temporary files until the reports
		// are written, so memory does not grow with the rosters.
		Spill:    true,
		SpillDir: tmpDir,
		RunOptions: report.Options{
			Sheet:   cfg.sheet,
			MapFile: cfg.mapFile,
		},
	}
	m.apply(&opts.Source)
	if !cfg.asOf.IsZero() {
		opts.RunOptions.AsOf = cfg.asOf.Format(time.DateOnly)
	}
	opts.Now = reportClock()
	if cfg.shard != nil {
		return runShard(ctx, ui, cfg, files, opts, tables, waivers)
	}
	if p := newProgress(ui.err); p != nil {
		opts.Progress = p.update
		defer p.done()
	}
	rep, err := scan.Run(ctx, files, opts)
	if code, stop := interrupted(ctx, ui, "no report was written"); stop {
		if err == nil {
			rep.Close()
		}
		return code
	}
	if err != nil {
		ui.errorf("scan: %v", err)
		if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EFBIG) {
			ui.hint("the temporary directory %s has no room for the run's rows; set TMPDIR to a disk with more room", os.TempDir())
		}
		return ExitCannotRun
	}
	defer rep.Close()
	if testHookScanned != nil {
		testHookScanned(rep)
	}
	waivers.warnUnknown(ui, rep)
	return writeReports(ctx, ui, cfg, rep, tmpDir)
}

// writeReports writes a review's reports and summary, for scan and merge
// alike, and returns the exit code the report decides.
func writeReports(ctx context.Context, ui *ui, cfg *scanConfig, rep *report.Report, tmpDir string) int {
	// The reports are encoded side by side; the outcome is as if written
	// one after another. None is renamed into place before all are whole.
	if _, err := report.WriteFiles(ctx, cfg.outputs, rep, report.WriteOptions{TempDir: tmpDir}); err != nil {
		if code, stop := interrupted(ctx, ui, "no report was written or replaced"); stop {
			return code
		}
		ui.errorf("%v", err)
		return ExitCannotRun
	}
	written := slices.Clone([]string(cfg.outputs))
	if cfg.annotate != "" {
		copies, ok := writeAnnotated(ctx, ui, cfg.annotate, cfg.password, rep)
		if code, stop := interrupted(ctx, ui, "the reports were written; an annotated copy may be missing"); stop {
			return code
		}
		if !ok {
			return ExitCannotRun
		}
		written = append(written, copies...)
	}
	// With "-o -" standard output carries the report alone; the summary
	// and the paths written go to standard error.
	info := ui.out
	if cfg.stdout != "" {
		info = ui.err
		if err := report.Write(ui.out, cfg.stdout, rep); err != nil {
			ui.errorf("write report to standard output: %v", err)
			return ExitCannotRun
		}
	}
	if !cfg.quiet {
		if err := report.WriteText(info, rep, textOptions(&ui2{info}, cfg)); err != nil {
			ui.errorf("write summary: %v", err)
			return ExitCannotRun
		}
	}
	for _, o := range written {
		if cfg.quiet {
			fmt.Fprintln(info, safe(o)) // bare paths, for scripts
		} else {
			fmt.Fprintf(info, "wrote %s\n", safe(o))
		}
	}
	code := exitCode(ui, rep)
	if n := internalFailures(rep); n > 0 {
		ui.errorf("laborcheck failed on %s (an internal error, not necessarily a fault of the file); please report it with the command that caused it", plural(n, "file"))
		return ExitInternal
	}
	return code
}

// internalFailures counts the inputs laborcheck's reader failed on (see
// source.ErrInternal): the run's outcome is then laborcheck's fault, not
// the rosters'.
func internalFailures(rep *report.Report) int {
	n := 0
	for _, in := range rep.Inputs {
		if in.InternalError {
			n++
		}
	}
	return n
}

// scanTables are the reference data a scan uses besides the rules.
type scanTables struct {
	combinations []engine.Combination
	reference    *refdata.Set // the built-in reference tables, with any the user replaced
	minWage      *contract.MinimumWages
	entities     *crossrow.EntityList
	files        []report.File // user-supplied tables with their digests
	// entityName and entityData are the entity list as read, for a
	// shard's partial result.
	entityName string
	entityData []byte
}

// loadTables reads the built-in combinations and the tables named by
// -min-wage and -entity-list. It prints any problem and returns false.
func loadTables(ui *ui, cfg *scanConfig) (scanTables, bool) {
	var t scanTables
	combos, err := engine.ParseCombinations(defaultrules.CombinationsPath, defaultrules.Combinations)
	if err != nil {
		ui.errorf("built-in combinations: %v", err)
		return t, false
	}
	t.combinations = combos
	read := func(flag, path string) ([]byte, bool) {
		data, err := readLimited(path, rules.MaxTableSize)
		if err != nil {
			ui.errorf("-%s: %v", flag, err)
			return nil, false
		}
		sum := sha256.Sum256(data)
		t.files = append(t.files, report.File{Path: path, SHA256: hex.EncodeToString(sum[:])})
		return data, true
	}
	if cfg.minWage != "" {
		data, ok := read("min-wage", cfg.minWage)
		if !ok {
			return t, false
		}
		if t.minWage, err = contract.ReadMinimumWages(bytes.NewReader(data)); err != nil {
			ui.errorf("-min-wage %s: %v", cfg.minWage, err)
			ui.hint("see docs/examples/minimum-wages-example.csv for the columns")
			return t, false
		}
	}
	t.reference = refdata.Default()
	for _, f := range refFlags {
		path := *cfg.refFiles[f.kind]
		if path == "" {
			continue
		}
		data, err := readLimited(path, rules.MaxTableSize)
		if err != nil {
			ui.errorf("-%s: %v", f.flag, err)
			return t, false
		}
		if t.reference, err = t.reference.Replace(f.kind, path, data); err != nil {
			ui.errorf("-%s: %v", f.flag, err)
			ui.hint("see %s in the README for the columns; the built-in table is internal/refdata/%s", f.kind, f.builtin)
			return t, false
		}
	}
	if cfg.entities != "" {
		data, ok := read("entity-list", cfg.entities)
		if !ok {
			return t, false
		}
		t.entityName, t.entityData = filepath.Base(cfg.entities), data
		if t.entities, err = crossrow.ReadEntityList(t.entityName, data); err != nil {
			ui.errorf("-entity-list %s: %v", cfg.entities, err)
			ui.hint("the list needs a header row with a name column; see docs/examples/entity-list-example.csv")
			return t, false
		}
	}
	return t, true
}

// refFlags are the flags that replace a built-in reference table.
var refFlags = []struct{ flag, kind, builtin string }{
	{"fx", refdata.KindFX, "fx.csv"},
	{"agencies", refdata.KindAgencies, "agencies.csv"},
	{"min-ages", refdata.KindMinimumAges, "minimum-ages.csv"},
	{"countries", refdata.KindCountries, "countries.csv"},
	{"xinjiang-places", refdata.KindPlaces, "xinjiang-places.csv"},
	{"goods-list", refdata.KindGoods, "dol-goods.csv"},
	{"wro", refdata.KindWRO, "cbp-wro.csv"},
}

// scanWaivers are the waivers of a scan.
type scanWaivers struct {
	list    *rules.Waivers
	matcher *rules.Matcher
	active  []*rules.Waiver
	files   []report.File
}

// loadWaivers reads the -waivers file and warns about waivers that have
// expired (they are not applied). It prints every problem of an invalid file
// and returns false.
func loadWaivers(ui *ui, cfg *scanConfig) (scanWaivers, bool) {
	var sw scanWaivers
	if cfg.waivers == "" {
		return sw, true
	}
	ws, errs := rules.ReadWaivers(cfg.waivers)
	if len(errs) > 0 {
		printProblems(ui.err, errs)
		ui.errorf("%s in the waiver file; nothing was scanned", plural(len(errs), "problem"))
		return sw, false
	}
	day := cfg.asOf
	if day.IsZero() {
		day = time.Now()
	}
	active, expired := ws.Split(day)
	for _, w := range expired {
		ui.warnf("%s: waiver of %s for %s expired on %s; not applied", w.Source(), w.Rule, waiverScope(w), w.Expires.Format(time.DateOnly))
	}
	sw.list, sw.matcher, sw.active = ws, rules.NewMatcher(active), active
	sw.files = []report.File{{Path: ws.Path, SHA256: ws.SHA256}}
	return sw, true
}

// covers returns whether a waiver covers a rule's finding on a contract
// (nil without waivers): combinations are not built from waived findings.
func (sw scanWaivers) covers() func(ruleID string, r *engine.Result) bool {
	if sw.matcher == nil {
		return nil
	}
	return func(ruleID string, r *engine.Result) bool {
		return sw.matcher.Match(ruleID, r.ContractID, r.WorkerID, r.Supplier) != nil
	}
}

// warnUnknown warns about waivers that name no rule, combination or
// cross-row check of the report.
func (sw scanWaivers) warnUnknown(ui *ui, rep *report.Report) {
	if sw.list == nil {
		return
	}
	known := func(id string) bool {
		return slices.ContainsFunc(rep.Rules, func(r report.Rule) bool { return r.ID == id })
	}
	for _, w := range sw.list.UnknownRules(known) {
		ui.warnf("%s: waiver names rule %q, which is not in the rule set", w.Source(), w.Rule)
	}
}

func waiverScope(w *rules.Waiver) string {
	var parts []string
	if w.Contract != "" {
		parts = append(parts, "contract "+w.Contract)
	}
	if w.Worker != "" {
		parts = append(parts, "worker "+w.Worker)
	}
	if w.Supplier != "" {
		parts = append(parts, "supplier "+w.Supplier)
	}
	return strings.Join(parts, ", ")
}

// exitCode decides the exit code from the report: unreadable input, and a
// contract a rule failed on that no finding flagged, win over findings,
// because the review is incomplete.
func exitCode(ui *ui, rep *report.Report) int {
	s := rep.Summary
	code := readOutcome(s.Inputs, s.InputsUnreadable, s.SheetsUnreadable)
	if code == ExitOK && (s.InputsIncomplete > 0 || s.ContractsWithRuleErrors > 0) {
		code = ExitIncomplete // read, but nothing (or too little) could be reviewed
	}
	switch code {
	case ExitCannotRun:
		ui.errorf("no input could be read")
		reportInputErrors(ui, rep)
		return code
	case ExitIncomplete:
		reportInputErrors(ui, rep)
		reportRuleErrors(ui, rep)
		return code
	}
	if s.FindingsAtOrAbove > 0 {
		return ExitFindings
	}
	return ExitOK
}

// readOutcome is the exit code reading alone decides, for scan and
// inspect alike: ExitCannotRun when no input could be read, ExitIncomplete
// when an input or a sheet could not, else ExitOK.
func readOutcome(inputs, unreadable, sheetsUnreadable int) int {
	switch {
	case inputs > 0 && unreadable == inputs:
		return ExitCannotRun
	case unreadable > 0 || sheetsUnreadable > 0:
		return ExitIncomplete
	}
	return ExitOK
}

func reportInputErrors(ui *ui, rep *report.Report) {
	for _, in := range rep.Inputs {
		if in.Error != nil {
			ui.errorf("%s: %s", in.Path, *in.Error)
			if in.Hint != "" {
				ui.hint("%s", in.Hint)
			}
		}
		for _, s := range in.Sheets {
			if s.Error != nil {
				ui.errorf("%s: sheet %q: %s", in.Path, s.Name, *s.Error)
			}
		}
		for _, why := range in.Incomplete {
			ui.errorf("%s: review incomplete: %s", in.Path, why)
		}
		if len(in.Incomplete) > 0 && len(in.UnrecognisedHeaders) > 0 {
			ui.hint("headers laborcheck did not recognise: %s; name their fields with -map", quoteList(in.UnrecognisedHeaders, 12))
		}
	}
}

// reportRuleErrors names the rules that failed, and where, when a contract
// was left without a decision by them.
func reportRuleErrors(ui *ui, rep *report.Report) {
	n := rep.Summary.ContractsWithRuleErrors
	if n == 0 {
		return
	}
	const most = 10
	for i, e := range rep.RuleErrors {
		if i == most {
			ui.errorf("and %d more rule errors", len(rep.RuleErrors)-most)
			break
		}
		where := fmt.Sprintf("%s row %d", e.File, e.Row)
		if e.Sheet != "" {
			where = fmt.Sprintf("%s sheet %q row %d", e.File, e.Sheet, e.Row)
		}
		if e.ContractID != "" {
			where += " (contract " + e.ContractID + ")"
		}
		ui.errorf("rule %q failed on %s: %s", e.RuleID, where, e.Error)
	}
	ui.errorf("review incomplete: a rule failed on %s that no finding flagged", plural(n, "contract"))
	ui.hint("fix the rule (run laborcheck rules test), or the cells it reads; the reports list every rule error")
}

// quoteList quotes up to n items, "and k more" after them.
func quoteList(items []string, n int) string {
	var q []string
	for i, s := range items {
		if i == n {
			q = append(q, fmt.Sprintf("and %d more", len(items)-n))
			break
		}
		q = append(q, fmt.Sprintf("%q", s))
	}
	return strings.Join(q, ", ")
}

// parseShare reads a share between 0 and 1, written as a fraction (0.6) or
// a percentage (60%).
func parseShare(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	pct := strings.HasSuffix(s, "%")
	f, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(s, "%")), 64)
	if err != nil {
		return 0, false
	}
	if pct || f > 1 {
		f /= 100
	}
	return f, f >= 0 && f <= 1
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0 && os.Getenv("TERM") != "dumb" && os.Getenv("NO_COLOR") == ""
}

// progress draws a one-line progress bar on a terminal's stderr. It is never
// shown in pipes or CI logs.
type progress struct {
	w     io.Writer
	start time.Time
	shown bool
}

func newProgress(w io.Writer) *progress {
	if !isTerminal(w) || os.Getenv("CI") != "" {
		return nil
	}
	return &progress{w: w, start: time.Now()}
}

// update redraws the line: the files done, the contracts read, the bytes
// read of the files' sizes (within a file too), the rate, and how long the
// rest should take at that pace.
func (p *progress) update(pr scan.Progress) {
	const width = 24
	frac := 0.0
	if pr.Bytes > 0 {
		frac = min(float64(pr.BytesDone)/float64(pr.Bytes), 1)
	}
	n := int(frac * width)
	elapsed := time.Since(p.start)
	line := fmt.Sprintf("\r[%s%s] %d/%d files, %s contracts", strings.Repeat("#", n), strings.Repeat(".", width-n), pr.FilesDone, pr.Files, thousands(pr.Contracts))
	if pr.Bytes > 0 {
		line += ", " + megabytes(pr.BytesDone) + " of " + megabytes(pr.Bytes)
	}
	if s := elapsed.Seconds(); s >= 1 {
		line += fmt.Sprintf(", %s/s", thousands(int(float64(pr.Contracts)/s)))
	}
	if frac > 0 && frac < 1 {
		line += ", about " + (time.Duration(float64(elapsed) * (1 - frac) / frac)).Round(time.Second).String() + " left"
	}
	fmt.Fprint(p.w, line+"\033[K")
	p.shown = true
}

// megabytes writes a size in MB, with one decimal under 10 MB.
func megabytes(n int64) string {
	mb := float64(n) / 1e6
	if mb < 10 {
		return strconv.FormatFloat(mb, 'f', 1, 64) + " MB"
	}
	return thousands(int(mb+0.5)) + " MB"
}

// thousands writes n with thousands separators: 12,345.
func thousands(n int) string { return contract.GroupDigits(strconv.Itoa(n)) }

func (p *progress) done() {
	if p.shown {
		fmt.Fprint(p.w, "\r\033[K")
	}
}

// textOptions sizes the terminal summary: the highest-risk suppliers and
// contracts and the five most severe findings, or everything with -v.
// ui2 names the writer a summary goes to, for textOptions.
type ui2 struct{ out io.Writer }

func textOptions(ui *ui2, cfg *scanConfig) report.TextOptions {
	o := report.TextOptions{Color: isTerminal(ui.out), MaxFindings: 5, Width: terminalWidth(ui.out)}
	if cfg.verbose {
		o.MaxFindings, o.MaxContracts, o.MaxSuppliers = -1, -1, -1
	}
	return o
}

// parseFailOn reads -fail-on into cfg.failOn, saying what is wrong when it
// names no severity.
func (cfg *scanConfig) parseFailOn(ui *ui, failOn string) bool {
	sev, ok := contract.ParseSeverity(strings.ToLower(failOn))
	if !ok {
		ui.errorf("-fail-on %q is not a severity", failOn)
		ui.hint("use one of: %s", strings.Join(contract.Severities(), ", "))
		return false
	}
	cfg.failOn = sev
	return true
}

// parseOutputs checks the -o files' formats, takes "-" as the report on
// standard output, and reads -format, its format; scan and merge share it.
func (cfg *scanConfig) parseOutputs(ui *ui, format string) bool {
	var files multiFlag
	for _, o := range cfg.outputs {
		if o == "-" {
			if cfg.stdout != "" {
				ui.errorf("-o - is given twice: standard output takes one report")
				return false
			}
			cfg.stdout = report.FormatJSON
			continue
		}
		if _, err := report.FormatFor(o); err != nil {
			ui.errorf("-o %s: %v", o, err)
			return false
		}
		files = append(files, o)
	}
	cfg.outputs = files
	if format != "" {
		f := strings.ToLower(format)
		if !slices.Contains(report.Formats(), f) {
			ui.errorf("-format %q: want one of %s", format, strings.Join(report.Formats(), ", "))
			return false
		}
		if cfg.stdout == "" {
			ui.errorf("-format names the format of the report written to standard output: use it with -o -")
			return false
		}
		cfg.stdout = f
	}
	return true
}
