package document

import (
	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/reports/charts"
)

// Document is the dossier in reading order. Sections[0] is the executive
// summary; layouts that print a table of contents put it right after it.
type Document struct {
	// Title is the document's heading, also its title in a browser or a PDF reader.
	Title string
	// Meta are the lines under the title: subject, judging time, tool, catalogues.
	Meta []Text
	// Contents is the heading of the table of contents.
	Contents string
	Sections []Section
}

// Section is one heading with its blocks, then its subsections.
type Section struct {
	// ID is the anchor other parts link to ("" for none).
	ID    string
	Title string
	// NewPage asks paged layouts to start the section on a new page.
	NewPage bool
	Blocks  []Block
	Subs    []Section
}

// Block is one of the block types below.
type Block interface{ block() }

// Paragraph is running text.
type Paragraph struct{ Text Text }

// Dense is running reference text that paged layouts may set in the small
// type of tables.
type Dense struct{ Text Text }

// Gap says that the evidence holds nothing for a point; layouts set it
// apart so a reader sees what is missing.
type Gap struct{ Text string }

// List is a bulleted list. Alert marks items a reader must act on (the
// bundle failed verification, evidence could not be read).
type List struct {
	Items []Text
	Alert bool
}

// KeyValue is a two-column list of labelled facts.
type KeyValue struct {
	// Name tags the list for styling (the summary's "facts").
	Name string
	Rows []Pair
}

// Pair is one labelled fact.
type Pair struct {
	Key   string
	Value Text
}

// Table has a header and rows of cells.
type Table struct {
	// Name tags the table for styling ("claims", "vulns", "sbom").
	Name    string
	Columns []Column
	Rows    []Row
	// Fold, when set, lets interactive layouts fold the table away under
	// this summary line.
	Fold string
	// TwoUp lets paged layouts set the rows in two halves side by side: a
	// narrow table of many short rows.
	TwoUp bool
	// Paged layouts leave out the rows marked Routine and print PagedMore
	// after the table, which names them and says where they are in full.
	PagedMore Text
}

// Column is a table column. Weight is its share of the width in layouts
// that set widths; Mono asks for a fixed-width font (paths, hashes, purls);
// Num aligns numbers; Below lets paged layouts print the column as a
// full-width line under the row's other cells, headed by its title.
type Column struct {
	Title  string
	Weight float64
	Mono   bool
	Num    bool
	Below  bool
}

// Row is one table row; ID is its anchor ("" for none). Routine marks a
// row paged layouts may leave out (see Table.PagedMore).
type Row struct {
	ID      string
	Cells   []Cell
	Routine bool
}

// Cell is a table cell: its text and, optionally, a list folded under it.
type Cell struct {
	Text Text
	More *Fold
}

// Fold is a list a layout may fold away under Summary (the findings of a
// check). Paged layouts leave out the items Routine marks (by index) and
// print PagedMore in their place, which counts them and says where they
// are listed in full; other layouts print every item.
type Fold struct {
	Summary   string
	Items     []Text
	Routine   []bool
	PagedMore Text
}

// Pre is a text quoted as written, line by line (a manufacturer's file).
type Pre struct{ Lines []string }

// Chart is a picture drawn by reports/charts.
type Chart struct{ Chart charts.Chart }

// Columns puts two blocks side by side where the page is wide enough; other
// layouts print Left, then Right.
type Columns struct{ Left, Right Block }

// Verdict is the outcome line: "Outcome:" Value (set apart, coloured by
// Outcome: passed, failed or error), then Note and Detail.
type Verdict struct {
	Outcome            string
	Label, Value, Note string
	Detail             string
}

func (Paragraph) block() {}
func (Gap) block()       {}
func (List) block()      {}
func (KeyValue) block()  {}
func (Table) block()     {}
func (Chart) block()     {}
func (Columns) block()   {}
func (Verdict) block()   {}
func (Pre) block()       {}
func (Dense) block()     {}

// Text is inline text: a run of spans.
type Text []Span

// Kind of a span.
type Kind int

const (
	Plain  Kind = iota
	Code        // an identifier: a check ID, a path, a purl
	Strong      // stressed
	Em          // a label or an aside in running text ("Fix:", "none")
	Small       // secondary detail under the main text of a cell
	Break       // a line break inside a cell or a list item
	Status      // a check status, shown as a badge; Status holds it
	Link        // Text linking to Href (an anchor "#id" or a URL); Code sets the text as code
	Hash        // a hash value
	File        // an evidence file: Text is its path, Href its link, Ref its evidence-index reference
)

// Span is one piece of inline text.
type Span struct {
	Kind Kind
	Text string
	// Href is the target of a Link or File.
	Href string
	// Code sets a Link's text as code.
	Code bool
	// Status of a Status span.
	Status checks.Status
	// Ref is a File's evidence-index reference ("E7"): layouts print it as
	// a link to RefAnchor(Ref), the index row that holds the file's hash.
	// A file outside the index has no Ref and carries its SHA-256 in Hash.
	Ref, Hash string
	// Brief marks a File mentioned in passing: layouts may print its
	// reference alone.
	Brief bool
}

// RefAnchor is the anchor of an evidence-index row.
func RefAnchor(ref string) string { return "ev-" + ref }
