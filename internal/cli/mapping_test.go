package cli

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/laborcheck/laborcheck/internal/contract"
	"github.com/laborcheck/laborcheck/internal/header"
	"github.com/laborcheck/laborcheck/internal/source"
)

func TestParseMapping(t *testing.T) {
	tests := []struct {
		name    string
		file    string
		data    string
		headers map[string]string
		values  map[string]map[string]string
	}{
		{
			name: "headers and values",
			file: "map.yaml",
			data: "headers:\n  Agent Charge: recruitment_fee_paid_by_worker\n  \"Fee: agent # 2\": deposit_amount\n" +
				"values:\n  passport_held_by: {\"Site office\": Employer}\n  employer_provided_housing: {Barracks: \"yes\", Tent: false}\n" +
				"  rest_days_per_week: {Every other Sunday: 0.5}\n  worker_name: {TBC: \"\"}\n",
			headers: map[string]string{"Agent Charge": "recruitment_fee_paid_by_worker", "Fee: agent # 2": "deposit_amount"},
			values: map[string]map[string]string{
				"passport_held_by":          {"site office": "employer"},
				"employer_provided_housing": {"barracks": "yes", "tent": "no"},
				"rest_days_per_week":        {"every other sunday": "0.5"},
				"worker_name":               {"tbc": ""},
			},
		},
		{
			name:    "aliases are followed",
			file:    "map.yml",
			data:    "values:\n  passport_held_by: &custody {Locker: employer}\n  work_permit_held_by: *custody\n",
			headers: map[string]string{},
			values: map[string]map[string]string{
				"passport_held_by":    {"locker": "employer"},
				"work_permit_held_by": {"locker": "employer"},
			},
		},
		{
			name:    "empty sections",
			file:    "map.yaml",
			data:    "# nothing yet\nheaders:\nvalues:\n",
			headers: map[string]string{},
			values:  map[string]map[string]string{},
		},
		{
			name:    "csv with a title line and comments",
			file:    "map.csv",
			data:    "\xef\xbb\xbfheader,field\n# house spellings\nAgent Charge, recruitment_fee_paid_by_worker\n\"PP, Location\",passport_held_by\n",
			headers: map[string]string{"Agent Charge": "recruitment_fee_paid_by_worker", "PP, Location": "passport_held_by"},
			values:  map[string]map[string]string{},
		},
		{
			name:    "tsv",
			file:    "map.tsv",
			data:    "Agent Charge\trecruitment_fee_paid_by_worker\n",
			headers: map[string]string{"Agent Charge": "recruitment_fee_paid_by_worker"},
			values:  map[string]map[string]string{},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, errs := parseMapping(tc.file, []byte(tc.data), contract.DefaultSchema())
			require.Empty(t, errs)
			assert.Equal(t, tc.headers, m.Headers)
			assert.Equal(t, tc.values, m.Values)
		})
	}
}

func TestParseMapping_Errors(t *testing.T) {
	tests := []struct {
		name string
		file string
		data string
		want []string
	}{
		{
			name: "every problem at once",
			file: "map.yaml",
			data: `header:
  Agent Charge: recruitment_fee
headers:
  Agent Charge: recruitment_fee
  agent-charge: worker_id
  PP Location: Passport_Held_By
  Notes: [worker_name, job_title]
  Remarks: ""
values:
  passport_held_by:
    Block C desk: landlord
    block c  desk: employer
  employer_provided_housing: {Barracks: maybe}
  rest_days_per_week: {Alternate Sundays: half}
  wage_paid_too: {Agent: agent}
  housing_curfew: [yes]
  deposit_amount: {"--": 0}
values: {}
`,
			want: []string{
				`map.yaml:1:1: unknown section "header" (did you mean "headers"?): a mapping file has headers: and values:`,
				`map.yaml:4:17: header "Agent Charge": unknown field "recruitment_fee" (did you mean "recruitment_fee_paid_by_worker"?)`,
				`map.yaml:5:3: header "agent-charge" is mapped twice (also at line 4; headers match ignoring case, spacing and punctuation)`,
				`map.yaml:6:16: header "PP Location": unknown field "Passport_Held_By" (did you mean "passport_held_by"?)`,
				`map.yaml:7:10: header "Notes": want one field name, not a list`,
				`map.yaml:8:12: header "Remarks": no field given; write the field it stands for, or delete the line`,
				`map.yaml:11:19: values: passport_held_by: "Block C desk": "landlord" is not a value of passport_held_by; use one of: worker, employer, agent, recruiter, supervisor, unknown`,
				`map.yaml:12:5: values: passport_held_by: cell text "block c  desk" is mapped twice (also at line 11; cell texts match ignoring case, spacing and punctuation)`,
				`map.yaml:13:41: values: employer_provided_housing: "Barracks": employer_provided_housing is a yes/no field: map the cell text to yes or no, not "maybe"`,
				`map.yaml:14:43: values: rest_days_per_week: "Alternate Sundays": "half" cannot be read as rest_days_per_week (not a number); want a number`,
				`map.yaml:15:3: values: unknown field "wage_paid_too" (did you mean "wage_paid_to"?)`,
				`map.yaml:16:19: values: housing_curfew: want cell texts and the values they stand for (Site office: employer), not a list`,
				`map.yaml:17:20: values: deposit_amount: cell text "--" has no letters or digits to match`,
				`map.yaml:18:1: section "values" is given twice (also at line 9)`,
			},
		},
		{
			name: "not a mapping",
			file: "map.yaml",
			data: "- Agent Charge\n",
			want: []string{`map.yaml:1:1: want the sections headers: and values:, not a list`},
		},
		{
			name: "a placeholder left in",
			file: "map.yaml",
			data: "headers:\n  Worker ID: worker_id\n  Observaciones: ?  # closest: worker_name\n",
			want: []string{`map.yaml:3: write the field this header stands for in place of "?", or put the "#" back`},
		},
		{
			name: "yaml syntax",
			file: "map.yaml",
			data: "headers:\n  a: \"b\n",
			want: []string{`map.yaml:2: not valid YAML: found unexpected end of stream`},
		},
		{
			name: "value with no value",
			file: "map.yaml",
			data: "values:\n  age:\n    unknown:\n",
			want: []string{`map.yaml:3:13: values: age: "unknown": no value given; write the value to read instead, or "" to read the cell as blank`},
		},
		{
			name: "csv",
			file: "map.csv",
			data: "header,field\nAgent Charge,recruitment_fee\nA,b,c\n,worker_id\nPP,Passport held by\n\"x,y\n",
			want: []string{
				`map.csv:2:14: header "Agent Charge": unknown field "recruitment_fee" (did you mean "recruitment_fee_paid_by_worker"?)`,
				`map.csv:3: want two columns, header and field; got 3`,
				`map.csv:4:1: header "" has no letters or digits to match`,
				`map.csv:5:4: header "PP": unknown field "Passport held by" (did you mean "passport_held_by"?)`,
				`map.csv:6:6: not valid CSV: extraneous or missing " in quoted-field`,
			},
		},
		{
			name: "other extension",
			file: "map.json",
			data: "{}",
			want: []string{`map.json: a mapping file is .yaml, .yml, .csv or .tsv`},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, errs := parseMapping(tc.file, []byte(tc.data), contract.DefaultSchema())
			assert.Nil(t, m)
			var got []string
			for _, e := range errs {
				got = append(got, e.Error())
				assert.NotContains(t, e.Error(), "internal/")
				assert.NotContains(t, e.Error(), "!!")
			}
			assert.Equal(t, tc.want, got)
		})
	}
}

// TestMapDraft_RoundTrip checks that a written mapping file reads back as
// the headers it was written from, whatever they hold.
func TestMapDraft_RoundTrip(t *testing.T) {
	schema := contract.DefaultSchema()
	headers := []string{"Worker ID", "Fee: agent", "# of days", "Says \"hi\"", "yes", "2024", "Line\nbreak", "-dash", "x\x1by", " padded ", "Wage (USD)", "Ort/Stadt", "日当"}
	var cols []source.Column
	for i, h := range headers {
		f := schema.Fields()[i]
		cols = append(cols, source.Column{Header: h, Field: f, Match: header.Match{Field: f, Method: header.ByWords, Score: 0.82}})
	}
	cols = append(cols, source.Column{Header: "Observaciones", Match: header.Match{
		Suggestions: []*contract.Field{schema.Field("worker_name"), schema.Field("job_title")},
	}})
	d := newMapDraft()
	d.sources = []string{"roster.csv"}
	d.add(cols)
	out := d.bytes()
	assert.Contains(t, string(out), "  Worker ID: contract_id  # words 0.82\n")
	assert.Contains(t, string(out), "  \"Fee: agent\": worker_id  # words 0.82\n")
	assert.Contains(t, string(out), "  \"Line\\nbreak\": employer_country  # words 0.82\n")
	assert.Contains(t, string(out), "#  Observaciones: ?  # closest: worker_name, job_title\n")
	m, errs := parseMapping("map.yaml", out, schema)
	require.Empty(t, errs, "%s", out)
	want := map[string]string{}
	for i, h := range headers {
		want[h] = schema.Fields()[i].Name
	}
	assert.Equal(t, want, m.Headers)
	assert.Empty(t, m.Values)
}

func TestColumnDetails(t *testing.T) {
	schema := contract.DefaultSchema()
	tests := []struct {
		name  string
		col   source.Column
		match string
		want  string
	}{
		{
			name:  "alias, nothing more",
			col:   source.Column{Header: "Worker ID", Field: schema.Field("worker_id"), Match: header.Match{Method: header.ByAlias, Score: 1}},
			match: "alias",
		},
		{
			name: "conversion and runner-up",
			col: source.Column{Header: "Hours per month", Field: schema.Field("regular_hours_per_week"),
				Hints: contract.Hints{Scale: 12.0 / 52},
				Match: header.Match{Method: header.ByUnit, Score: 0.8, Conversion: "per month → per week, × 12/52",
					RunnerUp: &header.Choice{Field: schema.Field("weekly_hours_total"), Score: 0.6}}},
			match: "unit conversion 0.80",
			want:  "per month → per week, × 12/52; runner-up weekly_hours_total 0.60",
		},
		{
			name: "currency, inverted, yes and no",
			col: source.Column{Header: "Does the company keep the passport?", Field: schema.Field("passport_held_by"),
				Hints: contract.Hints{Currency: "USD", Invert: true, Yes: "employer", No: "worker"},
				Match: header.Match{Method: header.ByWords, Score: 0.9}},
			match: "words 0.90",
			want:  "currency USD; inverted (the header asks the opposite: a yes reads as no); yes → employer / no → worker",
		},
		{
			name: "unmapped",
			col: source.Column{Header: "Observaciones", Match: header.Match{
				Suggestions: []*contract.Field{schema.Field("worker_name"), schema.Field("job_title")},
				Reason:      "ambiguous:\x1b[31m two fields"}},
			want: "closest: worker_name, job_title; ambiguous:␛[31m two fields",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.match, matchText(tc.col))
			assert.Equal(t, tc.want, strings.Join(columnDetails(tc.col), "; "))
		})
	}
}

func TestSafe(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Worker ID", "Worker ID"},
		{"a\x1b[2Jb", "a␛[2Jb"},
		{"tab\there", "tab␉here"},
		{"del\x7f", "del␡"},
		{"c1\u0085", "c1<U+0085>"},
		{"rtl\u202eevil", "rtl<U+202E>evil"},
		{"bad\xffutf8", "bad\uFFFDutf8"},
		{"日当 ✓", "日当 ✓"},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, safe(tc.in), "safe(%q)", tc.in)
	}
	assert.Equal(t, "Passport Kept By", oneLine("Passport\nKept  By "))
	assert.Equal(t, strings.Repeat("日", 37)+"...", oneLine(strings.Repeat("日", 50)))
}
