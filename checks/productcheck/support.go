package productcheck

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/craudit/craudit/checks"
)

// MinSupportYears is the Article 13(8) floor, unless the expected use is shorter.
const MinSupportYears = 5

// MonthYear shows a date the way Article 13(19) asks for at least: month and year.
func MonthYear(t time.Time) string { return t.UTC().Format("January 2006") }

func supportPeriod(_ context.Context, in *checks.Input) checks.Outcome {
	p, refs, out, ok := productOr(in)
	if !ok {
		return out
	}
	const id = "product/support-period"
	sp := p.SupportPeriod
	// Article 13(8): under five years only when the product is expected to
	// be in use for less, and then the period covers that expected use.
	short := func(covers bool) (checks.Status, string) {
		switch {
		case sp.ExpectedUseYears <= 0:
			return checks.Fail, fmt.Sprintf("shorter than %d years, and product.yaml gives no support_period.expected_use_years: Article 13(8) allows a shorter period only when the product is expected to be in use for less than %d years", MinSupportYears, MinSupportYears)
		case sp.ExpectedUseYears >= MinSupportYears:
			return checks.Fail, fmt.Sprintf("shorter than %d years, though the expected use is %d years: Article 13(8) allows a shorter period only when the expected use is shorter than %d years", MinSupportYears, sp.ExpectedUseYears, MinSupportYears)
		case !covers:
			return checks.Fail, fmt.Sprintf("shorter than the expected use of %d years: under Article 13(8) a period below %d years must match the expected use", sp.ExpectedUseYears, MinSupportYears)
		case strings.TrimSpace(sp.Justification) == "":
			return checks.Missing, fmt.Sprintf("shorter than %d years for an expected use of %d years, without the justification Annex VII point 4 documents", MinSupportYears, sp.ExpectedUseYears)
		}
		return checks.Pass, fmt.Sprintf("shorter than %d years, matching an expected use of %d years: %s", MinSupportYears, sp.ExpectedUseYears, oneLine(sp.Justification))
	}
	if len(sp.Batches) == 0 {
		// Per-unit support with no listed units: the rule alone can be judged.
		if sp.StartBasis == "unit" && sp.Years > 0 {
			if sp.Years >= MinSupportYears {
				return checks.Outcome{Status: checks.Pass, Evidence: refs, Message: fmt.Sprintf("support ends %d years after each unit is placed on the market (end month and year are computed per unit)", sp.Years)}
			}
			st, why := short(sp.Years >= sp.ExpectedUseYears)
			return checks.Outcome{Status: st, Evidence: refs, Message: fmt.Sprintf("support period of %d years per unit: %s", sp.Years, why)}
		}
		return checks.Outcome{Status: checks.Missing, Evidence: refs, Message: "product.yaml lists no unit or batch with its placed_on_market date, so no support end date can be given"}
	}
	var fs []checks.Finding
	worst := checks.Pass
	raise := func(s checks.Status) {
		if s.Rank() < worst.Rank() {
			worst = s
		}
	}
	var ends []string
	first := "" // the first finding that is not a pass, for the summary
	for i, b := range sp.Batches {
		name := strings.TrimSpace(b.ID)
		if name == "" {
			name = fmt.Sprintf("%d", i+1)
		}
		f := checks.Finding{ID: checks.FindingID(id, "batch/"+name), Subject: "batch/" + name}
		switch {
		case b.PlacedOnMarket.IsZero():
			f.Status, f.Message = checks.Missing, "no placed_on_market date"
		case b.End == nil && sp.Years <= 0:
			f.Status, f.Message = checks.Missing, "neither support_period.years nor an end date"
		default:
			end := b.EndDate(sp.Years)
			floor := b.PlacedOnMarket.AddDate(MinSupportYears, 0, 0)
			span := describeSpan(b.PlacedOnMarket.Time, end)
			state := ""
			if end.Before(in.RefTime) {
				state = "; support has ended"
			}
			f.Message = fmt.Sprintf("placed on the market %s, support ends %s (%s)%s", MonthYear(b.PlacedOnMarket.Time), MonthYear(end), span, state)
			switch {
			case !end.After(b.PlacedOnMarket.Time):
				f.Status, f.Message = checks.Fail, fmt.Sprintf("support end %s is not after placing on the market (%s)", MonthYear(end), MonthYear(b.PlacedOnMarket.Time))
			case end.Before(floor):
				st, why := short(!end.Before(b.PlacedOnMarket.AddDate(sp.ExpectedUseYears, 0, 0)))
				f.Status, f.Message = st, f.Message+": "+why
			default:
				f.Status = checks.Pass
				ends = append(ends, name+" "+MonthYear(end))
			}
		}
		raise(f.Status)
		if f.Status != checks.Pass && first == "" {
			first = "batch " + name + ": " + f.Message
		}
		fs = append(fs, f)
	}
	out = checks.Outcome{Status: worst, Evidence: refs, Findings: fs}
	switch worst {
	case checks.Pass:
		out.Message = fmt.Sprintf("%d batch(es) with a support end date", len(fs))
		if len(ends) > 0 {
			out.Message += ": " + strings.Join(ends, ", ")
		}
	default:
		out.Message = first
	}
	return out
}

// describeSpan says how long support lasts in whole years and months.
func describeSpan(from, to time.Time) string {
	months := (to.Year()-from.Year())*12 + int(to.Month()-from.Month())
	if to.Day() < from.Day() {
		months--
	}
	y, m := months/12, months%12
	switch {
	case m == 0:
		return fmt.Sprintf("%d years", y)
	case y == 0:
		return fmt.Sprintf("%d months", m)
	}
	return fmt.Sprintf("%d years %d months", y, m)
}
