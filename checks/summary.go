package checks

import "fmt"

// Total is the number of results counted, whatever their status.
func (s Summary) Total() int {
	return s.Pass + s.Fail + s.Declared + s.Missing + s.NotApplicable + s.Waived + s.Error
}

// Line is the one summary line every command prints: each status's count,
// in one fixed order, so that the numbers add up to Total.
func (s Summary) Line() string {
	return fmt.Sprintf("%d pass, %d fail, %d missing, %d declared, %d not applicable, %d waived, %d error",
		s.Pass, s.Fail, s.Missing, s.Declared, s.NotApplicable, s.Waived, s.Error)
}

// SummaryLine is the summary line with the outcome, e.g.
// "3 pass, 0 fail, 0 missing, 1 declared, 2 not applicable, 0 waived, 0 error: passed".
func (r *Report) SummaryLine() string { return r.Summary.Line() + ": " + r.Outcome }
