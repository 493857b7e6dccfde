// Package header reads roster headers by meaning. It maps each column of a
// sheet to the contract field it stands for, from the words of its header
// (in any order, abbreviated, in several languages, written as a question),
// the units and periods the header names, and the values below it. The
// vocabulary it matches with is data (internal/vocab/headers.yaml), which
// policy staff extend per run; this package holds only the mechanism.
package header

import "github.com/laborcheck/laborcheck/internal/contract"

// Method says how a column was matched to its field.
type Method string

// Match methods, as inspect shows them.
const (
	ByAlias        Method = "alias"           // the header is a known spelling of the field
	ByWords        Method = "words"           // the header's words name the field, in any order
	ByAbbreviation Method = "abbreviation"    // as ByWords, through abbreviations ("OT hrs/wk")
	ByUnit         Method = "unit conversion" // as ByWords, with a unit or period converted ("Hours per month")
	ByValues       Method = "value evidence"  // the header is vague; the column's values decided
	ByUserMap      Method = "user map"        // the user's mapping file names the field
)

// Choice is one field a column may stand for, with the strength of the
// evidence (0 to 1).
type Choice struct {
	Field *contract.Field
	Score float64
}

// Match is how one column was read.
type Match struct {
	// Field is the field the column is read into; nil when it stays unmapped.
	Field  *contract.Field
	Method Method
	Score  float64
	// Hints are what the column's cells are parsed with: a currency the
	// header names, a unit conversion, an inverted question, a percentage.
	Hints contract.Hints
	// Conversion describes a unit conversion in words ("per month → per
	// week, × 12/52"); "" when none.
	Conversion string
	// RunnerUp is the next best reading of the column, when there was one.
	RunnerUp *Choice
	// Suggestions are the closest fields of an unmapped column, best first.
	Suggestions []*contract.Field
	// Reason says why an unmapped column with some likeness to a field
	// stayed unmapped ("ambiguous: …", "values are dates", "taken by
	// column D"), or what else the column was taken for.
	Reason string
}

// Thresholds of the evidence. A column maps when its best reading scores at
// least mapScore; two readings of different fields within ambiguity of
// each other leave it unmapped, unless its values decide between them.
const (
	mapScore        = 0.5
	ambiguity       = 0.12
	valueScore      = 0.25 // a partial match that the values alone may confirm
	runnerUpScore   = 0.3  // a reading worth naming beside the one taken
	confirmBonus    = 0.05
	minSamples      = 2   // values needed before they may refute a reading
	alsoWeight      = 0.7 // a word the field allows, against one its pattern names
	minAnswers      = 0.2 // share of a yes/no column's words that must read as answers
	correctedWeight = 0.5 // a pattern word read through a spelling correction
)
