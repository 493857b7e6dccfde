// Package source reads labour-contract rosters (xlsx and xlsm workbooks,
// Excel 97-2003 .xls workbooks, OpenDocument .ods spreadsheets, CSV and TSV
// text) into [contract.Contract] values, one per data row.
//
// # Reading a file
//
// [Read] sniffs a file by its first bytes, never by its name: it tells
// workbooks from Excel 97-2003 and older .xls, .xlsb, .ods, encrypted
// workbooks, zip bombs, damaged zips and text, and reports each kind it cannot read as a
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
// # Workbooks
//
// Worksheets are streamed from the workbook's zip parts, one row at a time,
// so memory does not grow with the sheet and rows the file leaves out cost
// nothing. The reader knows each cell's type and number format: numbers are
// read as stored (and parsed as numbers, so "12.375" is never a thousands
// group), date-formatted numbers are shown as ISO dates and parsed from their
// serial in the workbook's date system, and a currency the cell's format
// names is a hint for money fields. Sizes and compression ratios declared in
// the zip directory are checked against [Limits] before any part is inflated.
// Encrypted workbooks are decrypted with excelize when a password is given;
// encrypted .xls workbooks by the BIFF8 reader (xls_crypt.go).
//
// Excel 97-2003 workbooks (BIFF8 records in an OLE compound file) and
// OpenDocument spreadsheets (content.xml, streamed) give the same rows as
// the xlsx reader: cell text as shown, dates by their number format (.xls,
// in the workbook's 1900 or 1904 date system) or value type (.ods), hidden
// rows, columns and sheets marked, merged cells blank but for their first.
// A row or cell an .ods repeats costs nothing while it is blank. Encrypted
// .ods files, and .xls files older than Excel 97, are refused with the
// reason.
//
// # Text
//
// Text is decoded from UTF-8, UTF-16 or UTF-32 (by byte-order mark, or
// UTF-16 recognised without one), else read as Windows-1252; its delimiter is
// a "sep=" first line or is sniffed among comma, semicolon, tab and pipe.
// Contracts from text carry the line their record starts on.
//
// # Finding files
//
// [Expand] turns command-line paths into the list of files to read.
package source
