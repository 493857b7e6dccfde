// Package engine evaluates a compiled rule set over a stream of contracts.
//
// Each (contract, rule) pair ends as flag, pass, insufficient or error. A
// contract is flagged when any rule flags it, insufficient_data when none
// flags it but some rule could not decide for lack of data (or failed), and
// clear only when every rule passed. Its risk is the highest severity among
// its findings.
//
// After a contract's rules have run, each [Combination] whose parts are all
// among its findings (for example recruitment debt together with a retained
// passport) adds a finding of its own, which names the combination and
// lists its parts as evidence. The built-in combinations are in
// rules/escalation/combinations.yaml.
//
// [Run] spreads evaluation over workers and hands results back in input
// order, so reports do not depend on scheduling.
package engine
