package report

import (
	"bytes"
	"encoding/csv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWriteCSV_Golden(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, WriteCSV(&buf, sampleReport(t, true)))
	golden(t, "report.csv.golden", buf.Bytes())
}

func TestSafeText(t *testing.T) {
	tests := []struct{ in, want string }{
		{hostileFormula, "'" + hostileFormula},
		{hostileLink, "'" + hostileLink},
		{"=1+1", "'=1+1"},
		{"+1", "'+1"},
		{"-2+3", "'-2+3"},
		{"@SUM(A1:A9)", "'@SUM(A1:A9)"},
		{"\t=1", "'\t=1"},
		{"\r=1", "'\r=1"},
		{"\n=1", "'\n=1"},
		{"", ""},
		{"Rina Sari", "Rina Sari"},
		{"C-0001", "C-0001"},
		{"1200", "1200"},
		{" =1", " =1"}, // a leading space is not a formula in any spreadsheet program
		{hostileScript, hostileScript},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, safeText(tc.in), "safeText(%q)", tc.in)
	}
}

func TestWriteCSV_FormulaSafety(t *testing.T) {
	r := sampleReport(t, true)
	var buf bytes.Buffer
	require.NoError(t, WriteCSV(&buf, r))
	recs, err := csv.NewReader(&buf).ReadAll()
	require.NoError(t, err)
	require.Len(t, recs, 1+len(r.Findings))
	assert.Equal(t, csvHeader, recs[0])
	for i, rec := range recs[1:] {
		for j, cell := range rec {
			if cell == "" {
				continue
			}
			switch cell[0] {
			case '=', '+', '-', '@', '\t', '\r', '\n':
				t.Errorf("record %d column %s starts with %q: %q", i+1, csvHeader[j], cell[0], cell)
			}
		}
	}
	// Row numbers are plain numbers; hostile text keeps its content behind the quote.
	byRule := map[string][]string{}
	for _, rec := range recs[1:] {
		byRule[rec[7]] = rec
	}
	assert.Equal(t, "2", byRule["hours-60"][2])
	assert.Equal(t, "'"+hostileFormula, byRule["hours-60"][5])
	assert.Equal(t, "'\t=1", byRule["deposit"][4])
	assert.Equal(t, "base wage monthly=@SUM(A1:A9) (USD 450); recruitment fee paid by worker=$1,200 (USD 1,200)", byRule["fee-vs-wage"][11])
	assert.Equal(t, "weekly hours total=74 (derived)", byRule["hours-60"][11][len(byRule["hours-60"][11])-len("weekly hours total=74 (derived)"):])
}

func TestWriteCSV_Empty(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, WriteCSV(&buf, &Report{}))
	assert.Equal(t, "file,sheet,row,contract_id,worker_id,worker_name,supplier,rule_id,indicator,severity,message,evidence,references,scope,contracts,waived,waiver,remedy\n", buf.String())
}

func TestWriteCSV_Deterministic(t *testing.T) {
	var a, b bytes.Buffer
	require.NoError(t, WriteCSV(&a, sampleReport(t, true)))
	require.NoError(t, WriteCSV(&b, sampleReport(t, true)))
	assert.Equal(t, a.Bytes(), b.Bytes())
}
