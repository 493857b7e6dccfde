package rules_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/laborcheck/laborcheck/internal/contract"
	"github.com/laborcheck/laborcheck/internal/crossrow"
	"github.com/laborcheck/laborcheck/internal/engine"
	"github.com/laborcheck/laborcheck/internal/report"
	"github.com/laborcheck/laborcheck/internal/scan"
	"github.com/laborcheck/laborcheck/internal/source"
	defaultrules "github.com/laborcheck/laborcheck/rules"
)

// notEncodable are the indicators no column of a contract roster shows:
// they need interview, grievance or free-text data.
var notEncodable = []string{"isolation", "physical_and_sexual_violence", "intimidation_and_threats"}

// scanSamples reviews samples/ as `laborcheck scan -as-of 2025-06-30
// -min-wage docs/examples/minimum-wages-example.csv -entity-list
// docs/examples/entity-list-example.csv samples/` does.
func scanSamples(t *testing.T) *report.Report {
	t.Helper()
	prog, schema := compilePack(t)
	dir := filepath.Join("..", "samples")
	files, err := source.Expand([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	mwData, err := os.ReadFile(filepath.Join("..", "docs", "examples", "minimum-wages-example.csv"))
	if err != nil {
		t.Fatal(err)
	}
	minWages, err := contract.ReadMinimumWages(bytesReader(mwData))
	if err != nil {
		t.Fatal(err)
	}
	elData, err := os.ReadFile(filepath.Join("..", "docs", "examples", "entity-list-example.csv"))
	if err != nil {
		t.Fatal(err)
	}
	entities, err := crossrow.ReadEntityList("entity-list-example.csv", elData)
	if err != nil {
		t.Fatal(err)
	}
	combos, err := engine.ParseCombinations(defaultrules.CombinationsPath, defaultrules.Combinations)
	if err != nil {
		t.Fatal(err)
	}
	asOf := time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)
	rep, err := scan.Run(context.Background(), files, scan.Options{
		Schema: schema, Program: prog, FailOn: contract.High, Version: "test",
		Engine:   engine.Options{Workers: 2, ReviewDate: asOf, Combinations: combos, MinimumWages: minWages},
		CrossRow: crossrow.Options{EntityList: entities},
		Now:      func() time.Time { return asOf },
	})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// TestSamplesShowEveryIndicator keeps samples/ a demonstration of the whole
// pack: every indicator a roster can show, every rule, every combination and
// every cross-row check fires at least once, and the rosters also hold clear
// and insufficient-data contracts.
func TestSamplesShowEveryIndicator(t *testing.T) {
	rep := scanSamples(t)
	s := rep.Summary
	if s.InputsUnreadable > 0 || s.SheetsUnreadable > 0 {
		t.Fatalf("unreadable inputs: %+v", rep.Inputs)
	}
	for _, ind := range contract.Indicators {
		if slices.Contains(notEncodable, ind) {
			continue
		}
		if s.ByIndicator[ind] == 0 {
			t.Errorf("no finding for indicator %s in samples/", ind)
		}
	}
	fired := map[string]int{}
	for _, f := range rep.Findings {
		fired[f.RuleID]++
	}
	for _, r := range rep.Rules {
		if fired[r.ID] == 0 {
			t.Errorf("rule %s never fires on samples/", r.ID)
		}
	}
	if s.ContractsClear == 0 || s.ContractsInsufficient == 0 || s.ContractsFlagged == 0 {
		t.Errorf("want clear, insufficient and flagged contracts: %+v", s)
	}
	if s.ContractsFlagged+s.ContractsClear+s.ContractsInsufficient != s.Contracts {
		t.Errorf("contract counts do not add up: %+v", s)
	}
	for _, c := range rep.Contracts {
		// LK-2003 passes its own rules but shares a passport number with SA-007.
		if c.ContractID == "LK-2003" && (c.Status != report.StatusFlagged || c.Risk == nil || *c.Risk != "high") {
			t.Errorf("LK-2003: %s, want flagged high through shared-passport", c.Status)
		}
	}
	if s.Contracts != 25+16+8 {
		t.Errorf("%d contracts, want 49", s.Contracts)
	}
	// One cell is unreadable on purpose, to show how data issues are
	// reported: the contract's wage is then unknown, not zero.
	for _, d := range rep.DataIssues {
		if filepath.Base(d.File) != "garment-factory.xlsx" || d.Row != 14 || d.Field != "base_wage_monthly" {
			t.Errorf("unexpected data issue: %s", d.Error())
		}
	}
	if len(rep.DataIssues) != 1 {
		t.Errorf("%d data issues, want the 1 planted in garment-factory.xlsx", len(rep.DataIssues))
	}
	for _, in := range rep.Inputs {
		for _, sh := range in.Sheets {
			for _, n := range sh.Notes {
				t.Logf("%s %s: %s", in.Path, sh.Name, n)
			}
			for _, u := range sh.Unmapped {
				t.Logf("%s %s: unmapped %s %q", in.Path, sh.Name, u.Column, u.Header)
			}
		}
	}
	if testing.Verbose() {
		for _, c := range rep.Contracts {
			risk := ""
			if c.Risk != nil {
				risk = *c.Risk
			}
			t.Logf("%s:%d %s %s %s findings=%d missing=%v", filepath.Base(c.File), c.Row, c.ContractID, c.Status, risk, c.Findings, c.Missing)
		}
		for _, f := range rep.Findings {
			t.Logf("%s:%d %s [%s %s] %s", filepath.Base(f.File), f.Row, f.RuleID, f.Severity, f.Indicator, f.Message)
		}
		for _, sup := range rep.Suppliers {
			t.Logf("supplier %+v", sup)
		}
	}
}

// TestSamplesSuppliers checks the supplier-level figures on samples/.
func TestSamplesSuppliers(t *testing.T) {
	rep := scanSamples(t)
	bySupplier := map[string]report.Supplier{}
	for _, s := range rep.Suppliers {
		bySupplier[s.Name] = s
	}
	sunrise := bySupplier["Sunrise Apparel Sdn. Bhd."]
	if sunrise.FeePaidShare == nil || *sunrise.FeePaidShare < 0.5 || sunrise.CrossRowFindings == 0 || sunrise.Risk == nil || *sunrise.Risk != "critical" {
		t.Errorf("Sunrise Apparel: %+v", sunrise)
	}
	if w := bySupplier["Western Cotton Spinning Co., Ltd."]; w.EntityListMatch == "" {
		t.Errorf("Western Cotton Spinning should match the example entity list: %+v", w)
	}
	if l := bySupplier["Lotus Knitwear Ltd."]; l.FeePaidShare == nil || *l.FeePaidShare != 0 {
		t.Errorf("Lotus Knitwear: %+v", l)
	}
	// samples/ holds rosters only: every file holds contracts, and the
	// reference tables, kept in ../tables, are not among the inputs.
	if n := rep.Summary.InputsIncomplete; n != 0 {
		for _, in := range rep.Inputs {
			if len(in.Incomplete) > 0 {
				t.Errorf("%s: review incomplete: %v", in.Path, in.Incomplete)
			}
		}
	}
}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }
