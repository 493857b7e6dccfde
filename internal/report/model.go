package report

import (
	"context"
	"time"

	"github.com/laborcheck/laborcheck/internal/contract"
)

// Report is everything a scan found. Its JSON form (see [WriteJSON]) is a
// public interface: keys are only ever added, never renamed or removed.
type Report struct {
	Summary    Summary              `json:"summary"`
	Inputs     []Input              `json:"inputs"`
	Contracts  []Contract           `json:"contracts"`
	Findings   []Finding            `json:"findings"`
	DataIssues []contract.DataIssue `json:"data_issues"`
	RuleErrors []RuleError          `json:"rule_errors"`
	Suppliers  []Supplier           `json:"suppliers"`
	Rules      []Rule               `json:"rules"`
	Run        Run                  `json:"run"`

	// rows, when set, holds the contracts and findings in place of the
	// Contracts and Findings fields (see UseRows).
	rows *Rows
	// ctx and tempDir are set on the copy of the report that WriteFiles
	// hands its writers: they stop between rows once ctx is cancelled, and
	// keep their own temporary files in tempDir.
	ctx     context.Context
	tempDir string
}

// Summary holds the totals. Contracts = ContractsFlagged + ContractsClear +
// ContractsInsufficient + ContractsWithRuleErrors always holds.
type Summary struct {
	Contracts             int            `json:"contracts"`
	ContractsFlagged      int            `json:"contracts_flagged"`
	ContractsClear        int            `json:"contracts_clear"`
	ContractsInsufficient int            `json:"contracts_insufficient_data"`
	Findings              int            `json:"findings"`
	BySeverity            map[string]int `json:"by_severity"`  // every severity word, zero included
	ByIndicator           map[string]int `json:"by_indicator"` // indicators with at least one finding
	Inputs                int            `json:"inputs"`
	InputsUnreadable      int            `json:"inputs_unreadable"` // files that could not be read at all
	InputsIncomplete      int            `json:"inputs_incomplete"` // files read, but not reviewed in full (see Input.Incomplete)
	InputsDuplicate       int            `json:"inputs_duplicate"`  // byte-identical copies of an earlier input, reviewed once
	SheetsUnreadable      int            `json:"sheets_unreadable"` // sheets that failed inside readable files
	SheetsSkipped         int            `json:"sheets_skipped"`    // sheets without a contract table
	DataIssues            int            `json:"data_issues"`       // cells that could not be read
	RuleErrors            int            `json:"rule_errors"`       // (rule, contract) evaluations that failed
	// ContractsWithRuleErrors counts the contracts a rule failed on and no
	// finding flagged (status rule_error): their review is incomplete, and
	// the scan exits 3 as for an unreadable input.
	ContractsWithRuleErrors int    `json:"contracts_with_rule_errors"`
	FailOn                  string `json:"fail_on"` // the -fail-on threshold
	FindingsAtOrAbove       int    `json:"findings_at_or_above_fail_on"`
	Waived                  int    `json:"waived"` // findings a waiver covers (counted in Findings, not in FindingsAtOrAbove)
}

// Input is one file given to the scan.
type Input struct {
	Path   string   `json:"path"`
	SHA256 string   `json:"sha256"`
	Format string   `json:"format"`          // xlsx, csv, tsv; "" when not recognised
	Error  *string  `json:"error"`           // nil, or why the file could not be read
	Hint   string   `json:"hint,omitempty"`  // what the user can do about Error
	Notes  []string `json:"notes,omitempty"` // e.g. the text encoding chosen for a CSV
	Sheets []Sheet  `json:"sheets"`
	// DuplicateOf names the earlier input whose bytes this one repeats; it
	// was not reviewed a second time.
	DuplicateOf string `json:"duplicate_of,omitempty"`
	// Incomplete says why the file's review is incomplete although it was
	// read: it holds no contracts, its columns let no rule run, or a
	// sheet's coverage is below -min-coverage. Such a file makes the scan
	// exit 3, like an unreadable one.
	Incomplete []string `json:"incomplete,omitempty"`
	// UnrecognisedHeaders are the headers of the sheets concerned that
	// laborcheck did not recognise (their unmapped columns).
	UnrecognisedHeaders []string `json:"unrecognised_headers,omitempty"`
	// InternalError is set when Error, or a sheet's error, is laborcheck's
	// own fault (its reader failed on the file) rather than the file's.
	InternalError bool `json:"internal_error,omitempty"`
	// AmountsConverted counts the file's contracts with an amount set
	// against another in a different currency at the exchange-rate table's
	// rate (see Run.Vocabularies for the table and its date).
	AmountsConverted int `json:"amounts_converted,omitempty"`
}

// Sheet is one sheet of a workbook (a CSV file has one, named "").
type Sheet struct {
	Name      string   `json:"name"`
	HeaderRow int      `json:"header_row"` // 0 when no header was found
	Rows      int      `json:"rows"`       // contracts read from the sheet
	Mapped    []Column `json:"mapped"`
	Unmapped  []Column `json:"unmapped"`
	Hidden    bool     `json:"hidden,omitempty"`
	Skipped   string   `json:"skipped,omitempty"` // why the sheet holds no contracts (not a failure)
	Error     *string  `json:"error,omitempty"`   // why the sheet could not be read (a failure)
	Notes     []string `json:"notes,omitempty"`   // e.g. how ambiguous dates were read
	// RulesChecked counts the per-contract rules the sheet's columns let
	// run, of RulesTotal; both are 0 for a sheet without a roster.
	RulesChecked int `json:"rules_checked"`
	RulesTotal   int `json:"rules_total"`
	// NotChecked lists the rules the sheet's columns do not let run, with
	// the header words of the columns they need; PartlyChecked the rules
	// that run on some of what they read (one side of an "or" lacks its
	// column). Omitted when empty.
	NotChecked    []RuleNeeds `json:"not_checked,omitempty"`
	PartlyChecked []RuleNeeds `json:"partly_checked,omitempty"`
}

// RuleNeeds is a rule a sheet cannot check in full and the headers a roster
// would use for the columns it lacks.
type RuleNeeds struct {
	Rule  string   `json:"rule"`
	Needs []string `json:"needs"`
}

// Column is one header cell and the field it maps to ("" when unmapped).
type Column struct {
	Column string `json:"column"` // A, B, … for sheets; the 1-based position for CSV
	Header string `json:"header"`
	Field  string `json:"field,omitempty"`
	// Method says how a mapped column was matched (alias, words,
	// abbreviation, unit conversion, value evidence, user map);
	// Conversion, the unit, period, currency or inverted question applied.
	Method     string `json:"method,omitempty"`
	Conversion string `json:"conversion,omitempty"`
	// Suggestions are an unmapped column's closest fields, and Reason why
	// it stayed unmapped (or, for a column whose field another column
	// matched better, which one).
	Suggestions []string `json:"suggestions,omitempty"`
	Reason      string   `json:"reason,omitempty"`
}

// Contract is the outcome for one roster row.
type Contract struct {
	File       string  `json:"file"`
	Sheet      string  `json:"sheet"`
	Row        int     `json:"row"`
	ContractID string  `json:"contract_id"`
	WorkerID   string  `json:"worker_id,omitempty"`
	WorkerName string  `json:"worker_name,omitempty"`
	Supplier   string  `json:"supplier,omitempty"` // supplier_name, else employer_name
	Status     string  `json:"status"`             // flagged, clear, insufficient_data or rule_error
	Risk       *string `json:"risk"`               // highest severity of its findings, or nil
	Findings   int     `json:"findings"`
	// RulesChecked counts the rules that reached a decision on the
	// contract (see Sheet.RulesChecked for those its sheet lets run).
	RulesChecked int `json:"rules_checked"`
	// Missing are the roster's own headers of the columns whose blank or
	// unreadable cells left rules undecided, in column order.
	Missing []string `json:"missing,omitempty"`
	// MissingLookups are table lookups that found no value and left rules
	// undecided, e.g. `table min_wage has no row for "MY", "2024"`.
	MissingLookups []string `json:"missing_lookups,omitempty"`
	RuleErrors     int      `json:"rule_errors,omitempty"`
}

// Contract statuses.
const (
	StatusFlagged      = "flagged"
	StatusClear        = "clear"
	StatusInsufficient = "insufficient_data"
	StatusRuleError    = "rule_error" // a rule failed and none flagged
)

// Finding is one rule that flagged one contract.
type Finding struct {
	RuleID     string              `json:"rule_id"`
	Title      string              `json:"title"`
	Indicator  string              `json:"indicator"`
	Severity   string              `json:"severity"`
	Message    string              `json:"message"`
	File       string              `json:"file"`
	Sheet      string              `json:"sheet"`
	Row        int                 `json:"row"`
	ContractID string              `json:"contract_id"`
	WorkerID   string              `json:"worker_id,omitempty"`
	WorkerName string              `json:"worker_name,omitempty"`
	Supplier   string              `json:"supplier,omitempty"`
	Evidence   map[string]Evidence `json:"evidence"`
	References []string            `json:"references"`
	// Remedy is the rule's remedy: what should be done about the finding.
	Remedy string `json:"remedy,omitempty"`
	// Scope is "supplier" for a cross-row finding, which concerns a group
	// of contracts (a supplier's workforce, a shared passport or bank
	// account, an entity-list match); File, Sheet, Row and ContractID then
	// point at the first contract concerned. "" for a contract's own finding.
	Scope string `json:"scope,omitempty"`
	// Contracts lists the contracts a cross-row finding concerns (at most
	// 20); ContractsTotal counts them all.
	Contracts      []ContractRef `json:"contracts,omitempty"`
	ContractsTotal int           `json:"contracts_total,omitempty"`
	// Waived is set when a waiver covers the finding: it stays in the
	// report but does not count towards -fail-on.
	Waived           bool   `json:"waived,omitempty"`
	WaiverReason     string `json:"waiver_reason,omitempty"`
	WaiverApprovedBy string `json:"waiver_approved_by,omitempty"`
	WaiverExpires    string `json:"waiver_expires,omitempty"` // YYYY-MM-DD
	WaiverSource     string `json:"waiver_source,omitempty"`  // file:line of the waiver
}

// Finding scopes.
const (
	ScopeContract = ""
	ScopeSupplier = "supplier"
)

// ContractRef points at one contract.
type ContractRef struct {
	File       string `json:"file"`
	Sheet      string `json:"sheet"`
	Row        int    `json:"row"`
	ContractID string `json:"contract_id"`
}

// Evidence is one field a rule read: the typed value and the cell text.
type Evidence struct {
	Value   any    `json:"value"` // string, number, bool, date "YYYY-MM-DD", or nil when absent
	Raw     string `json:"raw"`
	Derived bool   `json:"derived,omitempty"` // computed from other fields
	// Column and Header name the roster's column the value was read from
	// (its letter, or number for CSV, and its header); Conversion says
	// what reading it took: a unit or period converted, an inverted
	// question, a currency named in the header.
	Column     string `json:"column,omitempty"`
	Header     string `json:"header,omitempty"`
	Conversion string `json:"conversion,omitempty"`
	// Cell is the cell's reference as a spreadsheet shows it, column
	// letter and row ("AN4"; a CSV file's numbered column has its letter
	// too); see CellRef.
	Cell string `json:"cell,omitempty"`
	// Currency is the ISO 4217 code of an amount of money, when its cell,
	// its column's header or the row's currency column names one.
	Currency string `json:"currency,omitempty"`
}

// RuleError is a rule that could not be evaluated on one contract.
type RuleError struct {
	RuleID     string `json:"rule_id"`
	File       string `json:"file"`
	Sheet      string `json:"sheet"`
	Row        int    `json:"row"`
	ContractID string `json:"contract_id"`
	Error      string `json:"error"`
}

// Supplier summarises the contracts of one supplier (or employer).
type Supplier struct {
	Name                  string `json:"name"`
	Contracts             int    `json:"contracts"`
	ContractsFlagged      int    `json:"contracts_flagged"`
	ContractsClear        int    `json:"contracts_clear"`
	ContractsInsufficient int    `json:"contracts_insufficient_data"`
	// ContractsWithRuleErrors: contracts of the supplier with status
	// rule_error.
	ContractsWithRuleErrors int     `json:"contracts_with_rule_errors"`
	Findings                int     `json:"findings"`
	Risk                    *string `json:"risk"`
	// RiskScore ranks suppliers: the severity-weighted findings per
	// contract, coercion indicators counting double (see RiskWeight).
	// Waived findings do not count.
	RiskScore   float64        `json:"risk_score"`
	ByIndicator map[string]int `json:"by_indicator"`
	// FeesPaid counts workers who paid recruitment fees or related costs,
	// FeesNotPaid those with every cost column their roster has recorded
	// and none paid (an explicit 0 is no fee), FeesUnknown the rest. FeePaidShare is FeesPaid / (FeesPaid + FeesNotPaid), nil
	// when no worker's costs are known.
	FeesPaid     int      `json:"fees_paid"`
	FeesNotPaid  int      `json:"fees_not_paid"`
	FeesUnknown  int      `json:"fees_unknown"`
	FeePaidShare *float64 `json:"fee_paid_share"`
	// CrossRowFindings counts the supplier-level findings about the
	// supplier; they are included in Findings and ByIndicator.
	CrossRowFindings int `json:"cross_row_findings"`
	// EntityListMatch is the entity-list entry the supplier or one of its
	// employers matched, when an entity list was given.
	EntityListMatch string `json:"entity_list_match,omitempty"`
	// Coverage is the share of the supplier's per-contract rule checks
	// its rosters' columns allow: rules checkable, summed over its
	// contracts, over rules times contracts.
	Coverage float64 `json:"coverage"`
	// The indicators (domain codes, in the catalogue's order) whose rules
	// the supplier's rosters let laborcheck check: every rule on every
	// contract, some of them, or none.
	IndicatorsChecked    []string `json:"indicators_checked"`
	IndicatorsPartly     []string `json:"indicators_partly_checked"`
	IndicatorsNotChecked []string `json:"indicators_not_checked"`
}

// Rule is one rule of the effective rule set.
type Rule struct {
	ID         string   `json:"id"`
	Title      string   `json:"title"`
	Indicator  string   `json:"indicator"`
	Severity   string   `json:"severity"`
	References []string `json:"references"`
	// Remedy says what should be done about a finding of the rule, e.g.
	// "return passports to workers; reimburse fees".
	Remedy string `json:"remedy,omitempty"`
	Source string `json:"source"` // file:line where the rule is defined
	// Layers lists what later rule files changed, each "file:line: what",
	// e.g. "local.yaml:3: severity high → critical".
	Layers []string `json:"layers,omitempty"`
}

// DisabledRule is a rule a later rule file turned off.
type DisabledRule struct {
	ID         string `json:"id"`
	Source     string `json:"source"`      // file:line where the rule is defined
	DisabledBy string `json:"disabled_by"` // file:line of the disable entry
}

// Run says how the report was made.
type Run struct {
	Version     string    `json:"version"`
	StartedAt   time.Time `json:"started_at"`
	RulesDigest string    `json:"rules_digest"` // sha256 over the rule files, in order
	RuleFiles   []File    `json:"rule_files"`
	Tables      []File    `json:"tables"`
	Options     Options   `json:"options"`
	// DisabledRules are rules of the loaded files that a later file
	// turned off; they did not run.
	DisabledRules []DisabledRule `json:"disabled_rules,omitempty"`
	// WaiverFiles are the waiver files applied, with their digests.
	WaiverFiles []File `json:"waiver_files,omitempty"`
	// Vocabularies are the header and cell-value vocabularies the rosters
	// were read with: the built-in ones with their source and date, and
	// any the user gave with -vocab.
	Vocabularies []Vocabulary `json:"vocabularies,omitempty"`
	// Warnings are things about the run a reader should know, such as an
	// exchange-rate table older than the review date allows.
	Warnings []string `json:"warnings,omitempty"`
}

// Vocabulary is a vocabulary file a run read rosters with.
type Vocabulary struct {
	Path   string `json:"path"`
	Kind   string `json:"kind"` // headers or values, or a reference table's kind (exchange-rates, minimum-ages, …)
	Source string `json:"source,omitempty"`
	AsOf   string `json:"as_of,omitempty"`
	SHA256 string `json:"sha256,omitempty"`
}

// File is a file the run depended on, with its digest.
type File struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
}

// Options records the settings that shaped the run.
type Options struct {
	FailOn  string `json:"fail_on"`
	AsOf    string `json:"as_of,omitempty"`
	Sheet   string `json:"sheet,omitempty"`
	MapFile string `json:"map_file,omitempty"`
	// MinCoverage is the -min-coverage share, 0 when not set.
	MinCoverage float64 `json:"min_coverage,omitempty"`
}
