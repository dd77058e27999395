package starter

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/craudit/craudit/checks/declare"
	"github.com/craudit/craudit/evidence/atomicfs"
	"github.com/craudit/craudit/mappings"
)

// File is one starter file.
type File struct {
	Name string
	Data []byte
}

// Names of the files init writes, in order.
const (
	ProductFile = "product.yaml"
	AnswersFile = "answers.yaml"
	PolicyFile  = "policy.yaml"
)

// Files returns the three starter files.
func Files(set *mappings.Set) []File {
	return []File{
		{ProductFile, []byte(productTemplate)},
		{AnswersFile, answers(set)},
		{PolicyFile, []byte(policyTemplate)},
	}
}

// Write puts the starter files into dir (made if absent). Without force it
// refuses before writing anything when any of them exists, so it never
// leaves a mix of old and new files; each file is written atomically.
func Write(dir string, set *mappings.Set, force bool) ([]string, error) {
	files := Files(set)
	if !force {
		for _, f := range files {
			p := filepath.Join(dir, f.Name)
			if _, err := os.Lstat(p); err == nil {
				return nil, fmt.Errorf("%s: %w", p, atomicfs.ErrExists)
			} else if !errors.Is(err, fs.ErrNotExist) {
				return nil, err
			}
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	var written []string
	for _, f := range files {
		p := filepath.Join(dir, f.Name)
		if err := atomicfs.WriteFile(p, f.Data, 0o644, force); err != nil {
			return written, err
		}
		written = append(written, p)
	}
	return written, nil
}

// answers builds answers.yaml: one open declaration per control, commented
// with the question and the catalogue items it serves.
func answers(set *mappings.Set) []byte {
	var b strings.Builder
	b.WriteString(answersHeader)
	step := -1
	for _, c := range declare.Controls() {
		if c.Step != step {
			step = c.Step
			if e, ok := set.Lookup(fmt.Sprintf("enisa/step/%d", step)); ok {
				fmt.Fprintf(&b, "\n  # ---- ENISA step %d: %s ----\n", step, e.Title)
			} else {
				b.WriteString("\n  # ---- Vulnerability handling, documentation and product properties ----\n")
			}
		}
		fmt.Fprintf(&b, "\n  # %s\n", c.Title)
		for _, line := range wrap(c.Question, 74) {
			fmt.Fprintf(&b, "  # %s\n", line)
		}
		basis := "ENISA advisory / best practice"
		if c.Basis == "cra" {
			basis = "CRA requirement"
		}
		fmt.Fprintf(&b, "  # Basis: %s. Serves:\n", basis)
		for _, id := range c.MapsTo {
			title := id
			if e, ok := set.Lookup(id); ok {
				title = e.DisplayTitle()
			}
			fmt.Fprintf(&b, "  #   %s (%s)\n", id, title)
		}
		if c.NotApplicableWhen != "" {
			fmt.Fprintf(&b, "  # May be not_applicable, with a justification: %s.\n", c.NotApplicableWhen)
		}
		fmt.Fprintf(&b, "  - control: %s\n    status: open\n    statement: \"\"\n    owner: \"\"\n    evidence: []\n", c.ID())
	}
	return []byte(b.String())
}

func wrap(s string, width int) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(s) {
		if line != "" && len(line)+1+len(w) > width {
			lines = append(lines, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += w
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}

const answersHeader = `# answers.yaml: your declarations for the controls no tool can see in a
# release (how keys are kept, how releases are approved, how the device
# installs and logs updates, how vulnerabilities are handled).
#
# For each control set:
#   status:    open | implemented | partial | not_implemented | not_applicable
#   statement: how you do it, in a sentence or two
#   owner:     who is responsible (a role or a person)
#   evidence:  files that back the statement, relative to this file's folder
#              (policies, test reports, logs, screenshots); craudit bundle
#              copies them into the bundle and pins them by SHA-256
#   justification: required with not_applicable
#
# How craudit check judges a declaration:
#   implemented + statement + owner + evidence that verifies  -> declared
#   implemented without evidence (or with a missing file)     -> missing
#   partial or not_implemented                                -> fail
#   open, or no entry                                         -> missing
#   not_applicable: always with a justification. A CRA requirement may be
#   not applicable only where the CRA makes it conditional (elsewhere it
#   fails); a practice recommendation (ENISA, ETSI: basis practice) may be
#   not applicable wherever the justification says why.
# "declared" is never "pass": it says a person vouches for it, with evidence.
declarations:
`

const productTemplate = `# product.yaml: the product being assessed, who makes it, how long it is
# supported and how updates reach it (CRA Annex II and Annex VII (1)).
# Replace the example values; leave a field empty ("") where you have no
# answer yet: craudit check reports it as missing.

manufacturer:
  name: "Example Manufacturer Ltd"      # Annex II (1): name or trade mark
  address: ""                           # postal address
  email: ""                             # general contact email
  website: ""
  member_state: ""                      # e.g. "DE": main establishment in the EU; picks the CSIRT of Art. 14 notifications

product:
  id: "example-product"                 # a stable identifier, used in file names
  name: "Example Product"               # Annex II (3): product name
  model: ""
  type: ""                              # e.g. "smart thermostat"
  identifiers: []                       # e.g. ["urn:example:model-1", "EAN 4000000000000"]
  intended_purpose: ""                  # Annex II (4), Annex VII (1)(a)
  essential_functions: []               # e.g. ["temperature control"]
  hardware_ids: []                      # hardware revisions updates apply to

# Article 13(8): at least five years, unless the product is expected to be
# in use for less: then set expected_use_years, give a period that covers
# it, and say why in justification (Annex VII (4)). The period of each unit
# starts when it is placed on the market, so list every batch (or unit) with
# its date; craudit shows each end as month and year (Article 13(19),
# Annex II (7)).
support_period:
  start_basis: batch                    # batch or unit
  years: 5
  expected_use_years: 0                 # how long the product is expected to be in use (0: not stated)
  justification: ""                     # how the period was determined; needed for fewer than 5 years
  batches: []
  # batches:
  #   - id: "2026-03"
  #     placed_on_market: 2026-03-15
  #     # end: 2031-03-31               # optional; overrides placed_on_market + years

# Annex I Part II (5) and (6), Annex II (2): where vulnerabilities are reported
# (an email address or an https URL such as your security.txt) and where the
# coordinated vulnerability disclosure policy is published.
security_contact: ""
cvd_policy_url: ""

declaration_of_conformity_url: ""       # Annex II (6)
user_instructions_url: ""               # Annex II (8)
sbom_url: ""                            # Annex II (9), only if you publish the SBOM

updates:
  # ENISA delivery model: in-band, platform-managed, out-of-band-manual or
  # enterprise-staged.
  delivery_model: ""
  profile: ""                           # tuf or manifest (how the repository is secured)
  # automatic_security_updates: true    # Annex I Part I (2)(c)
  # user_can_postpone: true
  # The update repository the devices fetch from (https). A verifier
  # transcript counts for this product only for a repository named here.
  repository_url: ""
  # repository_urls: []                  # further repositories or mirrors
  # The device's own updater: attack results (craudit attack --client ...)
  # count for this product only when they name this SHA-256, the digest of
  # the executable, or of the script when an interpreter runs it
  # (sha256sum updater.sh).
  # updater:
  #   name: ""
  #   version: ""
  #   sha256: ""

standards: []                           # Annex VII (5): standards or specifications applied

# The EU declaration of conformity (Annex V; craudit declaration renders
# it). Fields left empty are shown as MISSING in the declaration.
# declaration:
#   place: ""                           # place of issue
#   signatory: {name: "", function: ""}
#   # notified_body: {name: "", number: "", procedure: "", certificate: ""}  # only where one took part
#   additional_information: ""

# The Annex II information for users (craudit user-info).
# user_information:
#   security_properties: []             # Annex II (4)
#   risks: []                           # Annex II (5)
#   technical_support: ""               # Annex II (7)
#   instructions:                       # Annex II (8)(a)-(f)
#     secure_use: ""
#     changes_affect: ""
#     install_updates: ""               # (c) how to install security updates
#     decommissioning: ""
#     turn_off_auto_updates: ""
#     integration: ""
#   end_of_support_notice: ""           # Article 13(19)
`

const policyTemplate = `# policy.yaml: what must hold for craudit check to pass (exit 0).

# Check IDs or whole ENISA steps ("enisa/step/5") whose failure fails the
# gate. Empty: every check is required.
required: []

# Lowest vulnerability severity that fails the gate: critical, high, medium,
# low or none. A vulnerability of unknown severity counts as high unless a
# VEX statement covers it.
fail_on: high

# How old the offline vulnerability database may be.
max_osv_db_age: 30d

# How old the known-exploited catalogue (bundle --kev) may be at the reference
# time, by its dateReleased; an older one fails vuln/known-exploitable.
max_kev_age: 30d

# Builder IDs accepted in provenance; empty: the builder check is
# not_applicable and says no allow-list is configured.
allowed_builders: []

# Your own components (firmware files, daemons) that no public advisory
# database covers: match lists prefixes of the component's name, purl or SBOM
# ref; advisories is where you publish advisories for them. Only components
# without an advisory ecosystem can be declared; others fail vuln/scan-present.
own_components: []
# own_components:
#   - match: ["/opt/vendor/"]
#     advisories: https://vendor.example/security/advisories
#     justification: "our own daemon; advisories under our CVD policy"

# How the fleet/ checks judge a fleet status snapshot (bundle --fleet-status;
# docs/fleet-checks.md). Defaults: every refused report or refused attack
# fails, every unit past its support period fails, no unit may be silent,
# and the snapshot may be at most 30 days old.
# fleet:
#   integrity_failures: fail   # or report: shown, passing
#   past_support: fail         # or report
#   max_silent_percent: 0      # share of registered units allowed silent
#   max_status_age: 30d

# Accepted gaps, each with a reason, an approver and an end date. An expired
# waiver no longer applies. id is a check ID or a finding ID; a vulnerability
# finding may also be named by an alias (a CVE) in place of its OSV ID.
waivers: []
# waivers:
#   - id: "declare/atomic-install"
#     justification: "A/B slots ship with hardware revision 2 (Q3)"
#     approver: "Head of Engineering"
#     expires: 2027-06-30
`
