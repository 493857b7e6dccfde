package scan

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/laborcheck/laborcheck/internal/report"
)

// reviewerCall is a small roster and what a trained reviewer says of it:
// the rules that must fire (with their severity, when it matters), the
// rules that must not, and words the evidence must show.
type reviewerCall struct {
	name  string
	csv   string
	fires map[string]string // rule id → severity ("" for any)
	quiet []string          // rule ids that must not fire
	shows string            // text some finding's evidence or message holds
}

// reviewerCalls are the kinds of call a labour-rights reviewer makes where
// a literal reading of a roster goes wrong: exchange rates, national
// minimum ages, present age, coercion before escalation, departure timing,
// nationality names, part-time pay, statutory deductions, consented
// safekeeping, curfews, place names shared across countries, small
// samples and job changes. The review date is 2025-06-30.
var reviewerCalls = []reviewerCall{
	{name: "fee in rupees against a wage in ringgit is converted",
		csv: "Worker ID,Recruitment Fee,Visa Fee,Air Ticket,Medical,Other Fees,Basic Salary\n" +
			"W1,\"NPR 150,000\",0,0,0,0,\"MYR 1,500\"\n",
		fires: map[string]string{"fee-paid": "high", "fee-vs-wage": "critical"},
		shows: "NPR 150,000 ≈ MYR 5,304 at 0.03536 (rates of 2024-06-30)"},
	{name: "a small fee in rupees stays under a month's wage",
		csv: "Worker ID,Recruitment Fee,Visa Fee,Air Ticket,Medical,Other Fees,Basic Salary\n" +
			"W1,\"NPR 20,000\",0,0,0,0,\"MYR 1,500\"\n",
		fires: map[string]string{"fee-paid": "high"}, quiet: []string{"fee-vs-wage"}},
	{name: "a 15-year-old in China is under the national minimum of 16",
		csv:   "Worker ID,Age,Country\nW1,15,China\n",
		fires: map[string]string{"under-minimum-age": "critical"}, shows: "minimum ages of China"},
	{name: "a 15-year-old in Malaysia is of working age",
		csv:   "Worker ID,Age,Country,Hazardous Work,Night Shift,OT Hours\nW1,15,Malaysia,No,No,0\n",
		quiet: []string{"under-minimum-age", "young-hazardous"}},
	{name: "a 14-year-old in Bangladesh is at the national minimum",
		csv:   "Worker ID,Age,Country\nW1,14,Bangladesh\n",
		quiet: []string{"under-minimum-age"}},
	{name: "a 26-year-old hired at 17 is no child today; the hire is its own finding",
		csv: "Worker ID,Date of Birth,Start Date,Country,Hazardous Work,Night Shift,OT Hours\n" +
			"W1,1998-10-01,2016-03-01,Malaysia,Yes,Yes,10\n",
		fires: map[string]string{"hired-under-minimum-age": "high"},
		quiet: []string{"under-minimum-age", "young-hazardous", "young-night-overtime"}},
	{name: "two high findings without coercion stay high",
		csv: "Worker ID,Contract Language,Native Language,Total Hours per Week\n" +
			"W1,English,Nepali,66\n",
		fires: map[string]string{"contract-language": "high", "hours-60": "high"},
		quiet: []string{"combined-indicators"}},
	{name: "a high finding beside a sign of coercion escalates",
		csv: "Worker ID,Contract Language,Native Language,Recruitment Fee\n" +
			"W1,English,Nepali,USD 900\n",
		fires: map[string]string{"combined-indicators": "critical"}},
	{name: "contract signed after departure, before arrival",
		csv: "Worker ID,Nationality,Country,Departure Date,Arrival Date,Contract Signed Date\n" +
			"W1,Nepali,Malaysia,2024-03-01,2024-03-02,2024-03-02\n",
		fires: map[string]string{"signed-after-departure": "high"}, quiet: []string{"signed-after-arrival"}},
	{name: "contract signed on the day of departure",
		csv: "Worker ID,Nationality,Country,Departure Date,Contract Signed Date\n" +
			"W1,Nepali,Malaysia,2024-03-01,2024-03-01\n",
		fires: map[string]string{"signed-after-departure": "medium"}},
	{name: "contract signed a week before departure",
		csv: "Worker ID,Nationality,Country,Departure Date,Contract Signed Date\n" +
			"W1,Nepali,Malaysia,2024-03-08,2024-03-01\n",
		quiet: []string{"signed-after-departure"}},
	{name: "a French national in France is no migrant",
		csv: "Worker ID,Nationality,Country,Arrival Date,Contract Signed Date,Work Permit Held By\n" +
			"W1,French,France,2024-03-01,2024-03-08,N/A\n",
		quiet: []string{"signed-after-arrival", "work-permit-held"}},
	{name: "a part-time worker paid the pro-rated minimum",
		csv:   "Worker ID,Basic Salary,Minimum Wage,Normal Hours,Currency\nW1,750,1500,20,MYR\n",
		quiet: []string{"below-minimum-wage"}},
	{name: "a part-time worker paid below the pro-rated minimum",
		csv:   "Worker ID,Basic Salary,Minimum Wage,Normal Hours,Currency\nW1,600,1500,20,MYR\n",
		fires: map[string]string{"below-minimum-wage": "high"}, shows: "pro-rated for part-time work"},
	{name: "income tax and social security are not deductions that take the wage",
		csv:   "Worker ID,Basic Salary,Total Deductions,Income Tax,Social Security\nW1,1500,500,250,150\n",
		quiet: []string{"deductions-share"}},
	{name: "deductions beyond tax still count",
		csv:   "Worker ID,Basic Salary,Total Deductions,Income Tax\nW1,1500,650,150\n",
		fires: map[string]string{"deductions-share": "high"}, shows: "statutory, not counted"},
	{name: "a passport in the safe with signed consent, returned on request",
		csv:   "Worker ID,Passport Held By,Safekeeping Consent,Passport Access on Request\nW1,Company safe,Yes,Yes\n",
		fires: map[string]string{"passport-safekeeping": "medium"}, quiet: []string{"passport-held"}},
	{name: "a passport in the safe without consent",
		csv:   "Worker ID,Passport Held By,Safekeeping Consent,Passport Access on Request\nW1,Company safe,No,Yes\n",
		fires: map[string]string{"passport-held": "critical"}, quiet: []string{"passport-safekeeping"}},
	{name: "a dormitory curfew alone is medium",
		csv:   "Worker ID,Dormitory,Free to Leave,Curfew\nW1,Yes,Yes,22:00\n",
		fires: map[string]string{"housing-curfew": "medium"}, quiet: []string{"housing-movement"}},
	{name: "not free to leave the dormitory stays high",
		csv:   "Worker ID,Dormitory,Free to Leave,Curfew\nW1,Yes,No,22:00\n",
		fires: map[string]string{"housing-movement": "high"}, quiet: []string{"housing-curfew"}},
	{name: "Aksu, Antalya is in Turkey",
		csv:   "Worker ID,Region,Production Region\nW1,\"Aksu, Antalya\",\"Aksu, Antalya\"\n",
		quiet: []string{"xinjiang"}},
	{name: "Aksu in China is in Xinjiang",
		csv:   "Worker ID,Production Region,Country of Origin\nW1,Aksu,China\n",
		fires: map[string]string{"xinjiang": "critical"}},
	{name: "one of two workers paid a fee: a small sample is high at most",
		csv: "Worker ID,Supplier,Recruitment Fee\n" +
			"W1,Acme,USD 500\nW2,Acme,0\n",
		fires: map[string]string{"fee-share": "high"}},
	{name: "three of five workers paid fees: systemic",
		csv: "Worker ID,Supplier,Recruitment Fee\n" +
			"W1,Acme,USD 500\nW2,Acme,USD 400\nW3,Acme,USD 450\nW4,Acme,0\nW5,Acme,0\n",
		fires: map[string]string{"fee-share": "critical"}},
	{name: "one passport on a worker's two successive jobs is a change of job",
		csv: "Worker ID,Worker Name,Employer,Passport No,Start Date,End Date,Bank Account\n" +
			"A-1,Ram Thapa,Acme,PA1234567,2022-01-01,2023-12-31,5140 2233 9012\n" +
			"B-7,Ram Thapa,Beta,PA1234567,2024-01-15,,5140 2233 9012\n",
		quiet: []string{"shared-passport", "shared-bank-account"}},
	{name: "one passport on two workers' contracts is still shared",
		csv: "Worker ID,Worker Name,Employer,Passport No,Start Date,End Date\n" +
			"A-1,Ram Thapa,Acme,PA1234567,2022-01-01,2023-12-31\n" +
			"B-7,Hari Gurung,Beta,PA1234567,2024-01-15,\n",
		fires: map[string]string{"shared-passport": "high"}},
	{name: "wages remitted to the family at the worker's request weigh less than to an agent",
		csv:   "Worker ID,Paid To,Remittance Authorisation\nW1,Remitted to family,Yes\n",
		fires: map[string]string{"paid-to-family": "low"}, quiet: []string{"paid-to-other"}},
	{name: "wages paid to the agent",
		csv:   "Worker ID,Paid To\nW1,Agent\n",
		fires: map[string]string{"paid-to-other": "high"}, quiet: []string{"paid-to-family"}},
}

func TestReviewerCalls(t *testing.T) {
	dir := t.TempDir()
	opts := options(t, 2)
	for i, rc := range reviewerCalls {
		t.Run(rc.name, func(t *testing.T) {
			path := filepath.Join(dir, "call"+string(rune('a'+i%26))+string(rune('a'+i/26))+".csv")
			require.NoError(t, os.WriteFile(path, []byte(rc.csv), 0o644))
			rep, err := Run(context.Background(), []string{path}, opts)
			require.NoError(t, err)
			defer rep.Close()
			got := map[string][]string{}
			var text []string
			for _, f := range rep.Findings {
				got[f.RuleID] = append(got[f.RuleID], f.Severity)
				text = append(text, f.Message)
				for _, e := range f.Evidence {
					text = append(text, e.Raw)
				}
			}
			for id, sev := range rc.fires {
				if len(got[id]) == 0 {
					t.Errorf("%s did not fire; fired: %v", id, keys(got))
				} else if sev != "" && !slices.Contains(got[id], sev) {
					t.Errorf("%s fired %v, want %s", id, got[id], sev)
				}
			}
			for _, id := range rc.quiet {
				if len(got[id]) > 0 {
					t.Errorf("%s fired %v, want it quiet", id, got[id])
				}
			}
			if rc.shows != "" && !slices.ContainsFunc(text, func(s string) bool { return strings.Contains(s, rc.shows) }) {
				t.Errorf("no finding shows %q:\n%s", rc.shows, strings.Join(text, "\n"))
			}
		})
	}
}

func keys(m map[string][]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// The reference tables a run read are recorded in its report, with their
// source and date, and stale exchange rates are warned about.
func TestReferenceTablesRecorded(t *testing.T) {
	rep, err := Run(context.Background(), samples(t), options(t, 2))
	require.NoError(t, err)
	defer rep.Close()
	kinds := map[string]report.Vocabulary{}
	for _, v := range rep.Run.Vocabularies {
		kinds[v.Kind] = v
	}
	for _, k := range []string{"exchange-rates", "minimum-ages", "countries", "xinjiang-places", "agency-licences", "dol-goods-list", "cbp-withhold-release-orders"} {
		v, ok := kinds[k]
		require.True(t, ok, "no %s in run.vocabularies", k)
		require.NotEmpty(t, v.Source, k)
		require.NotEmpty(t, v.AsOf, k)
		require.NotEmpty(t, v.SHA256, k)
	}
	require.Empty(t, rep.Run.Warnings, "rates of 2024-06-30 are not stale on 2025-06-30")

	opts := options(t, 2)
	opts.Engine.ReviewDate = opts.Engine.ReviewDate.AddDate(1, 0, 0)
	rep2, err := Run(context.Background(), samples(t), opts)
	require.NoError(t, err)
	defer rep2.Close()
	require.Len(t, rep2.Run.Warnings, 1)
	require.Contains(t, rep2.Run.Warnings[0], "-fx FILE")
}

// Stale exchange rates are warned about only when the review converted
// amounts with them, with the number of contracts concerned; a roster in
// one currency is not.
func TestStaleRatesWarnedWhenUsed(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(text), 0o644))
		return p
	}
	mixed := write("mixed.csv", "Worker ID,Recruitment Fee,Basic Salary\n"+
		"W-1,USD 1000,MYR 1500\nW-2,USD 500,USD 500\nW-3,NPR 20000,MYR 1800\n")
	single := write("single.csv", "Worker ID,Recruitment Fee,Basic Salary\nW-4,1000,1500\nW-5,0,1400\n")
	opts := options(t, 2)
	opts.Engine.ReviewDate = time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC) // the built-in rates are stale by then

	rep, err := Run(context.Background(), []string{single}, opts)
	require.NoError(t, err)
	defer rep.Close()
	require.Empty(t, rep.Run.Warnings, "a roster in one currency converts nothing")

	rep2, err := Run(context.Background(), []string{mixed, single}, opts)
	require.NoError(t, err)
	defer rep2.Close()
	require.Equal(t, 2, rep2.Inputs[0].AmountsConverted, "W-1 and W-3 set amounts in two currencies against each other")
	require.Zero(t, rep2.Inputs[1].AmountsConverted)
	require.Len(t, rep2.Run.Warnings, 1)
	require.Contains(t, rep2.Run.Warnings[0], "more than 400 days before the review date 2030-01-01: the amounts of 2 contracts were converted with them")
}
