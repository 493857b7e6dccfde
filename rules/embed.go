// Package rules embeds laborcheck's built-in rule pack: the forced-labour
// risk catalogue, one YAML file per theme, and the combinations that
// escalate co-occurring findings (escalation/combinations.yaml). The format
// is described in README.md beside these files.
package rules

import "embed"

// FS holds the built-in rule files (*.yaml).
//
//go:embed *.yaml
var FS embed.FS

// Combinations is the built-in combinations file, read with
// engine.ParseCombinations.
//
//go:embed escalation/combinations.yaml
var Combinations []byte

// CombinationsPath names the built-in combinations file in reports.
const CombinationsPath = "builtin:escalation/combinations.yaml"
