package formats

import (
	"io"

	"github.com/craudit/craudit/checks/list"
	"github.com/craudit/craudit/mappings"
	"github.com/craudit/craudit/reports"
	"github.com/craudit/craudit/reports/junit"
	"github.com/craudit/craudit/reports/sarif"
)

// sarifRenderer gives the SARIF writer the check descriptions and catalogue
// texts it turns into rule help.
type sarifRenderer struct{}

func (sarifRenderer) Name() string { return "sarif" }
func (sarifRenderer) File() string { return "results.sarif" }
func (sarifRenderer) Render(w io.Writer, d *reports.Data) error {
	return sarif.Render(w, d.Report, sarif.Options{Lookup: mappings.MustLoad().Describe, Checks: list.Infos()})
}

// junitRenderer names catalogue entries in each testcase.
type junitRenderer struct{}

func (junitRenderer) Name() string { return "junit" }
func (junitRenderer) File() string { return "results.junit.xml" }
func (junitRenderer) Render(w io.Writer, d *reports.Data) error {
	return junit.Render(w, d.Report, junit.Options{Lookup: mappings.MustLoad().Describe})
}
