package contract

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"unicode"
	"unicode/utf8"
)

var (
	errNotMoney     = errors.New("not an amount of money")
	errMoneyPercent = errors.New("a percentage, not an amount of money")
)

// isoCodes lists the ISO 4217 codes of current currencies.
const isoCodes = "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB " +
	"BRL BSD BTN BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN " +
	"ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK " +
	"JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD " +
	"MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR " +
	"PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP " +
	"SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XCG " +
	"XOF XPF YER ZAR ZMW ZWG ZWL"

// wordCodes are ISO codes that are also English words. They name a currency
// only when written in capitals ("TRY 500", not "try"); "ALL" never does, as
// "(all)" and "(ALL)" in headers mean every item far more often than leks.
var wordCodes = map[string]bool{
	"all": true, "top": true, "try": true, "cup": true, "mop": true, "pen": true, "gel": true,
	"mad": true, "bam": true, "lak": true, "sos": true, "bob": true, "std": true, "cop": true,
	"rub": true, "ron": true, "nad": true,
}

// Signs shared by several currencies.
var (
	dollarFamily = []string{"USD", "SGD", "HKD", "AUD", "CAD", "NZD", "TWD", "MXN", "BND",
		"FJD", "LRD", "NAD", "JMD", "TTD", "BSD", "BBD", "BZD", "GYD", "SRD", "XCD", "KYD", "SBD"}
	yenFamily    = []string{"CNY", "JPY"}
	rupeeFamily  = []string{"INR", "NPR", "PKR", "LKR", "MUR", "SCR"}
	pesoFamily   = []string{"PHP", "MXN", "COP", "CLP", "ARS", "DOP", "CUP", "UYU"}
	kronaFamily  = []string{"SEK", "NOK", "DKK", "ISK"}
	riyalFamily  = []string{"SAR", "QAR", "OMR", "YER", "IRR"}
	dirhamFamily = []string{"AED", "MAD"}
	dinarFamily  = []string{"KWD", "BHD", "JOD", "IQD", "LYD", "TND", "RSD", "DZD"}
	poundFamily  = []string{"GBP", "EGP", "LBP", "SDG", "SSP", "SYP"}
)

// currency is what a symbol, name or code says about the currency.
type currency struct {
	code   string   // the ISO code, or the usual one for a shared sign ("$": USD); "" if none is usual
	family []string // the codes a shared sign may stand for; nil for an exact name
}

// currencies maps lower-case signs, names and local abbreviations to
// currencies. ISO codes are added by init.
var currencies = map[string]currency{
	"$": {"USD", dollarFamily}, "us$": {"USD", nil}, "u$s": {"USD", nil}, "dollar": {"USD", dollarFamily},
	"dollars": {"USD", dollarFamily}, "s$": {"SGD", nil}, "sg$": {"SGD", nil}, "hk$": {"HKD", nil},
	"nt$": {"TWD", nil}, "a$": {"AUD", nil}, "au$": {"AUD", nil}, "c$": {"CAD", nil},
	"ca$": {"CAD", nil}, "can$": {"CAD", nil}, "nz$": {"NZD", nil}, "mx$": {"MXN", nil},
	"€": {"EUR", nil}, "euro": {"EUR", nil}, "euros": {"EUR", nil},
	"£": {"GBP", poundFamily}, "pound": {"GBP", poundFamily}, "pounds": {"GBP", poundFamily},
	"¥": {"", yenFamily}, "￥": {"", yenFamily}, "元": {"CNY", nil}, "rmb": {"CNY", nil},
	"yuan": {"CNY", nil}, "renminbi": {"CNY", nil}, "cn¥": {"CNY", nil}, "円": {"JPY", nil},
	"yen": {"JPY", nil}, "jp¥": {"JPY", nil},
	"₹": {"INR", nil}, "₨": {"", rupeeFamily}, "rs": {"", rupeeFamily}, "rupee": {"", rupeeFamily},
	"rupees": {"", rupeeFamily}, "nrs": {"NPR", nil}, "re": {"", rupeeFamily},
	"rp": {"IDR", nil}, "rupiah": {"IDR", nil}, "rm": {"MYR", nil}, "ringgit": {"MYR", nil},
	"tk": {"BDT", nil}, "jd": {"JOD", nil}, "fcfa": {"", []string{"XOF", "XAF"}}, "cfa": {"", []string{"XOF", "XAF"}}, "৳": {"BDT", nil}, "taka": {"BDT", nil},
	"₱": {"PHP", nil}, "peso": {"", pesoFamily}, "pesos": {"", pesoFamily},
	"฿": {"THB", nil}, "baht": {"THB", nil}, "₫": {"VND", nil}, "đ": {"VND", nil},
	"dong": {"VND", nil}, "₩": {"KRW", nil}, "won": {"KRW", nil}, "ks": {"MMK", nil},
	"kyat": {"MMK", nil}, "kyats": {"MMK", nil}, "៛": {"KHR", nil}, "riel": {"KHR", nil},
	"kip": {"LAK", nil}, "₭": {"LAK", nil},
	"sr": {"SAR", nil}, "qr": {"QAR", nil}, "kd": {"KWD", nil}, "dhs": {"AED", nil},
	"dh": {"", dirhamFamily}, "dirham": {"", dirhamFamily}, "dirhams": {"", dirhamFamily},
	"riyal": {"", riyalFamily}, "riyals": {"", riyalFamily}, "rial": {"", riyalFamily},
	"dinar": {"", dinarFamily}, "dinars": {"", dinarFamily},
	"kr": {"", kronaFamily}, "₦": {"NGN", nil}, "naira": {"NGN", nil}, "ksh": {"KES", nil},
	"kshs": {"KES", nil}, "ush": {"UGX", nil}, "tsh": {"TZS", nil}, "₺": {"TRY", nil},
	"₽": {"RUB", nil}, "₴": {"UAH", nil}, "zł": {"PLN", nil}, "kč": {"CZK", nil},
	"₸": {"KZT", nil}, "₮": {"MNT", nil}, "₾": {"GEL", nil}, "₪": {"ILS", nil},
}

func init() {
	for _, c := range strings.Fields(isoCodes) {
		k := strings.ToLower(c)
		if k == "all" {
			continue
		}
		if _, ok := currencies[k]; !ok {
			currencies[k] = currency{code: c}
		}
	}
}

// dotThousandsCurrencies write amounts as 1.234,56, so "1.200" is 1200.
var dotThousandsCurrencies = map[string]bool{
	"EUR": true, "IDR": true, "VND": true, "BRL": true, "ARS": true, "CLP": true, "COP": true,
	"PYG": true, "UYU": true, "TRY": true, "DKK": true, "ISK": true, "RSD": true, "RON": true,
	"BOB": true, "MKD": true, "BAM": true,
}

// threeDecimalCurrencies have 1/1000 minor units, so "120.500" is 120.5.
var threeDecimalCurrencies = map[string]bool{
	"BHD": true, "IQD": true, "JOD": true, "KWD": true, "LYD": true, "OMR": true, "TND": true,
}

// lookupCurrency finds the currency a single token names: a sign, a name or
// an ISO code, in any case ("usd", "Rs.", "RM", "€"), except codes that are
// also English words ([wordCodes]), which count only in capitals.
func lookupCurrency(tok string) (currency, bool) {
	tok = strings.TrimSuffix(tok, ".")
	if tok == "" || len(tok) > 24 {
		return currency{}, false
	}
	var buf [32]byte
	k := buf[:0]
	upper := true
	for _, r := range tok {
		if unicode.IsLower(r) {
			upper = false
		}
		k = utf8.AppendRune(k, unicode.ToLower(r))
	}
	if wordCodes[string(k)] && !upper {
		return currency{}, false
	}
	c, ok := currencies[string(k)]
	return c, ok
}

// CurrencyCode returns the ISO 4217 code that s names, or "" when it names
// none or several. s is a code ("USD", "usd"), a sign ("$", "€", "£", "₹"),
// a local abbreviation ("RM" for MYR, "Rp" for IDR, "Tk" for BDT, "Ks" for
// MMK, "SR" for SAR) or a name ("ringgit"), alone or among other words, as
// in a header's unit "(USD per month)".
//
// A sign that several currencies share gives its usual currency ("$" is USD,
// "£" is GBP) or, where none is usual, "": "Rs" and "₨" (Indian, Nepalese,
// Pakistani, Sri Lankan… rupees), "¥" (yuan or yen), "kr", "riyal",
// "dinar". Money cells with such a sign take the column's currency when the
// sign can stand for it.
func CurrencyCode(s string) string {
	s = trim(s)
	if s == "" {
		return ""
	}
	if c, ok := lookupCurrency(s); ok {
		return c.code
	}
	found := ""
	for _, tok := range strings.FieldsFunc(s, isUnitSep) {
		c, ok := lookupCurrency(tok)
		if !ok {
			continue
		}
		if c.code == "" || found != "" && found != c.code {
			return ""
		}
		found = c.code
	}
	return found
}

// isUnitSep separates the words of a header unit.
func isUnitSep(r rune) bool {
	return r < utf8.RuneSelf && strings.ContainsRune(" /,;:()[]-+*=|&", r) || isSpace(r)
}

// parseMoney reads a money field: an amount by [parseMoneyAmount]; words
// meaning no money changed hands, in every part of the cell ("none", "Nil -
// borne by employer"); an amount in words of the wage ("Half month's wage",
// "5% of salary"), which is a relative value (BasisMonthlyWage) that Deriver
// resolves from the row's base_wage_monthly; or an amount with a note
// ("USD 300 (returnable)": 300 USD, the note kept in Raw). A note that says
// the money was not paid or was paid back ("USD 300 (refunded)") makes the
// cell a data issue. h.Share reads a share of the wage ("25%"); h.Scale
// converts the column's unit into the field's.
func (f *Field) parseMoney(v *Value, s string, w []byte, h *Hints) (float64, string, error) {
	vv := f.vocab()
	hint := normalizeHint(h.Currency)
	if wordy(w) && (vv.zero[string(w)] || f.fw != nil && f.fw.zero[string(w)]) {
		return 0, hint, nil
	}
	if h.Share || h.Basis == BasisMonthlyWage {
		x, pct, err := readNumber(s, h.Numeric)
		if err != nil {
			return 0, "", err
		}
		v.Basis = h.Basis
		if h.Share {
			if x, err = readShare(x, pct); err != nil {
				return 0, "", err
			}
			v.Basis = BasisMonthlyWage
			return x, "", nil // the factor, kept in Num until resolved
		}
		return x * scale(h), "", nil
	}
	x, cur, err := parseMoneyAmount(s, h, vv)
	if err == nil {
		return x * scale(h), cur, nil
	}
	if vv.searchZero(s) {
		return 0, hint, nil
	}
	if rel, ok := vv.wageShare(s); ok {
		v.Basis = BasisMonthlyWage
		return rel, "", nil // the factor, kept in Num until resolved
	}
	if x, cur, ok := vv.moneyInWords(s, hint); ok {
		return x * scale(h), cur, nil
	}
	if head, ok := vv.perMonth(s); ok && strings.HasSuffix(f.Name, "_monthly") {
		// "USD 450/month" in a monthly field.
		if x, cur, err2 := parseMoneyAmount(head, h, vv); err2 == nil {
			return x * scale(h), cur, nil
		}
	}
	if head, note, ok := splitMoneyNote(s); ok && !hasDigit(note) {
		if x, cur, err2 := parseMoneyAmount(head, h, vv); err2 == nil {
			if err2 = vv.checkMoneyNote(note, x == 0); err2 != nil {
				return 0, "", err2
			}
			return x * scale(h), cur, nil
		}
	}
	return 0, "", err
}

// splitMoneyNote splits an amount from a note after it: at a bracket, a
// semicolon, a comma that no digit follows, or a spaced dash.
func splitMoneyNote(s string) (head, note string, ok bool) {
	for i := 1; i < len(s); i++ {
		switch c := s[i]; c {
		case '(', '[', ';', '{':
			return s[:i], s[i:], true
		case ',':
			if i+1 < len(s) && !isDigit(s[i+1]) && s[i+1] != '-' && s[i+1] != '=' {
				return s[:i], s[i:], true
			}
		case '-':
			if s[i-1] == ' ' && i+1 < len(s) && s[i+1] == ' ' && hasDigit(s[:i]) {
				return s[:i], s[i:], true
			}
		case 0xE2:
			if strings.HasPrefix(s[i:], "–") || strings.HasPrefix(s[i:], "—") {
				return s[:i], s[i:], true
			}
		}
	}
	return "", "", false
}

var errMoneyUndone = errors.New("the note says it was not paid or was paid back")

// checkMoneyNote accepts a note after an amount that does not change it
// ("returnable", "deducted monthly"): no digits, no negation or doubt, no
// words of no money (unless the amount is zero) or of money paid back, no
// estimate.
func (vv *valueVocab) checkMoneyNote(note string, zero bool) error {
	if hasDigit(note) {
		return errNotMoney
	}
	z, _ := hasPhrase(vv, note, vv.zero)
	if z && !zero {
		return errMoneyUndone // "USD 300 (paid by employer)"; "0 (paid by employer)" agrees
	}
	// A negation undoes an amount, but in a note of no money beside a zero
	// it agrees: "HKD 0 (no agency fee)".
	if c, neg := hasPhrase(vv, note, vv.cancel); c || neg && !(z && zero) {
		return errMoneyUndone
	}
	if strings.ContainsAny(note, "~<>≈≤≥±") {
		return errNotExact
	}
	var buf [128]byte
	w := fold(buf[:0], note)
	for len(w) > 0 {
		var word []byte
		word, w = nextWord(w)
		switch {
		case qualifiers[string(word)] && string(word) != "to" && string(word) != "at" && string(word) != "or":
			return errNotExact
		case vv.doubt[string(word)]:
			return fmt.Errorf("ambiguous: %q", trim(note))
		}
	}
	return nil
}

// moneyInWords reads an amount written in words: "Ten thousand pesos",
// "Five lakh rupees", "Two hundred dollars". Every word must be a number
// word (values.yaml numbers), a multiplier (money.multipliers), "and", or
// one currency; a number word alone is not an amount.
func (vv *valueVocab) moneyInWords(s, hint string) (float64, string, bool) {
	var total, cur float64
	words, numbers, mults := 0, 0, 0
	var c currency
	hasCur := false
	for rest := s; rest != ""; {
		i := strings.IndexAny(rest, " -,")
		tok := rest
		if i >= 0 {
			tok, rest = rest[:i], rest[i+1:]
		} else {
			rest = ""
		}
		if tok == "" {
			continue
		}
		words++
		if words > 12 {
			return 0, "", false
		}
		var buf [32]byte
		if len(tok) > len(buf) {
			return 0, "", false
		}
		w := string(fold(buf[:0], tok))
		if n, ok := vv.numbers[w]; ok && n >= 1 {
			cur += n
			numbers++
			continue
		}
		if m, ok := vv.multipliers[w]; ok && len(w) > 2 {
			if cur == 0 {
				cur = 1
			}
			mults++
			if m == 100 {
				cur *= m
				continue
			}
			total += cur * m
			cur = 0
			continue
		}
		if w == "and" || w == "only" {
			continue
		}
		if cc, ok := lookupCurrency(tok); ok && !hasCur {
			c, hasCur = cc, true
			continue
		}
		return 0, "", false
	}
	if numbers == 0 || mults == 0 && !hasCur {
		return 0, "", false // "Five" alone, or "a", is no amount
	}
	code := hint
	if hasCur {
		code = pickCurrency(c, hint)
	}
	return total + cur, code, true
}

// wageShare reads an amount stated in the worker's wage: "Half month's
// wage" 0.5, "Two weeks' pay" 2 × 12/52, "One month's salary" 1, "2 months
// basic" 2, "5% of salary until end of contract" 0.05 (months of wage; the
// periods' months are values.yaml money.wage_periods). A rate ("15 a day")
// is not an amount in wages.
func (vv *valueVocab) wageShare(s string) (float64, bool) {
	var buf [24]durTok
	n := rateTokens(s, buf[:])
	if n <= 1 {
		return 0, false
	}
	toks := buf[:n]
	if n > 2 && !toks[1].isNum && toks[1].w() == "to" && (toks[0].w() == "equivalent" || toks[0].w() == "equal") {
		toks = toks[2:] // "Equivalent to 1 month salary"
		n -= 2
	}
	wageFirst := false
	if n > 2 && !toks[0].isNum && vv.wage[toks[0].w()] {
		toks, wageFirst = toks[1:], true // "Gaji setengah bulan": the wage, then how much of it
		n--
	}
	i := 0
	qty, pct, first := 0.0, false, false
	if toks[0].isNum {
		qty = toks[0].num
	} else if q, ok := vv.numbers[toks[0].w()]; ok && toks[0].w() != "a" && toks[0].w() != "an" {
		qty = q
	} else if toks[0].w() == "first" && n > 1 && !toks[1].isNum {
		qty, first = 1, true // "First month's salary": one month of it
	} else {
		return 0, false
	}
	i++
	if i < n && !toks[i].isNum && (toks[i].w() == "%" || toks[i].w() == "percent" || toks[i].w() == "pct") {
		pct = true
		i++
	}
	if !pct && qty == 0.5 && i < n && !toks[i].isNum && (toks[i].w() == "a" || toks[i].w() == "an") {
		i++ // "half a month's wage"
	}
	months, period, wage := 1.0, false, wageFirst
	for ; i < n; i++ {
		if toks[i].isNum {
			return 0, false
		}
		w := toks[i].w()
		if m, ok := vv.wagePeriods[w]; ok && !period {
			months, period = m, true
			continue
		}
		if vv.wage[w] {
			wage = true
			continue
		}
		if w == "of" || w == "the" || w == "s" || w == "worker" || w == "workers" || w == "his" || w == "her" || w == "their" || w == "first" {
			continue
		}
		break
	}
	if !period && !wage || (pct || first) && !wage {
		return 0, false
	}
	for _, t := range toks[i:] {
		if t.isNum || vv.negation[t.w()] || vv.doubt[t.w()] || vv.cancel[t.w()] || vv.zero[t.w()] {
			return 0, false
		}
	}
	rel := qty * months
	if pct {
		rel = qty / 100 * months
	}
	return rel, rel > 0 && rel <= 24
}

// parseMoneyAmount reads an amount with an optional currency before or
// after it: "$1,200", "USD 1,200", "1.200,00 EUR", "RM 500", "Rs. 5,000/-",
// "(200)" and "-200" (negative), "$ -" (the accounting format's zero), and
// a multiplier word after the number ("NPR 1.2 lakh", "Rp 2 juta", "RM
// 1.5k"). The currency named in the cell wins over h.Currency; a shared
// sign ("$", "Rs") takes h.Currency when it can stand for it.
func parseMoneyAmount(s string, h *Hints, vv *valueVocab) (float64, string, error) {
	hint := normalizeHint(h.Currency)
	if h.Numeric {
		if x, ok := parseFloatStrict(s); ok {
			return x, hint, nil
		}
	}
	if strings.IndexByte(s, '%') >= 0 {
		return 0, "", errMoneyPercent
	}
	i := numberStart(s)
	if i < 0 {
		// "$ -", "USD -": the accounting format shows zero as a dash.
		var m moneyParts
		if err := m.scan(s, true, vv); err != nil || m.minus == 0 || !m.hasCur || m.open+m.close > 0 {
			return 0, "", errNotMoney
		}
		return 0, pickCurrency(m.cur, hint), nil
	}
	end := numberSpan(s, i)
	var pre, post moneyParts
	if err := pre.scan(s[:i], true, vv); err != nil {
		return 0, "", err
	}
	if err := post.scan(s[end:], false, vv); err != nil {
		return 0, "", err
	}
	minus := pre.minus + post.minus
	if pre.close > 0 || post.open > 0 || pre.open != post.close || pre.open > 1 ||
		minus > 1 || minus > 0 && pre.open > 0 {
		return 0, "", errNotMoney
	}
	neg := pre.open > 0 || minus > 0
	cur, err := combineCurrency(&pre, &post, hint)
	if err != nil {
		return 0, "", err
	}
	rule := dotAmbiguous
	switch {
	case dotThousandsCurrencies[cur]:
		rule = dotThousands
	case threeDecimalCurrencies[cur]:
		rule = dotDecimal
	}
	if rule == dotAmbiguous && strings.HasPrefix(trim(s[end:]), ",-") {
		rule = dotThousands // "1.200,-": written the 1.234,56 way
	}
	x, err := parseDecimal(s[i:end], rule)
	if err == errNotNumber {
		return 0, "", errNotMoney
	} else if err != nil {
		return 0, "", err
	}
	if post.mult != 0 {
		k := post.mult
		if byCur, ok := post.multByCur[cur]; ok {
			k = byCur
		}
		x *= k
		if math.IsInf(x, 0) || x > 1e15 {
			return 0, "", errors.New("number too large")
		}
	}
	if neg && x != 0 {
		x = -x
	}
	return x, cur, nil
}

// normalizeHint returns the ISO code of a header hint, which callers should
// have normalised already.
func normalizeHint(h string) string {
	if len(h) == 3 && 'A' <= h[0] && h[0] <= 'Z' && 'A' <= h[1] && h[1] <= 'Z' && 'A' <= h[2] && h[2] <= 'Z' {
		return h
	}
	return CurrencyCode(h)
}

// moneyParts is what surrounds the number in a money cell.
type moneyParts struct {
	cur         currency // the currency named, when hasCur
	hasCur      bool
	curText     string             // as written
	open, close int                // parentheses
	minus       int                // minus signs
	mult        float64            // a multiplier word after the number ("lakh"); 0 for none
	multByCur   map[string]float64 // the multiplier's factors in particular currencies
}

// scan reads the text before (prefix) or after the number of a money cell.
func (m *moneyParts) scan(s string, prefix bool, vv *valueVocab) error {
	if !prefix {
		// "5,000/-", "1.200,-", "1200.-", "1,200/=": no minor units.
		t := trim(s)
		for _, p := range []string{"/-", "/=", ",--", ".--", ",-", ".-", "."} {
			if strings.HasPrefix(t, p) {
				s = t[len(p):]
				break
			}
		}
		if hasDigit(s) {
			if isRange(s) {
				return errRange
			}
			return errNotMoney
		}
	}
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case isSpace(r):
		case r == '(':
			m.open++
		case r == ')':
			m.close++
		case isMinus(r):
			if !prefix && i > 0 {
				return errNotMoney // only "200-", right after the number, is a trailing minus
			}
			m.minus++
		case r == '+':
			if !prefix {
				return errNotExact
			}
		default:
			j := i
			for j < len(s) {
				r2, n2 := utf8.DecodeRuneInString(s[j:])
				if isSpace(r2) || r2 == '(' || r2 == ')' || r2 == '+' || isMinus(r2) {
					break
				}
				j += n2
			}
			tok := s[i:j]
			if !prefix && (tok == "only" || tok == "Only" || tok == "ONLY") {
				i = j // "Rs 5,000/- only": the amount in full, as cheques write it
				continue
			}
			c, ok := lookupCurrency(tok)
			if !ok && !prefix && m.mult == 0 && !m.hasCur {
				if k, byCur, rest := vv.multiplierPrefix(tok); k != 0 {
					m.mult, m.multByCur = k, byCur
					if rest == "" {
						i = j
						continue
					}
					tok = rest
					c, ok = lookupCurrency(tok)
				}
			}
			if !ok {
				if strings.ContainsAny(tok, "~<>≈≤≥") || qualifierError(tok) == errNotExact {
					return errNotExact
				}
				return errNotMoney
			}
			if m.hasCur && !sameCurrency(m.cur, c) {
				return fmt.Errorf("two currencies: %s and %s", m.curText, tok)
			}
			m.cur, m.hasCur, m.curText = c, true, tok
			i = j
			continue
		}
		i += n
	}
	return nil
}

func isMinus(r rune) bool { return r == '-' || r == '−' || r == '–' }

func sameCurrency(a, b currency) bool {
	return a.code == b.code && a.code != "" || a.code == "" && b.code == "" && len(a.family) > 0 &&
		len(b.family) > 0 && a.family[0] == b.family[0]
}

// pickCurrency returns the ISO code for the currency a cell names, given
// the column's hint: a shared sign takes the hint when it can stand for it.
func pickCurrency(c currency, hint string) string {
	if hint != "" && c.family != nil {
		for _, f := range c.family {
			if f == hint {
				return hint
			}
		}
	}
	return c.code
}

// combineCurrency merges the currencies named before and after the number.
func combineCurrency(pre, post *moneyParts, hint string) (string, error) {
	switch {
	case !pre.hasCur && !post.hasCur:
		return hint, nil
	case !post.hasCur:
		return pickCurrency(pre.cur, hint), nil
	case !pre.hasCur:
		return pickCurrency(post.cur, hint), nil
	}
	a, b := pickCurrency(pre.cur, hint), pickCurrency(post.cur, hint)
	// "$100 SGD": a shared sign and an exact code it can stand for.
	if pre.cur.family != nil && post.cur.family == nil {
		a = pickCurrency(pre.cur, post.cur.code)
	}
	if post.cur.family != nil && pre.cur.family == nil {
		b = pickCurrency(post.cur, pre.cur.code)
	}
	if a != b {
		return "", fmt.Errorf("two currencies: %s and %s", orSign(a, pre.curText), orSign(b, post.curText))
	}
	return a, nil
}

func orSign(code, text string) string {
	if code == "" {
		return text
	}
	return code
}

// multiplierPrefix finds a multiplier word that tok is or starts with
// ("lakh", "k", "千" in "千元"): its factor, its factors by currency, and
// what follows it.
func (vv *valueVocab) multiplierPrefix(tok string) (factor float64, byCur map[string]float64, rest string) {
	var buf [32]byte
	if len(tok) > len(buf) {
		return 0, nil, ""
	}
	k := fold(buf[:0], tok)
	if x, ok := vv.multipliers[string(k)]; ok {
		return x, vv.multByCur[string(k)], ""
	}
	if tok[0] < utf8.RuneSelf {
		return 0, nil, ""
	}
	for w, x := range vv.multipliers {
		if strings.HasPrefix(tok, w) && len(tok) > len(w) {
			return x, vv.multByCur[w], tok[len(w):]
		}
	}
	return 0, nil, ""
}

// perMonth splits an amount stated per month ("USD 450/month", "GHS 600 per
// month", "Rp 2.500.000/bulan") into the amount and its period, one month
// of wage in money.wage_periods.
func (vv *valueVocab) perMonth(s string) (string, bool) {
	s = trim(s)
	i := strings.LastIndexByte(s, '/')
	j := i + 1
	if i < 0 {
		for _, sep := range []string{" per ", " Per ", " PER ", " a "} {
			if k := strings.LastIndex(s, sep); k > 0 {
				i, j = k, k+len(sep)
				break
			}
		}
	}
	if i <= 0 || j >= len(s) {
		return "", false
	}
	var buf [32]byte
	if m, ok := vv.wagePeriods[string(fold(buf[:0], s[j:]))]; !ok || m != 1 {
		return "", false
	}
	return s[:i], true
}
