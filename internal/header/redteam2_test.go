package header

import "testing"

// TestMatchRosterHeaders2 reads headers from roster kinds the other tables
// under-represent: fishing crew lists, plantations, Gulf construction
// (kafala wording), domestic-worker registers, electronics and garment
// factories, seasonal agriculture, inspection forms, supplier
// questionnaires and HRIS exports, with their look-alikes.
func TestMatchRosterHeaders2(t *testing.T) { runHeaderTable(t, "testdata/redteam2.tsv") }
