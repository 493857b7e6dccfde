package scan

import (
	"fmt"
	"strconv"
	"time"

	"github.com/laborcheck/laborcheck/internal/contract"

	"github.com/laborcheck/laborcheck/internal/engine"
	"github.com/laborcheck/laborcheck/internal/refdata"
	"github.com/laborcheck/laborcheck/internal/report"
)

// recordReference records the reference tables the run's derived fields
// read (exchange rates, minimum ages, countries, places, agency licences,
// the goods list, withhold release orders) in the report's audit section,
// beside the vocabularies, with their source, date and digest.
func recordReference(rep *report.Report, opts engine.Options) {
	for _, in := range reference(opts).Infos() {
		rep.Run.Vocabularies = append(rep.Run.Vocabularies, report.Vocabulary{
			Path: in.Path, Kind: in.Kind, Source: in.Source, AsOf: in.AsOf, SHA256: in.SHA256,
		})
	}
}

func reference(opts engine.Options) *refdata.Set {
	if opts.Reference != nil {
		return opts.Reference
	}
	return refdata.Default()
}

// staleRates says how the exchange rates are stale on the review date, or
// "" when they are not. The report warns of it only when the review
// converted amounts with them (see staleRatesWarning): a roster in one
// currency is not touched by the rates' age.
func staleRates(opts engine.Options) string {
	rates := reference(opts).Rates
	review := opts.ReviewDate
	if review.IsZero() {
		review = time.Now().UTC()
	}
	if !rates.Stale(review) {
		return ""
	}
	return fmt.Sprintf("exchange rates %s are of %s, more than %d days before the review date %s",
		rates.Path, rates.AsOf, refdata.StaleDays, review.Format(time.DateOnly))
}

// staleRatesWarning adds the warning of stale exchange rates when inputs
// had amounts converted with them, counting the contracts concerned.
func staleRatesWarning(rep *report.Report, stale string) {
	if stale == "" {
		return
	}
	n := 0
	for _, in := range rep.Inputs {
		n += in.AmountsConverted
	}
	if n == 0 {
		return
	}
	what := "the amounts of " + contract.GroupDigits(strconv.Itoa(n)) + " contracts were"
	if n == 1 {
		what = "the amounts of 1 contract were"
	}
	rep.Run.Warnings = append(rep.Run.Warnings, stale+": "+what+" converted with them and may be off; give current rates with -fx FILE")
}
