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
	justified := strings.TrimSpace(sp.Justification) != ""
	shortOK := func(years string) string {
		return fmt.Sprintf("%s, shorter than %d years, justified: %s", years, MinSupportYears, oneLine(sp.Justification))
	}
	if len(sp.Batches) == 0 {
		// Per-unit support with no listed units: the rule alone can be judged.
		if sp.StartBasis == "unit" && sp.Years > 0 {
			switch {
			case sp.Years >= MinSupportYears:
				return checks.Outcome{Status: checks.Pass, Evidence: refs, Message: fmt.Sprintf("support ends %d years after each unit is placed on the market (end month and year are computed per unit)", sp.Years)}
			case justified:
				return checks.Outcome{Status: checks.Pass, Evidence: refs, Message: shortOK(fmt.Sprintf("%d years per unit", sp.Years))}
			}
			return checks.Outcome{Status: checks.Fail, Evidence: refs, Message: fmt.Sprintf("support period of %d years per unit is shorter than %d years without a justification", sp.Years, MinSupportYears)}
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
			case end.Before(floor) && !justified:
				f.Status, f.Message = checks.Fail, f.Message+fmt.Sprintf(": shorter than %d years without a justification", MinSupportYears)
			case end.Before(floor):
				f.Status, f.Message = checks.Pass, f.Message+": "+shortOK("shorter period")
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
