package contract

import "fmt"

// Severity ranks a finding. The zero value is no severity at all.
type Severity int

// Severities, lowest first so that they compare with < and >.
const (
	SeverityNone Severity = iota
	Info
	Low
	Medium
	High
	Critical
)

var severityNames = [...]string{"", "info", "low", "medium", "high", "critical"}

// String returns the severity word used in rule files and reports.
func (s Severity) String() string {
	if s < 0 || int(s) >= len(severityNames) {
		return fmt.Sprintf("severity(%d)", int(s))
	}
	return severityNames[s]
}

// ParseSeverity reads a severity word (critical, high, medium, low, info).
func ParseSeverity(s string) (Severity, bool) {
	for i, n := range severityNames {
		if i > 0 && n == s {
			return Severity(i), true
		}
	}
	return SeverityNone, false
}

// Severities lists the severity words, highest first.
func Severities() []string {
	return []string{"critical", "high", "medium", "low", "info"}
}

// Indicators is the closed vocabulary of risk indicator codes: the ILO's
// eleven indicators of forced labour, child labour, and sourcing risk.
var Indicators = []string{
	"abuse_of_vulnerability",
	"deception",
	"restriction_of_movement",
	"isolation",
	"physical_and_sexual_violence",
	"intimidation_and_threats",
	"retention_of_identity_documents",
	"withholding_of_wages",
	"debt_bondage",
	"abusive_working_and_living_conditions",
	"excessive_overtime",
	"child_labour",
	"sourcing_risk",
}

// IsIndicator reports whether code is one of [Indicators].
func IsIndicator(code string) bool {
	for _, c := range Indicators {
		if c == code {
			return true
		}
	}
	return false
}
