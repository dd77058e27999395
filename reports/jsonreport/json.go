package jsonreport

import (
	"io"

	"github.com/craudit/craudit/reports"
)

// Renderer writes results.json.
type Renderer struct{}

func (Renderer) Name() string { return "json" }
func (Renderer) File() string { return "results.json" }

// Render writes the report as indented JSON.
func (Renderer) Render(w io.Writer, d *reports.Data) error {
	b, err := d.Report.JSON()
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}
