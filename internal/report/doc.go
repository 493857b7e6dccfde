// Package report holds the result of a scan as plain data ([Report]) and
// writes it as JSON, CSV, XLSX, HTML or a terminal summary. Writers never see
// live input: every string from a roster is escaped for its format.
//
// # Formats
//
//   - JSON ([WriteJSON]): the whole report, for tools. Its keys are a public
//     interface: they are only ever added.
//   - CSV ([WriteCSV]): one line per finding, for tools and quick filters.
//   - XLSX ([WriteXLSX]): a workbook for oversight officers, with a summary
//     and chart, findings, contracts, data issues, rule errors, rules and a
//     record of the run.
//   - HTML ([WriteHTML]): one self-contained page with the summary, charts,
//     suppliers and coverage, and every finding and every contract that is
//     not clear in compact data islands that the page's script pages,
//     filters and searches.
//   - Text ([WriteText]): a summary for a terminal of 80 columns or more.
//
// [WriteFile] picks the format from the file name and never leaves a
// half-written file behind.
//
// # Untrusted text
//
// Contract rosters come from suppliers and recruiters, so their text is
// treated as hostile. In CSV and XLSX a text cell that a spreadsheet program
// could take for a formula (it starts with '=', '+', '-', '@', a tab, CR or
// LF) gets a leading single quote; numbers are written as numbers. HTML is
// rendered by html/template, and the page's Content-Security-Policy allows
// only its own inline style and script. The terminal summary replaces
// control characters, so a roster cannot send escape sequences.
//
// # Determinism
//
// The same report gives the same JSON, CSV, HTML and text bytes, and the
// same XLSX cells: writers list contracts and findings in report order,
// highest risk first (see [Report.EachFinding] and order.go), keep the
// order of the other lists and sort map keys. The run's start time is the
// only time in any output.
//
// # Numbers
//
// Numbers people read are written for them: thousands separators, shares
// as percentages, amounts with their currency code; XLSX cells stay
// numbers with number formats. JSON keeps plain numbers.
package report
