package reports

import (
	"sort"
	"time"

	"github.com/craudit/craudit/evidence/product"
)

// Support is the support period as product.yaml sets it (Annex VII point 4,
// Art. 13(8)): per batch of units placed on the market, because a unit's
// period starts when that unit is placed on the market.
type Support struct {
	StartBasis    string
	Years         int
	Justification string
	Batches       []SupportBatch
	// At is the reference time the report judged at (the timeline's "now").
	At time.Time
}

// SupportBatch is one batch with its end of support.
type SupportBatch struct {
	ID         string
	Start, End time.Time
	// Explicit is true when product.yaml sets the end date itself.
	Explicit bool
	Ended    bool
}

func buildSupport(p *product.Product, at time.Time) *Support {
	if p == nil {
		return nil
	}
	sp := p.SupportPeriod
	s := &Support{StartBasis: sp.StartBasis, Years: sp.Years, Justification: sp.Justification, At: at}
	for _, b := range sp.Batches {
		end := b.EndDate(sp.Years)
		s.Batches = append(s.Batches, SupportBatch{ID: b.ID, Start: b.PlacedOnMarket.Time, End: end, Explicit: b.End != nil, Ended: !at.Before(end)})
	}
	sort.SliceStable(s.Batches, func(i, j int) bool { return s.Batches[i].Start.Before(s.Batches[j].Start) })
	if s.Years == 0 && len(s.Batches) == 0 && s.Justification == "" {
		return nil
	}
	return s
}

// MonthYear prints a date as the CRA asks support end dates to be shown (Art. 13(19)).
func MonthYear(t time.Time) string { return t.UTC().Format("January 2006") }
