package scan

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/laborcheck/laborcheck/internal/report"
)

// plantedHeaders are written as a supplier's clerk writes them: units and
// periods in the header, category prefixes, questions of both polarities,
// abbreviations, a look-alike column, and dates whose order only another
// column settles.
var plantedHeaders = []string{
	"Emp. No.", "Worker's full name", "Supplier", "Nationality", "Country of work",
	"DOB (dd/mm/yyyy)", "Date of arrival", "Contract signed on",
	"Fees - Recruitment (MYR)", "Fees - Visa (MYR)", "Basic pay (MYR per month)",
	"Does company keep passport?", "OT hrs/month", "Normal hrs/wk", "Rest days per month",
	"Is overtime compulsory?", "Lives in company hostel?", "Allowed out of hostel after shift?",
	"Penalty for leaving early (MYR)", "Passport expiry", "Remarks",
}

// plantedCase is one contract of the planted roster: how it differs from a
// clean contract, and what a reviewer says of it.
type plantedCase struct {
	name   string
	change map[string]string // header → cell, over the clean row
	status string
	rules  []string // every rule that must fire on the contract
}

func plantedCases() []plantedCase {
	clean := func(name string) plantedCase {
		return plantedCase{name: name, status: report.StatusClear}
	}
	flag := func(name string, change map[string]string, rules ...string) plantedCase {
		return plantedCase{name: name, change: change, status: report.StatusFlagged, rules: rules}
	}
	return []plantedCase{
		clean("clean"),
		clean("clean, overtime per month under the weekly limit once converted"),
		{name: "local worker signed after arrival: not a migrant", status: report.StatusClear,
			change: map[string]string{"Nationality": "Malaysian", "Contract signed on": "30/03/2024"}},
		clean("clean, a second worker of the block"),
		flag("recruitment fee", map[string]string{"Fees - Recruitment (MYR)": "1,500"}, "fee-paid"),
		flag("visa cost", map[string]string{"Fees - Visa (MYR)": "300"}, "related-costs"),
		flag("fee over a month's wage", map[string]string{"Fees - Recruitment (MYR)": "2000"}, "fee-paid", "fee-vs-wage"),
		flag("company keeps the passport", map[string]string{"Does company keep passport?": "Yes"}, "passport-held"),
		flag("overtime per month over the weekly limit", map[string]string{"OT hrs/month": "80"}, "hours-60"),
		flag("normal hours over 48", map[string]string{"Normal hrs/wk": "54"}, "regular-48"),
		flag("two rest days a month", map[string]string{"Rest days per month": "2"}, "rest-day"),
		flag("compulsory overtime", map[string]string{"Is overtime compulsory?": "Yes"}, "overtime-compulsory"),
		flag("not allowed out of the hostel", map[string]string{"Allowed out of hostel after shift?": "No"}, "housing-movement"),
		flag("penalty for leaving", map[string]string{"Penalty for leaving early (MYR)": "500"}, "exit-penalty"),
		flag("signed after arrival", map[string]string{"Contract signed on": "30/03/2024"}, "signed-after-arrival"),
		flag("a child", map[string]string{"DOB (dd/mm/yyyy)": "03/04/2012"}, "under-minimum-age", "young-night-overtime"),
		flag("debt and the passport", map[string]string{"Fees - Recruitment (MYR)": "800", "Does company keep passport?": "Y"},
			"fee-paid", "passport-held", "combined-bondage"),
		{name: "passport answer not recorded", status: report.StatusInsufficient,
			change: map[string]string{"Does company keep passport?": "N/A"}},
		clean("clean, third block"),
		clean("clean, answers in capitals"),
		flag("fee in words of wages", map[string]string{"Penalty for leaving early (MYR)": "One month's salary"}, "exit-penalty"),
		flag("hours over 72 once converted", map[string]string{"OT hrs/month": "120", "Normal hrs/wk": "48"}, "hours-60"),
		clean("clean, no overtime"),
		flag("both hostel questions against", map[string]string{"Allowed out of hostel after shift?": "No", "Is overtime compulsory?": "Yes"},
			"housing-movement", "overtime-compulsory"),
		clean("clean, zero written as nil"),
		flag("signed long after arrival", map[string]string{"Contract signed on": "15/06/2024"}, "signed-after-arrival"),
		clean("clean, fourth"),
		flag("passport answer in words", map[string]string{"Does company keep passport?": "Yes (HR safe)"}, "passport-held"),
		clean("clean, fifth"),
		flag("one rest day a month", map[string]string{"Rest days per month": "1"}, "rest-day"),
		clean("clean, sixth"),
		flag("visa and recruitment", map[string]string{"Fees - Visa (MYR)": "400", "Fees - Recruitment (MYR)": "1400"},
			"fee-paid", "related-costs", "fee-vs-wage"),
		clean("clean, seventh"),
		flag("a 16-year-old on overtime", map[string]string{"DOB (dd/mm/yyyy)": "05/06/2008"}, "young-night-overtime"),
		clean("clean, eighth"),
		clean("clean, last"),
	}
}

// plantedRow returns the cells of case i.
func plantedRow(i int, c plantedCase) []string {
	base := map[string]string{
		"Emp. No.": fmt.Sprintf("E%02d", i+1), "Worker's full name": fmt.Sprintf("Worker %02d", i+1),
		"Nationality": "Nepali", "Country of work": "Malaysia",
		"DOB (dd/mm/yyyy)": "03/04/1990", "Date of arrival": "25/03/2024", "Contract signed on": "01/03/2024",
		"Fees - Recruitment (MYR)": "0", "Fees - Visa (MYR)": "0", "Basic pay (MYR per month)": "1,700",
		"Does company keep passport?": "No", "OT hrs/month": "20", "Normal hrs/wk": "48", "Rest days per month": "4",
		"Is overtime compulsory?": "No", "Lives in company hostel?": "Yes", "Allowed out of hostel after shift?": "Yes",
		"Penalty for leaving early (MYR)": "0", "Passport expiry": "2031-01-15", "Remarks": "",
	}
	// The supplier is written once above each block of twelve rows.
	if i%12 == 0 {
		base["Supplier"] = []string{"Sunrise Apparel", "Golden Thread", "Lotus Knit"}[i/12]
	}
	switch c.name {
	case "clean, answers in capitals":
		base["Does company keep passport?"], base["Is overtime compulsory?"] = "NO", "NO"
	case "clean, no overtime":
		base["OT hrs/month"] = "0"
	case "clean, zero written as nil":
		base["Fees - Recruitment (MYR)"], base["Penalty for leaving early (MYR)"] = "Nil", "nil"
	case "clean, overtime per month under the weekly limit once converted":
		base["OT hrs/month"] = "40" // 9.2 a week: 57 hours with the normal 48
	}
	for h, v := range c.change {
		base[h] = v
	}
	row := make([]string, len(plantedHeaders))
	for j, h := range plantedHeaders {
		row[j] = base[h]
	}
	return row
}

func writePlanted(t *testing.T, dir string) (csvPath, xlsxPath string) {
	t.Helper()
	cases := plantedCases()
	require.Len(t, cases, 36)
	var b strings.Builder
	b.WriteString(csvLine(plantedHeaders))
	f := excelize.NewFile()
	defer f.Close()
	sheet := "Workers"
	require.NoError(t, f.SetSheetName("Sheet1", sheet))
	require.NoError(t, f.SetSheetRow(sheet, "A1", &[]any{"Roster of migrant workers, March 2024"}))
	require.NoError(t, f.SetSheetRow(sheet, "A3", toAny(plantedHeaders)))
	for i, c := range cases {
		row := plantedRow(i, c)
		b.WriteString(csvLine(row))
		cell, _ := excelize.CoordinatesToCellName(1, i+4)
		require.NoError(t, f.SetSheetRow(sheet, cell, toAny(row)))
	}
	csvPath, xlsxPath = filepath.Join(dir, "planted.csv"), filepath.Join(dir, "planted.xlsx")
	require.NoError(t, os.WriteFile(csvPath, []byte(b.String()), 0o644))
	require.NoError(t, f.SaveAs(xlsxPath))
	return csvPath, xlsxPath
}

func toAny(cells []string) *[]any {
	out := make([]any, len(cells))
	for i, c := range cells {
		out[i] = c
	}
	return &out
}

func csvLine(cells []string) string {
	q := make([]string, len(cells))
	for i, c := range cells {
		if strings.ContainsAny(c, ",\"\n") {
			c = `"` + strings.ReplaceAll(c, `"`, `""`) + `"`
		}
		q[i] = c
	}
	return strings.Join(q, ",") + "\n"
}

// TestPlantedRoster reviews a 36-contract roster written in a clerk's own
// headers and wordings, as a workbook and as CSV, and checks each contract
// against what a reviewer says of it.
func TestPlantedRoster(t *testing.T) {
	csvPath, xlsxPath := writePlanted(t, t.TempDir())
	cases := plantedCases()
	for _, path := range []string{csvPath, xlsxPath} {
		t.Run(filepath.Ext(path), func(t *testing.T) {
			rep, err := Run(context.Background(), []string{path}, options(t, 2))
			require.NoError(t, err)
			require.Len(t, rep.Contracts, len(cases))
			fired := map[int][]string{}
			for _, f := range rep.Findings {
				if f.Scope == report.ScopeSupplier {
					continue
				}
				fired[f.Row] = append(fired[f.Row], f.RuleID)
			}
			right := 0
			for i, c := range cases {
				ct := rep.Contracts[i]
				got := fired[ct.Row]
				ok := ct.Status == c.status
				for _, r := range c.rules {
					ok = ok && slices.Contains(got, r)
				}
				if c.status == report.StatusClear {
					ok = ok && len(got) == 0
				}
				if !ok {
					t.Errorf("row %d %q: status %s, rules %v, missing %v; want %s with %v", ct.Row, c.name, ct.Status, got, ct.Missing, c.status, c.rules)
					continue
				}
				right++
			}
			t.Logf("%s: %d of %d contracts judged right", filepath.Base(path), right, len(cases))
			require.Len(t, rep.Inputs, 1)
			require.Len(t, rep.Inputs[0].Sheets, 1)
			sh := rep.Inputs[0].Sheets[0]
			var unmapped []string
			for _, u := range sh.Unmapped {
				unmapped = append(unmapped, u.Header)
			}
			require.Equal(t, []string{"Passport expiry", "Remarks"}, unmapped, "look-alike columns take no field")
		})
	}
}
