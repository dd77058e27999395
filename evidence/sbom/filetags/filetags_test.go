package filetags

import (
	"bytes"
	"net/mail"
	"reflect"
	"strings"
	"testing"
)

func TestRead(t *testing.T) {
	for _, tc := range []struct {
		name    string
		head    string
		licence string
		holders []mail.Address
	}{
		{"REUSE header in a JS comment",
			"/*!\n * SPDX-FileCopyrightText: 2023-2025 Gauge Authors <authors@gauge.example.org>\n * SPDX-License-Identifier: MIT\n */\nvar x=1;\n",
			"MIT", []mail.Address{{Name: "Gauge Authors", Address: "authors@gauge.example.org"}}},
		{"one-line C comment", "/* SPDX-License-Identifier: BSD-2-Clause */\nint x;\n", "BSD-2-Clause", nil},
		{"shell, expression", "#!/bin/sh\n# SPDX-License-Identifier: GPL-2.0-or-later OR MIT\n# SPDX-FileCopyrightText: © 2024 Jane Doe <jane@example.org>\n",
			"GPL-2.0-or-later OR MIT", []mail.Address{{Name: "Jane Doe", Address: "jane@example.org"}}},
		{"two licences apply", "# SPDX-License-Identifier: MIT\n# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception\n",
			"MIT AND (Apache-2.0 WITH LLVM-exception)", nil},
		{"HTML comment, CRLF", "<!-- SPDX-License-Identifier: CC0-1.0 -->\r\n<p>", "CC0-1.0", nil},
		{"holder without e-mail", "// SPDX-FileCopyrightText: 2024 Some Project\n// SPDX-License-Identifier: Zlib\n", "Zlib", nil},
		{"no tags", "#!/bin/sh\necho hello\n", "", nil},
		{"empty value", "# SPDX-License-Identifier:\n", "", nil},
		{"not an expression", "# SPDX-License-Identifier: see <LICENSE> file; all rights\n", "", nil},
		{"binary", "\x7fELF\x00\x00SPDX-License-Identifier: MIT\n", "", nil},
		{"invalid UTF-8", "\xff\xfe SPDX-License-Identifier: MIT\n", "", nil},
	} {
		got := Read([]byte(tc.head))
		if got.Licence != tc.licence || !reflect.DeepEqual(got.Holders(), tc.holders) {
			t.Errorf("%s: licence %q holders %v, want %q %v", tc.name, got.Licence, got.Holders(), tc.licence, tc.holders)
		}
		if got.Empty() != (tc.licence == "") {
			t.Errorf("%s: Empty() = %v", tc.name, got.Empty())
		}
	}
}

// TestReadFileTagsBound: only the first MaxLen bytes count, and a line
// cut at the bound is not read.
func TestReadBound(t *testing.T) {
	pad := strings.Repeat("x", MaxLen-40) + "\n"
	late := pad + strings.Repeat("y", 60) + "\n# SPDX-License-Identifier: MIT\n"
	if got := Read([]byte(late)); !got.Empty() {
		t.Errorf("a tag after the bound was read: %q", got.Licence)
	}
	cut := pad + "# SPDX-License-Identifier: GPL-2.0-only OR MIT OR Apache-2.0 AND Zlib\n"
	if got := Read([]byte(cut)[:MaxLen]); !got.Empty() {
		t.Errorf("a cut line was read: %q", got.Licence)
	}
}

func FuzzRead(f *testing.F) {
	f.Add([]byte("/* SPDX-FileCopyrightText: 2024 A <a@b.example> */\n// SPDX-License-Identifier: MIT OR Apache-2.0\n"))
	f.Add([]byte("# SPDX-License-Identifier: (MIT)\n# SPDX-License-Identifier: Zlib\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		tags := Read(b)
		if strings.ContainsAny(tags.Licence, "\n\r") {
			t.Fatalf("licence spans lines: %q", tags.Licence)
		}
		for _, h := range tags.Holders() {
			if h.Address == "" || !bytes.Contains(b, []byte(h.Address)) {
				t.Fatalf("holder %v not in the input", h)
			}
		}
	})
}
