package filetags

import (
	"bytes"
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	cdx "github.com/CycloneDX/cyclonedx-go"
)

// MaxLen is how much of a file's start Tags reads: SPDX file tags
// (the REUSE convention) sit in the header comment.
const MaxLen = 4096

// Tags is the licence metadata a file states about itself in SPDX
// tags: "SPDX-License-Identifier: MIT" and
// "SPDX-FileCopyrightText: 2024 Jane Doe <jane@example.org>".
type Tags struct {
	// Licence is the SPDX-License-Identifier expression; when the file has
	// several, they are joined with AND (each applies to the file).
	Licence string
	// Copyright lists the SPDX-FileCopyrightText values in file order.
	Copyright []string
}

// Empty reports whether the file stated no licence.
func (t Tags) Empty() bool { return t.Licence == "" }

// Holders returns the copyright holders that come with an e-mail address
// ("2024 Jane Doe <jane@example.org>" -> Jane Doe, jane@example.org),
// in file order, without repeats.
func (t Tags) Holders() []mail.Address {
	var out []mail.Address
	seen := map[string]bool{}
	for _, c := range t.Copyright {
		m := holderPattern.FindStringSubmatch(c)
		if m == nil {
			continue
		}
		name := strings.TrimSpace(yearPrefix.ReplaceAllString(strings.TrimSpace(m[1]), ""))
		addr := strings.TrimSpace(m[2])
		if _, err := mail.ParseAddress(addr); err != nil || seen[addr] {
			continue
		}
		seen[addr] = true
		out = append(out, mail.Address{Name: name, Address: addr})
	}
	return out
}

var (
	holderPattern = regexp.MustCompile(`^(.*?)<([^<>\s]+@[^<>\s]+)>`)
	yearPrefix    = regexp.MustCompile(`^(?:(?:©|\(c\)|\(C\)|Copyright)\s*)*[0-9]{4}(?:\s*[-–,]\s*[0-9]{4})*\s*`)
	licenceValue  = regexp.MustCompile(`^[A-Za-z0-9.+:() -]+$`)
)

// Read reads the SPDX tags in the first MaxLen bytes of a
// file. It reads text only: a file that is not valid UTF-8 there (a
// binary) states nothing. A tag's value ends at the line's end or at a
// comment closer ("*/", "-->"); a licence value with characters no SPDX
// expression has is ignored.
func Read(head []byte) Tags {
	var t Tags
	head = head[:min(len(head), MaxLen)]
	if i := bytes.LastIndexByte(head, '\n'); len(head) == MaxLen && i >= 0 {
		head = head[:i] // a cut line is not read
	}
	if bytes.IndexByte(head, 0) >= 0 || !utf8.Valid(head) {
		return t
	}
	var lics []string
	for _, line := range strings.Split(string(head), "\n") {
		if v, ok := tagValue(line, "SPDX-License-Identifier:"); ok {
			if licenceValue.MatchString(v) && !strings.Contains(v, "  ") {
				lics = append(lics, v)
			}
		} else if v, ok := tagValue(line, "SPDX-FileCopyrightText:"); ok {
			t.Copyright = append(t.Copyright, v)
		}
	}
	if len(lics) > 1 {
		for i, v := range lics {
			if strings.Contains(v, " ") {
				lics[i] = "(" + v + ")"
			}
		}
	}
	t.Licence = strings.Join(lics, " AND ")
	return t
}

// tagValue returns the value after tag on a line, trimmed of white space
// and a trailing comment closer.
func tagValue(line, tag string) (string, bool) {
	i := strings.Index(line, tag)
	if i < 0 {
		return "", false
	}
	v := line[i+len(tag):]
	for _, closer := range []string{"*/", "-->", "*)"} {
		if j := strings.Index(v, closer); j >= 0 {
			v = v[:j]
		}
	}
	v = strings.TrimSpace(strings.TrimRight(strings.TrimSpace(v), "\r"))
	return v, v != ""
}

// Describe makes c, a file component no package owns, a third party's as
// its tags state: their licence (declared, and concluded from that
// statement when it is identifiers joined by AND; otherwise given once,
// concluded, as CycloneDX allows one expression per list), the copyright
// holders with an e-mail as authors, and notes saying so. It sets no
// manufacturer or supplier.
func (t Tags) Describe(c *cdx.Component, noteProperty string) {
	declared, concluded := cdx.LicenseAcknowledgementDeclared, cdx.LicenseAcknowledgementConcluded
	note := "licence: stated by the file's own SPDX-License-Identifier tag, not the manufacturer's; the concluded licence is that statement, craudit did no licence analysis of its own"
	if ids := strings.Split(t.Licence, " AND "); !strings.ContainsAny(t.Licence, "()") && !slices.ContainsFunc(ids, func(s string) bool { return s == "" || strings.Contains(s, " ") }) {
		slices.Sort(ids)
		ids = slices.Compact(ids)
		var ls cdx.Licenses
		for _, ack := range []cdx.LicenseAcknowledgement{declared, concluded} {
			for _, id := range ids {
				ls = append(ls, cdx.LicenseChoice{License: &cdx.License{ID: id, Acknowledgement: ack}})
			}
		}
		c.Licenses = &ls
	} else {
		c.Licenses = &cdx.Licenses{{Expression: t.Licence, Acknowledgement: &concluded}}
		note += "; CycloneDX allows one expression per list, so the declared one, the same, is not repeated"
	}
	notes := []string{note}
	var authors []cdx.OrganizationalContact
	for _, h := range t.Holders() {
		authors = append(authors, cdx.OrganizationalContact{Name: h.Name, Email: h.Address})
	}
	if len(authors) > 0 {
		c.Authors = &authors
	} else {
		notes = append(notes, "creator: the file carries its own licence, so it is not the manufacturer's, and its SPDX-FileCopyrightText names no holder with an e-mail address")
	}
	if c.Properties == nil {
		c.Properties = &[]cdx.Property{}
	}
	for _, n := range notes {
		*c.Properties = append(*c.Properties, cdx.Property{Name: noteProperty, Value: n})
	}
}
