package paperwork

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/evidence/atomicfs"
	"github.com/craudit/craudit/reports/conformity"
	"github.com/craudit/craudit/reports/document"
	"github.com/craudit/craudit/reports/html"
	"github.com/craudit/craudit/reports/markdown"
	"github.com/craudit/craudit/reports/pdf"
)

// File names the commands write.
const (
	DeclarationBase = "declaration-of-conformity"
	UserInfoBase    = "user-information"
)

// DeclarationFiles renders the declaration of a verified bundle as HTML,
// PDF and Markdown, dated at (the reference time), and lists the
// product.yaml fields it shows as MISSING.
func DeclarationFiles(in *checks.Input, simplified bool, at time.Time, tool checks.Tool) (map[string][]byte, []string, error) {
	if in.Product == nil {
		return nil, nil, fmt.Errorf("the bundle has no usable product.yaml")
	}
	doc, missing := conformity.Declaration(conformity.DeclarationInput{Product: in.Product, Release: in.Release, Issued: at, Simplified: simplified})
	files, err := layouts(doc, at, in.Product.Manufacturer.Name, tool, DeclarationBase, true)
	return files, missing, err
}

// UserInfoFiles renders the Annex II information as HTML and Markdown.
func UserInfoFiles(in *checks.Input, at time.Time) (map[string][]byte, []string, error) {
	if in.Product == nil {
		return nil, nil, fmt.Errorf("the bundle has no usable product.yaml")
	}
	doc, missing := UserInformation(UserInfoInput{Product: in.Product, Release: in.Release, At: at})
	files, err := layouts(doc, at, in.Product.Manufacturer.Name, checks.Tool{}, UserInfoBase, false)
	return files, missing, err
}

func layouts(doc *document.Document, at time.Time, author string, tool checks.Tool, base string, withPDF bool) (map[string][]byte, error) {
	files := map[string][]byte{
		base + ".html": []byte(html.Layout(doc)),
		base + ".md":   []byte(markdown.Layout(doc)),
	}
	if withPDF {
		b, err := pdf.Layout(doc, pdf.Info{Date: at, Author: author, Tool: tool.Name, Version: tool.Version})
		if err != nil {
			return nil, fmt.Errorf("rendering the PDF: %w", err)
		}
		files[base+".pdf"] = b
	}
	return files, nil
}

// WriteFiles writes files into dir (made if absent), each atomically. An
// existing file is kept unless force: then nothing is written.
func WriteFiles(dir string, files map[string][]byte, force bool) error {
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	if !force {
		for _, n := range names {
			if _, err := os.Lstat(filepath.Join(dir, n)); err == nil {
				return fmt.Errorf("%s exists (use --force to replace it)", filepath.Join(dir, n))
			}
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, n := range names {
		if err := atomicfs.WriteFile(filepath.Join(dir, n), files[n], 0o644, force); err != nil {
			return err
		}
	}
	return nil
}
