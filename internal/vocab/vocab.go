// Package vocab holds the vocabularies laborcheck reads rosters with, as
// data: headers.yaml (the words, abbreviations, units and questions that name
// each contract field, in several languages) and values.yaml (the house
// wordings of cell values: custody, housing, yes and no, pay periods, money
// stated in wages). Each file names its sources and the date it was last
// reviewed. Policy staff extend them, or replace them, per run with -vocab;
// the Go code that reads them lives in internal/header and
// internal/contract.
package vocab

import _ "embed"

// Headers is the built-in header vocabulary (headers.yaml).
//
//go:embed headers.yaml
var Headers []byte

// Values is the built-in cell-value vocabulary (values.yaml).
//
//go:embed values.yaml
var Values []byte
