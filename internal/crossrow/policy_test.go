package crossrow

import (
	"testing"

	"github.com/laborcheck/laborcheck/internal/contract"
)

func TestPolicy(t *testing.T) {
	findings := []Finding{
		{Check: FeeShare, Severity: contract.High},
		{Check: FeeShare, Severity: contract.Critical},
		{Check: SharedPassport, Severity: contract.High},
		{Check: SharedBankAccount, Severity: contract.Critical},
	}
	var none *Policy
	if got := none.Apply(findings); len(got) != 4 || !none.Enabled("fee-share") || none.Check(FeeShare).Severity != contract.Critical {
		t.Fatalf("a nil policy changed the findings: %v", got)
	}
	p := &Policy{Disabled: map[string]bool{"shared-passport": true}, Severity: map[string]contract.Severity{"fee-share": contract.Medium}}
	got := p.Apply(findings)
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
		t.Error("Apply changed its input")
	}
}
