package checks

import (
	"context"
	"fmt"
	"runtime/debug"
	"slices"
	"strings"
)

// RunOptions configure a run.
type RunOptions struct {
	Tool       Tool
	TimeSource string
	Catalogues []CatalogueRef
}

// Run runs every check over in, applies the policy and returns the report.
// A check that panics is reported as error, never as pass.
func Run(ctx context.Context, list []Check, in *Input, o RunOptions) *Report {
	r := &Report{Schema: ReportSchema, Tool: o.Tool, ReferenceTime: in.RefTime.UTC(), TimeSource: o.TimeSource,
		Catalogues: slices.Clone(o.Catalogues), Results: []Result{}, Waivers: []Waiver{}, Problems: []Problem{}}
	if in.Bundle != nil {
		for _, p := range in.Bundle.Problems {
			r.Problems = append(r.Problems, Problem{Path: p.Path, Reason: p.Reason})
		}
		if x := in.Bundle.Index; x != nil {
			r.Subject = Subject{Product: x.Product.ID, ProductName: x.Product.Name, Manufacturer: x.Product.Manufacturer, Version: x.Release.Version}
		}
	}
	waivers := slices.Clone(in.Policy.Waivers)
	for i := range waivers {
		waivers[i].Expired = !in.RefTime.Before(waivers[i].Expires.Time)
	}
	for _, c := range list {
		info := c.Info()
		out := runOne(ctx, c, in)
		res := Result{Check: info.ID, Version: info.Version, Title: info.Title, Status: out.Status,
			Required: in.Policy.IsRequired(info), Step: info.Step, MapsTo: slices.Clone(info.MapsTo), Basis: info.Basis,
			Message: out.Message, Evidence: out.Evidence, Findings: out.Findings}
		if res.MapsTo == nil {
			res.MapsTo = []string{}
		}
		if res.Evidence == nil {
			res.Evidence = []EvidenceRef{}
		}
		if res.Findings == nil {
			res.Findings = []Finding{}
		}
		slices.SortFunc(res.Findings, func(a, b Finding) int { return strings.Compare(a.ID, b.ID) })
		if applyWaivers(&res, waivers) > 0 && out.Recount != nil {
			res.Message = out.Recount(res.Findings)
		}
		if res.Status == Fail || res.Status == Missing {
			res.Remediation = info.Remediation
		}
		r.Summary.Add(res.Status)
		r.Results = append(r.Results, res)
	}
	slices.SortFunc(r.Results, func(a, b Result) int { return strings.Compare(a.Check, b.Check) })
	r.Waivers = waivers
	switch r.ExitCode() {
	case ExitPass:
		r.Outcome = "passed"
	case ExitFail:
		r.Outcome = "failed"
	default:
		r.Outcome = "error"
	}
	return r
}

func runOne(ctx context.Context, c Check, in *Input) (out Outcome) {
	defer func() {
		if p := recover(); p != nil {
			out = Errorf(fmt.Sprintf("check crashed: %v (%s)", p, firstFrame(debug.Stack())))
		}
	}()
	if err := ctx.Err(); err != nil {
		return Errorf(err.Error())
	}
	out = c.Run(ctx, in)
	if out.Status == "" {
		out = Errorf("check returned no status")
	}
	return out
}

func firstFrame(stack []byte) string {
	lines := strings.Split(string(stack), "\n")
	if len(lines) > 8 {
		return strings.TrimSpace(lines[8])
	}
	return ""
}

// applyWaivers turns failing findings, or a whole failing result, into waived
// when an unexpired waiver names them (a finding by its ID or any of its
// aliases). Expired waivers never apply. It returns how many findings it
// waived.
func applyWaivers(res *Result, ws []Waiver) int {
	find := func(ids ...string) *Waiver {
		for i := range ws {
			if slices.Contains(ids, ws[i].ID) {
				return &ws[i]
			}
		}
		return nil
	}
	if res.Status != Fail && res.Status != Missing {
		return 0
	}
	if w := find(res.Check); w != nil {
		w.Used = true
		if !w.Expired {
			c := *w
			res.Waiver, res.Status = &c, Waived
			return 0
		}
	}
	if len(res.Findings) == 0 {
		return 0
	}
	open, waived := 0, 0
	for i := range res.Findings {
		f := &res.Findings[i]
		if f.Status != Fail && f.Status != Missing {
			continue
		}
		if w := find(append([]string{f.ID}, f.Aliases...)...); w != nil {
			w.Used = true
			if !w.Expired {
				c := *w
				f.Waiver, f.Status = &c, Waived
				waived++
				continue
			}
		}
		open++
	}
	if open == 0 && waived > 0 {
		res.Status = Waived
	}
	return waived
}
