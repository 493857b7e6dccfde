package report

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWriteJSON_Golden(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, WriteJSON(&buf, sampleReport(t, true)))
	golden(t, "report.json.golden", buf.Bytes())
}

// WriteJSON encodes list elements one at a time; its bytes must equal those
// of encoding the whole (normalised) report in one go, whatever fields the
// model gains.
func TestWriteJSON_MatchesEncoder(t *testing.T) {
	for name, r := range map[string]*Report{
		"sample": sampleReport(t, true),
		"empty":  {},
	} {
		t.Run(name, func(t *testing.T) {
			var got, want bytes.Buffer
			require.NoError(t, WriteJSON(&got, r))
			enc := json.NewEncoder(&want)
			enc.SetEscapeHTML(false)
			enc.SetIndent("", "  ")
			require.NoError(t, enc.Encode(normalize(ordered(r))))
			var indented bytes.Buffer
			require.NoError(t, json.Indent(&indented, got.Bytes(), "", "  "))
			assert.Equal(t, want.String(), indented.String())
			// A row is one line: a list of rows has a line per element.
			var doc map[string]json.RawMessage
			require.NoError(t, json.Unmarshal(got.Bytes(), &doc))
			for key := range rowLists {
				var rows []json.RawMessage
				require.NoError(t, json.Unmarshal(doc[key], &rows), key)
				if len(rows) == 0 {
					continue
				}
				lines := strings.Split(strings.TrimSpace(string(doc[key])), "\n")
				assert.Len(t, lines, len(rows)+2, "%s: [, a line per row, ]", key)
			}
		})
	}
}

func TestWriteJSON_EmptyReport(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, WriteJSON(&buf, &Report{}))
	out := buf.String()
	assert.NotContains(t, out, "null,", "nil lists and maps must be written as [] and {}")
	var got map[string]any
	require.NoError(t, json.Unmarshal(buf.Bytes(), &got))
	for _, key := range []string{"inputs", "contracts", "findings", "data_issues", "rule_errors", "suppliers", "rules"} {
		assert.Equal(t, []any{}, got[key], key)
	}
	run := got["run"].(map[string]any)
	assert.Equal(t, []any{}, run["rule_files"])
	assert.Equal(t, []any{}, run["tables"])
	sum := got["summary"].(map[string]any)
	assert.Equal(t, map[string]any{"critical": 0.0, "high": 0.0, "medium": 0.0, "low": 0.0, "info": 0.0}, sum["by_severity"])
	assert.Equal(t, map[string]any{}, sum["by_indicator"])
}

func TestWriteJSON_NilInsideElements(t *testing.T) {
	r := &Report{
		Inputs:    []Input{{Path: "a.xlsx", Sheets: []Sheet{{Name: "S"}}}, {Path: "b.csv"}},
		Findings:  []Finding{{RuleID: "x"}},
		Suppliers: []Supplier{{Name: "s"}},
		Rules:     []Rule{{ID: "x"}},
	}
	before := *r
	var buf bytes.Buffer
	require.NoError(t, WriteJSON(&buf, r))
	out := buf.String()
	for _, want := range []string{`"mapped": []`, `"unmapped": []`, `"sheets": []`, `"evidence":{}`, `"references":[]`, `"by_indicator": {}`} {
		assert.Contains(t, out, want)
	}
	// The caller's report is untouched.
	assert.True(t, reflect.DeepEqual(before, *r))
	assert.Nil(t, r.Findings[0].Evidence)
	assert.Nil(t, r.Inputs[0].Sheets[0].Mapped)
}

func TestWriteJSON_RoundTrip(t *testing.T) {
	r := sampleReport(t, true)
	var buf bytes.Buffer
	require.NoError(t, WriteJSON(&buf, r))
	var back Report
	require.NoError(t, json.Unmarshal(buf.Bytes(), &back))
	assert.Equal(t, r.Summary.Findings, back.Summary.Findings)
	assert.Equal(t, len(r.Findings), len(back.Findings))
	want := ordered(r)
	for i := range want.Contracts {
		assert.Equal(t, want.Contracts[i].WorkerName, back.Contracts[i].WorkerName)
	}
	for i := range want.Findings {
		assert.Equal(t, want.Findings[i].RuleID, back.Findings[i].RuleID)
		assert.Equal(t, want.Findings[i].Evidence, back.Findings[i].Evidence)
	}
	assert.Contains(t, buf.String(), `"worker_name":"=cmd|' /C calc'!A0"`)
	assert.Contains(t, buf.String(), `"raw":"@SUM(A1:A9)"`)
	assert.True(t, back.Run.StartedAt.Equal(r.Run.StartedAt))
	// Markup is written as is (JSON is not HTML), and stays a string.
	assert.True(t, strings.Contains(buf.String(), hostileScript))
}

func TestWriteJSON_Deterministic(t *testing.T) {
	var a, b bytes.Buffer
	require.NoError(t, WriteJSON(&a, sampleReport(t, true)))
	require.NoError(t, WriteJSON(&b, sampleReport(t, true)))
	assert.Equal(t, a.Bytes(), b.Bytes())
}
