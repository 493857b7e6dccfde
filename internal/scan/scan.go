// Package scan runs a review end to end: it reads rosters through
// internal/source, evaluates them through internal/engine, and assembles the
// internal/report model. It holds no business logic of its own beyond
// counting.
package scan

import (
	"cmp"
	"context"
	"errors"
	"math"
	"slices"
	"time"

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
	// thousand contracts within one, with the number of files done and the
	// contracts read so far.
	Progress func(filesDone, files, contracts int)
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
func Run(ctx context.Context, files []string, opts Options) (*report.Report, error) {
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

	// Contracts are recycled once evaluated: a roster of any size needs
	// only the contracts in flight.
	pool := contract.NewPool(opts.Schema.Len())
	opts.Source.Pool = pool
	opts.Engine.Recycle = pool.Put
	eng := engine.New(opts.Program, opts.Schema, opts.Engine)
	// Cross-row checks keep a few fields of each contract, taken by the
	// worker that reads it and added in order.
	crossOpts := opts.CrossRow
	crossOpts.Spill, crossOpts.SpillDir = opts.Spill, opts.SpillDir
	extract, cross := crossrow.NewExtractor(opts.Schema).WithReference(opts.Engine.Reference, opts.Engine.ReviewDate), crossrow.New(crossOpts)
	defer cross.Close()
	b := newBuilder(rep, opts.FailOn)
	for _, r := range opts.Program.Rules {
		b.ruleIndicators = append(b.ruleIndicators, r.Indicator)
	}
	b.waivers = opts.Waivers
	b.crossPolicy = opts.CrossRowPolicy
	var inputs []*source.Input
	contracts := 0
	// Rows are read into contracts by the workers that evaluate them: the
	// contract is still in that core's cache when its rules run.
	copies := identicalCopies(ctx, files)
	produce := func(emit func(*source.Row) error) error {
		for i, path := range files {
			if c, ok := copies[path]; ok {
				inputs = append(inputs, &source.Input{Path: path, SHA256: c.sha256,
					Notes: []string{"a byte-identical copy of " + c.original + ": reviewed once, as that file"}})
				continue
			}
			in, err := source.ReadRows(ctx, path, opts.Source, func(row *source.Row) error {
				if contracts++; opts.Progress != nil && contracts%progressEvery == 0 {
					opts.Progress(i, len(files), contracts) // within a file
				}
				return emit(row)
			})
			inputs = append(inputs, in)
			if err != nil {
				return err
			}
			if opts.Progress != nil {
				opts.Progress(i+1, len(files), contracts)
			}
		}
		return nil
	}
	prepare := func(row *source.Row) (*contract.Contract, readRow) {
		c := pool.Get()
		issues := row.Fill(c)
		row.Release()
		return c, readRow{issues, extract.Record(c)}
	}
	consume := func(r engine.Result, rr readRow) error {
		rep.DataIssues = append(rep.DataIssues, rr.issues...)
		cross.Add(rr.record)
		return b.add(r)
	}
	if opts.Spill {
		rows, err := report.NewRows(opts.SpillDir)
		if err != nil {
			return nil, err
		}
		b.rows = rows
	}
	rep, err := b.run(ctx, func() error { return engine.RunEach(ctx, eng, produce, prepare, consume) }, cross)
	if err == nil {
		// A reader interrupted part-way must not pass off what it read as
		// the whole input.
		err = ctx.Err()
	}
	if err != nil {
		if b.rows != nil {
			b.rows.Close()
		}
		return nil, err
	}
	rep.Run.Options.MinCoverage = opts.MinCoverage
	for _, in := range inputs {
		ri := convertInput(in)
		if c, ok := copies[in.Path]; ok {
			ri.DuplicateOf = c.original
		}
		for i, s := range in.Sheets {
			sheetCoverage(eng, opts.Schema, s, &ri.Sheets[i])
		}
		completeness(&ri, opts.MinCoverage)
		rep.Inputs = append(rep.Inputs, ri)
	}
	b.finish()
	return rep, nil
}

// progressEvery is how many contracts are read between progress reports
// within a file.
const progressEvery = 4096

// readRow is what a worker read of a row besides its contract.
type readRow struct {
	issues []contract.DataIssue
	record crossrow.Record
}

// run evaluates the contracts and adds the cross-row findings.
func (b *builder) run(ctx context.Context, evaluate func() error, cross *crossrow.Checker) (*report.Report, error) {
	if err := evaluate(); err != nil {
		return nil, err
	}
	if err := b.crossRow(cross); err != nil {
		return nil, err
	}
	if b.rows != nil {
		if err := b.rep.UseRows(b.rows); err != nil {
			return nil, err
		}
	}
	return b.rep, nil
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
}

func (b *builder) addContract(c *report.Contract) error {
	if b.rows != nil {
		return b.rows.AddContract(c)
	}
	b.rep.Contracts = append(b.rep.Contracts, *c)
	return nil
}

func (b *builder) addFinding(f *report.Finding) error {
	if b.rows != nil {
		return b.rows.AddFinding(f)
	}
	b.rep.Findings = append(b.rep.Findings, *f)
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
	w := b.waivers.Match(f.RuleID, f.ContractID, f.WorkerID, f.Supplier)
	if w == nil {
		return true
	}
	f.Waived, f.WaiverReason, f.WaiverApprovedBy = true, w.Reason, w.ApprovedBy
	f.WaiverExpires, f.WaiverSource = w.Expires.Format(time.DateOnly), w.Source()
	b.rep.Summary.Waived++
	return false
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

func (b *builder) add(r engine.Result) error {
	rep := b.rep
	sum := &rep.Summary
	c := report.Contract{
		File: r.File, Sheet: r.Sheet, Row: r.Row, ContractID: r.ContractID, WorkerID: r.WorkerID,
		WorkerName: r.WorkerName, Supplier: r.Supplier, Status: r.Status.String(), Findings: len(r.Findings),
		RulesChecked: r.RulesChecked, Missing: r.Missing, MissingLookups: r.Lookups, RuleErrors: len(r.Errors),
	}
	if r.Risk != contract.SeverityNone {
		s := r.Risk.String()
		c.Risk = &s
	}
	if err := b.addContract(&c); err != nil {
		return err
	}
	sum.Contracts++
	switch r.Status {
	case engine.Flagged:
		sum.ContractsFlagged++
	case engine.Clear:
		sum.ContractsClear++
	case engine.Failed:
		sum.ContractsWithRuleErrors++
	default:
		sum.ContractsInsufficient++
	}

	name := supplierKey(r.Supplier)
	acc := b.suppliers[name]
	if acc == nil {
		acc = &supplierAcc{s: report.Supplier{Name: name, ByIndicator: map[string]int{}}}
		b.suppliers[name] = acc
	}
	acc.s.Contracts++
	acc.cov.add(r.Coverage)
	switch r.Status {
	case engine.Flagged:
		acc.s.ContractsFlagged++
	case engine.Clear:
		acc.s.ContractsClear++
	case engine.Failed:
		acc.s.ContractsWithRuleErrors++
	default:
		acc.s.ContractsInsufficient++
	}
	acc.risk = max(acc.risk, r.Risk)

	for _, f := range r.Findings {
		ev := make(map[string]report.Evidence, len(f.Evidence))
		for _, e := range f.Evidence {
			ev[e.Field] = report.Evidence{Value: e.Value, Raw: e.Raw, Derived: e.Derived, Column: e.Column, Header: e.Header, Conversion: e.Conversion,
				Cell: report.CellRef(e.Column, r.Row), Currency: e.Currency}
		}
		indicator := f.Rule.Indicator
		if f.Indicator != "" {
			indicator = f.Indicator // a combination takes its gravest part's
		}
		rf := report.Finding{
			RuleID: f.Rule.ID, Title: f.Rule.Title, Indicator: indicator, Severity: f.Severity.String(),
			Message: f.Message, File: r.File, Sheet: r.Sheet, Row: r.Row, ContractID: r.ContractID,
			WorkerID: r.WorkerID, WorkerName: r.WorkerName, Supplier: r.Supplier, Evidence: ev,
			References: f.Rule.References, Remedy: f.Rule.Remedy,
		}
		counts := b.waive(&rf)
		if err := b.addFinding(&rf); err != nil {
			return err
		}
		sum.Findings++
		sum.BySeverity[f.Severity.String()]++
		sum.ByIndicator[indicator]++
		if f.Severity >= b.failOn && counts {
			sum.FindingsAtOrAbove++
		}
		acc.s.Findings++
		acc.s.ByIndicator[indicator]++
		if counts {
			acc.score += report.RiskWeight(f.Severity.String(), indicator)
		}
	}
	for _, e := range r.Errors {
		rep.RuleErrors = append(rep.RuleErrors, report.RuleError{
			RuleID: e.Rule.ID, File: r.File, Sheet: r.Sheet, Row: r.Row, ContractID: r.ContractID, Error: e.Err.Error(),
		})
		sum.RuleErrors++
	}
	return nil
}

// crossRow adds the supplier-level findings and per-supplier figures of the
// cross-row checks. They count in the summary and in their suppliers'
// totals. A finding about the particular contracts it lists (a shared
// passport or bank account) also counts against each of them, flagging a
// contract that its own rules left clear.
func (b *builder) crossRow(c *crossrow.Checker) error {
	sum := &b.rep.Summary
	findings := b.crossPolicy.Apply(c.Findings())
	if err := c.Err(); err != nil {
		return err
	}
	if err := b.raiseContracts(findings); err != nil {
		return err
	}
	for _, f := range findings {
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
	}
	for g, s := range c.Summaries(findings) {
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

// raiseContracts counts the cross-row findings about particular contracts
// (a shared passport or account) against each of them. A location read
// twice (the same file given twice) stands for its last contract.
func (b *builder) raiseContracts(findings []crossrow.Finding) error {
	want := map[loc]int{} // location → index of its contract, -1 until found
	for _, f := range findings {
		if f.Check.PerContract {
			for _, r := range f.Contracts {
				want[loc{r.File, r.Sheet, r.Row}] = -1
			}
		}
	}
	if len(want) == 0 {
		return nil
	}
	// The contracts concerned, as they are now.
	cur := map[int]*report.Contract{}
	i := 0
	err := b.eachContract(func(ct *report.Contract) error {
		k := loc{ct.File, ct.Sheet, ct.Row}
		if _, ok := want[k]; ok {
			want[k] = i
			if _, ok := cur[i]; !ok {
				c := *ct
				cur[i] = &c
			}
		}
		i++
		return nil
	})
	if err != nil {
		return err
	}
	for _, f := range findings {
		if !f.Check.PerContract {
			continue
		}
		for _, r := range f.Contracts {
			if i := want[loc{r.File, r.Sheet, r.Row}]; i >= 0 {
				b.raise(cur[i], f.Severity)
			}
		}
	}
	for i, c := range cur {
		if b.rows != nil {
			b.rows.Amend(i, report.Amendment{Status: c.Status, Risk: c.Risk, Findings: c.Findings})
		} else {
			b.rep.Contracts[i] = *c
		}
	}
	return nil
}

// eachContract passes over the contracts added so far.
func (b *builder) eachContract(fn func(*report.Contract) error) error {
	if b.rows == nil {
		for i := range b.rep.Contracts {
			if err := fn(&b.rep.Contracts[i]); err != nil {
				return err
			}
		}
		return nil
	}
	return b.rows.EachContract(fn)
}

// raise counts a cross-row finding against one contract.
func (b *builder) raise(ct *report.Contract, sev contract.Severity) {
	sum, acc := &b.rep.Summary, b.suppliers[supplierKey(ct.Supplier)]
	ct.Findings++
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
