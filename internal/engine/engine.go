package engine

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/laborcheck/laborcheck/internal/contract"
	"github.com/laborcheck/laborcheck/internal/refdata"
	"github.com/laborcheck/laborcheck/internal/rules"
)

// Status is a contract's overall outcome.
type Status int

// Contract statuses.
const (
	Clear        Status = iota // no rule the roster lets the tool check flagged
	Insufficient               // no rule flagged, but a blank or unreadable cell left some undecided
	Flagged                    // at least one rule flagged
	// Failed: no rule flagged and a rule failed on the contract (an error
	// while evaluating it), so the contract was not reviewed in full. A
	// rule error on a flagged contract leaves it flagged: its findings
	// decide it.
	Failed
)

func (s Status) String() string {
	return [...]string{"clear", "insufficient_data", "flagged", "rule_error"}[s]
}

// Finding is one rule that flagged one contract, or one [Combination] of
// such findings.
type Finding struct {
	Rule      *rules.Compiled
	Indicator string // the rule's indicator; a combination's may be its gravest part's
	Severity  contract.Severity
	Message   string
	Evidence  []Evidence // a combination's evidence is its parts: Field the rule id, Value the severity, Raw the message
}

func (f *Finding) indicator() string {
	if f.Indicator != "" {
		return f.Indicator
	}
	return f.Rule.Indicator
}

// Evidence is one field the rule read.
type Evidence struct {
	Field   string
	Value   any // typed value (string, int64, float64, bool, "YYYY-MM-DD") or nil when blank
	Raw     string
	Derived bool
	// Column, Header and Conversion say where in the roster the value
	// was read and what reading it took (see contract.Columns).
	Column, Header, Conversion string
	// Currency is the ISO 4217 code of an amount, when one is named.
	Currency string
}

// RuleError is a rule that failed on the contract.
type RuleError struct {
	Rule *rules.Compiled
	Err  error
}

// Result is the outcome for one contract. It keeps the contract's identity
// but not its values, so a batch of many contracts stays small.
type Result struct {
	File, Sheet string
	Row         int
	ContractID  string
	WorkerID    string
	WorkerName  string
	Supplier    string // supplier_name, else employer_name
	Status      Status
	Risk        contract.Severity
	Findings    []Finding
	// Missing are the roster's headers of the columns whose blank or
	// unreadable cells left rules undecided, in column order (field names
	// for contracts without Columns, in schema order).
	Missing []string
	Lookups []string // table lookups that found no value and left rules undecided
	Errors  []RuleError
	// RulesChecked counts the rules that reached a decision on the
	// contract: those its sheet's columns let run, less those its blank
	// cells left undecided.
	RulesChecked int
	// Coverage is what the rules can check on the contract's sheet.
	Coverage *Coverage
	// Converted says an amount of the contract was converted into another
	// currency with the exchange-rate table.
	Converted bool
}

// Options tune a run.
type Options struct {
	Workers    int       // 0 means GOMAXPROCS
	ReviewDate time.Time // review_date in expressions; zero means today
	// Combinations escalate co-occurring findings on one contract; parts
	// that name rules the program lacks are ignored.
	Combinations []Combination
	// MinimumWages, when set, fills a blank minimum_wage_monthly.
	MinimumWages *contract.MinimumWages
	// Reference, when set, holds the reference tables derived fields are
	// read from (exchange rates, minimum ages, countries, places, agency
	// licences, the goods list, withhold release orders); nil means the
	// built-in tables.
	Reference *refdata.Set
	// Label, when set, names a field in the words a roster would use for
	// its column ("Passport held by"), for the columns a sheet lacks;
	// without it the field's first alias is used.
	Label func(field string) string
	// Recycle, when set, receives each contract once it has been
	// evaluated: Run no longer needs it (see contract.Pool).
	Recycle func(*contract.Contract)
	// Waived, when set, reports whether a waiver covers the finding of
	// rule ruleID on the contract of r. A waived finding is still
	// reported, but Combinations are built from the findings that are not
	// waived: a waiver on a part carries into the combinations built on it.
	Waived func(ruleID string, r *Result) bool
}

// Engine evaluates a compiled program. It is safe for concurrent use.
type Engine struct {
	prog     *rules.Program
	schema   *contract.Schema
	opts     Options
	ids      [4]int // contract_id, worker_id, worker_name, supplier_name; -1 when absent
	employer int
	deriver  *contract.Deriver
	combiner *combiner
	missing  sync.Map // key of field indexes → shared []string of names
	derived  *contract.Derived
	all      *Coverage // of contracts with every column
	// coverages holds the Coverage of each sheet, by its *contract.Columns.
	coverages sync.Map
}

// New returns an engine for prog over contracts of schema.
func New(prog *rules.Program, schema *contract.Schema, opts Options) *Engine {
	if opts.Workers <= 0 {
		opts.Workers = runtime.GOMAXPROCS(0)
	}
	e := &Engine{prog: prog, schema: schema, opts: opts, deriver: contract.NewDeriver(schema, opts.ReviewDate)}
	if opts.MinimumWages != nil {
		e.deriver = e.deriver.WithMinimumWages(opts.MinimumWages)
	}
	if opts.Reference != nil {
		e.deriver = e.deriver.WithReference(opts.Reference)
	}
	e.derived = contract.NewDerived(schema, opts.MinimumWages != nil)
	e.all = e.Coverage(nil)
	if len(opts.Combinations) > 0 {
		e.combiner = newCombiner(prog, opts.Combinations)
	}
	for i, name := range []string{"contract_id", "worker_id", "worker_name", "supplier_name"} {
		e.ids[i] = -1
		if f := schema.Field(name); f != nil {
			e.ids[i] = f.Index
		}
	}
	e.employer = -1
	if f := schema.Field("employer_name"); f != nil {
		e.employer = f.Index
	}
	return e
}

// Evaluator evaluates one contract at a time; one per goroutine.
type Evaluator struct {
	e  *Engine
	ev *rules.Evaluator
	// The coverage of the sheet last seen: contracts come sheet by sheet.
	cols    *contract.Columns
	cov     *Coverage
	blamed  []int
	missing []int
	// words holds derived values' accounts in the roster's words (see
	// inOfficerWords) for the sheet last seen.
	words map[string]string
}

// NewEvaluator returns an evaluator for one goroutine.
func (e *Engine) NewEvaluator() *Evaluator {
	return &Evaluator{e: e, ev: e.prog.NewEvaluator(e.opts.ReviewDate)}
}

// forget drops what the evaluator remembers of the last contract, before
// that contract is recycled for another row.
func (x *Evaluator) forget() { x.ev.Forget() }

// Evaluate fills c's derivable fields and runs every rule on it.
func (x *Evaluator) Evaluate(c *contract.Contract) Result {
	e := x.e
	e.deriver.Derive(c)
	r := Result{File: c.File, Sheet: c.Sheet, Row: c.Row, ContractID: c.ID(e.schema), Converted: c.Converted}
	str := func(i int) string {
		if i < 0 {
			return ""
		}
		return c.Value(i).Str
	}
	r.WorkerID, r.WorkerName, r.Supplier = str(e.ids[1]), str(e.ids[2]), str(e.ids[3])
	if r.Supplier == "" {
		r.Supplier = str(e.employer)
	}
	if x.cov == nil || x.cols != c.Columns {
		x.cols, x.cov = c.Columns, e.coverageOf(c.Columns)
		clear(x.words)
	}
	cov := x.cov
	r.Coverage = cov
	missing := x.missing[:0]
	undecided := false
	for _, rule := range e.prog.Rules {
		if !cov.Checkable[rule.Index] {
			continue // the roster has no column for it: not checked
		}
		o := x.ev.Eval(rule, c)
		switch o.Status {
		case rules.Flag:
			r.Findings = append(r.Findings, Finding{
				Rule:      rule,
				Indicator: rule.Indicator,
				Severity:  o.Severity,
				Message:   x.ev.Message(rule, c),
				Evidence:  x.evidence(rule, c),
			})
			r.Risk = max(r.Risk, o.Severity)
		case rules.Insufficient:
			if c.Columns != nil && len(o.Missing) > 0 {
				// Only cells the roster has can leave a rule undecided:
				// without them it was decided as far as the roster allows.
				blamed := x.blamed[:0]
				for _, i := range o.Missing {
					blamed = e.blame(c, i, blamed, 0)
				}
				x.blamed = blamed
				if len(blamed) == 0 && len(o.Lookups) == 0 {
					r.RulesChecked++
					continue
				}
				missing = append(missing, blamed...)
			} else {
				missing = append(missing, o.Missing...)
			}
			undecided = true
			r.Lookups = append(r.Lookups, o.Lookups...)
			continue
		case rules.Failed:
			r.Errors = append(r.Errors, RuleError{Rule: rule, Err: o.Err})
			continue
		}
		r.RulesChecked++
	}
	x.missing = missing
	parts := r.Findings
	if e.opts.Waived != nil && e.combiner != nil && len(parts) > 1 {
		parts = make([]Finding, 0, len(r.Findings))
		// A copy for the callback: taking r's own address would put every
		// contract's Result on the heap.
		w := r
		for _, f := range r.Findings {
			if !e.opts.Waived(f.Rule.ID, &w) {
				parts = append(parts, f)
			}
		}
	}
	for _, f := range e.combiner.combine(parts) {
		r.Findings = append(r.Findings, f)
		r.Risk = max(r.Risk, f.Severity)
	}
	switch {
	case len(r.Findings) > 0:
		r.Status = Flagged
	case len(r.Errors) > 0:
		r.Status = Failed
	case undecided:
		r.Status = Insufficient
	default:
		r.Status = Clear
	}
	if len(r.Lookups) > 1 {
		slices.Sort(r.Lookups)
		r.Lookups = slices.Compact(r.Lookups)
	}
	if len(missing) > 0 {
		if c.Columns != nil {
			r.Missing = e.headers(c, cov, missing)
		} else {
			r.Missing = e.fieldNames(missing)
		}
	}
	return r
}

// fieldNames turns field indexes into names in schema order. Contracts of
// one roster tend to miss the same fields, so the lists are shared: a large
// batch keeps one copy of each distinct list rather than one per contract.
func (e *Engine) fieldNames(idx []int) []string {
	fields := e.schema.Fields()
	set := make([]bool, len(fields))
	for _, i := range idx {
		set[i] = true
	}
	key := make([]byte, 0, 2*len(idx))
	for i, ok := range set {
		if ok {
			key = append(key, byte(i>>8), byte(i))
		}
	}
	if names, ok := e.missing.Load(string(key)); ok {
		return names.([]string)
	}
	out := make([]string, 0, len(key)/2)
	for i, ok := range set {
		if ok {
			out = append(out, fields[i].Name)
		}
	}
	names, _ := e.missing.LoadOrStore(string(key), out)
	return names.([]string)
}

// evidence is Engine.evidence with each derived value's account of itself
// in the roster's words.
func (x *Evaluator) evidence(rule *rules.Compiled, c *contract.Contract) []Evidence {
	out := x.e.evidence(rule, c)
	for i := range out {
		if !out[i].Derived || !strings.Contains(out[i].Raw, "_") {
			continue
		}
		raw := out[i].Raw
		w, ok := x.words[raw]
		if !ok {
			w = x.e.inOfficerWords(raw, c.Columns)
			if x.words == nil || len(x.words) >= 4096 {
				x.words = map[string]string{}
			}
			x.words[raw] = w
		}
		out[i].Raw = w
	}
	return out
}

// inOfficerWords rewrites the field names in a derived value's account of
// itself ("derived: recruitment_costs_total / base_wage_monthly") as the
// roster says them: the sheet's own header for a field it has a column for,
// else the field's label ("Recruitment Fee (USD) / Basic salary"). Text in
// double quotes, which is the roster's own, is left as it is.
func (e *Engine) inOfficerWords(raw string, cols *contract.Columns) string {
	var b strings.Builder
	quoted := false
	for i := 0; i < len(raw); {
		c := raw[i]
		switch {
		case quoted && c == '\\' && i+1 < len(raw):
			b.WriteString(raw[i : i+2])
			i += 2
			continue
		case c == '"':
			quoted = !quoted
		case !quoted && isIdentStart(c) && (i == 0 || !isIdentByte(raw[i-1])):
			j := i + 1
			for j < len(raw) && isIdentByte(raw[j]) {
				j++
			}
			word := raw[i:j]
			if f := e.schema.Field(word); f != nil && strings.Contains(word, "_") {
				if cols != nil && f.Index < len(cols.Has) && cols.Has[f.Index] && cols.Header[f.Index] != "" {
					b.WriteString(cols.Header[f.Index])
				} else {
					b.WriteString(f.Label())
				}
			} else {
				b.WriteString(word)
			}
			i = j
			continue
		}
		b.WriteByte(c)
		i++
	}
	return b.String()
}

func isIdentStart(c byte) bool { return 'a' <= c && c <= 'z' }

func isIdentByte(c byte) bool { return 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '_' }

func (e *Engine) evidence(rule *rules.Compiled, c *contract.Contract) []Evidence {
	fields := e.schema.Fields()
	out := make([]Evidence, 0, len(rule.Fields))
	for _, i := range rule.Fields {
		f := fields[i]
		v := c.Value(i)
		if !v.Present && !v.Derived && (c.Columns == nil || i >= len(c.Columns.Has) || !c.Columns.Has[i]) {
			// A field the roster has no column for did not decide the
			// finding: naming it would only list what is not there.
			continue
		}
		ev := Evidence{Field: f.Name, Value: v.Native(f.Type), Raw: v.Raw, Derived: v.Derived}
		if f.Type == contract.Money && v.Present {
			ev.Currency = v.Currency
		}
		if cols := c.Columns; cols != nil && i < len(cols.Has) && cols.Has[i] && !v.Derived {
			ev.Column, ev.Header = cols.Letter[i], cols.Header[i]
			if i < len(cols.Note) {
				ev.Conversion = cols.Note[i]
			}
		}
		out = append(out, ev)
	}
	return out
}

// Run evaluates every contract that produce emits, over opts.Workers
// goroutines, and calls consume with each result in the order the contracts
// were emitted. produce's emit must be called from one goroutine; consume
// is called from one goroutine. The first error from produce or consume, or
// the context's, stops the run.
func (e *Engine) Run(ctx context.Context, produce func(emit func(*contract.Contract) error) error, consume func(Result) error) error {
	return RunEach(ctx, e, produce,
		func(c *contract.Contract) (*contract.Contract, struct{}) { return c, struct{}{} },
		func(r Result, _ struct{}) error { return consume(r) })
}

// resize returns s with length n, reusing its array when it is large enough.
func resize[E any](s []E, n int) []E {
	if cap(s) < n {
		return make([]E, n)
	}
	return s[:n]
}

// RunEach is Run for items that become contracts on the workers: prepare
// turns an item into the contract to evaluate, and into whatever else
// consume needs of it, on the goroutine that then evaluates the contract.
// A reader can thus hand on rows unread, and each is read where it is
// evaluated. consume receives each result with what prepare made of its
// item, in the order the items were emitted.
func RunEach[T, P any](ctx context.Context, e *Engine, produce func(emit func(T) error) error,
	prepare func(T) (*contract.Contract, P), consume func(Result, P) error) error {
	const batchSize = 256
	type batch struct {
		seq     int
		items   []T
		results []Result
		extra   []P
	}
	// A panic on any goroutine of the run (a rule, a reader, the consumer)
	// stops the run and is raised again on the caller's goroutine, where
	// the command line can report it; unrecovered, it would end the
	// process before any deferred clean-up ran.
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var (
		panicOnce sync.Once
		panicked  *PanicError
	)
	guard := func(f func() error) func() error {
		return func() (err error) {
			defer func() {
				if v := recover(); v != nil {
					p := &PanicError{Value: v, stack: debug.Stack()}
					panicOnce.Do(func() { panicked = p })
					cancel(p)
					err = p
				}
			}()
			return f()
		}
	}
	defer func() {
		if panicked != nil {
			panic(panicked)
		}
	}()
	g, ctx := errgroup.WithContext(ctx)
	work := make(chan *batch, e.opts.Workers)
	done := make(chan *batch, e.opts.Workers)
	// Consumed batches are used again: their slices are most of what a run
	// would otherwise allocate per contract.
	free := make(chan *batch, 2*e.opts.Workers+2)
	newBatch := func() *batch {
		select {
		case b := <-free:
			return b
		default:
			return &batch{items: make([]T, 0, batchSize)}
		}
	}

	g.Go(guard(func() error {
		defer close(work)
		cur := newBatch()
		seq := 0
		flush := func() error {
			if len(cur.items) == 0 {
				return nil
			}
			cur.seq = seq
			seq++
			select {
			case work <- cur:
			case <-ctx.Done():
				return ctx.Err()
			}
			cur = newBatch()
			return nil
		}
		err := produce(func(it T) error {
			cur.items = append(cur.items, it)
			if len(cur.items) == batchSize {
				return flush()
			}
			return ctx.Err()
		})
		if err != nil {
			return err
		}
		return flush()
	}))

	workers, wctx := errgroup.WithContext(ctx)
	for range e.opts.Workers {
		workers.Go(guard(func() error {
			x := e.NewEvaluator()
			var zero T
			for b := range work {
				b.results = resize(b.results, len(b.items))
				b.extra = resize(b.extra, len(b.items))
				for i, it := range b.items {
					c, p := prepare(it)
					b.results[i] = x.Evaluate(c)
					b.extra[i] = p
					b.items[i] = zero
					if e.opts.Recycle != nil {
						x.forget()
						e.opts.Recycle(c)
					}
				}
				b.items = b.items[:0]
				select {
				case done <- b:
				case <-wctx.Done():
					return wctx.Err()
				}
			}
			return nil
		}))
	}
	g.Go(func() error {
		defer close(done)
		return workers.Wait()
	})

	g.Go(guard(func() error {
		pending := map[int]*batch{}
		next := 0
		for b := range done {
			pending[b.seq] = b
			for {
				nb, ok := pending[next]
				if !ok {
					break
				}
				delete(pending, next)
				next++
				for i, r := range nb.results {
					if err := consume(r, nb.extra[i]); err != nil {
						return err
					}
				}
				clear(nb.results)
				clear(nb.extra)
				select {
				case free <- nb:
				default:
				}
			}
		}
		return nil
	}))
	return g.Wait()
}

// PanicError is a panic on one of a run's goroutines, raised again by
// [RunEach] (and so [Engine.Run]) on the goroutine that called it, with
// the stack of the goroutine that panicked.
type PanicError struct {
	Value any
	stack []byte
}

func (p *PanicError) Error() string { return fmt.Sprintf("panic: %v", p.Value) }

// Stack is the stack of the goroutine that panicked.
func (p *PanicError) Stack() []byte { return p.stack }
