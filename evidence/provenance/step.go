package provenance

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	intoto "github.com/in-toto/in-toto-golang/in_toto"
	"github.com/in-toto/in-toto-golang/in_toto/slsa_provenance/common"
	slsa1 "github.com/in-toto/in-toto-golang/in_toto/slsa_provenance/v1"

	"github.com/craudit/craudit/evidence/keys"
)

// BundleBuildType is the SLSA build type of craudit's bundling step.
const BundleBuildType = "https://craudit.dev/buildtypes/bundle/v1"

// StepFile is where a bundle keeps the statement of its own bundling step.
const StepFile = "provenance/craudit.intoto.jsonl"

// StatementOptions describe one build step for an in-toto Statement v1 with a
// SLSA Provenance v1 predicate.
type StatementOptions struct {
	Subjects  []Subject  // the outputs; each needs at least one digest
	Materials []Material // the inputs (SLSA resolved dependencies)
	BuilderID string     // who ran the step (SLSA runDetails.builder.id)
	// BuilderVersion is recorded as builder.version, keyed by tool name.
	BuilderVersion map[string]string
	BuildType      string
	// ExternalParameters are the step's user-controlled inputs.
	ExternalParameters map[string]any
	InvocationID       string
	Started, Finished  time.Time
}

// NewStatement encodes an in-toto Statement v1 with a SLSA Provenance v1
// predicate using in-toto-golang's types. Subjects and materials are sorted so
// the same inputs give the same bytes.
func NewStatement(o StatementOptions) ([]byte, error) {
	if len(o.Subjects) == 0 {
		return nil, errors.New("provenance: no subjects")
	}
	if o.BuilderID == "" || o.BuildType == "" {
		return nil, errors.New("provenance: builder ID and build type are required")
	}
	subs := slices.Clone(o.Subjects)
	slices.SortFunc(subs, func(a, b Subject) int { return strings.Compare(a.Name, b.Name) })
	st := intoto.StatementHeader{Type: StatementV1, PredicateType: PredicateSLSAV1}
	for _, s := range subs {
		if len(s.Digest) == 0 {
			return nil, fmt.Errorf("provenance: subject %q has no digest", s.Name)
		}
		st.Subject = append(st.Subject, intoto.Subject{Name: s.Name, Digest: common.DigestSet(s.Digest)})
	}
	mats := slices.Clone(o.Materials)
	slices.SortFunc(mats, func(a, b Material) int { return strings.Compare(a.URI+"\x00"+a.Name, b.URI+"\x00"+b.Name) })
	var deps []slsa1.ResourceDescriptor
	for _, m := range mats {
		deps = append(deps, slsa1.ResourceDescriptor{URI: m.URI, Name: m.Name, Digest: common.DigestSet(m.Digest)})
	}
	ext := o.ExternalParameters
	if ext == nil {
		ext = map[string]any{}
	}
	pred := slsa1.ProvenancePredicate{
		BuildDefinition: slsa1.ProvenanceBuildDefinition{
			BuildType:            o.BuildType,
			ExternalParameters:   ext,
			ResolvedDependencies: deps,
		},
		RunDetails: slsa1.ProvenanceRunDetails{
			Builder:       slsa1.Builder{ID: o.BuilderID, Version: o.BuilderVersion},
			BuildMetadata: slsa1.BuildMetadata{InvocationID: o.InvocationID, StartedOn: utcPtr(o.Started), FinishedOn: utcPtr(o.Finished)},
		},
	}
	// encoding/json sorts map keys, so the output is deterministic.
	return json.Marshal(struct {
		intoto.StatementHeader
		Predicate slsa1.ProvenancePredicate `json:"predicate"`
	}{st, pred})
}

func utcPtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC().Truncate(time.Second)
	return &u
}

// StepSubject is an artefact of the bundle: its in-bundle name and digests.
type StepSubject struct {
	Name   string // e.g. artefacts/firmware.tar
	SHA256 string
	SHA512 string
}

// StepMaterial is an input file of the bundling step.
type StepMaterial struct {
	URI    string // the in-bundle path, e.g. product.yaml
	SHA256 string
}

// StepOptions describe craudit's bundling step.
type StepOptions struct {
	Subjects  []StepSubject
	Materials []StepMaterial
	// BuilderID names craudit as the builder, e.g.
	// https://craudit.dev/builder/craudit@0.1.0.
	BuilderID   string
	ToolVersion string
	// Started and Finished bound the step: SOURCE_DATE_EPOCH-derived for
	// reproducible bundles, otherwise the wall clock.
	Started, Finished time.Time
	Signer            *keys.PrivateKey
}

// BundleStep makes the signed statement of craudit's bundling step: one DSSE
// envelope line for provenance/craudit.intoto.jsonl. Subjects are the
// artefacts (SHA-256 and SHA-512), resolved dependencies the input files.
func BundleStep(o StepOptions) ([]byte, error) {
	so := StatementOptions{
		BuilderID:      o.BuilderID,
		BuilderVersion: map[string]string{"craudit": o.ToolVersion},
		BuildType:      BundleBuildType,
		Started:        o.Started,
		Finished:       o.Finished,
	}
	if o.ToolVersion == "" {
		so.BuilderVersion = nil
	}
	for _, s := range o.Subjects {
		d := map[string]string{}
		if s.SHA256 != "" {
			d["sha256"] = strings.ToLower(s.SHA256)
		}
		if s.SHA512 != "" {
			d["sha512"] = strings.ToLower(s.SHA512)
		}
		so.Subjects = append(so.Subjects, Subject{Name: s.Name, Digest: d})
	}
	inputs := []string{}
	for _, m := range o.Materials {
		so.Materials = append(so.Materials, Material{URI: m.URI, Digest: map[string]string{"sha256": strings.ToLower(m.SHA256)}})
		inputs = append(inputs, m.URI)
	}
	slices.Sort(inputs)
	so.ExternalParameters = map[string]any{"inputs": inputs}
	payload, err := NewStatement(so)
	if err != nil {
		return nil, err
	}
	return SignEnvelope(payload, o.Signer)
}
