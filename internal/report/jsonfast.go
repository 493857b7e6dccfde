package report

import (
	"math"
	"strconv"
	"unicode/utf8"
)

// Contracts and findings are most of a JSON report. WriteJSON encodes them
// with the functions below, which write exactly what its row encoder
// (encoding/json, compact, without HTML escaping) writes, several times
// faster; TestJSONFastMatchesEncoder holds them to it. Anything they do not
// handle (an evidence value of another type, a number JSON cannot hold) is
// left to encoding/json.

// Line breaks and indentation inside a row: none, as a row is one line.
const (
	jsonIn1 = ""
	jsonIn2 = ""
	jsonIn3 = ""
	jsonEnd = "}"
)

func appendContractJSON(b []byte, c *Contract) []byte {
	b = append(b, '{')
	b = append(b, jsonIn1+`"file":`...)
	b = appendJSONString(b, c.File)
	b = append(b, ","+jsonIn1+`"sheet":`...)
	b = appendJSONString(b, c.Sheet)
	b = append(b, ","+jsonIn1+`"row":`...)
	b = strconv.AppendInt(b, int64(c.Row), 10)
	b = append(b, ","+jsonIn1+`"contract_id":`...)
	b = appendJSONString(b, c.ContractID)
	if c.WorkerID != "" {
		b = append(b, ","+jsonIn1+`"worker_id":`...)
		b = appendJSONString(b, c.WorkerID)
	}
	if c.WorkerName != "" {
		b = append(b, ","+jsonIn1+`"worker_name":`...)
		b = appendJSONString(b, c.WorkerName)
	}
	if c.Supplier != "" {
		b = append(b, ","+jsonIn1+`"supplier":`...)
		b = appendJSONString(b, c.Supplier)
	}
	b = append(b, ","+jsonIn1+`"status":`...)
	b = appendJSONString(b, c.Status)
	b = append(b, ","+jsonIn1+`"risk":`...)
	if c.Risk == nil {
		b = append(b, "null"...)
	} else {
		b = appendJSONString(b, *c.Risk)
	}
	b = append(b, ","+jsonIn1+`"findings":`...)
	b = strconv.AppendInt(b, int64(c.Findings), 10)
	b = append(b, ","+jsonIn1+`"rules_checked":`...)
	b = strconv.AppendInt(b, int64(c.RulesChecked), 10)
	if len(c.Missing) > 0 {
		b = append(b, ","+jsonIn1+`"missing":`...)
		b = appendJSONStrings(b, c.Missing)
	}
	if len(c.MissingLookups) > 0 {
		b = append(b, ","+jsonIn1+`"missing_lookups":`...)
		b = appendJSONStrings(b, c.MissingLookups)
	}
	if c.RuleErrors != 0 {
		b = append(b, ","+jsonIn1+`"rule_errors":`...)
		b = strconv.AppendInt(b, int64(c.RuleErrors), 10)
	}
	return append(b, jsonEnd...)
}

// appendFindingJSON appends f, normalized (nil evidence as {}, nil
// references as []); ok is false when f holds what it does not handle.
func appendFindingJSON(b []byte, f *Finding) (_ []byte, ok bool) {
	b = append(b, '{')
	for _, kv := range [...]struct{ k, v string }{
		{jsonIn1 + `"rule_id":`, f.RuleID}, {`,` + jsonIn1 + `"title":`, f.Title},
		{`,` + jsonIn1 + `"indicator":`, f.Indicator}, {`,` + jsonIn1 + `"severity":`, f.Severity},
		{`,` + jsonIn1 + `"message":`, f.Message}, {`,` + jsonIn1 + `"file":`, f.File}, {`,` + jsonIn1 + `"sheet":`, f.Sheet},
	} {
		b = append(b, kv.k...)
		b = appendJSONString(b, kv.v)
	}
	b = append(b, ","+jsonIn1+`"row":`...)
	b = strconv.AppendInt(b, int64(f.Row), 10)
	b = append(b, ","+jsonIn1+`"contract_id":`...)
	b = appendJSONString(b, f.ContractID)
	for _, kv := range [...]struct{ k, v string }{
		{`,` + jsonIn1 + `"worker_id":`, f.WorkerID}, {`,` + jsonIn1 + `"worker_name":`, f.WorkerName},
		{`,` + jsonIn1 + `"supplier":`, f.Supplier},
	} {
		if kv.v != "" {
			b = append(b, kv.k...)
			b = appendJSONString(b, kv.v)
		}
	}
	b = append(b, ","+jsonIn1+`"evidence":`...)
	if len(f.Evidence) == 0 {
		b = append(b, "{}"...)
	} else {
		b = append(b, '{')
		var kb [8]string
		for i, k := range sortedEvidenceKeys(kb[:0], f.Evidence) {
			e := f.Evidence[k]
			b = jsonMember(b, i == 0, jsonIn2, k)
			b = append(b, '{')
			b = append(b, jsonIn3+`"value":`...)
			if b, ok = appendJSONValue(b, e.Value); !ok {
				return b, false
			}
			b = append(b, ","+jsonIn3+`"raw":`...)
			b = appendJSONString(b, e.Raw)
			if e.Derived {
				b = append(b, ","+jsonIn3+`"derived":`...)
				b = append(b, "true"...)
			}
			for _, kv := range [...][2]string{
				{`,` + jsonIn3 + `"column":`, e.Column}, {`,` + jsonIn3 + `"header":`, e.Header},
				{`,` + jsonIn3 + `"conversion":`, e.Conversion}, {`,` + jsonIn3 + `"cell":`, e.Cell},
				{`,` + jsonIn3 + `"currency":`, e.Currency},
			} {
				if kv[1] != "" {
					b = append(b, kv[0]...)
					b = appendJSONString(b, kv[1])
				}
			}
			b = append(b, jsonIn2...)
			b = append(b, '}')
		}
		b = append(b, jsonIn1...)
		b = append(b, '}')
	}
	b = append(b, ","+jsonIn1+`"references":`...)
	b = appendJSONStrings(b, f.References)
	if f.Remedy != "" {
		b = append(b, ","+jsonIn1+`"remedy":`...)
		b = appendJSONString(b, f.Remedy)
	}
	if f.Scope != "" {
		b = append(b, ","+jsonIn1+`"scope":`...)
		b = appendJSONString(b, f.Scope)
	}
	if len(f.Contracts) > 0 {
		b = append(b, ","+jsonIn1+`"contracts":`...)
		b = append(b, '[')
		for i, r := range f.Contracts {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, jsonIn2...)
			b = append(b, '{')
			b = append(b, jsonIn3+`"file":`...)
			b = appendJSONString(b, r.File)
			b = append(b, ","+jsonIn3+`"sheet":`...)
			b = appendJSONString(b, r.Sheet)
			b = append(b, ","+jsonIn3+`"row":`...)
			b = strconv.AppendInt(b, int64(r.Row), 10)
			b = append(b, ","+jsonIn3+`"contract_id":`...)
			b = appendJSONString(b, r.ContractID)
			b = append(b, jsonIn2...)
			b = append(b, '}')
		}
		b = append(b, jsonIn1...)
		b = append(b, ']')
	}
	if f.ContractsTotal != 0 {
		b = append(b, ","+jsonIn1+`"contracts_total":`...)
		b = strconv.AppendInt(b, int64(f.ContractsTotal), 10)
	}
	if f.Waived {
		b = append(b, ","+jsonIn1+`"waived":`...)
		b = append(b, "true"...)
	}
	for _, kv := range [...]struct{ k, v string }{
		{`,` + jsonIn1 + `"waiver_reason":`, f.WaiverReason}, {`,` + jsonIn1 + `"waiver_approved_by":`, f.WaiverApprovedBy},
		{`,` + jsonIn1 + `"waiver_expires":`, f.WaiverExpires}, {`,` + jsonIn1 + `"waiver_source":`, f.WaiverSource},
	} {
		if kv.v != "" {
			b = append(b, kv.k...)
			b = appendJSONString(b, kv.v)
		}
	}
	return append(b, jsonEnd...), true
}

// jsonMember starts a member: a comma unless first, the line break and
// indentation, the key and ": ".
func jsonMember(b []byte, first bool, indent, key string) []byte {
	if !first {
		b = append(b, ',')
	}
	b = append(b, indent...)
	b = appendJSONString(b, key)
	return append(b, ':')
}

// appendJSONStrings appends a list of strings as a member at depth 1.
func appendJSONStrings(b []byte, l []string) []byte {
	if len(l) == 0 {
		return append(b, "[]"...)
	}
	b = append(b, '[')
	for i, s := range l {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, jsonIn2...)
		b = appendJSONString(b, s)
	}
	b = append(b, jsonIn1...)
	return append(b, ']')
}

// appendJSONValue appends an evidence value of the types a report holds.
func appendJSONValue(b []byte, v any) ([]byte, bool) {
	switch v := v.(type) {
	case nil:
		return append(b, "null"...), true
	case string:
		return appendJSONString(b, v), true
	case bool:
		return strconv.AppendBool(b, v), true
	case int:
		return strconv.AppendInt(b, int64(v), 10), true
	case int64:
		return strconv.AppendInt(b, v, 10), true
	case float64:
		if math.IsInf(v, 0) || math.IsNaN(v) {
			return b, false
		}
		// As encoding/json: like %g, with ES6's exponent cutoffs.
		format := byte('f')
		if abs := math.Abs(v); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
			format = 'e'
		}
		b = strconv.AppendFloat(b, v, format, -1, 64)
		if format == 'e' {
			if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
				b[n-2] = b[n-1]
				b = b[:n-1]
			}
		}
		return b, true
	}
	return b, false
}

const jsonHex = "0123456789abcdef"

// jsonPlain marks the bytes appendJSONString copies as they are without
// looking further: ASCII but for control characters, '"' and '\\'.
var jsonPlain = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// appendJSONString appends s quoted as encoding/json quotes strings when
// HTML escaping is off.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	i := 0
	for i < len(s) && jsonPlain[s[i]] {
		i++
	}
	if i == len(s) {
		b = append(b, s...)
		return append(b, '"')
	}
	start := 0
	for i < len(s) {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', jsonHex[c>>4], jsonHex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', jsonHex[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
