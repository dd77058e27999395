package csafvex

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	govex "github.com/openvex/go-vex/pkg/vex"
)

// MaxDocument bounds one CSAF document read.
const MaxDocument = 16 << 20

// maxDepth bounds the nesting of a document read (the product tree's
// branches are its deepest part; real trees are a handful of levels).
const maxDepth = 64

// Statements is a csaf_vex document read as VEX statements.
type Statements struct {
	VEX *govex.VEX
	// Locations names, per statement, the product status entry it came
	// from (e.g. vulnerabilities[2].product_status.known_not_affected[0]).
	Locations []string
}

// IsCSAF reports whether b looks like a CSAF document (a JSON object with
// /document/csaf_version); it does not validate anything.
func IsCSAF(b []byte) bool {
	var probe struct {
		Document *struct {
			CSAFVersion *string `json:"csaf_version"`
		} `json:"document"`
	}
	return json.Unmarshal(b, &probe) == nil && probe.Document != nil && probe.Document.CSAFVersion != nil
}

// Decode reads a CSAF 2.0 document strictly: one JSON value, no duplicate
// object keys, valid against the schema, and passing the mandatory tests.
func Decode(b []byte) (*Document, error) {
	if len(b) > MaxDocument {
		return nil, fmt.Errorf("larger than %d bytes", MaxDocument)
	}
	if err := strictJSON(b); err != nil {
		return nil, err
	}
	violations, err := ValidateSchema(b)
	if err != nil {
		return nil, fmt.Errorf("schema validation could not run: %w", err)
	}
	if len(violations) > 0 {
		return nil, fmt.Errorf("not valid CSAF 2.0 (schema): %s", firstFew(violations))
	}
	var d Document
	if err := json.Unmarshal(b, &d); err != nil {
		return nil, fmt.Errorf("not CSAF: %w", err)
	}
	if ps := Mandatory(&d); len(ps) > 0 {
		var s []string
		for _, p := range ps {
			s = append(s, p.String())
		}
		return nil, fmt.Errorf("fails CSAF 2.0 mandatory tests: %s", firstFew(s))
	}
	return &d, nil
}

func firstFew(s []string) string {
	if len(s) > 3 {
		return strings.Join(s[:3], "; ") + fmt.Sprintf("; and %d more", len(s)-3)
	}
	return strings.Join(s, "; ")
}

// strictJSON refuses trailing data, duplicate object keys and excessive
// nesting, which encoding/json would accept silently (a duplicate key could
// hide a product status behind another).
func strictJSON(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := walkValue(dec, 0); err != nil {
		return fmt.Errorf("not JSON: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("data after the JSON document")
	}
	return nil
}

func walkValue(dec *json.Decoder, depth int) error {
	if depth > maxDepth {
		return fmt.Errorf("nested deeper than %d levels", maxDepth)
	}
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch tok {
	case json.Delim('{'):
		keys := map[string]bool{}
		for dec.More() {
			k, err := dec.Token()
			if err != nil {
				return err
			}
			key, _ := k.(string)
			if keys[key] {
				return fmt.Errorf("duplicate key %q", key)
			}
			keys[key] = true
			if err := walkValue(dec, depth+1); err != nil {
				return err
			}
		}
		_, err = dec.Token()
		return err
	case json.Delim('['):
		for dec.More() {
			if err := walkValue(dec, depth+1); err != nil {
				return err
			}
		}
		_, err = dec.Token()
		return err
	}
	return nil
}

// product is what a product ID stands for.
type product struct {
	name, purl, cpe string
	// parent and child are set for a relationship's product (a component
	// of another product).
	parent, child string
}

// Read decodes a csaf_vex document and returns its product statuses as
// VEX statements, one per vulnerability, status and product: the product
// (or, for a relationship, the containing product with the component as a
// subcomponent) named by the CSAF product ID with its package URL and CPE,
// the justification from the product's flag, the impact statement from its
// impact threats and the action statement from its remediations.
func Read(b []byte) (*Statements, error) {
	d, err := Decode(b)
	if err != nil {
		return nil, err
	}
	if c := d.Document.Category; c != CategoryVEX {
		return nil, fmt.Errorf("a CSAF document of category %q, not %s", c, CategoryVEX)
	}
	return d.Statements()
}

// Statements converts a decoded document's product statuses to VEX statements.
func (d *Document) Statements() (*Statements, error) {
	products := map[string]product{}
	groups := map[string][]string{}
	if t := d.ProductTree; t != nil {
		var walk func(bs []Branch)
		walk = func(bs []Branch) {
			for _, b := range bs {
				if b.Product != nil {
					products[b.Product.ProductID] = fromName(*b.Product)
				}
				walk(b.Branches)
			}
		}
		walk(t.Branches)
		for _, f := range t.FullProductNames {
			products[f.ProductID] = fromName(f)
		}
		for _, r := range t.Relationships {
			p := fromName(r.FullProductName)
			p.parent, p.child = r.RelatesToProductReference, r.ProductReference
			products[r.FullProductName.ProductID] = p
		}
		for _, g := range t.ProductGroups {
			groups[g.GroupID] = g.ProductIDs
		}
	}
	applies := func(id string, ids, gids []string) bool {
		if slices.Contains(ids, id) {
			return true
		}
		for _, g := range gids {
			if slices.Contains(groups[g], id) {
				return true
			}
		}
		return false
	}
	tr := d.Document.Tracking
	out := &Statements{VEX: &govex.VEX{Metadata: govex.Metadata{
		Context:    govex.ContextLocator(),
		ID:         tr.ID,
		Author:     d.Document.Publisher.Name,
		AuthorRole: d.Document.Publisher.Category,
	}}}
	if n, err := strconv.Atoi(tr.Version); err == nil {
		out.VEX.Version = n
	}
	if t, err := time.Parse(time.RFC3339, tr.CurrentReleaseDate); err == nil {
		t = t.UTC()
		out.VEX.Timestamp = &t
	}
	for vi, v := range d.Vulnerabilities {
		name, aliases := vulnIDs(v)
		for _, s := range v.ProductStatus.Statuses() {
			status := vexStatus(s.Name)
			if status == "" {
				continue
			}
			for pi, pid := range s.IDs {
				st := govex.Statement{
					Vulnerability: govex.Vulnerability{Name: govex.VulnerabilityID(name), Aliases: aliases, Description: v.Title},
					Products:      []govex.Product{vexProduct(pid, products)},
					Status:        status,
				}
				switch status {
				case govex.StatusNotAffected:
					for _, f := range v.Flags {
						if applies(pid, f.ProductIDs, f.GroupIDs) {
							st.Justification = govex.Justification(f.Label)
						}
					}
					var impact []string
					for _, t := range v.Threats {
						if t.Category == "impact" && applies(pid, t.ProductIDs, t.GroupIDs) {
							impact = append(impact, t.Details)
						}
					}
					st.ImpactStatement = strings.Join(impact, "\n")
				case govex.StatusAffected:
					var actions []string
					for _, r := range v.Remediations {
						if applies(pid, r.ProductIDs, r.GroupIDs) {
							a := r.Category + ": " + r.Details
							if r.URL != "" {
								a += " (" + r.URL + ")"
							}
							actions = append(actions, a)
						}
					}
					st.ActionStatement = strings.Join(actions, "\n")
				}
				out.VEX.Statements = append(out.VEX.Statements, st)
				out.Locations = append(out.Locations, fmt.Sprintf("vulnerabilities[%d].product_status.%s[%d]", vi, s.Name, pi))
			}
		}
	}
	return out, nil
}

func fromName(f FullProductName) product {
	p := product{name: f.Name}
	if h := f.Helper; h != nil {
		p.purl, p.cpe = h.PURL, h.CPE
	}
	return p
}

func vexComponent(id string, p product) govex.Component {
	c := govex.Component{ID: id, Identifiers: map[govex.IdentifierType]string{}}
	if p.purl != "" {
		c.Identifiers[govex.PURL] = p.purl
	}
	if p.cpe != "" {
		if strings.HasPrefix(p.cpe, "cpe:2.3:") {
			c.Identifiers[govex.CPE23] = p.cpe
		} else {
			c.Identifiers[govex.CPE22] = p.cpe
		}
	}
	if len(c.Identifiers) == 0 {
		c.Identifiers = nil
	}
	return c
}

// vexProduct is the VEX product a CSAF product ID stands for; a
// relationship's product is its containing product with the component as
// a subcomponent, each keeping its own CSAF product ID.
func vexProduct(pid string, products map[string]product) govex.Product {
	p := products[pid]
	if p.parent == "" {
		return govex.Product{Component: vexComponent(pid, p)}
	}
	return govex.Product{Component: vexComponent(p.parent, products[p.parent]),
		Subcomponents: []govex.Subcomponent{{Component: vexComponent(p.child, products[p.child])}}}
}

// vulnIDs returns the statement's vulnerability name (the CVE, else the
// first other ID) and the other IDs as aliases.
func vulnIDs(v Vulnerability) (string, []govex.VulnerabilityID) {
	var all []string
	if v.CVE != "" {
		all = append(all, v.CVE)
	}
	for _, id := range v.IDs {
		if !slices.Contains(all, id.Text) {
			all = append(all, id.Text)
		}
	}
	var aliases []govex.VulnerabilityID
	for _, a := range all[1:] {
		aliases = append(aliases, govex.VulnerabilityID(a))
	}
	return all[0], aliases
}

// vexStatus maps a CSAF product status to the VEX status it states; ""
// for recommended, which states none.
func vexStatus(s string) govex.Status {
	switch s {
	case KnownAffected, "first_affected", "last_affected":
		return govex.StatusAffected
	case KnownNotAffected:
		return govex.StatusNotAffected
	case Fixed, "first_fixed":
		return govex.StatusFixed
	case UnderInvestigation:
		return govex.StatusUnderInvestigation
	}
	return ""
}
