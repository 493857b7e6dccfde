package exp

import (
	"fmt"
	"testing"

	"github.com/laborcheck/laborcheck/internal/contract"
	"github.com/laborcheck/laborcheck/internal/rules"
)

func TestTry(t *testing.T) {
	set, errs := rules.Load([]string{"/tmp/lc1/rules.yaml"}, rules.LoadOptions{})
	fmt.Println(errs.Detail())
	env, _ := rules.NewEnv(contract.DefaultSchema())
	p, errs := env.Compile(set, rules.CompileOptions{})
	fmt.Println(errs.Detail())
	fmt.Println(p.Warnings.Detail())
	s := contract.DefaultSchema()
	for _, r := range p.RunTests(contract.NewDeriver(s, rules.TestReviewDate).Derive) {
		fmt.Println(r.Rule.ID, r.Test.Name, r.OK(), r.Got, r.Err, r.Values, r.Variables, r.Missing, r.Lookups, r.Setup)
	}
	for _, r := range p.Rules {
		fmt.Println(r.ID, r.Fields, r.Variables, r.Cost)
	}
}
