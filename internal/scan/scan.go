// Package scan runs a review end to end: it reads rosters through
// internal/source, evaluates them through internal/engine, and assembles the
// internal/report model. It holds no business logic of its own beyond
// counting.
package scan

import (
	"cmp"
	"context"
	"errors"
	"io"
	"maps"
	"math"
	"os"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/laborcheck/laborcheck/internal/contract"
	"github.com/laborcheck/laborcheck/internal/crossrow"
	"github.com/laborcheck/laborcheck/internal/engine"
	"github.com/laborcheck/laborcheck/internal/header"
	"github.com/laborcheck/laborcheck/internal/report"
	"github.com/laborcheck/laborcheck/internal/rules"
	"github.com/laborcheck/laborcheck/internal/source"
)

// Options configure a scan.
type Options struct {
	Schema  *contract.Schema
	Program *rules.Program
	Source  source.Options
	Engine  engine.Options
	FailOn  contract.Severity
	Version string
	// Now stamps the report; nil means time.Now.
	Now func() time.Time
	// Progress, when set, is called after each file, and every few
	// thousand contracts within one, with how far the scan has come.
	Progress func(Progress)
	// RunOptions are recorded in the report as they are.
	RunOptions report.Options
	// Tables are lookup tables the rules use, recorded with their digests.
	Tables []report.File
	// Waivers, when set, mark the findings they cover as waived; those do
	// not count towards FailOn. WaiverFiles are recorded in the report.
	Waivers     *rules.Matcher
	WaiverFiles []report.File
	// CrossRow tunes the supplier-level checks that run over all rows
	// after evaluation (internal/crossrow), e.g. an entity list to screen.
	CrossRow crossrow.Options
	// CrossRowPolicy is what the rule files changed about the cross-row
	// checks: those disabled do not run, and an override sets the
	// severity of a check's findings. Nil changes nothing.
	CrossRowPolicy *crossrow.Policy
	// Vocabularies are the user's -vocab files, recorded in the report
	// after the built-in vocabularies.
	Vocabularies []report.Vocabulary
	// Spill keeps the report's contracts and findings in temporary files in
	// SpillDir ("" means os.TempDir()) rather than in memory, so that the
	// memory a scan needs does not grow with the rosters (see
	// report.Rows). The caller closes the report once it is written.
	Spill    bool
	SpillDir string
	// MinCoverage, when above 0, is the share of the per-contract rules a
	// roster sheet's columns must let run: a sheet below it makes its
	// file's review incomplete (report.Input.Incomplete).
	MinCoverage float64
}

// Run reviews files and returns the report. It fails only when the context
// is cancelled; unreadable files and failing rules are part of the report.
//
// Files are read side by side, as many at once as Engine.Workers, and their
// results are taken in input order: the report does not depend on how many
// workers ran.
func Run(ctx context.Context, files []string, opts Options) (*report.Report, error) {
	s, err := newSetup(opts)
	if err != nil {
		return nil, err
	}
	all := make([]int, len(files))
	for i := range all {
		all[i] = i
	}
	copies := identicalCopies(ctx, files, nil)
	r := s.newReplay(s.rep, s.opts.FailOn, s.opts.Waivers, s.crossOptions(), s.opts.CrossRowPolicy, s.ruleIndicators())
	r.staleRates = staleRates(s.opts.Engine)
	defer r.cross.Close()
	if err := r.start(); err != nil {
		return nil, err
	}
	s.live = r.one
	err = s.readFiles(ctx, files, all, copies, nil, func(blk *fileBlock) error {
		defer blk.recs.close()
		if blk.live != nil {
			// Replayed as it was read.
			r.rep.Inputs = append(r.rep.Inputs, blk.input)
			return nil
		}
		rd, err := blk.recs.reader()
		if err != nil {
			return err
		}
		return r.block(blk, rd)
	})
	if err == nil {
		// A reader interrupted part-way must not pass off what it read as
		// the whole input.
		err = ctx.Err()
	}
	if err != nil {
		r.abort()
		return nil, err
	}
	return r.finish()
}

// Progress is how far a scan has come: the files done, the contracts read,
// and the bytes read of the files' sizes on disk, within the files being
// read as well as of the files done.
type Progress struct {
	FilesDone, Files int
	Contracts        int
	BytesDone, Bytes int64
}

// progress follows the files of one readFiles call for Options.Progress.
type progress struct {
	mu       sync.Mutex
	fn       func(Progress)
	which    []int
	size     map[int]int64 // file index → size on disk
	consumed map[int]*atomic.Int64
	finished map[int]bool
	done     int
}

func newProgress(fn func(Progress), files []string, which []int) *progress {
	if fn == nil {
		return nil
	}
	p := &progress{fn: fn, which: which, size: map[int]int64{}, consumed: map[int]*atomic.Int64{}, finished: map[int]bool{}}
	for _, k := range which {
		if st, err := os.Stat(files[k]); err == nil {
			p.size[k] = st.Size()
		}
		p.consumed[k] = new(atomic.Int64)
	}
	return p
}

// report calls fn; fileDone marks file k done first when it is 0 or more.
func (p *progress) report(fileDone, contracts int) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if fileDone >= 0 && !p.finished[fileDone] {
		p.finished[fileDone] = true
		p.done++
	}
	pr := Progress{FilesDone: p.done, Files: len(p.which), Contracts: contracts}
	for _, k := range p.which {
		size := p.size[k]
		pr.Bytes += size
		if p.finished[k] {
			pr.BytesDone += size
		} else {
			pr.BytesDone += min(p.consumed[k].Load(), size)
		}
	}
	p.fn(pr)
}

// setup is what a scan or a shard prepares before reading: the report's
// header, the engine, and what readers share.
type setup struct {
	opts    Options
	rep     *report.Report
	eng     *engine.Engine
	pool    *contract.Pool
	extract *crossrow.Extractor
	// progress
	progress  *progress
	contracts atomic.Int64
	// live, when set, replays each contract of the file at the head of
	// the input order as it is evaluated (see fileBlock.follow).
	live func(*decoded) error
}

func newSetup(opts Options) (*setup, error) {
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	opts.Source.Schema = opts.Schema
	if opts.Source.Matcher == nil {
		// One matcher for the batch, rather than one per file.
		m, err := opts.Source.NewMatcher()
		if err != nil {
			return nil, err
		}
		opts.Source.Matcher = m
	}
	if opts.Engine.Label == nil {
		v := opts.Source.Vocabulary
		if v == nil {
			v = header.Default()
		}
		opts.Engine.Label = v.Label
	}
	if opts.Engine.Workers <= 0 {
		opts.Engine.Workers = runtime.GOMAXPROCS(0)
	}
	s := &setup{opts: opts, rep: newReport(opts, now)}
	// Contracts are recycled once evaluated: a roster of any size needs
	// only the contracts in flight.
	s.pool = contract.NewPool(opts.Schema.Len())
	s.opts.Source.Pool = s.pool
	if s.opts.Source.Memos == nil {
		// The files of a batch share their cells' readings.
		s.opts.Source.Memos = source.NewMemos(opts.Schema)
	}
	s.opts.Engine.Recycle = s.pool.Put
	s.eng = engine.New(opts.Program, opts.Schema, s.opts.Engine)
	// Cross-row checks keep a few fields of each contract, taken by the
	// worker that reads it.
	s.extract = crossrow.NewExtractor(opts.Schema).WithReference(opts.Engine.Reference, opts.Engine.ReviewDate)
	return s, nil
}

func (s *setup) crossOptions() crossrow.Options {
	o := s.opts.CrossRow
	o.Spill, o.SpillDir = s.opts.Spill, s.opts.SpillDir
	return o
}

func (s *setup) ruleIndicators() []string {
	var out []string
	for _, r := range s.opts.Program.Rules {
		out = append(out, r.Indicator)
	}
	return out
}

// newReport is the report before any contract: the run, the rules.
func newReport(opts Options, now func() time.Time) *report.Report {
	rep := &report.Report{
		Inputs:     []report.Input{},
		Contracts:  []report.Contract{},
		Findings:   []report.Finding{},
		DataIssues: []contract.DataIssue{},
		RuleErrors: []report.RuleError{},
		Suppliers:  []report.Supplier{},
		Run: report.Run{
			Version:     opts.Version,
			StartedAt:   now().UTC().Truncate(time.Second),
			RulesDigest: opts.Program.Set.Digest(),
			RuleFiles:   []report.File{},
			Tables:      opts.Tables,
			Options:     opts.RunOptions,
		},
	}
	if rep.Run.Tables == nil {
		rep.Run.Tables = []report.File{}
	}
	rep.Run.Options.FailOn = opts.FailOn.String()
	rep.Run.Options.MinCoverage = opts.MinCoverage
	hsrc := header.Default().Sources[0]
	vsrc, vasOf := contract.ValueVocabInfo()
	rep.Run.Vocabularies = append([]report.Vocabulary{
		{Path: hsrc.File, Kind: "headers", Source: hsrc.Source, AsOf: hsrc.AsOf},
		{Path: "builtin:values.yaml", Kind: "values", Source: vsrc, AsOf: vasOf},
	}, opts.Vocabularies...)
	recordReference(rep, opts.Engine)
	for _, f := range opts.Program.Set.Files {
		rep.Run.RuleFiles = append(rep.Run.RuleFiles, report.File{Path: f.Path, SHA256: f.SHA256})
	}
	for _, r := range opts.Program.Rules {
		rep.Rules = append(rep.Rules, report.Rule{
			ID: r.ID, Title: r.Title, Indicator: r.Indicator, Severity: r.Severity.String(),
			References: r.References, Remedy: r.Remedy, Source: r.Source(), Layers: layers(r.Rule),
		})
	}
	for _, r := range opts.Program.Set.Disabled {
		rep.Run.DisabledRules = append(rep.Run.DisabledRules, report.DisabledRule{ID: r.ID, Source: r.Source(), DisabledBy: r.DisabledBy})
	}
	rep.Run.WaiverFiles = opts.WaiverFiles
	for _, c := range opts.Engine.Combinations {
		rep.Rules = append(rep.Rules, report.Rule{
			ID: c.ID, Title: c.Title, Indicator: c.Indicator, Severity: c.Severity.String(),
			References: c.References, Remedy: c.Remedy, Source: c.Rule().Source(), Layers: layers(c.Rule()),
		})
	}
	for _, c := range crossrow.Checks {
		if c.ID == crossrow.EntityListMatch.ID && opts.CrossRow.EntityList == nil || !opts.CrossRowPolicy.Enabled(c.ID) {
			continue
		}
		c = opts.CrossRowPolicy.Check(c)
		rep.Rules = append(rep.Rules, report.Rule{
			ID: c.ID, Title: c.Title, Indicator: c.Indicator, Severity: c.Severity.String(),
			References: c.References, Remedy: c.Remedy, Source: crossrow.CheckSource, Layers: opts.CrossRowPolicy.Layers(c.ID),
		})
	}
	return rep
}

// readFiles reads files[which[0]], files[which[1]], … into blocks, as
// many at once as the engine has workers, and hands each block to take in
// that order, on the calling goroutine. At most a few blocks wait to be
// taken, so memory stays bounded however many files there are. key, when
// set, hashes passport and bank numbers in the blocks.
func (s *setup) readFiles(ctx context.Context, files []string, which []int, copies map[string]copyOf, key []byte, take func(*fileBlock) error) error {
	workers := s.opts.Engine.Workers
	s.progress = newProgress(s.opts.Progress, files, which)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(workers)
	// window bounds the files read but not yet taken.
	window := make(chan struct{}, 2*workers)
	results := make([]chan *fileBlock, len(which))
	for j := range results {
		results[j] = make(chan *fileBlock, 1)
	}
	// The block of each file is made by whichever comes first: its reader,
	// or the loop below when the file comes to the head of the order and
	// its records are to be replayed as they are read (s.live).
	type slot struct {
		once sync.Once
		blk  *fileBlock
	}
	slots := make([]slot, len(which))
	block := func(j int) *fileBlock {
		slots[j].once.Do(func() {
			blk := newBlock(which[j], s.opts.SpillDir, s.opts.Spill, key)
			if s.live != nil {
				blk.holdAfter(readAhead)
			}
			slots[j].blk = blk
		})
		return slots[j].blk
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for j, k := range which {
			select {
			case window <- struct{}{}:
			case <-gctx.Done():
				return
			}
			g.Go(func() error {
				blk, err := s.readFile(gctx, block(j), k, files, copies, key)
				if err != nil {
					if blk != nil {
						blk.recs.close()
					}
					return err
				}
				results[j] <- blk
				return nil
			})
		}
	}()
	var err error
	for j := range which {
		if s.live != nil {
			// The file at the head: what it has read so far is replayed
			// now, and the rest as it is read.
			if err = block(j).follow(s.live); err != nil {
				cancel()
				break
			}
		}
		var blk *fileBlock
		select {
		case blk = <-results[j]:
		case <-gctx.Done():
		}
		if blk == nil {
			break
		}
		if err = take(blk); err != nil {
			cancel()
			break
		}
		<-window
	}
	wg.Wait()
	gerr := g.Wait()
	// Blocks read but never taken.
	for j := range results {
		select {
		case blk := <-results[j]:
			blk.recs.close()
		default:
		}
	}
	if err != nil {
		return err
	}
	return gerr
}

// readAhead is how many contracts a scan evaluates of a file before the
// files ahead of it in the input order are done (see fileBlock.holdAfter;
// a variable for tests).
var readAhead = 4096

// readFile reads and evaluates one file into a block.
func (s *setup) readFile(ctx context.Context, blk *fileBlock, k int, files []string, copies map[string]copyOf, key []byte) (*fileBlock, error) {
	opts := &s.opts
	path := files[k]
	if c, ok := copies[path]; ok {
		blk.input = convertInput(&source.Input{Path: path, SHA256: c.sha256,
			Notes: []string{"a byte-identical copy of " + c.original + ": reviewed once, as that file"}})
		blk.input.DuplicateOf = c.original
		completeness(&blk.input, opts.MinCoverage)
		s.progress.report(k, int(s.contracts.Load()))
		return blk, nil
	}
	var in *source.Input
	srcOpts := opts.Source
	if s.progress != nil {
		srcOpts.Consumed = s.progress.consumed[k]
	}
	produce := func(emit func(*source.Row) error) error {
		var err error
		in, err = source.ReadRows(ctx, path, srcOpts, func(row *source.Row) error {
			if n := s.contracts.Add(1); n%progressEvery == 0 {
				s.progress.report(-1, int(n)) // within a file
			}
			return emit(row)
		})
		return err
	}
	prepare := func(row *source.Row) (*contract.Contract, readRow) {
		c := s.pool.GetFill() // Fill sets every value
		issues := row.Fill(c)
		row.Release()
		return c, readRow{issues, s.extract.Record(c)}
	}
	stop := context.AfterFunc(ctx, blk.release)
	defer stop()
	consume := func(r engine.Result, rr readRow) error {
		blk.mu.Lock()
		defer blk.mu.Unlock()
		if err := blk.waitTurn(ctx); err != nil {
			return err
		}
		if r.Converted {
			blk.converted++
		}
		if blk.live != nil {
			return blk.addLive(&r, rr, opts.Waivers)
		}
		return blk.add(&r, rr, opts.Waivers)
	}
	if err := engine.RunEach(ctx, s.eng, produce, prepare, consume); err != nil {
		return blk, err
	}
	if err := ctx.Err(); err != nil {
		return blk, err
	}
	blk.input = convertInput(in)
	blk.input.AmountsConverted = blk.converted
	for i, sh := range in.Sheets {
		sheetCoverage(s.eng, opts.Schema, sh, &blk.input.Sheets[i])
	}
	completeness(&blk.input, opts.MinCoverage)
	s.progress.report(k, int(s.contracts.Load()))
	return blk, nil
}

// replay builds a report from blocks taken in input order: it counts each
// contract and finding, keeps the cross-row records, and at the end adds
// the cross-row findings and the summaries. Run and Merge both build their
// reports through it.
type replay struct {
	rep   *report.Report
	b     *builder
	cross *crossrow.Checker
	spill bool
	dir   string
	// staleRates, when set, says how the exchange rates are stale on the
	// review date (see staleRates).
	staleRates string
}

func (s *setup) newReplay(rep *report.Report, failOn contract.Severity, waivers *rules.Matcher, cross crossrow.Options, policy *crossrow.Policy, indicators []string) *replay {
	return newReplay(rep, failOn, waivers, cross, policy, indicators, s.opts.Spill, s.opts.SpillDir)
}

func newReplay(rep *report.Report, failOn contract.Severity, waivers *rules.Matcher, cross crossrow.Options, policy *crossrow.Policy, indicators []string, spill bool, dir string) *replay {
	b := newBuilder(rep, failOn)
	b.ruleIndicators = indicators
	b.waivers = waivers
	b.crossPolicy = policy
	return &replay{rep: rep, b: b, cross: crossrow.New(cross), spill: spill, dir: dir}
}

func (r *replay) start() error {
	if r.spill {
		rows, err := report.NewRows(r.dir)
		if err != nil {
			return err
		}
		r.b.rows = rows
	}
	return nil
}

// block replays one file's block.
func (r *replay) block(blk *fileBlock, records io.Reader) error {
	if err := blk.each(records, r.one); err != nil {
		return err
	}
	r.rep.Inputs = append(r.rep.Inputs, blk.input)
	return nil
}

// one replays one contract.
func (r *replay) one(d *decoded) error {
	r.rep.DataIssues = append(r.rep.DataIssues, d.issues...)
	r.cross.Add(d.record)
	return r.b.account(d)
}

func (r *replay) abort() {
	if r.b.rows != nil {
		r.b.rows.Close()
	}
}

// finish adds the cross-row findings and the summaries.
func (r *replay) finish() (*report.Report, error) {
	if err := r.b.crossRow(r.cross); err != nil {
		r.abort()
		return nil, err
	}
	if r.b.rows != nil {
		if err := r.rep.UseRows(r.b.rows); err != nil {
			r.abort()
			return nil, err
		}
	}
	r.b.finish()
	staleRatesWarning(r.rep, r.staleRates)
	return r.rep, nil
}

// progressEvery is how many contracts are read between progress reports
// within a file.
const progressEvery = 4096

// readRow is what a worker read of a row besides its contract.
type readRow struct {
	issues []contract.DataIssue
	record crossrow.Record
}

func errText(err error) *string {
	if err == nil {
		return nil
	}
	s := err.Error()
	return &s
}

func convertInput(in *source.Input) report.Input {
	out := report.Input{Path: in.Path, SHA256: in.SHA256, Format: in.Format, Error: errText(in.Err), Notes: in.Notes, Sheets: []report.Sheet{}}
	var fe *source.FileError
	if errors.As(in.Err, &fe) {
		out.Hint = fe.Hint
	}
	out.InternalError = errors.Is(in.Err, source.ErrInternal)
	for _, s := range in.Sheets {
		sh := report.Sheet{Name: s.Name, HeaderRow: s.HeaderRow, Rows: s.Rows, Hidden: s.Hidden, Skipped: s.Skipped,
			Error: errText(s.Err), Notes: s.Notes, Mapped: []report.Column{}, Unmapped: []report.Column{}}
		out.InternalError = out.InternalError || errors.Is(s.Err, source.ErrInternal)
		for _, c := range s.Columns {
			col := report.Column{Column: c.Letter, Header: c.Header, Reason: c.Match.Reason}
			if c.Field != nil && !c.Duplicate {
				col.Field = c.Field.Name
				col.Method, col.Conversion = string(c.Match.Method), c.Conversion()
				sh.Mapped = append(sh.Mapped, col)
			} else if c.Header != "" {
				for _, f := range c.Match.Suggestions {
					col.Suggestions = append(col.Suggestions, f.Name)
				}
				sh.Unmapped = append(sh.Unmapped, col)
			}
		}
		out.Sheets = append(out.Sheets, sh)
	}
	return out
}

// builder accumulates engine results into the report, in order.
type builder struct {
	rep       *report.Report
	failOn    contract.Severity
	suppliers map[string]*supplierAcc
	waivers   *rules.Matcher
	// crossPolicy is what rule files changed about the cross-row checks.
	crossPolicy *crossrow.Policy
	rows        *report.Rows // contracts and findings go here when set, else into rep
	// ruleIndicators are the indicators of the program's rules, by index.
	ruleIndicators []string
	covers         coverCanon
}

func (b *builder) addContract(c *report.Contract) error {
	if b.rows != nil {
		return b.rows.AddContract(c)
	}
	b.rep.Contracts = append(b.rep.Contracts, *c)
	return nil
}

// addFinding adds f to the report. f is the caller's to reuse once it
// returns (a contract handed on as it is read brings scratch findings): a
// report that keeps its findings in memory keeps a copy of f's evidence.
func (b *builder) addFinding(f *report.Finding) error {
	if b.rows != nil {
		return b.rows.AddFinding(f)
	}
	kept := *f
	kept.Evidence = maps.Clone(f.Evidence)
	b.rep.Findings = append(b.rep.Findings, kept)
	return nil
}

// layers lists what later rule files changed about r.
func layers(r *rules.Rule) []string {
	var out []string
	for _, c := range r.Changes {
		out = append(out, c.String())
	}
	return out
}

// waive marks f as waived when a waiver covers it, and reports whether it
// still counts towards -fail-on.
func (b *builder) waive(f *report.Finding) (counts bool) {
	if !applyWaiver(b.waivers, f) {
		return true
	}
	b.rep.Summary.Waived++
	return false
}

// applyWaiver marks f as waived when a waiver of m covers it, and reports
// whether one did.
func applyWaiver(m *rules.Matcher, f *report.Finding) bool {
	w := m.Match(f.RuleID, f.ContractID, f.WorkerID, f.Supplier)
	if w == nil {
		return false
	}
	f.Waived, f.WaiverReason, f.WaiverApprovedBy = true, w.Reason, w.ApprovedBy
	f.WaiverExpires, f.WaiverSource = w.Expires.Format(time.DateOnly), w.Source()
	return true
}

type supplierAcc struct {
	s     report.Supplier
	risk  contract.Severity
	cov   supplierCoverage
	score float64 // the risk score before it is divided by the contracts
}

func newBuilder(rep *report.Report, failOn contract.Severity) *builder {
	rep.Summary.BySeverity = map[string]int{}
	for _, s := range contract.Severities() {
		rep.Summary.BySeverity[s] = 0
	}
	rep.Summary.ByIndicator = map[string]int{}
	return &builder{rep: rep, failOn: failOn, suppliers: map[string]*supplierAcc{}}
}

// account counts one contract read back from its block, with its
// findings and rule errors, into the report.
func (b *builder) account(d *decoded) error {
	rep := b.rep
	sum := &rep.Summary
	c := &d.contract
	if err := b.addContract(c); err != nil {
		return err
	}
	sum.Contracts++
	switch d.status {
	case engine.Flagged:
		sum.ContractsFlagged++
	case engine.Clear:
		sum.ContractsClear++
	case engine.Failed:
		sum.ContractsWithRuleErrors++
	default:
		sum.ContractsInsufficient++
	}

	name := supplierKey(c.Supplier)
	acc := b.suppliers[name]
	if acc == nil {
		acc = &supplierAcc{s: report.Supplier{Name: name, ByIndicator: map[string]int{}}}
		b.suppliers[name] = acc
	}
	acc.s.Contracts++
	acc.cov.add(b.covers.canon(d.cover))
	switch d.status {
	case engine.Flagged:
		acc.s.ContractsFlagged++
	case engine.Clear:
		acc.s.ContractsClear++
	case engine.Failed:
		acc.s.ContractsWithRuleErrors++
	default:
		acc.s.ContractsInsufficient++
	}
	acc.risk = max(acc.risk, d.risk)

	for i := range d.findings {
		rf := &d.findings[i]
		counts := !rf.Waived
		if rf.Waived {
			sum.Waived++
		}
		if err := b.addFinding(rf); err != nil {
			return err
		}
		sev := mustSeverity(rf.Severity)
		sum.Findings++
		sum.BySeverity[rf.Severity]++
		sum.ByIndicator[rf.Indicator]++
		if sev >= b.failOn && counts {
			sum.FindingsAtOrAbove++
		}
		acc.s.Findings++
		acc.s.ByIndicator[rf.Indicator]++
		if counts {
			acc.score += report.RiskWeight(rf.Severity, rf.Indicator)
		}
	}
	rep.RuleErrors = append(rep.RuleErrors, d.errs...)
	sum.RuleErrors += len(d.errs)
	return nil
}

// crossRow adds the supplier-level findings and per-supplier figures of the
// cross-row checks. They count in the summary and in their suppliers'
// totals. A finding about the particular contracts it lists (a shared
// passport or bank account) also counts against each of them, flagging a
// contract that its own rules left clear.
func (b *builder) crossRow(c *crossrow.Checker) error {
	sum := &b.rep.Summary
	sums := c.BaseSummaries()
	// The contracts particular findings concern, by where they were read:
	// counted against them once every finding is in.
	raises := map[loc]raising{}
	err := c.EachFinding(func(f crossrow.Finding) error {
		f, ok := b.crossPolicy.ApplyOne(f)
		if !ok {
			return nil
		}
		crossrow.CountSummary(sums, &f)
		if f.Check.PerContract {
			for _, r := range f.Contracts {
				k := loc{r.File, r.Sheet, r.Row}
				rs := raises[k]
				rs.findings++
				rs.sev = max(rs.sev, f.Severity)
				raises[k] = rs
			}
		}
		first := f.Contracts[0]
		rf := report.Finding{
			RuleID: f.Check.ID, Title: f.Check.Title, Indicator: f.Check.Indicator, Severity: f.Severity.String(),
			Message: f.Message, File: first.File, Sheet: first.Sheet, Row: first.Row, ContractID: first.ContractID,
			Evidence: make(map[string]report.Evidence, len(f.Evidence)), References: f.Check.References, Remedy: f.Check.Remedy,
			Scope: report.ScopeSupplier, ContractsTotal: f.Total,
		}
		if len(f.Groups) == 1 {
			rf.Supplier = f.Groups[0]
		}
		for k, v := range f.Evidence {
			rf.Evidence[k] = report.Evidence{Value: v}
		}
		for _, r := range f.Contracts {
			rf.Contracts = append(rf.Contracts, report.ContractRef{File: r.File, Sheet: r.Sheet, Row: r.Row, ContractID: r.ContractID})
		}
		counts := b.waive(&rf)
		if err := b.addFinding(&rf); err != nil {
			return err
		}
		sum.Findings++
		sum.BySeverity[rf.Severity]++
		sum.ByIndicator[rf.Indicator]++
		if f.Severity >= b.failOn && counts {
			sum.FindingsAtOrAbove++
		}
		for _, g := range f.Groups {
			if acc := b.suppliers[supplierKey(g)]; acc != nil {
				acc.s.Findings++
				acc.s.CrossRowFindings++
				acc.s.ByIndicator[rf.Indicator]++
				acc.risk = max(acc.risk, f.Severity)
				if counts {
					acc.score += report.RiskWeight(rf.Severity, rf.Indicator)
				}
			}
		}
		return nil
	})
	if err == nil {
		err = c.Err()
	}
	if err != nil {
		return err
	}
	if err := b.raiseContracts(raises); err != nil {
		return err
	}
	for g, s := range sums {
		acc := b.suppliers[supplierKey(g)]
		if acc == nil {
			continue
		}
		acc.s.FeesPaid, acc.s.FeesNotPaid, acc.s.FeesUnknown = s.FeesPaid, s.FeesNotPaid, s.FeesUnknown
		if s.FeesPaid+s.FeesNotPaid > 0 {
			share := s.FeePaidShare
			acc.s.FeePaidShare = &share
		}
		acc.s.EntityListMatch = s.EntityMatch
	}
	return nil
}

// loc is where a contract was read.
type loc struct {
	file, sheet string
	row         int
}

// raising is what the cross-row findings about one contract add to it:
// how many there are, and the most severe.
type raising struct {
	findings int
	sev      contract.Severity
}

// raiseContracts counts the cross-row findings about particular contracts
// (a shared passport or account) against each of them. A location read
// twice (the same file given twice) stands for its last contract.
func (b *builder) raiseContracts(raises map[loc]raising) error {
	if len(raises) == 0 {
		return nil
	}
	// The contracts concerned, as they are now: the last read at each
	// location.
	type head struct {
		at loc
		ct report.Contract // the fields raise changes, and the supplier
	}
	at := make(map[loc]int, len(raises))
	cur := map[int]*head{}
	note := func(i int, ct *report.Contract) error {
		k := loc{ct.File, ct.Sheet, ct.Row}
		if _, ok := raises[k]; !ok {
			return nil
		}
		if j, ok := at[k]; ok {
			delete(cur, j)
		}
		at[k] = i
		cur[i] = &head{k, report.Contract{Supplier: ct.Supplier, Status: ct.Status, Risk: ct.Risk, Findings: ct.Findings}}
		return nil
	}
	var err error
	if b.rows != nil {
		// Only the head of each contract, not the whole record.
		err = b.rows.EachContractHead(note)
	} else {
		for i := range b.rep.Contracts {
			note(i, &b.rep.Contracts[i])
		}
	}
	if err != nil {
		return err
	}
	order := make([]int, 0, len(cur))
	for i := range cur {
		order = append(order, i)
	}
	slices.Sort(order)
	for _, i := range order {
		h := cur[i]
		rs := raises[h.at]
		b.raise(&h.ct, rs.sev, rs.findings)
		if b.rows != nil {
			b.rows.Amend(i, report.Amendment{Status: h.ct.Status, Risk: h.ct.Risk, Findings: h.ct.Findings})
		} else {
			c := &b.rep.Contracts[i]
			c.Status, c.Risk, c.Findings = h.ct.Status, h.ct.Risk, h.ct.Findings
		}
	}
	return nil
}

// raise counts n cross-row findings, the most severe sev, against one
// contract.
func (b *builder) raise(ct *report.Contract, sev contract.Severity, n int) {
	sum, acc := &b.rep.Summary, b.suppliers[supplierKey(ct.Supplier)]
	ct.Findings += n
	if ct.Risk == nil || mustSeverity(*ct.Risk) < sev {
		s := sev.String()
		ct.Risk = &s
	}
	if ct.Status == report.StatusFlagged {
		return
	}
	switch ct.Status {
	case report.StatusClear:
		sum.ContractsClear--
		if acc != nil {
			acc.s.ContractsClear--
		}
	case report.StatusInsufficient:
		sum.ContractsInsufficient--
		if acc != nil {
			acc.s.ContractsInsufficient--
		}
	case report.StatusRuleError:
		// A cross-row finding decides the contract, as its own would.
		sum.ContractsWithRuleErrors--
		if acc != nil {
			acc.s.ContractsWithRuleErrors--
		}
	}
	ct.Status = report.StatusFlagged
	sum.ContractsFlagged++
	if acc != nil {
		acc.s.ContractsFlagged++
	}
}

func mustSeverity(s string) contract.Severity {
	sev, _ := contract.ParseSeverity(s)
	return sev
}

// supplierKey is the name a supplier summary goes by.
func supplierKey(name string) string {
	if name == "" {
		return "(not given)"
	}
	return name
}

func (b *builder) finish() {
	rep := b.rep
	sum := &rep.Summary
	sum.FailOn = b.failOn.String()
	sum.Inputs = len(rep.Inputs)
	sum.DataIssues = len(rep.DataIssues)
	for _, in := range rep.Inputs {
		if in.Error != nil {
			sum.InputsUnreadable++
		}
		if in.DuplicateOf != "" {
			sum.InputsDuplicate++
		}
		if len(in.Incomplete) > 0 {
			sum.InputsIncomplete++
		}
		for _, s := range in.Sheets {
			if s.Error != nil {
				sum.SheetsUnreadable++
			}
			if s.Skipped != "" {
				sum.SheetsSkipped++
			}
		}
	}
	names := make([]string, 0, len(b.suppliers))
	for n := range b.suppliers {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		acc := b.suppliers[n]
		if acc.risk != contract.SeverityNone {
			s := acc.risk.String()
			acc.s.Risk = &s
		}
		acc.cov.fill(&acc.s, b.ruleIndicators)
		if acc.s.Contracts > 0 {
			acc.s.RiskScore = math.Round(acc.score/float64(acc.s.Contracts)*100) / 100
		}
		rep.Suppliers = append(rep.Suppliers, acc.s)
	}
	// Highest risk first, in every format; ties by name.
	slices.SortStableFunc(rep.Suppliers, func(a, b report.Supplier) int {
		return cmp.Or(cmp.Compare(b.RiskScore, a.RiskScore), cmp.Compare(a.Name, b.Name))
	})
}
