package formats

import (
	"fmt"
	"sort"
	"strings"

	"github.com/craudit/craudit/reports"
	"github.com/craudit/craudit/reports/html"
	"github.com/craudit/craudit/reports/jsonreport"
	"github.com/craudit/craudit/reports/markdown"
	"github.com/craudit/craudit/reports/oscal"
	"github.com/craudit/craudit/reports/pdf"
	"github.com/craudit/craudit/reports/text"
)

// All lists every renderer.
func All() []reports.Renderer {
	return []reports.Renderer{
		html.Renderer{},
		pdf.Renderer{},
		markdown.Renderer{},
		jsonreport.Renderer{},
		sarifRenderer{},
		junitRenderer{},
		oscal.Renderer{},
		text.Renderer{},
	}
}

// Dossier lists the renderers whose files a dossier holds.
func Dossier() []reports.Renderer {
	var out []reports.Renderer
	for _, r := range All() {
		if r.Name() != "text" {
			out = append(out, r)
		}
	}
	return out
}

// Get returns the renderer for a --format value.
func Get(name string) (reports.Renderer, error) {
	for _, r := range All() {
		if r.Name() == name {
			return r, nil
		}
	}
	return nil, fmt.Errorf("unknown format %q (want %s)", name, strings.Join(Names(), ", "))
}

// Names lists the --format values.
func Names() []string {
	var n []string
	for _, r := range All() {
		n = append(n, r.Name())
	}
	sort.Strings(n)
	return n
}
