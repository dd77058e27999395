package generate

import (
	"slices"
	"strings"

	cdx "github.com/CycloneDX/cyclonedx-go"
)

// describeProduct gives the primary component (metadata.component) what
// BSI TR-03183-2 asks of every component (section 3.2.1: the primary
// component is a component too). Its distribution licence is concluded
// from what the release ships: the licences of its artefacts, all of
// which apply. When the release is a single artefact, that file is the
// product's deployable form: its filename, the TR's three properties,
// SHA-512 and distribution references are the product's too. With more
// artefacts the product stays a logical component (section 3.2.2) whose
// files carry those fields.
func (b *builder) describeProduct(pc *cdx.Component, arts []string) {
	var exprs []string
	var single *cdx.Component
	for i := range b.comps {
		c := &b.comps[i]
		if !slices.Contains(arts, c.BOMRef) {
			continue
		}
		single = c
		if c.Licenses == nil || len(*c.Licenses) == 0 {
			return // an artefact of unknown licence: the product's is unknown too
		}
		for _, l := range *c.Licenses {
			e := l.Expression
			if l.License != nil {
				e = l.License.ID
			}
			if e == "" {
				return
			}
			if strings.Contains(e, " OR ") || strings.Contains(e, " WITH ") {
				e = "(" + e + ")"
			}
			if !slices.Contains(exprs, e) {
				exprs = append(exprs, e)
			}
		}
	}
	if len(exprs) > 0 {
		ack := cdx.LicenseAcknowledgementConcluded
		pc.Licenses = &cdx.Licenses{{Expression: strings.Join(exprs, " AND "), Acknowledgement: &ack}}
	}
	if len(arts) != 1 || single == nil {
		return
	}
	if single.Properties != nil {
		var props []cdx.Property
		for _, p := range *single.Properties {
			if strings.HasPrefix(p.Name, "bsi:component:") {
				props = append(props, p)
			}
		}
		if len(props) > 0 {
			pc.Properties = &props
		}
	}
	if single.Hashes != nil {
		var hs []cdx.Hash
		for _, h := range *single.Hashes {
			if h.Algorithm == cdx.HashAlgoSHA512 {
				hs = append(hs, h)
			}
		}
		if len(hs) > 0 {
			pc.Hashes = &hs
		}
	}
	if single.ExternalReferences != nil {
		var refs []cdx.ExternalReference
		for _, r := range *single.ExternalReferences {
			if r.Type == cdx.ERTypeDistribution {
				refs = append(refs, r)
			}
		}
		if len(refs) > 0 {
			pc.ExternalReferences = &refs
		}
	}
}
