// Package rules loads laborcheck rule files and compiles their CEL expressions
// against the contract schema.
//
// # Rule files
//
// A rule file is YAML with a top-level rules: list. Each rule names a risk
// indicator, a severity, a CEL expression over contract.<field> that is true
// when the contract shows the indicator, a message, the standards it rests on,
// and examples that prove it. The format is specified in rules/README.md.
//
// # Errors
//
// Loading and compiling collect every problem in every file rather than
// stopping at the first. Each is an [*Error] that points at file:line:col
// inside the YAML, with the offending line, a caret and, where one helps, a
// hint.
//
// # Unknown values
//
// A field that is blank in the roster is absent. Selecting it yields a CEL
// unknown rather than an error, so CEL's own three-valued logic decides: an
// expression that needs the field ends as [Insufficient], naming the missing
// fields; one that is decided without it (true || unknown) is decided.
package rules
