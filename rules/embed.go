// Package rules embeds laborcheck's built-in rule pack: the forced-labour
// risk catalogue, one YAML file per theme. The format is described in
// README.md beside these files.
package rules

import "embed"

// FS holds the built-in rule files (*.yaml).
//
//go:embed *.yaml
var FS embed.FS
