package rules

import (
	"testing"

	"github.com/laborcheck/laborcheck/internal/contract"
)

func TestEnumHints(t *testing.T) {
	s := contract.DefaultSchema()
	custody, paidTo := s.Field("passport_held_by"), s.Field("wage_paid_to")
	for _, tc := range []struct {
		field *contract.Field
		value string
		want  string
	}{
		{custody, "company", `a cell reading "company" is read as "employer": write "employer" (its values are worker, employer, agent, recruiter, supervisor, unknown)`},
		{custody, "HR", `a cell reading "HR" is read as "employer": write "employer" (its values are worker, employer, agent, recruiter, supervisor, unknown)`},
		{custody, "Employer", `values are compared exactly: write "employer" (its values are worker, employer, agent, recruiter, supervisor, unknown)`},
		{custody, "recruter", `did you mean "recruiter"? (its values are worker, employer, agent, recruiter, supervisor, unknown)`},
		{custody, "zzzzzz", `its values are worker, employer, agent, recruiter, supervisor, unknown`},
		{paidTo, "broker", `a cell reading "broker" is read as "agent": write "agent" (its values are worker, family, agent, supervisor, other)`},
	} {
		if got := enumHint(tc.field, tc.value); got != tc.want {
			t.Errorf("enumHint(%s, %q) = %q, want %q", tc.field.Name, tc.value, got, tc.want)
		}
	}
	env, err := NewEnv(s)
	if err != nil {
		t.Fatal(err)
	}
	for word, want := range map[string]string{
		"employer":     `values are text: write "employer", in quotes`,
		"agent":        `values are text: write "agent", in quotes`,
		"company":      `values are text, in quotes; a cell reading "company" is read as "employer": write "employer"`,
		"nationality":  "",
		"worker_costs": "",
	} {
		if got := env.enumValueHint(word); got != want {
			t.Errorf("enumValueHint(%q) = %q, want %q", word, got, want)
		}
	}
}
