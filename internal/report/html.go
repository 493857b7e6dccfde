package report

import (
	"bufio"
	"cmp"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"html/template"
	"io"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/laborcheck/laborcheck/internal/contract"
)

var (
	//go:embed html.tmpl
	htmlTemplateText string
	//go:embed html.css
	htmlCSS string
	//go:embed html.js
	htmlJS string

	htmlTemplate = template.Must(template.New("report").Funcs(template.FuncMap{"num": thousands}).Parse(htmlTemplateText))

	// htmlCSP allows nothing but the page's own inline style and script,
	// pinned by their hashes: the report loads nothing from anywhere, and
	// even markup that slipped through escaping could not run.
	htmlCSP = "default-src 'none'; style-src '" + cspHash(htmlCSS) + "'; script-src '" +
		cspHash(htmlJS) + "'; img-src data:; base-uri 'none'; form-action 'none'"
)

func cspHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
}

// htmlListLimit caps the data issues and rule errors the HTML report lists;
// the JSON and XLSX reports hold them all.
const htmlListLimit = 1000

// chartColours are the bar colours of each severity in the HTML charts:
// stronger than the table fills (severityColours) so bars read on white.
var chartColours = map[string]string{
	"critical": "#b71c1c",
	"high":     "#e65100",
	"medium":   "#f9a825",
	"low":      "#1565c0",
	"info":     "#757575",
}

const chartDefaultColour = "#2f5597"

// WriteHTML writes r as one self-contained HTML page: summary tiles, bar
// charts (inline SVG) of findings by indicator, severity and supplier, the
// suppliers with their risk score and coverage, the inputs and how they were
// read, data issues, rule errors, the rules and the run, all as HTML; and
// every finding and every contract that is not clear, highest risk first, in
// compact data islands that the page's own script pages, filters and
// searches (clear contracts are counted, not listed). It loads nothing from
// the network, and its Content-Security-Policy forbids it to.
//
// The page is written as the report is read: findings and contracts go
// straight from the report's rows into the islands, so a review of hundreds
// of thousands of contracts is never held in memory as HTML. Report text is
// escaped by html/template in the page, and written as JSON strings with
// '<', '>' and '&' escaped in the islands, so neither can close a script
// element; the script sets text, never markup.
func WriteHTML(w io.Writer, r *Report) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	v := newHTMLView(r)
	if err := htmlTemplate.ExecuteTemplate(bw, "page", v); err != nil {
		return err
	}
	if err := writeIslands(bw, r); err != nil {
		return err
	}
	if err := htmlTemplate.ExecuteTemplate(bw, "end", v); err != nil {
		return err
	}
	return bw.Flush()
}

type htmlView struct {
	Version, StartedAt, RulesDigest string
	Run                             Run
	Summary                         Summary
	FailOn                          string
	Tiles                           []htmlTile
	Charts                          []htmlChart
	Findings                        string // the number of findings, for people
	Listed                          string // contracts listed: not clear
	Clear                           string
	Suppliers                       []htmlSupplier
	Inputs                          []htmlInput
	Sheets                          []htmlSheet
	DataIssues                      []contract.DataIssue
	DataIssuesMore                  int
	RuleErrors                      []RuleError
	RuleErrorsMore                  int
	Rules                           []Rule
	DisabledRules                   []DisabledRule
	Incomplete                      []htmlIncomplete
	CoverageGaps                    bool // some supplier's rosters leave indicators unchecked
	CSS                             template.CSS
	JS                              template.JS
	CSP                             string
}

type htmlTile struct {
	Label string
	Value string
	Tone  string // CSS class suffix: flagged, clear, insufficient, neutral, alert
	Note  string
}

type htmlSupplier struct {
	Supplier
	RiskWord  string
	Score     string
	Share     string // the fee-paid share as a percentage, "" when unknown
	FeesKnown int    // workers whose recruitment costs are known
	// CoverageShare is Coverage as a percentage; the lists hold indicator
	// codes.
	CoverageShare                  string
	Checked, Partly, NotCheckedInd []string
}

type htmlInput struct {
	Input
	Status    string
	ErrorText string
	Contracts int
}

type htmlSheet struct {
	File     string
	Sheet    Sheet
	Status   string
	Reason   string
	Unmapped string
}

// htmlIncomplete is a file whose review is incomplete.
type htmlIncomplete struct {
	Path         string
	Reasons      []string
	Unrecognised string
}

type htmlChart struct {
	ID, Title   string
	Width       int
	Span        int // the width of a full bar
	Height      int
	Bars        []htmlBar
	Empty, More string
}

type htmlBar struct {
	Label, Full  string
	Value        int
	Shown        string // Value for people
	Y, W, ValueX int
	Colour       string
}

func newHTMLView(r *Report) *htmlView {
	s := r.Summary
	v := &htmlView{
		Version:     r.Run.Version,
		StartedAt:   r.Run.StartedAt.UTC().Format(time.RFC3339),
		RulesDigest: r.Run.RulesDigest,
		Run:         r.Run,
		Summary:     s,
		FailOn:      cmp.Or(s.FailOn, r.Run.Options.FailOn),
		Rules:       r.Rules,
		Findings:    thousands(r.NumFindings()),
		Listed:      thousands(s.ContractsFlagged + s.ContractsInsufficient + s.ContractsWithRuleErrors),
		Clear:       thousands(s.ContractsClear),
		CSS:         template.CSS(htmlCSS),
		JS:          template.JS(htmlJS),
		CSP:         htmlCSP,
	}
	tile := func(label string, n int, tone, note string) htmlTile {
		return htmlTile{Label: label, Value: thousands(n), Tone: tone, Note: note}
	}
	v.Tiles = []htmlTile{
		tile("Contracts", s.Contracts, "neutral", ""),
		tile("Flagged", s.ContractsFlagged, "flagged", "at least one risk indicator"),
		tile("Insufficient data", s.ContractsInsufficient, "insufficient", "rules could not decide"),
		tile("Clear", s.ContractsClear, "clear", "no indicator found"),
	}
	if s.ContractsWithRuleErrors > 0 {
		v.Tiles = append(v.Tiles, tile("Rule errors", s.ContractsWithRuleErrors, "flagged", "a rule failed: review incomplete"))
	}
	v.Tiles = append(v.Tiles,
		tile("Findings", s.Findings, "neutral", ""),
		tile("At or above "+cmp.Or(v.FailOn, "fail-on"), s.FindingsAtOrAbove, alertIf(s.FindingsAtOrAbove), failOnNote(s.Waived)),
		tile("Unreadable inputs", s.InputsUnreadable+s.SheetsUnreadable, alertIf(s.InputsUnreadable+s.SheetsUnreadable),
			plural(s.InputsUnreadable, "file", "files")+" and "+plural(s.SheetsUnreadable, "sheet", "sheets")+" of "+plural(s.Inputs, "input", "inputs")),
		tile("Incomplete inputs", s.InputsIncomplete, alertIf(s.InputsIncomplete), "files read but not reviewed in full"),
		tile("Data issues", s.DataIssues, alertIf(s.DataIssues), "cells that could not be read"),
	)
	v.Charts = htmlCharts(r)

	for _, i := range supplierOrder(r) {
		sup := r.Suppliers[i]
		hs := htmlSupplier{Supplier: sup, RiskWord: deref(sup.Risk), Score: score(sup.RiskScore), FeesKnown: sup.FeesPaid + sup.FeesNotPaid}
		if sup.FeePaidShare != nil {
			hs.Share = percent(*sup.FeePaidShare)
		}
		hs.CoverageShare = percent(sup.Coverage)
		hs.Checked, hs.Partly, hs.NotCheckedInd = sup.IndicatorsChecked, sup.IndicatorsPartly, sup.IndicatorsNotChecked
		if len(sup.IndicatorsPartly)+len(sup.IndicatorsNotChecked) > 0 {
			v.CoverageGaps = true
		}
		v.Suppliers = append(v.Suppliers, hs)
	}
	v.DisabledRules = r.Run.DisabledRules

	for _, in := range r.Inputs {
		hi := htmlInput{Input: in, Status: "read", ErrorText: deref(in.Error)}
		if in.Error != nil {
			hi.Status = "unreadable"
		}
		if len(in.Incomplete) > 0 {
			hi.Status = "incomplete"
			v.Incomplete = append(v.Incomplete, htmlIncomplete{Path: in.Path, Reasons: in.Incomplete,
				Unrecognised: strings.Join(in.UnrecognisedHeaders, ", ")})
		}
		for _, sh := range in.Sheets {
			hi.Contracts += sh.Rows
			hs := htmlSheet{File: in.Path, Sheet: sh, Status: sheetStatus(sh), Reason: sh.Skipped}
			if sh.Error != nil {
				hs.Reason = *sh.Error
			}
			names := make([]string, len(sh.Unmapped))
			for i, c := range sh.Unmapped {
				names[i] = c.Header
			}
			hs.Unmapped = strings.Join(names, ", ")
			v.Sheets = append(v.Sheets, hs)
		}
		v.Inputs = append(v.Inputs, hi)
	}
	v.DataIssues, v.DataIssuesMore = capList(r.DataIssues, htmlListLimit)
	v.RuleErrors, v.RuleErrorsMore = capList(r.RuleErrors, htmlListLimit)
	return v
}

func failOnNote(waived int) string {
	if waived == 0 {
		return "the fail-on threshold"
	}
	return "the fail-on threshold; " + plural(waived, "waived finding", "waived findings") + " not counted"
}

// contractLabel is " (id)" for a contract ID, "" without one.
func contractLabel(id string) string {
	if id == "" {
		return ""
	}
	return " (" + id + ")"
}

func alertIf(n int) string {
	if n > 0 {
		return "alert"
	}
	return "neutral"
}

func capList[T any](s []T, n int) ([]T, int) {
	if len(s) <= n {
		return s, 0
	}
	return s[:n], len(s) - n
}

// htmlSupplierBars caps the supplier chart; the supplier with most findings
// come first.
const htmlSupplierBars = 12

func htmlCharts(r *Report) []htmlChart {
	var ind, sev, sup []htmlBar
	for _, c := range indicatorCounts(r.Summary.ByIndicator) {
		ind = append(ind, htmlBar{Label: humanIndicator(c.Name), Full: c.Name, Value: c.N, Shown: thousands(c.N), Colour: chartDefaultColour})
	}
	total := 0
	for _, c := range severityCounts(r.Summary.BySeverity) {
		sev = append(sev, htmlBar{Label: c.Name, Full: c.Name, Value: c.N, Shown: thousands(c.N), Colour: cmp.Or(chartColours[c.Name], chartDefaultColour)})
		total += c.N
	}
	if total == 0 {
		sev = nil
	}
	suppliers := slices.Clone(r.Suppliers)
	slices.SortStableFunc(suppliers, func(a, b Supplier) int {
		return cmp.Or(cmp.Compare(b.Findings, a.Findings), cmp.Compare(a.Name, b.Name))
	})
	more := 0
	for _, s := range suppliers {
		if s.Findings == 0 {
			continue
		}
		if len(sup) == htmlSupplierBars {
			more++
			continue
		}
		sup = append(sup, htmlBar{Label: s.Name, Full: s.Name, Value: s.Findings, Shown: thousands(s.Findings),
			Colour: cmp.Or(chartColours[deref(s.Risk)], chartDefaultColour)})
	}
	charts := []htmlChart{
		newChart("chart-indicator", "Findings by indicator", ind, "No findings."),
		newChart("chart-severity", "Findings by severity", sev, "No findings."),
		newChart("chart-supplier", "Findings by supplier", sup, "No findings with a supplier or employer."),
	}
	if more > 0 {
		charts[2].More = thousands(more) + " more suppliers with findings are in the supplier table below."
	}
	return charts
}

// Chart geometry, in SVG user units: each bar has its label on a line above
// it, so long indicator and supplier names need no truncation up to
// chartLabelRunes.
const (
	chartWidth      = 420
	chartStep       = 40
	chartBarHeight  = 14
	chartValueRoom  = 48
	chartLabelRunes = 58
)

func newChart(id, title string, bars []htmlBar, empty string) htmlChart {
	c := htmlChart{ID: id, Title: title, Width: chartWidth, Bars: bars, Empty: empty}
	c.Height = 8 + chartStep*len(bars)
	maxV := 0
	for _, b := range bars {
		maxV = max(maxV, b.Value)
	}
	span := chartWidth - chartValueRoom
	c.Span = span
	for i := range c.Bars {
		b := &c.Bars[i]
		b.Y = 4 + chartStep*i
		if maxV > 0 {
			b.W = b.Value * span / maxV
		}
		if b.Value > 0 {
			b.W = max(b.W, 2)
		}
		b.ValueX = b.W + 6
		b.Label = truncateRunes(b.Label, chartLabelRunes)
	}
	return c
}

// humanIndicator turns an indicator code into words: "debt_bondage" becomes
// "Debt bondage".
func humanIndicator(code string) string {
	s := strings.ReplaceAll(code, "_", " ")
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError {
		return s
	}
	return strings.ToUpper(string(r)) + s[n:]
}

// truncateRunes shortens s to at most n runes, ending in "…" when cut.
func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	rs := []rune(s)
	return string(rs[:n-1]) + "…"
}
