package paperwork

import (
	"strings"
	"testing"
	"time"
)

func TestDeadlines(t *testing.T) {
	aware := time.Date(2026, 10, 5, 14, 30, 0, 0, time.UTC)
	fix := time.Date(2026, 10, 9, 8, 0, 0, 0, time.UTC)
	notified := time.Date(2026, 10, 7, 9, 0, 0, 0, time.UTC)
	cases := []struct {
		name    string
		in      DeadlineInput
		want    time.Time
		article string
		basis   string
	}{
		{"vulnerability early warning: 24 h", DeadlineInput{Kind: EarlyWarning, AwareAt: aware}, time.Date(2026, 10, 6, 14, 30, 0, 0, time.UTC), "CRA Art. 14(2)(a)", "24 hours"},
		{"vulnerability notification: 72 h", DeadlineInput{Kind: Notification, AwareAt: aware}, time.Date(2026, 10, 8, 14, 30, 0, 0, time.UTC), "CRA Art. 14(2)(b)", "72 hours"},
		{"vulnerability final report: 14 days after the fix", DeadlineInput{Kind: FinalReport, AwareAt: aware, FixAvailable: fix, FixSource: "manifest.json timestamp"},
			time.Date(2026, 10, 23, 8, 0, 0, 0, time.UTC), "CRA Art. 14(2)(c)", "manifest.json timestamp"},
		{"vulnerability final report without a fix: no deadline", DeadlineInput{Kind: FinalReport, AwareAt: aware, FixSource: "still affected"}, time.Time{}, "CRA Art. 14(2)(c)", "no deadline yet"},
		{"incident early warning: 24 h", DeadlineInput{Kind: EarlyWarning, Incident: true, AwareAt: aware}, time.Date(2026, 10, 6, 14, 30, 0, 0, time.UTC), "CRA Art. 14(4)(a)", "24 hours"},
		{"incident notification: 72 h", DeadlineInput{Kind: Notification, Incident: true, AwareAt: aware}, time.Date(2026, 10, 8, 14, 30, 0, 0, time.UTC), "CRA Art. 14(4)(b)", "72 hours"},
		{"incident final report: one month after the 72 h notification", DeadlineInput{Kind: FinalReport, Incident: true, AwareAt: aware},
			time.Date(2026, 11, 8, 14, 30, 0, 0, time.UTC), "CRA Art. 14(4)(c)", "one month"},
		{"incident final report: one month after the real notification", DeadlineInput{Kind: FinalReport, Incident: true, AwareAt: aware, NotifiedAt: notified},
			time.Date(2026, 11, 7, 9, 0, 0, 0, time.UTC), "CRA Art. 14(4)(c)", "submitted"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, err := ComputeDeadline(c.in)
			if err != nil {
				t.Fatal(err)
			}
			if !d.At.Equal(c.want) || d.Article != c.article || !strings.Contains(d.Basis, c.basis) {
				t.Errorf("got %s %s %q, want %s %s containing %q", d.At, d.Article, d.Basis, c.want, c.article, c.basis)
			}
		})
	}
	if _, err := ComputeDeadline(DeadlineInput{Kind: "warning"}); err == nil {
		t.Error("unknown kind accepted")
	}
}
