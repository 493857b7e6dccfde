// Package rules loads laborcheck rule files, layers them, compiles their CEL
// expressions against the contract schema and evaluates them on contracts.
//
// # Rule files
//
// A rule file is YAML. Its rules: list holds rules, each naming a risk
// indicator, a severity, a CEL expression over contract.<field> that is true
// when the contract shows the indicator, a message, the standards it rests
// on, and examples that prove it. A file may also declare variables (named
// expressions, read as variables.<name>), lists (lists.<name>) and lookup
// tables loaded from CSV or XLSX files beside it (tables.<name>(key...)).
// The format is specified in rules/README.md.
//
// Every rule states a remedy: what should be done when it flags. [Lint]
// requires one; reports show it with each finding.
//
// # Layering
//
// [Load] reads files in order. Each file's overrides: and disable: change
// the rules of the files before it; then its own rules join the set. The
// path [BuiltinPath] stands for the built-in pack. The result, a [Set],
// records where each rule came from and what changed it. The combinations
// and cross-row checks a scan runs beside the rules ([LoadOptions].Checks,
// of [KindCombination] and [KindCrossRow]) count as defined before every
// file, so that files override, disable and waive them like rules; they end
// in [Set].Checks and are never compiled.
//
// # Values a field never takes
//
// Compiling checks each comparison of a field with a list of values
// (contract.passport_held_by == "company", `in` a list) against the values
// the schema allows, and refuses one that could never match, with the value
// meant: the value a wording is read as, or the nearest.
//
// # Errors
//
// Loading and compiling collect every problem in every file rather than
// stopping at the first. Each is an [*Error] that points at file:line:col
// inside the YAML, with the offending line, a caret under the offending
// token (inside quoted and block scalars and message placeholders too) and,
// where one helps, a hint. [Lint] adds the examples' problems and warnings.
//
// # Unknown values
//
// A field that is blank in the roster is absent. Selecting it yields a CEL
// unknown rather than an error, so CEL's own three-valued logic decides: an
// expression that needs the field ends as [Insufficient], naming the missing
// fields; one that is decided without it (true || unknown) is decided. A
// table lookup that finds no row, or a blank cell, is unknown in the same
// way and named in [Outcome].Lookups.
//
// # Safety
//
// Expressions cannot do I/O: the environment has CEL's standard library,
// the strings, lists, sets and math extensions, and the table lookups of the
// file, which read data loaded before evaluation. Each evaluation has a cost
// limit ([DefaultCostLimit], raised to what the expression costs on a cell
// of [MaxCellText] characters); a rule whose estimated worst-case cost is
// over [DefaultCostBudget] does not compile. Files are read only when they
// are regular files under a size limit, and a lookup table only from inside
// its rule file's folder. The limits are in limits.go.
//
// # Waivers
//
// [ParseWaivers] reads a waiver file; a [Matcher] finds the waiver that
// covers a finding.
package rules
