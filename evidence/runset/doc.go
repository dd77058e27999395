// Package runset reads and writes the one shape shared by the files of live
// evidence (the reference verifier's transcripts, the attack harness's
// results): a set of runs,
//
//	{"schema": "<set schema URL>", "runs": [<run>, ...]}
//
// and, for files written before that shape, one run object on its own or
// (where a format allows it) a bare JSON list of runs.
//
// A Format is the single place that decides what a file of one kind may
// hold: it bounds the size, refuses unknown schemas and empty sets with typed
// errors (SizeError, SchemaError, DecodeError), and lets the format check
// each run's content. The packages of the formats (evidence/transcript,
// evidence/attackrun) declare their Format; nothing else parses these files.
package runset
