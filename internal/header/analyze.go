package header

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/laborcheck/laborcheck/internal/contract"
)

// token is one word of a header as written.
type token struct {
	text    string // folded: lower case, accents removed
	upper   bool   // written in capitals ("USD")
	bracket bool   // inside brackets ("Fee (usd)")
	han     bool   // a run of Han characters (segmented later)
	slash   bool   // the "/" between words
}

// analysis is what a header says: the concepts its words name, and the
// unit, period and currency it gives its values.
type analysis struct {
	concepts []string // distinct, in order of appearance
	unit     string   // per_day … per_year, percent; "" for none
	currency string   // ISO 4217 code the header names
	abbrev   bool     // a concept was read through an abbreviation
	spelled  bool     // a concept was read through a spelling correction
	question bool     // the header ends in a question mark
	unknown  []string // concepts that are words the vocabulary does not list
	// corrected are concepts read through a spelling correction only:
	// they weigh less, as "Commerce" may be a word of another language
	// rather than a typo of "commence".
	corrected []string
}

// minSpelled is the shortest word a spelling correction is tried on: short
// words of one language are too often a letter away from another's
// ("suelo", "sueldo").
const minSpelled = 6

func (a *analysis) has(c string) bool { return slices.Contains(a.concepts, c) }

func (a *analysis) addConcept(c string) {
	if !slices.Contains(a.concepts, c) {
		a.concepts = append(a.concepts, c)
	}
}

// tokenize splits a header into words: camelCase, punctuation, line breaks
// and brackets separate them; "&" is "and", "#" is "number", "%" a word of
// its own, "/" is kept as a token to read "Hrs/wk" and "a/c".
func tokenize(s string) []token {
	var out []token
	var cur []rune
	upper, bracket := true, false
	depth := 0
	flush := func() {
		if len(cur) == 0 {
			return
		}
		out = append(out, token{text: foldRunes(cur), upper: upper && len(cur) > 1, bracket: bracket})
		cur, upper = cur[:0], true
	}
	rs := []rune(s)
	for i, r := range rs {
		switch {
		case isHan(r):
			if len(cur) > 0 && !isHan(cur[len(cur)-1]) {
				flush()
			}
			cur = append(cur, r)
			if i+1 == len(rs) || !isHan(rs[i+1]) {
				t := token{text: string(cur), han: true, bracket: bracket}
				out = append(out, t)
				cur, upper = cur[:0], true
			}
			continue
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r):
			if len(cur) > 0 {
				prev := cur[len(cur)-1]
				// camelCase: a lower letter then an upper one; or an upper
				// run then an upper letter starting a lower word ("OTHours").
				if unicode.IsLower(prev) && unicode.IsUpper(r) ||
					unicode.IsUpper(prev) && unicode.IsUpper(r) && i+1 < len(rs) && unicode.IsLower(rs[i+1]) && len(cur) > 1 {
					flush()
				}
			}
			if unicode.IsLetter(r) && !unicode.IsUpper(r) {
				upper = false
			}
			cur = append(cur, r)
		default:
			flush()
			switch r {
			case '(', '[', '{':
				depth++
				bracket = true
			case ')', ']', '}':
				if depth > 0 {
					depth--
				}
				bracket = depth > 0
			case '&', '+':
				out = append(out, token{text: "and"})
			case '#', '№':
				out = append(out, token{text: "number"})
			case '%', '％':
				out = append(out, token{text: "%", bracket: bracket})
			case '/', '／', '\\':
				out = append(out, token{text: "/", slash: true})
			case '?', '？':
				out = append(out, token{text: "?"})
			}
		}
	}
	flush()
	return out
}

// foldRunes lower-cases a word and removes accents ("Número" → "numero").
func foldRunes(rs []rune) string {
	var b strings.Builder
	for _, r := range rs {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		b.WriteRune(unaccent(unicode.ToLower(r)))
	}
	return b.String()
}

// unaccent maps the accented Latin letters of the vocabulary's languages
// to their base letters.
func unaccent(r rune) rune {
	if r < 0xC0 || r > 0x17F {
		return r
	}
	switch r {
	case 'à', 'á', 'â', 'ã', 'ä', 'å', 'ā', 'ă', 'ą':
		return 'a'
	case 'ç', 'ć', 'č':
		return 'c'
	case 'è', 'é', 'ê', 'ë', 'ē', 'ė', 'ę', 'ě':
		return 'e'
	case 'ì', 'í', 'î', 'ï', 'ī', 'į':
		return 'i'
	case 'ñ', 'ń', 'ň':
		return 'n'
	case 'ò', 'ó', 'ô', 'õ', 'ö', 'ø', 'ō', 'ő':
		return 'o'
	case 'ù', 'ú', 'û', 'ü', 'ū', 'ů', 'ű':
		return 'u'
	case 'ý', 'ÿ':
		return 'y'
	case 'š', 'ś':
		return 's'
	case 'ž', 'ź', 'ż':
		return 'z'
	case 'ł':
		return 'l'
	case 'ß':
		return 's'
	}
	return r
}

func isHan(r rune) bool { return unicode.Is(unicode.Han, r) }

func hanLen(s string) int {
	n := 0
	for _, r := range s {
		if isHan(r) {
			n++
		}
	}
	return n
}

// foldPhrase folds a vocabulary entry the way headers are folded: its words
// joined by single spaces. "D.O.B." is "d o b", "a/c" is "a / c".
func foldPhrase(s string) string {
	toks := tokenize(s)
	parts := make([]string, 0, len(toks))
	for _, t := range toks {
		if t.text == "?" {
			continue
		}
		parts = append(parts, t.text)
	}
	return strings.Join(parts, " ")
}

func foldConcept(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// segmentHan splits a run of Han characters into the longest words the
// vocabulary knows; characters it does not know stand alone.
func (v *Vocabulary) segmentHan(s string, bracket bool) []token {
	rs := []rune(s)
	var out []token
	for i := 0; i < len(rs); {
		n := min(v.maxHan, len(rs)-i)
		for ; n > 1; n-- {
			if _, ok := v.words[string(rs[i:i+n])]; ok {
				break
			}
		}
		if n < 1 {
			n = 1
		}
		out = append(out, token{text: string(rs[i : i+n]), han: true, bracket: bracket})
		i += n
	}
	return out
}

// maxHeaderBytes bounds how much of a cell is read as a header.
const maxHeaderBytes = 256

// analyze reads a header into concepts, unit and currency.
func (v *Vocabulary) analyze(h string) analysis {
	var a analysis
	h = strings.TrimSpace(h)
	a.question = strings.HasSuffix(h, "?") || strings.HasSuffix(h, "？") || strings.HasPrefix(h, "¿")
	if isSpreadsheetError(h) {
		return a // "#REF!" is a broken formula, not a header
	}
	if len(h) > maxHeaderBytes {
		h = h[:maxHeaderBytes] // a header is a few words; a long cell is text
	}
	var toks []token
	for _, t := range tokenize(h) {
		if t.han {
			toks = append(toks, v.segmentHan(t.text, t.bracket)...)
		} else {
			toks = append(toks, t)
		}
	}
	toks = dropFormRef(toks)
	a.currency = headerCurrency(h)
	pendingLead := false // "per", "a", "/" before a period word
	for i := 0; i < len(toks); {
		t := toks[i]
		if t.text == "?" {
			i++
			continue
		}
		n, e, ok := v.longest(toks, i)
		if ok && (n > 1 || !v.leads[t.text]) {
			i += n
			lead := pendingLead
			pendingLead = false
			switch e.kind {
			case kindStop:
				continue
			case kindUnit:
				a.unit = e.concept
				continue
			}
			if u := periodWords[e.concept]; lead && u != "" {
				a.unit = u
				continue
			}
			if e.concept == "percent" {
				a.unit = "percent"
				continue
			}
			if e.kind == kindAbbrev {
				a.abbrev = true
			}
			a.addConcept(e.concept)
			continue
		}
		i++
		if v.leads[t.text] || t.slash {
			pendingLead = true
			continue
		}
		pendingLead = false
		v.unknown(&a, t)
	}
	return a
}

// longest finds the longest vocabulary entry made of the tokens from i.
func (v *Vocabulary) longest(toks []token, i int) (int, entry, bool) {
	for n := min(v.maxPhrase, len(toks)-i); n >= 1; n-- {
		parts := make([]string, 0, n)
		for _, t := range toks[i : i+n] {
			parts = append(parts, t.text)
		}
		if e, ok := v.words[strings.Join(parts, " ")]; ok {
			return n, e, true
		}
	}
	return 0, entry{}, false
}

// unknown handles a word the vocabulary does not list: a number is
// dropped, a currency code taken, a plural or a misspelling of a known word
// read as that word, and anything else kept as a concept of its own.
func (v *Vocabulary) unknown(a *analysis, t token) {
	w := t.text
	if w == "" || allDigits(w) {
		return
	}
	if !t.han {
		if c := currencyCode(w); c != "" {
			a.currency = c
			return
		}
	}
	for _, suffix := range []string{"es", "s"} {
		if stem, ok := strings.CutSuffix(w, suffix); ok && len(stem) >= 3 {
			if e, ok := v.words[stem]; ok && (e.kind == kindWord || e.kind == kindAbbrev) {
				a.addConcept(e.concept)
				return
			}
		}
	}
	if !t.han && utf8.RuneCountInString(w) >= minSpelled && !hasDigitByte(w) {
		if c := v.spelling(w); c != "" {
			a.spelled = true
			if !a.has(c) {
				a.addConcept(c)
				a.corrected = append(a.corrected, c)
			}
			return
		}
	}
	if stem, ok := strings.CutSuffix(w, "s"); ok && len(stem) >= 3 {
		w = stem
	}
	a.addConcept(w)
	if !slices.Contains(a.unknown, w) {
		a.unknown = append(a.unknown, w)
	}
}

// spelling finds a known word one edit away from w (two for long words),
// when exactly one concept is that near; a swap of two neighbouring letters
// ("contarct") counts as one edit. When words of several concepts are near,
// the nearest wins, and a tie leaves w unread. Words are looked up among
// those of the same first letter: a typo rarely starts a word.
func (v *Vocabulary) spelling(w string) string {
	limit := 1
	if utf8.RuneCountInString(w) >= 9 {
		limit = 2
	}
	found, best, tie := "", limit+1, false
	for _, k := range v.latin[w[0]] {
		if d := len(k) - len(w); d > limit || -d > limit {
			continue
		}
		d := editDistanceWithin(w, k, limit)
		if d > limit {
			continue
		}
		c := v.words[k].concept
		switch {
		case d < best:
			found, best, tie = c, d, false
		case d == best && c != found:
			tie = true
		}
	}
	if tie {
		return ""
	}
	return found
}

// editDistanceWithin returns the edit distance of a and b, counting a swap
// of two neighbouring letters as one edit, or limit+1 when it is over limit,
// without allocating for words of up to 63 bytes.
func editDistanceWithin(a, b string, limit int) int {
	if len(a) > 63 || len(b) > 63 {
		return min(contract.EditDistance(a, b), limit+1)
	}
	var pprevBuf, prevBuf, curBuf [64]int
	pprev, prev, cur := pprevBuf[:len(b)+1], prevBuf[:len(b)+1], curBuf[:len(b)+1]
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], pprev[j-2]+1)
			}
			rowMin = min(rowMin, cur[j])
		}
		if rowMin > limit {
			return limit + 1
		}
		pprev, prev, cur = prev, cur, pprev
	}
	return min(prev[len(b)], limit+1)
}

func hasDigitByte(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			return true
		}
	}
	return false
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// headerCurrency finds a currency the header names in brackets ("Fee
// (USD)", "Salary [RM]") or as a symbol ("Deposit $").
func headerCurrency(h string) string {
	for _, p := range [][2]string{{"(", ")"}, {"[", "]"}} {
		if i := strings.LastIndex(h, p[0]); i >= 0 {
			if j := strings.Index(h[i:], p[1]); j > 0 {
				if c := currencyCode(h[i+1 : i+j]); c != "" {
					return c
				}
			}
		}
	}
	for _, r := range h {
		if unicode.Is(unicode.Sc, r) {
			if c := contract.CurrencyCode(string(r)); c != "" {
				return c
			}
		}
	}
	return ""
}

// headerCodes are currency names rosters write in headers that
// contract.CurrencyCode does not know: Taiwanese rosters write "NTD".
var headerCodes = map[string]string{"ntd": "TWD"}

// currencyCode is contract.CurrencyCode, with headerCodes.
func currencyCode(s string) string {
	if c := contract.CurrencyCode(s); c != "" {
		return c
	}
	return headerCodes[strings.ToLower(strings.TrimSpace(s))]
}

// formRefs are the words that, before a number, cite a part of a form
// ("Section 4(b) Written contract provided"): the citation says nothing of
// the column, and "section" would otherwise read as a department.
var formRefs = map[string]bool{"section": true, "part": true, "clause": true, "article": true, "question": true}

// dropFormRef drops a leading citation of a form's part: its word, its
// number and a bracketed letter after it ("Section 4(b)").
func dropFormRef(toks []token) []token {
	if len(toks) < 3 || !formRefs[toks[0].text] || !allDigits(toks[1].text) {
		return toks
	}
	i := 2
	for i < len(toks)-1 && toks[i].bracket && utf8.RuneCountInString(toks[i].text) == 1 {
		i++
	}
	return toks[i:]
}

// isSpreadsheetError reports the error values a spreadsheet shows in place
// of a formula's result.
func isSpreadsheetError(h string) bool {
	switch strings.ToUpper(h) {
	case "#REF!", "#N/A", "#NA", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#UNKNOWN!":
		return true
	}
	return false
}
