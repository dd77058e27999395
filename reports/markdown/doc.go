// Package markdown renders dossier.md: the dossier's Annex VII structure as
// plain GitHub-flavoured Markdown, for review in a merge request and for
// diffing two releases' dossiers line by line.
package markdown
