package report

import (
	"fmt"
	"io"
	"slices"
	"testing"
	"time"

	"github.com/laborcheck/laborcheck/internal/contract"
)

// bigReport builds a synthetic report of n contracts from 50 suppliers: every
// other contract flagged (one finding, three for every tenth), every fifth
// one short of data, and a data issue for every twentieth.
func bigReport(n int) *Report {
	r := &Report{
		Summary: Summary{BySeverity: map[string]int{}, ByIndicator: map[string]int{}, FailOn: "high"},
		Run:     Run{Version: "bench", StartedAt: time.Date(2024, 5, 2, 8, 0, 0, 0, time.UTC), Options: Options{FailOn: "high"}},
	}
	const file = "rosters/big-supplier-roster.xlsx"
	r.Inputs = []Input{{Path: file, SHA256: "00", Format: "xlsx", Sheets: []Sheet{{Name: "Contracts", HeaderRow: 1, Rows: n}}}}
	bySupplier := map[string]*Supplier{}
	rules := []struct{ id, ind, sev string }{
		{"passport-held", "retention_of_identity_documents", "critical"},
		{"fee-paid", "debt_bondage", "high"},
		{"hours-60", "excessive_overtime", "high"},
	}
	for i := range n {
		row := i + 2
		sup := fmt.Sprintf("Supplier %02d Manufacturing Co.", i%50)
		c := Contract{File: file, Sheet: "Contracts", Row: row, ContractID: fmt.Sprintf("C-%07d", i),
			WorkerID: fmt.Sprintf("E-%07d", i), WorkerName: fmt.Sprintf("Worker %d", i), Supplier: sup, Status: StatusClear}
		switch {
		case i%2 == 0:
			c.Status = StatusFlagged
			k := 1
			if i%10 == 0 {
				k = 3
			}
			for _, ru := range rules[:k] {
				r.Findings = append(r.Findings, Finding{
					RuleID: ru.id, Title: ru.id, Indicator: ru.ind, Severity: ru.sev,
					Message: "The worker paid a recruitment fee of USD 1,200 to the agency before departure.",
					File:    file, Sheet: "Contracts", Row: row, ContractID: c.ContractID, WorkerID: c.WorkerID,
					WorkerName: c.WorkerName, Supplier: sup,
					Evidence: map[string]Evidence{
						"recruitment_fee_paid_by_worker": {Value: 1200.0, Raw: "$1,200"},
						"passport_held_by":               {Value: "employer", Raw: "HR"},
					},
					References: []string{"ILO indicator 7", "RBA Code A1"},
				})
				r.Summary.BySeverity[ru.sev]++
				r.Summary.ByIndicator[ru.ind]++
				c.Findings++
			}
			c.Risk = &rules[0].sev
		case i%5 == 1:
			c.Status = StatusInsufficient
			c.Missing = []string{"passport_held_by"}
		}
		if i%20 == 3 {
			r.DataIssues = append(r.DataIssues, contract.DataIssue{File: file, Sheet: "Contracts", Row: row,
				Column: "E", Field: "recruitment_fee_paid_by_worker", Value: "twelve hundred", Problem: "not an amount of money"})
		}
		r.Contracts = append(r.Contracts, c)
		s := bySupplier[sup]
		if s == nil {
			s = &Supplier{Name: sup, ByIndicator: map[string]int{}}
			bySupplier[sup] = s
		}
		s.Contracts++
		s.Findings += c.Findings
		switch c.Status {
		case StatusFlagged:
			s.ContractsFlagged++
			r.Summary.ContractsFlagged++
		case StatusClear:
			s.ContractsClear++
			r.Summary.ContractsClear++
		default:
			s.ContractsInsufficient++
			r.Summary.ContractsInsufficient++
		}
	}
	for i := range 50 {
		r.Suppliers = append(r.Suppliers, *bySupplier[fmt.Sprintf("Supplier %02d Manufacturing Co.", i)])
	}
	r.Summary.Contracts = n
	r.Summary.Findings = len(r.Findings)
	r.Summary.DataIssues = len(r.DataIssues)
	r.Summary.Inputs = 1
	return r
}

const benchContracts = 200_000

// reportCPU reports the CPU time per operation the process has used since
// cpu (a cpuTime), all goroutines and the garbage collector included: on a
// busy machine it varies much less than the time per operation.
func reportCPU(b *testing.B, cpu int64) {
	if cpu != 0 {
		b.ReportMetric(float64(cpuTime()-cpu)/float64(b.N), "cpu-ns/op")
	}
}

func BenchmarkWriteXLSX(b *testing.B) {
	r := bigReport(benchContracts)
	b.ReportAllocs()
	b.ResetTimer()
	cpu := cpuTime()
	for b.Loop() {
		if err := WriteXLSX(io.Discard, r); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu)
}

// withRemedies adds what a review with real rules carries to r: its rules,
// and with each finding a remedy and longer references for its rule, and
// a waiver on every ninth one.
func withRemedies(r *Report) *Report {
	remedies := map[string]string{
		"passport-held": "Return every identity document to the worker the same day, record the return in the register " +
			"and confirm in writing that documents will not be held again.",
		"fee-paid": "Reimburse the full recruitment fee to the worker within 90 days, with any interest charged, " +
			"and require the agency to charge no fee to workers in future.",
		"hours-60": "Bring weekly hours to 60 or less, overtime included, and check the time records of the last three months.",
	}
	refs := map[string][]string{
		"passport-held": {"ILO indicator 8: retention of identity documents", "RBA Code of Conduct A1", "ETI Base Code 1.1"},
		"fee-paid":      {"ILO indicator 7: debt bondage", "ILO C181 Article 7", "Dhaka Principles 2"},
		"hours-60":      {"ILO indicator 11: excessive overtime", "RBA Code of Conduct A3"},
	}
	r.Rules = nil
	for _, f := range r.Findings[:10] {
		if !slices.ContainsFunc(r.Rules, func(ru Rule) bool { return ru.ID == f.RuleID }) {
			r.Rules = append(r.Rules, Rule{ID: f.RuleID, Title: f.Title, Indicator: f.Indicator, Severity: f.Severity,
				References: refs[f.RuleID], Remedy: remedies[f.RuleID], Source: "rules/" + f.RuleID + ".yaml:1"})
		}
	}
	for i := range r.Findings {
		f := &r.Findings[i]
		f.Remedy, f.References = remedies[f.RuleID], refs[f.RuleID]
		if i%9 == 0 {
			f.Waived, f.WaiverReason, f.WaiverApprovedBy = true, "Agreed corrective plan in progress with the supplier", "compliance@example.com"
			f.WaiverExpires, f.WaiverSource = "2024-12-31", "waivers.yaml:12"
		}
	}
	return r
}

func BenchmarkWriteXLSXRemedies(b *testing.B) {
	r := withRemedies(bigReport(benchContracts))
	b.ReportAllocs()
	b.ResetTimer()
	cpu := cpuTime()
	for b.Loop() {
		if err := WriteXLSX(io.Discard, r); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu)
}

// spillReport returns r with its contracts and findings kept in Rows, as
// laborcheck scan writes its reports.
func spillReport(b *testing.B, r *Report) *Report {
	rows, err := NewRows(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { rows.Close() })
	for i := range r.Contracts {
		if err := rows.AddContract(&r.Contracts[i]); err != nil {
			b.Fatal(err)
		}
	}
	for i := range r.Findings {
		if err := rows.AddFinding(&r.Findings[i]); err != nil {
			b.Fatal(err)
		}
	}
	n := *r
	if err := n.UseRows(rows); err != nil {
		b.Fatal(err)
	}
	// Order the rows before the timer starts, as the first writer would.
	if err := n.eachContract(func(*Contract) error { return nil }, true); err != nil {
		b.Fatal(err)
	}
	return &n
}

func BenchmarkWriteXLSXSpilled(b *testing.B) {
	r := spillReport(b, withRemedies(bigReport(benchContracts)))
	b.ReportAllocs()
	b.ResetTimer()
	cpu := cpuTime()
	for b.Loop() {
		if err := WriteXLSX(io.Discard, r); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu)
}

func BenchmarkWriteJSONSpilled(b *testing.B) {
	r := spillReport(b, withRemedies(bigReport(benchContracts)))
	b.ReportAllocs()
	b.ResetTimer()
	cpu := cpuTime()
	for b.Loop() {
		if err := WriteJSON(io.Discard, r); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu)
}

func BenchmarkWriteJSON(b *testing.B) {
	r := bigReport(benchContracts)
	b.ReportAllocs()
	b.ResetTimer()
	cpu := cpuTime()
	for b.Loop() {
		if err := WriteJSON(io.Discard, r); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu)
}

func BenchmarkWriteCSV(b *testing.B) {
	r := bigReport(benchContracts)
	b.ReportAllocs()
	b.ResetTimer()
	cpu := cpuTime()
	for b.Loop() {
		if err := WriteCSV(io.Discard, r); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu)
}

func BenchmarkWriteHTML(b *testing.B) {
	r := bigReport(benchContracts)
	b.ReportAllocs()
	b.ResetTimer()
	cpu := cpuTime()
	for b.Loop() {
		if err := WriteHTML(io.Discard, r); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu)
}

// BenchmarkRowsOrder orders a spilled review of a million contracts and
// 100,000 findings; B/op is what ordering allocates (a key per row).
func BenchmarkRowsOrder(b *testing.B) {
	const n, nf = 1_000_000, 100_000
	sevs := []string{"critical", "high", "medium", "low"}
	for b.Loop() {
		b.StopTimer()
		rows, err := NewRows(b.TempDir())
		if err != nil {
			b.Fatal(err)
		}
		r := &Report{}
		for i := range 50 {
			r.Suppliers = append(r.Suppliers, Supplier{Name: fmt.Sprintf("Supplier %02d", i), RiskScore: float64(i % 7)})
		}
		for i := range n {
			c := Contract{File: "roster.xlsx", Sheet: "Contracts", Row: i + 2, ContractID: fmt.Sprintf("C-%07d", i),
				Supplier: fmt.Sprintf("Supplier %02d", i%50), Status: StatusClear}
			if i%10 == 0 {
				c.Status, c.Risk, c.Findings = StatusFlagged, &sevs[i%4], 1
			}
			if err := rows.AddContract(&c); err != nil {
				b.Fatal(err)
			}
		}
		for i := range nf {
			f := Finding{RuleID: "fee-paid", Severity: sevs[i%4], Indicator: "debt_bondage", Message: "The worker paid a recruitment fee.",
				File: "roster.xlsx", Sheet: "Contracts", Row: i*10 + 2, Supplier: fmt.Sprintf("Supplier %02d", i%50),
				Evidence: map[string]Evidence{"recruitment_fee_paid_by_worker": {Value: 1200.0, Raw: "$1,200"}}}
			if err := rows.AddFinding(&f); err != nil {
				b.Fatal(err)
			}
		}
		if err := r.UseRows(rows); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if err := rows.order(newRanker(r)); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		rows.Close()
		b.StartTimer()
	}
}
