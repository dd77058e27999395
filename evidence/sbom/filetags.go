package sbom

import (
	"bytes"
	"net/mail"
	"regexp"
	"strings"
	"unicode/utf8"
)

// FileTagsLen is how much of a file's start FileTags reads: SPDX file tags
// (the REUSE convention) sit in the header comment.
const FileTagsLen = 4096

// FileTags is the licence metadata a file states about itself in SPDX
// tags: "SPDX-License-Identifier: MIT" and
// "SPDX-FileCopyrightText: 2024 Jane Doe <jane@example.org>".
type FileTags struct {
	// Licence is the SPDX-License-Identifier expression; when the file has
	// several, they are joined with AND (each applies to the file).
	Licence string
	// Copyright lists the SPDX-FileCopyrightText values in file order.
	Copyright []string
}

// Empty reports whether the file stated no licence.
func (t FileTags) Empty() bool { return t.Licence == "" }

// Holders returns the copyright holders that come with an e-mail address
// ("2024 Jane Doe <jane@example.org>" -> Jane Doe, jane@example.org),
// in file order, without repeats.
func (t FileTags) Holders() []mail.Address {
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

// ReadFileTags reads the SPDX tags in the first FileTagsLen bytes of a
// file. It reads text only: a file that is not valid UTF-8 there (a
// binary) states nothing. A tag's value ends at the line's end or at a
// comment closer ("*/", "-->"); a licence value with characters no SPDX
// expression has is ignored.
func ReadFileTags(head []byte) FileTags {
	var t FileTags
	head = head[:min(len(head), FileTagsLen)]
	if i := bytes.LastIndexByte(head, '\n'); len(head) == FileTagsLen && i >= 0 {
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
