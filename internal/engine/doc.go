// Package engine evaluates a compiled rule set over a stream of contracts.
//
// Each (contract, rule) pair ends as flag, pass, insufficient or error. A
// contract is flagged when any rule flags it; rule_error ([Failed]) when
// none flags it and some rule failed on it, so that its review is
// incomplete; insufficient_data when none flags it and some rule could not
// decide for lack of data; and clear when every rule its roster lets run
// passed. Its risk is the highest severity among its findings.
//
// # Coverage
//
// Which rules run depends on the columns of the contract's sheet
// ([contract.Columns]). Once per sheet, [Engine.Coverage] decides from each
// rule's expression whether the fields the sheet provides (its columns, and
// the fields derived from them, see [contract.Derivations]) can decide it.
// A rule that cannot is not checked on the sheet's contracts and never makes
// them insufficient. A rule that runs and stays undecided makes the contract
// insufficient only for a blank or unreadable cell in a column the sheet
// has, and [Result].Missing names that column by the roster's own header.
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
