package scan

import (
	"fmt"
	"time"

	"github.com/laborcheck/laborcheck/internal/engine"
	"github.com/laborcheck/laborcheck/internal/refdata"
	"github.com/laborcheck/laborcheck/internal/report"
)

// recordReference records the reference tables the run's derived fields
// read (exchange rates, minimum ages, countries, places, agency licences,
// the goods list, withhold release orders) in the report's audit section,
// beside the vocabularies, with their source, date and digest; and warns
// when the exchange rates are stale on the review date.
func recordReference(rep *report.Report, opts engine.Options) {
	ref := opts.Reference
	if ref == nil {
		ref = refdata.Default()
	}
	for _, in := range ref.Infos() {
		rep.Run.Vocabularies = append(rep.Run.Vocabularies, report.Vocabulary{
			Path: in.Path, Kind: in.Kind, Source: in.Source, AsOf: in.AsOf, SHA256: in.SHA256,
		})
	}
	review := opts.ReviewDate
	if review.IsZero() {
		review = time.Now().UTC()
	}
	if ref.Rates.Stale(review) {
		rep.Run.Warnings = append(rep.Run.Warnings, fmt.Sprintf(
			"exchange rates %s are of %s, more than %d days before the review date %s: amounts converted with them may be off; give current rates with -fx FILE",
			ref.Rates.Path, ref.Rates.AsOf, refdata.StaleDays, review.Format(time.DateOnly)))
	}
}
