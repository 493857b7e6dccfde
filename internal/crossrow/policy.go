package crossrow

import "github.com/laborcheck/laborcheck/internal/contract"

// CheckSource is where reports say the cross-row checks are defined.
const CheckSource = "built-in cross-row check"

// Policy is what rule files changed about the cross-row checks, by check
// id: the checks they disabled, the severity an override gave, and the
// changes as reports list them ("file:line: severity high → critical").
// The zero Policy, and a nil one, changes nothing.
type Policy struct {
	Disabled map[string]bool
	Severity map[string]contract.Severity
	Changes  map[string][]string
}

// Enabled reports whether check id runs.
func (p *Policy) Enabled(id string) bool {
	return p == nil || !p.Disabled[id]
}

// Check returns c with the severity an override gave it.
func (p *Policy) Check(c Check) Check {
	if p == nil {
		return c
	}
	if s, ok := p.Severity[c.ID]; ok {
		c.Severity = s
	}
	return c
}

// ApplyOne returns finding f as the rule files have it, and false when
// they disable its check: an override sets the severity of every finding
// of the check, in place of the check's own scale.
func (p *Policy) ApplyOne(f Finding) (Finding, bool) {
	if p == nil || len(p.Disabled)+len(p.Severity) == 0 {
		return f, true
	}
	if p.Disabled[f.Check.ID] {
		return f, false
	}
	if s, ok := p.Severity[f.Check.ID]; ok {
		f.Severity = s
		f.Check = p.Check(f.Check)
	}
	return f, true
}

// Layers lists what rule files changed about check id.
func (p *Policy) Layers(id string) []string {
	if p == nil {
		return nil
	}
	return p.Changes[id]
}
