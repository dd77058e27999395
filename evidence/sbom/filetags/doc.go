// Package filetags reads the licence metadata a file states about itself
// in SPDX file tags (SPDX-License-Identifier, SPDX-FileCopyrightText; the
// REUSE convention) from its first bytes, and describes such a file as a
// third party's CycloneDX component. Its input is untrusted file content:
// the reader is bounded, line-based and fuzzed (FuzzRead).
package filetags
