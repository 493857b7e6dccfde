package scan

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/laborcheck/laborcheck/internal/contract"
	"github.com/laborcheck/laborcheck/internal/crossrow"
	"github.com/laborcheck/laborcheck/internal/partial"
	"github.com/laborcheck/laborcheck/internal/report"
	"github.com/laborcheck/laborcheck/internal/rules"
)

// Shard names one shard of a review split N ways (see RunShard).
type Shard struct {
	Index, Count int
	// Partial is the path the partial result is written to.
	Partial string
	// Secret keys the hashes that stand for passport and bank numbers in
	// the partial (see partial.Key). Every shard of a review must use the
	// same secret, or numbers shared across shards would not be found;
	// nil derives it from the rules and the input list, which every shard
	// shares.
	Secret []byte
	// Settings are the settings, besides those the report records, that
	// shape each contract's results (the review date, the date order, the
	// mapping file's digest…), written as the caller likes: shards that
	// differ in them are not merged.
	Settings any
	// EntityList is the -entity-list file's name and bytes, and Waivers the
	// waivers in force: the merge needs them for the cross-row findings.
	EntityListName string
	EntityList     []byte
	Waivers        []*rules.Waiver
}

// ShardResult says what a shard reviewed.
type ShardResult struct {
	Files, Contracts int
}

// payload is what a merge needs of the run besides the blocks.
type payload struct {
	Run            report.Run       `json:"run"`
	Rules          []report.Rule    `json:"rules"`
	Indicators     []string         `json:"indicators"`
	EntityListName string           `json:"entity_list_name,omitempty"`
	EntityList     []byte           `json:"entity_list,omitempty"`
	Waivers        []*rules.Waiver  `json:"waivers,omitempty"`
	FeeShare       float64          `json:"fee_share_critical,omitempty"`
	CrossPolicy    *crossrow.Policy `json:"cross_row_policy,omitempty"`
	MaxRefs        int              `json:"max_refs,omitempty"`
	// StaleRates says how the shards' exchange rates are stale on the
	// review date, for the merge to warn of if amounts were converted.
	StaleRates string `json:"stale_rates,omitempty"`
}

// inputEntry is one input of the list every shard must share.
type inputEntry struct {
	Path string `json:"path"`
	Size int64  `json:"size"`
}

// Assignment lists the inputs shard i of n reviews (indexes into files):
// largest first, balanced by size (see partial.Assign). Every shard of a
// review computes the same from the same file list.
func Assignment(files []string, i, n int) []int {
	var out []int
	for k, s := range partial.Assign(fileSizes(files), n) {
		if s == i {
			out = append(out, k)
		}
	}
	return out
}

func fileSizes(files []string) []int64 {
	sizes := make([]int64, len(files))
	for k, f := range files {
		if st, err := os.Stat(f); err == nil {
			sizes[k] = st.Size()
		}
	}
	return sizes
}

// RunShard reviews shard sh.Index of sh.Count of files and writes its
// partial result to sh.Partial, atomically: each of its files' contracts,
// evaluated, with what the cross-row checks need of them, for Merge to
// make the reports from. Passport and bank numbers are kept only as keyed
// hashes and in the masked form reports show. Like Run, it fails only
// when the context is cancelled or the partial cannot be written.
func RunShard(ctx context.Context, files []string, opts Options, sh Shard) (ShardResult, error) {
	var res ShardResult
	if sh.Count < 1 || sh.Index < 0 || sh.Index >= sh.Count {
		return res, fmt.Errorf("shard %d/%d: want 0 <= i < N", sh.Index, sh.Count)
	}
	s, err := newSetup(opts)
	if err != nil {
		return res, err
	}
	sizes := fileSizes(files)
	var which []int
	only := map[string]bool{}
	inputs := make([]inputEntry, len(files))
	for k, a := range partial.Assign(sizes, sh.Count) {
		inputs[k] = inputEntry{files[k], sizes[k]}
		if a == sh.Index {
			which = append(which, k)
			only[files[k]] = true
		}
	}
	hdr, key := shardHeader(s.rep, s.opts, sh, inputs)
	copies := identicalCopies(ctx, files, only)
	w, err := partial.Create(sh.Partial, hdr)
	if err != nil {
		return res, err
	}
	err = s.readFiles(ctx, files, which, copies, key, func(blk *fileBlock) error {
		defer blk.recs.close()
		meta, err := blk.meta()
		if err != nil {
			return err
		}
		rd, err := blk.recs.reader()
		if err != nil {
			return err
		}
		res.Files++
		res.Contracts += blk.contracts
		return w.Block(blk.file, blk.contracts, meta, rd)
	})
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		w.Abort()
		return res, err
	}
	return res, w.Commit()
}

// shardHeader describes the shard, and returns the key its numbers are
// hashed with.
func shardHeader(rep *report.Report, opts Options, sh Shard, inputs []inputEntry) (partial.Header, []byte) {
	run := rep.Run
	run.StartedAt = time.Time{}
	run.Options.FailOn = "" // the merge's to set
	p := payload{Run: run, Rules: rep.Rules, EntityListName: sh.EntityListName, EntityList: sh.EntityList,
		Waivers: sh.Waivers, FeeShare: opts.CrossRow.FeeShareCritical, MaxRefs: opts.CrossRow.MaxRefs, CrossPolicy: opts.CrossRowPolicy,
		StaleRates: staleRates(opts.Engine)}
	for _, r := range opts.Program.Rules {
		p.Indicators = append(p.Indicators, r.Indicator)
	}
	pb, err := json.Marshal(p)
	if err != nil {
		panic(fmt.Sprintf("scan: shard payload: %v", err)) // plain data: cannot fail
	}
	rulesSum := partial.SumJSON(struct {
		Digest   string
		Files    []report.File
		Disabled []report.DisabledRule
		Rules    []report.Rule
	}{run.RulesDigest, run.RuleFiles, run.DisabledRules, rep.Rules})
	inputsSum := partial.SumJSON(inputs)
	secret := sh.Secret
	if secret == nil {
		secret = []byte(rulesSum + inputsSum)
	}
	key := partial.Key(secret)
	h := partial.Header{
		Version: opts.Version, Shard: sh.Index, Shards: sh.Count, Files: len(inputs), Payload: pb,
		Digests: []partial.Digest{
			{Name: "rules", Value: rulesSum},
			{Name: "tables", Value: partial.SumJSON(run.Tables)},
			{Name: "options", Value: partial.SumJSON(struct {
				Options  report.Options
				Waivers  []report.File
				Settings any
				CrossRow []any
			}{run.Options, run.WaiverFiles, sh.Settings, []any{opts.CrossRow.FeeShareCritical, opts.CrossRow.MaxRefs, sh.EntityListName}})},
			{Name: "vocabularies", Value: partial.SumJSON(run.Vocabularies)},
			{Name: "inputs", Value: inputsSum},
			{Name: partial.KeyDigest, Value: partial.KeyCheck(key)},
		},
	}
	return h, key
}

// MergeOptions configure a merge.
type MergeOptions struct {
	FailOn contract.Severity
	// Now stamps the report; nil means time.Now.
	Now func() time.Time
	// Spill and SpillDir are as for Options.
	Spill    bool
	SpillDir string
}

// Merge makes the report of a review from the partial results of its
// shards, as Run would have made it from the same inputs: the blocks are
// replayed in input order through the same counting, cross-row checks and
// summaries. The set must have been checked (partial.OpenSet).
func Merge(ctx context.Context, set *partial.Set, opts MergeOptions) (*report.Report, error) {
	var p payload
	if err := json.Unmarshal(set.Shards[0].Header.Payload, &p); err != nil {
		return nil, fmt.Errorf("%s: %w: %v", set.Shards[0].Path, errDamaged, err)
	}
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	rep := &report.Report{
		Inputs:     []report.Input{},
		Contracts:  []report.Contract{},
		Findings:   []report.Finding{},
		DataIssues: []contract.DataIssue{},
		RuleErrors: []report.RuleError{},
		Suppliers:  []report.Supplier{},
		Rules:      p.Rules,
		Run:        p.Run,
	}
	rep.Run.StartedAt = now().UTC().Truncate(time.Second)
	rep.Run.Options.FailOn = opts.FailOn.String()
	cross := crossrow.Options{FeeShareCritical: p.FeeShare, MaxRefs: p.MaxRefs, Spill: opts.Spill, SpillDir: opts.SpillDir}
	if p.EntityList != nil {
		l, err := crossrow.ReadEntityList(p.EntityListName, p.EntityList)
		if err != nil {
			return nil, fmt.Errorf("entity list of the shards: %w", err)
		}
		cross.EntityList = l
	}
	var waivers *rules.Matcher
	if p.Waivers != nil {
		waivers = rules.NewMatcher(p.Waivers)
	}
	r := newReplay(rep, opts.FailOn, waivers, cross, p.CrossPolicy, p.Indicators, opts.Spill, opts.SpillDir)
	r.staleRates = p.StaleRates
	defer r.cross.Close()
	if err := r.start(); err != nil {
		return nil, err
	}
	err := func() error {
		for i := range set.Files() {
			if err := ctx.Err(); err != nil {
				return err
			}
			pr, e := set.Block(i)
			meta, err := pr.Meta(e)
			if err != nil {
				return err
			}
			blk, err := blockFromMeta(i, meta)
			if err != nil {
				return fmt.Errorf("%s: input %d: %w", pr.Path, i, err)
			}
			if blk.contracts != e.Contracts {
				return fmt.Errorf("%s: input %d: %w", pr.Path, i, errDamaged)
			}
			rc, err := pr.Records(e)
			if err != nil {
				return err
			}
			err = r.block(blk, rc)
			rc.Close()
			if err != nil {
				return fmt.Errorf("%s: %w", pr.Path, err)
			}
		}
		return ctx.Err()
	}()
	if err != nil {
		r.abort()
		return nil, err
	}
	return r.finish()
}

// IsDamaged reports whether err is a partial result that does not decode.
func IsDamaged(err error) bool {
	return errors.Is(err, errDamaged) || errors.Is(err, report.ErrDamagedRow)
}
