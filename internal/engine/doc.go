// Package engine evaluates a compiled rule set over a stream of contracts.
//
// Each (contract, rule) pair ends as flag, pass, insufficient or error. A
// contract is flagged when any rule flags it, insufficient_data when none
// flags it but some rule could not decide for lack of data (or failed), and
// clear only when every rule passed. Its risk is the highest severity among
// its findings.
//
// [Run] spreads evaluation over workers and hands results back in input
// order, so reports do not depend on scheduling.
package engine
