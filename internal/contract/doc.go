// Package contract holds laborcheck's model of a labour contract: the schema of
// canonical fields (names, types and the header spellings that map to them),
// the typed values read from spreadsheet cells, and the closed vocabularies of
// indicators and severities that rules and reports share.
//
// Nothing here knows about file formats or CEL: sources fill contracts, rules
// read them.
package contract
