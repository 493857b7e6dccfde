package report

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// elementJSON is how WriteJSON's element encoder (encoding/json) writes v.
func elementJSON(t testing.TB, v any) string {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	require.NoError(t, enc.Encode(v))
	return strings.TrimSuffix(buf.String(), "\n")
}

var jsonTexts = []string{"", "plain", "quote \" and \\ backslash", "<script>&amp;</script>", "tab\tnl\ncr\r\b\f\x00\x1f\x7f",
	"bad \xff\xfe utf-8", "\u2028 and \u2029", "日本語 Ñandú 🎉", "\uFFFD", "=cmd|' /C calc'!A0"}

var jsonNumbers = []float64{0, math.Copysign(0, -1), 1, -1, 0.1, 1200.5, 1e-6, 9.99e-7, 1e21, 1e20, 123456789.123456789, -3.5e-9, math.MaxFloat64, math.SmallestNonzeroFloat64}

func TestJSONFastMatchesEncoder(t *testing.T) {
	risk := "critical"
	for _, s := range jsonTexts {
		c := Contract{File: s, Sheet: s, Row: -3, ContractID: s, WorkerID: s, WorkerName: s, Supplier: s, Status: s, Risk: &risk,
			Findings: 7, Missing: []string{s, "x"}, MissingLookups: []string{s}, RuleErrors: 2}
		assert.Equal(t, elementJSON(t, &c), string(appendContractJSON(nil, &c)))
		assert.Equal(t, elementJSON(t, &Contract{}), string(appendContractJSON(nil, &Contract{})))
		ev := map[string]Evidence{s: {Value: s, Raw: s, Derived: true}, "b": {Value: nil}, "c": {Value: true, Raw: "yes"}, "d": {Value: int64(-5)}, "e": {Value: 12}}
		for i, x := range jsonNumbers {
			ev[string(rune('f'+i))] = Evidence{Value: x, Raw: s}
		}
		f := Finding{RuleID: s, Title: s, Indicator: s, Severity: s, Message: s, File: s, Sheet: s, Row: 9, ContractID: s,
			WorkerID: s, WorkerName: s, Supplier: s, Evidence: ev, References: []string{s, s}, Scope: s,
			Contracts: []ContractRef{{File: s, Sheet: s, Row: 2, ContractID: s}, {}}, ContractsTotal: 30,
			Waived: true, WaiverReason: s, WaiverApprovedBy: s, WaiverExpires: s, WaiverSource: s}
		got, ok := appendFindingJSON(nil, &f)
		require.True(t, ok)
		assert.Equal(t, elementJSON(t, &f), string(got))
		empty := Finding{Evidence: map[string]Evidence{}, References: []string{}}
		got, ok = appendFindingJSON(nil, &Finding{})
		require.True(t, ok)
		assert.Equal(t, elementJSON(t, &empty), string(got), "nil evidence and references are written as {} and []")
	}
	for _, v := range []any{math.NaN(), math.Inf(1), float32(1.5), []string{"x"}} {
		_, ok := appendFindingJSON(nil, &Finding{Evidence: map[string]Evidence{"x": {Value: v}}})
		assert.False(t, ok, "%T %v is left to encoding/json", v, v)
	}
}

func FuzzJSONString(f *testing.F) {
	for _, s := range jsonTexts {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		require.NoError(t, enc.Encode(s))
		assert.Equal(t, strings.TrimSuffix(buf.String(), "\n"), string(appendJSONString(nil, s)))
	})
}
