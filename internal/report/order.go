package report

import (
	"cmp"
	"math"
	"slices"
	"strings"
)

// Report order: every writer lists contracts and findings highest risk
// first, in the same order.
//
// Findings: by severity (critical first); at one severity, findings a
// waiver covers after the rest, then coercion indicators (see RiskWeight)
// before the others, then by their supplier's place in the supplier ranking
// (risk score, highest first), then by where they were read (file, sheet,
// row) and, last, in the order the rules ran.
//
// Contracts: by their highest severity (critical first), then flagged
// before rule errors, insufficient data and clear, then the most findings
// first, then by where they were read (file, sheet, row).
//
// The order is worked out from a compact key per row (a packed rank, the
// file and sheet as string numbers, the row and the row's place in the
// file), so that a report spilled to disk (Rows) is ordered without being
// read into memory.

// rowKey is one contract's or finding's place in report order: rank
// first (smaller first), then file, sheet and row, then seq.
type rowKey struct {
	rank        uint64
	file, sheet uint32 // string numbers, compared as the strings they stand for
	row         int32
	seq         int32
	off         int64 // where the row's record starts (Rows)
	size        uint32
}

func compareKeys(tab []string) func(a, b rowKey) int {
	return func(a, b rowKey) int {
		if c := cmp.Compare(a.rank, b.rank); c != 0 {
			return c
		}
		if a.file != b.file {
			if c := strings.Compare(tab[a.file], tab[b.file]); c != 0 {
				return c
			}
		}
		if a.sheet != b.sheet {
			if c := strings.Compare(tab[a.sheet], tab[b.sheet]); c != 0 {
				return c
			}
		}
		return cmp.Or(cmp.Compare(a.row, b.row), cmp.Compare(a.seq, b.seq))
	}
}

// statusRank orders contract statuses: flagged first, clear last.
func statusRank(s string) uint64 {
	switch s {
	case StatusFlagged:
		return 0
	case StatusRuleError:
		return 1
	case StatusInsufficient:
		return 2
	case StatusClear:
		return 3
	}
	return 4
}

func clampRow(n int) int32 {
	return int32(min(max(n, math.MinInt32), math.MaxInt32))
}

// contractRank packs a contract's risk, status and number of findings.
func contractRank(c *Contract) uint64 {
	risk := uint64(severityRank(deref(c.Risk)))
	findings := uint64(min(max(c.Findings, 0), math.MaxUint32))
	return (7-risk)<<56 | statusRank(c.Status)<<52 | (math.MaxUint32 - findings)
}

// ranker knows the supplier ranking that orders findings.
type ranker struct {
	supplier map[string]uint32
}

func newRanker(r *Report) *ranker {
	k := &ranker{supplier: make(map[string]uint32, len(r.Suppliers))}
	for i, j := range supplierOrder(r) {
		if _, ok := k.supplier[r.Suppliers[j].Name]; !ok {
			k.supplier[r.Suppliers[j].Name] = uint32(i)
		}
	}
	return k
}

// supplierNotGiven is the name the supplier summary of contracts without a
// supplier or employer goes by.
const supplierNotGiven = "(not given)"

func (k *ranker) supplierRank(name string) uint64 {
	if name == "" {
		name = supplierNotGiven
	}
	if i, ok := k.supplier[name]; ok {
		return uint64(i)
	}
	return math.MaxUint32
}

// findingRank packs a finding's severity, waiver, indicator and supplier.
func (k *ranker) findingRank(f *Finding) uint64 {
	return findingRankBits(f) | k.supplierRank(f.Supplier)
}

// findingRankBits is findingRank without the supplier's rank, its low 32
// bits (see supplierBits).
func findingRankBits(f *Finding) uint64 {
	sev := uint64(severityRank(f.Severity))
	var waived, other uint64
	if f.Waived {
		waived = 1
	}
	if !coercionIndicators[f.Indicator] {
		other = 1
	}
	return (7-sev)<<56 | waived<<55 | other<<54
}

// supplierBits are the bits of a finding's rank that hold its supplier's
// rank.
const supplierBits = math.MaxUint32

// memOrder returns the order of n rows held in memory, given each one's
// rank and location.
func memOrder(n int, at func(i int) (rank uint64, file, sheet string, row int)) []int32 {
	if n == 0 {
		return nil
	}
	ids := map[string]uint32{}
	var tab []string
	id := func(s string) uint32 {
		v, ok := ids[s]
		if !ok {
			v = uint32(len(tab))
			ids[s] = v
			tab = append(tab, s)
		}
		return v
	}
	keys := make([]rowKey, n)
	for i := range keys {
		rank, file, sheet, row := at(i)
		keys[i] = rowKey{rank: rank, file: id(file), sheet: id(sheet), row: clampRow(row), seq: int32(i)}
	}
	slices.SortFunc(keys, compareKeys(tab))
	out := make([]int32, n)
	for i, k := range keys {
		out[i] = k.seq
	}
	return out
}

// contractOrder is the report order of r.Contracts.
func contractOrder(r *Report) []int32 {
	return memOrder(len(r.Contracts), func(i int) (uint64, string, string, int) {
		c := &r.Contracts[i]
		return contractRank(c), c.File, c.Sheet, c.Row
	})
}

// findingOrder is the report order of r.Findings.
func findingOrder(r *Report) []int32 {
	k := newRanker(r)
	return memOrder(len(r.Findings), func(i int) (uint64, string, string, int) {
		f := &r.Findings[i]
		return k.findingRank(f), f.File, f.Sheet, f.Row
	})
}
