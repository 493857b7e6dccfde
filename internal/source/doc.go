// Package source reads labour-contract rosters (xlsx and xlsm workbooks,
// CSV and TSV text) into [contract.Contract] values, one per data row.
//
// # Reading a file
//
// [Read] sniffs a file by its first bytes, never by its name: it tells
// workbooks from legacy .xls, .xlsb, .ods, encrypted workbooks, zip bombs,
// damaged zips and text, and reports each kind it cannot read as a
// [FileError] with a specific reason and a hint. A failure of one file or one
// sheet never stops a batch: it is recorded on the [Input] or [Sheet].
//
// In each sheet, the header is the row among the first 30 whose cells name
// the most schema fields (at least two); title rows, blank rows and merged
// banners above it are passed over, and sheets without one (instructions,
// lookups, charts) are skipped with the reason. Below the header, blank rows,
// repeated header rows and totals rows are not contracts. Date columns are
// read day-first or month-first as their values show, else as
// [Options].DateOrder says, and every decision is noted on the sheet.
//
// Workbooks are streamed row by row through excelize. Date-formatted cells
// are read as ISO dates and other numbers as the values stored in the file,
// not as displayed. Text is decoded from UTF-8, UTF-16, UTF-32 or
// Windows-1252, and its delimiter is sniffed among comma, semicolon, tab and
// pipe.
//
// # Finding files
//
// [Expand] turns command-line paths into the list of files to read.
package source
