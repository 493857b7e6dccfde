package cli

import (
	"testing"
	"unicode/utf8"

	"github.com/laborcheck/laborcheck/internal/contract"
)

// FuzzParseMapping feeds untrusted bytes to the mapping-file parser, in both
// forms: it must not panic, and what it accepts must name real fields and
// values.
func FuzzParseMapping(f *testing.F) {
	for _, s := range []string{
		"headers:\n  Agent Charge: recruitment_fee_paid_by_worker\nvalues:\n  passport_held_by: {Site office: employer}\n",
		"values:\n  passport_held_by: &c {Locker: employer}\n  work_permit_held_by: *c\n",
		"headers: [a, b]\nfoo: 1\n",
		"headers:\n  a: ?\n",
		"values:\n  age: {x: [1]}\n  employer_provided_housing: {Barracks: maybe}\n",
		"a: &a [*a]\n",
		"header,field\nAgent Charge,recruitment_fee_paid_by_worker\n\"x,y\n",
	} {
		f.Add("map.yaml", []byte(s))
		f.Add("map.csv", []byte(s))
	}
	schema := contract.DefaultSchema()
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		if name != "map.csv" && name != "map.tsv" {
			name = "map.yaml"
		}
		m, errs := parseMapping(name, data, schema)
		if (m == nil) == (len(errs) == 0) {
			t.Fatalf("parseMapping = %v, %v: want a mapping or errors", m, errs)
		}
		for _, e := range errs {
			if e.File != name || e.Msg == "" {
				t.Fatalf("error %+v: want file %s and a message", e, name)
			}
		}
		if m == nil {
			return
		}
		for h, name := range m.Headers {
			if schema.Field(name) == nil || contract.NormalizeHeader(h) == "" {
				t.Fatalf("header %q → %q accepted", h, name)
			}
		}
		for name, vals := range m.Values {
			f := schema.Field(name)
			if f == nil {
				t.Fatalf("values for unknown field %q accepted", name)
			}
			for k, v := range vals {
				if k == "" || contract.NormalizeWord(k) != k {
					t.Fatalf("%s: cell text key %q is not folded", name, k)
				}
				if v == "" {
					continue
				}
				if _, err := f.Parse(v, contract.Hints{}); err != nil {
					t.Fatalf("%s: %q → %q accepted, but the field does not read it: %v", name, k, v, err)
				}
			}
		}
	})
}

// FuzzYAMLKey checks that any header -write-map writes reads back as
// itself.
func FuzzYAMLKey(f *testing.F) {
	for _, s := range []string{"Agent Charge", "Fee: agent", "# of days", `Says "hi"`, "yes", "2024", "Line\nbreak", "x\x1by", "Wage (USD)", "日当", "a'b", "- x", "? x", "&x", "*x", "!x", "|x", ">x", "@x", "`x", "[x]", "{x}", "a #b", "a: b", "~", "0x1F", "1e3", ".inf", "\u2028", "\ufeffx"} {
		f.Add(s)
	}
	schema := contract.DefaultSchema()
	f.Fuzz(func(t *testing.T, h string) {
		if !utf8.ValidString(h) || contract.NormalizeHeader(h) == "" {
			return
		}
		data := []byte("headers:\n" + headerLine("  ", h, "worker_id", "alias"))
		m, errs := parseMapping("map.yaml", data, schema)
		if len(errs) > 0 {
			t.Fatalf("header %q written as %s: %v", h, data, errs[0])
		}
		if got := m.Headers[h]; got != "worker_id" || len(m.Headers) != 1 {
			t.Fatalf("header %q written as %q read back as %v", h, data, m.Headers)
		}
	})
}
