package crossrow

import (
	"testing"

	"github.com/laborcheck/laborcheck/internal/contract"
)

// apply is ApplyOne over a list: the findings of the enabled checks.
func apply(p *Policy, findings []Finding) []Finding {
	var out []Finding
	for _, f := range findings {
		if f, ok := p.ApplyOne(f); ok {
			out = append(out, f)
		}
	}
	return out
}

func TestPolicy(t *testing.T) {
	findings := []Finding{
		{Check: FeeShare, Severity: contract.High},
		{Check: FeeShare, Severity: contract.Critical},
		{Check: SharedPassport, Severity: contract.High},
		{Check: SharedBankAccount, Severity: contract.Critical},
	}
	var none *Policy
	if got := apply(none, findings); len(got) != 4 || !none.Enabled("fee-share") || none.Check(FeeShare).Severity != contract.Critical {
		t.Fatalf("a nil policy changed the findings: %v", got)
	}
	p := &Policy{Disabled: map[string]bool{"shared-passport": true}, Severity: map[string]contract.Severity{"fee-share": contract.Medium}}
	got := apply(p, findings)
	if len(got) != 3 {
		t.Fatalf("got %d findings, want 3 (shared-passport disabled)", len(got))
	}
	for _, f := range got[:2] {
		if f.Severity != contract.Medium || f.Check.Severity != contract.Medium {
			t.Errorf("fee-share finding %s (check %s), want medium: an override sets every finding's severity", f.Severity, f.Check.Severity)
		}
	}
	if got[2].Check.ID != "shared-bank-account" || got[2].Severity != contract.Critical {
		t.Errorf("shared-bank-account changed: %+v", got[2])
	}
	if p.Enabled("shared-passport") || !p.Enabled("fee-share") {
		t.Error("Enabled")
	}
	if findings[0].Severity != contract.High {
		t.Error("ApplyOne changed its input")
	}
}
