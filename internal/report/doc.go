// Package report holds the result of a scan as plain data ([Report]) and
// writes it as JSON, CSV, XLSX, HTML or a terminal summary. Writers never see
// live input: every string from a roster is escaped for its format.
package report
