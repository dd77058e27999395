package provenance

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"
	"time"

	intoto "github.com/in-toto/in-toto-golang/in_toto"
	slsa02 "github.com/in-toto/in-toto-golang/in_toto/slsa_provenance/v0.2"
	slsa1 "github.com/in-toto/in-toto-golang/in_toto/slsa_provenance/v1"
)

// Type URIs this package reads.
const (
	StatementV01     = intoto.StatementInTotoV01 // https://in-toto.io/Statement/v0.1
	StatementV1      = intoto.StatementInTotoV1  // https://in-toto.io/Statement/v1
	PredicateSLSAV02 = slsa02.PredicateSLSAProvenance
	PredicateSLSAV1  = slsa1.PredicateSLSAProvenance
	// PayloadType is the DSSE payload type of an in-toto Statement.
	PayloadType = "application/vnd.in-toto+json"
)

// MaxStatement bounds a decoded statement; real ones are a few kilobytes.
const MaxStatement = 4 << 20

// Subject is one artefact a statement is about.
type Subject struct {
	Name   string            `json:"name"`
	Digest map[string]string `json:"digest"`
}

// Material is one input the build used (SLSA v0.2 materials, v1 resolved
// dependencies).
type Material struct {
	URI    string            `json:"uri,omitempty"`
	Name   string            `json:"name,omitempty"`
	Digest map[string]string `json:"digest,omitempty"`
}

// Statement is the part of an in-toto Statement and its SLSA predicate that
// craudit judges. Provenance fields are empty for other predicate types.
type Statement struct {
	Type          string    `json:"type"`
	PredicateType string    `json:"predicate_type"`
	Subjects      []Subject `json:"subjects"`

	BuilderID    string     `json:"builder_id,omitempty"`
	BuildType    string     `json:"build_type,omitempty"`
	Materials    []Material `json:"materials,omitempty"`
	InvocationID string     `json:"invocation_id,omitempty"`
	StartedOn    *time.Time `json:"started_on,omitempty"`
	FinishedOn   *time.Time `json:"finished_on,omitempty"`
	// SourceURIs are the places in the predicate that name the source the
	// build came from (config source, workflow repository, materials).
	SourceURIs []string `json:"source_uris,omitempty"`
}

// IsSLSA reports whether the predicate is SLSA provenance of a supported version.
func (s *Statement) IsSLSA() bool {
	return s.PredicateType == PredicateSLSAV02 || s.PredicateType == PredicateSLSAV1
}

// ParseStatement decodes an in-toto Statement v0.1 or v1. Subjects must carry
// hex digests; a SLSA v0.2 or v1 predicate is decoded with in-toto-golang's
// types, any other predicate is kept by type only.
func ParseStatement(payload []byte) (*Statement, error) {
	if len(payload) > MaxStatement {
		return nil, ErrTooLarge
	}
	var raw struct {
		intoto.StatementHeader
		Predicate json.RawMessage `json:"predicate"`
	}
	if err := decodeJSON(payload, &raw); err != nil {
		return nil, malformed("statement: %v", err)
	}
	s := &Statement{Type: raw.Type, PredicateType: raw.PredicateType}
	switch raw.Type {
	case StatementV01, StatementV1:
	case "":
		return nil, malformed("statement: no _type")
	default:
		return nil, malformed("statement type %q is not an in-toto Statement v0.1 or v1", raw.Type)
	}
	if raw.PredicateType == "" {
		return nil, malformed("statement: no predicateType")
	}
	if len(raw.Subject) == 0 {
		return nil, malformed("statement: no subject")
	}
	for i, sub := range raw.Subject {
		if len(sub.Digest) == 0 {
			return nil, malformed("statement: subject %d has no digest", i)
		}
		d := map[string]string{}
		for alg, v := range sub.Digest {
			if !validDigest(alg, v) {
				return nil, malformed("statement: subject %d: digest %s %q is not hex", i, alg, v)
			}
			d[strings.ToLower(alg)] = strings.ToLower(v)
		}
		s.Subjects = append(s.Subjects, Subject{Name: sub.Name, Digest: d})
	}
	var err error
	switch raw.PredicateType {
	case PredicateSLSAV02:
		err = s.readSLSA02(raw.Predicate)
	case PredicateSLSAV1:
		err = s.readSLSA1(raw.Predicate)
	}
	if err != nil {
		return nil, err
	}
	return s, nil
}

func (s *Statement) readSLSA02(b json.RawMessage) error {
	var p slsa02.ProvenancePredicate
	if err := decodeJSON(b, &p); err != nil {
		return malformed("SLSA v0.2 predicate: %v", err)
	}
	s.BuilderID, s.BuildType = p.Builder.ID, p.BuildType
	for _, m := range p.Materials {
		s.Materials = append(s.Materials, Material{URI: m.URI, Digest: lowerDigests(m.Digest)})
		s.SourceURIs = append(s.SourceURIs, m.URI)
	}
	s.SourceURIs = append(s.SourceURIs, p.Invocation.ConfigSource.URI)
	if md := p.Metadata; md != nil {
		s.InvocationID, s.StartedOn, s.FinishedOn = md.BuildInvocationID, md.BuildStartedOn, md.BuildFinishedOn
	}
	s.SourceURIs = tidy(s.SourceURIs)
	return nil
}

func (s *Statement) readSLSA1(b json.RawMessage) error {
	var p slsa1.ProvenancePredicate
	if err := decodeJSON(b, &p); err != nil {
		return malformed("SLSA v1 predicate: %v", err)
	}
	s.BuilderID, s.BuildType = p.RunDetails.Builder.ID, p.BuildDefinition.BuildType
	for _, d := range p.BuildDefinition.ResolvedDependencies {
		s.Materials = append(s.Materials, Material{URI: d.URI, Name: d.Name, Digest: lowerDigests(d.Digest)})
		s.SourceURIs = append(s.SourceURIs, d.URI)
	}
	// Build types name their source differently: GitHub's workflow build
	// type as externalParameters.workflow.repository, others as
	// externalParameters.source (a string or a resource descriptor).
	if ext, ok := p.BuildDefinition.ExternalParameters.(map[string]any); ok {
		if wf, ok := ext["workflow"].(map[string]any); ok {
			if r, ok := wf["repository"].(string); ok {
				s.SourceURIs = append(s.SourceURIs, r)
			}
		}
		switch src := ext["source"].(type) {
		case string:
			s.SourceURIs = append(s.SourceURIs, src)
		case map[string]any:
			if u, ok := src["uri"].(string); ok {
				s.SourceURIs = append(s.SourceURIs, u)
			}
		}
	}
	md := p.RunDetails.BuildMetadata
	s.InvocationID, s.StartedOn, s.FinishedOn = md.InvocationID, md.StartedOn, md.FinishedOn
	s.SourceURIs = tidy(s.SourceURIs)
	return nil
}

// decodeJSON decodes exactly one JSON value.
func decodeJSON(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return malformed("trailing data after the JSON value")
	}
	return nil
}

func validDigest(alg, v string) bool {
	if alg == "" || v == "" {
		return false
	}
	_, err := hex.DecodeString(v)
	return err == nil
}

func lowerDigests(d map[string]string) map[string]string {
	if len(d) == 0 {
		return nil
	}
	out := make(map[string]string, len(d))
	for k, v := range d {
		out[strings.ToLower(k)] = strings.ToLower(v)
	}
	return out
}

func tidy(s []string) []string {
	s = slices.DeleteFunc(s, func(x string) bool { return x == "" })
	slices.Sort(s)
	return slices.Compact(s)
}

// NormaliseSourceURI reduces a source reference to host/path so the forms
// builders write (git+https://host/repo@refs/x, https://host/repo.git) compare
// equal to what a user types (host/repo).
func NormaliseSourceURI(u string) string {
	u = strings.TrimSpace(u)
	u = strings.TrimPrefix(u, "git+")
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
	}
	if i := strings.LastIndex(u, "@"); i >= 0 && strings.Contains(u[:i], "/") {
		u = u[:i]
	}
	u = strings.TrimSuffix(strings.TrimSuffix(u, "/"), ".git")
	return strings.ToLower(u)
}
