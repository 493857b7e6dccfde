package rules

// Limits on what a rule file may ask of laborcheck. Rule files, their
// tables and the rosters they run on can come from anyone, so each of these
// keeps loading and evaluating them to bounded time and memory. They are
// listed in rules/README.md under "Safety and limits".
const (
	// MaxExpressionDepth is how deeply an expression may nest: brackets
	// inside brackets, or calls and operators inside one another. CEL's
	// parser refuses deeper expressions; lint reports them with their
	// depth.
	MaxExpressionDepth = 100

	// MaxExpressionLength is the longest expression, in characters.
	MaxExpressionLength = 10_000

	// MaxYAMLFileSize is the largest YAML file read, in bytes: a rule file,
	// a waiver file (-waivers) or a mapping file (-map). Parsing YAML takes
	// many times the file's size in memory.
	MaxYAMLFileSize = 2 << 20

	// MaxTableSize is the largest table file read, in bytes: a rule file's
	// lookup table, the -min-wage table or the -entity-list.
	MaxTableSize = 64 << 20

	// MaxCellText is the longest text a contract field holds, in
	// characters: Excel's limit for a cell, which the roster readers
	// enforce. Runtime cost limits are set so that a rule within the
	// budget completes on text of this length (see [Env.Compile]).
	MaxCellText = 32_767

	// LongCostFactor times the cost budget (DefaultCostBudget) bounds a
	// rule's estimated cost on text of MaxCellText characters, as the
	// budget does on text of MaxTextSize: a rule whose cost grows faster
	// than the text it reads does not load.
	LongCostFactor = 100
)
