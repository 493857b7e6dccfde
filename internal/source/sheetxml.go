package source

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

// What a workbook cell holds, as laborcheck reads it.

// cellKind is what a workbook cell holds.
type cellKind uint8

const (
	cellText      cellKind = iota // a string, a formula's string result
	cellNumber                    // a number shown as a number
	cellDate                      // a number shown as a date, or an ISO date cell (t="d"): the text is its ISO date
	cellTime                      // a number shown as a time of day: the text is hh:mm[:ss]
	cellElapsed                   // a number shown as a duration ([h]:mm): the text is h:mm, Parse reads hours
	cellBool                      // TRUE or FALSE
	cellError                     // an error value such as #N/A
	cellUncached                  // a formula never calculated: no text, and the value is unknown
	cellBadShared                 // a shared string the workbook does not have: no text, and the value is unknown
)

// cellMeta is what a workbook cell says beyond its text.
type cellMeta struct {
	kind cellKind
	cut  bool // the text was longer than a cell holds and is cut to MaxCellChars characters
	// key names the text Fill reads (the text, or stored where that is
	// read) within its workbook, for the parse memo to look its reading up
	// by (see sharedMemo): one more than the index of a shared string in
	// the workbook's table (xlsx.Cell.Shared); minus one less than the
	// slot of the producer's strTable that holds the text; 0 for neither.
	key      int32
	stored   string // cellDate: the serial as stored; cellElapsed: the hours; what Parse reads
	currency string // cellNumber: the currency the cell's number format names
}

// normalizeNumber renders a stored number as spreadsheets show it in the
// General format, as excelize does: without exponent unless it has more
// than 15 significant digits. ok is false when v is not a number.
func normalizeNumber(v string) (string, float64, bool) {
	if strings.Contains(v, "_") {
		return v, 0, false
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return v, 0, false
	}
	plain := strconv.FormatFloat(f, 'f', -1, 64)
	if prec := len(plain) - strings.Count(plain, "."); prec > 15 && !wholeWithin15(v) {
		return strconv.FormatFloat(f, 'G', 15, 64), f, true
	}
	return plain, f, true
}

// wholeWithin15 reports an integer with at most 15 significant digits
// before trailing zeros, which a spreadsheet shows in full.
func wholeWithin15(s string) bool {
	if strings.ContainsAny(s, ".Ee") {
		return false
	}
	s = strings.TrimLeft(s, "+-0")
	return len(strings.TrimRight(s, "0")) <= 15
}

// isoDate renders a date serial as an ISO date, or returns fallback when it
// is not a date.
func isoDate(f float64, fallback string, date1904 bool) string {
	t, err := excelize.ExcelDateToTime(f, date1904)
	if err != nil || t.Year() < 1900 || t.Year() > 9999 {
		return fallback
	}
	return t.Format(time.DateOnly)
}

// clockTime renders the time-of-day part of a serial as hh:mm or hh:mm:ss.
func clockTime(f float64) string {
	secs := int64(math.Round((f - math.Floor(f)) * 86400))
	if secs >= 86400 {
		secs = 0
	}
	h, m, sec := secs/3600, secs/60%60, secs%60
	if sec == 0 {
		return fmt.Sprintf("%02d:%02d", h, m)
	}
	return fmt.Sprintf("%02d:%02d:%02d", h, m, sec)
}

// elapsedTime renders a duration in days as hours and minutes: 2 → "48:00".
func elapsedTime(f float64) string {
	sign := ""
	if f < 0 {
		sign, f = "-", -f
	}
	mins := int64(math.Round(f * 24 * 60))
	return fmt.Sprintf("%s%d:%02d", sign, mins/60, mins%60)
}
