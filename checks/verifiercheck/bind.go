package verifiercheck

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/evidence/transcript"
)

// counted is the transcript as the product's evidence: the authentic runs
// of a repository product.yaml declares, and why every other run does not
// count.
type counted struct {
	runs     []*transcript.Run
	excluded []string
	declared []string
}

// forProduct reads the transcript and keeps the runs that count for the
// product. When none can count it returns the outcome every verifier check
// reports instead (missing, refused, unsigned, unbound): never a pass.
func forProduct(in *checks.Input) (*counted, *checks.Outcome) {
	f, err := in.LiveTranscripts()
	if o := checks.LiveUnusable(err, "no verifier transcript: run `craudit check BUNDLE --repo URL` (or `craudit dossier --repo URL`) against the live repository, or record one with `craudit verify --signing-key KEY --key-cert CERT --out transcript.intoto.json` and pass it with --transcript"); o != nil {
		// Refused by the format (a changed byte, another format) is a
		// finding; unreadable from the bundle is an error.
		return nil, o
	}
	ev := in.Refs(TranscriptPath)
	if !f.Authentic() {
		return nil, &checks.Outcome{Status: checks.Fail, Evidence: ev, Message: f.Problem.Error()}
	}
	c := &counted{}
	if in.Product == nil {
		return nil, &checks.Outcome{Status: checks.Fail, Evidence: ev, Message: "product.yaml is missing or unreadable: no transcript can be tied to the product's update repository"}
	}
	c.declared = in.Product.Repositories()
	if len(c.declared) == 0 {
		return nil, &checks.Outcome{Status: checks.Fail, Evidence: ev, Message: "product.yaml declares no update repository (updates.repository_url): no transcript can count for the product"}
	}
	for _, r := range f.Runs {
		if declaredRun(r, c.declared) {
			c.runs = append(c.runs, r)
		} else {
			c.excluded = append(c.excluded, fmt.Sprintf("the %s run measured %s", r.Profile, Display(r.Repository)))
		}
	}
	if len(c.runs) == 0 {
		return nil, &checks.Outcome{Status: checks.Fail, Evidence: ev, Message: fmt.Sprintf("no transcript of a repository the product declares: %s; product.yaml declares %s",
			strings.Join(c.excluded, ", "), strings.Join(c.declared, ", "))}
	}
	return c, nil
}

// note is what a result adds about runs that did not count.
func (c *counted) note() string {
	if len(c.excluded) == 0 {
		return ""
	}
	return "; not counted (not a declared repository): " + strings.Join(c.excluded, ", ")
}

// declared reports whether repository u is one of the declared URLs,
// compared as URLs: scheme and host case-insensitively, the path without a
// trailing slash.
func declared(u string, list []string) bool {
	n := normalURL(u)
	for _, d := range list {
		if n != "" && n == normalURL(d) {
			return true
		}
	}
	return false
}

// declaredRun reports whether a run measured a declared repository. An
// Uptane run reads two repositories, the Director and the Image
// repository, which a manufacturer publishes side by side under its one
// update repository (repo publish --uptane: URL/uptane/director and
// URL/uptane/image): both must be a declared URL or below one (whole path
// segments, same scheme and host). A partial verification (a Secondary's)
// may read the Director alone.
func declaredRun(r *transcript.Run, list []string) bool {
	if r.Profile != transcript.ProfileUptane {
		return declared(r.Repository, list)
	}
	return below(r.Repository, list) && (r.ImageRepository == "" || below(r.ImageRepository, list))
}

func below(u string, list []string) bool {
	n := normalURL(u)
	for _, d := range list {
		if dn := normalURL(d); n != "" && dn != "" && (n == dn || strings.HasPrefix(n, dn+"/")) {
			return true
		}
	}
	return false
}

func normalURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return ""
	}
	host := strings.ToLower(u.Host)
	switch {
	case u.Scheme == "https" && strings.HasSuffix(host, ":443"):
		host = strings.TrimSuffix(host, ":443")
	case u.Scheme == "http" && strings.HasSuffix(host, ":80"):
		host = strings.TrimSuffix(host, ":80")
	}
	return strings.ToLower(u.Scheme) + "://" + host + strings.TrimRight(u.EscapedPath(), "/")
}

// Display shows a measured URL in a result: a loopback address loses its
// port, which changes from run to run (results must be reproducible); the
// transcript the result cites keeps it.
func Display(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return raw
	}
	h := u.Hostname()
	if ip := net.ParseIP(h); (ip != nil && ip.IsLoopback()) || h == "localhost" {
		if u.Port() != "" {
			u.Host = strings.TrimSuffix(u.Host, ":"+u.Port()) + ":PORT"
		}
	}
	return u.String()
}

// bindingChecks judge the transcript itself: is it authentic, and is it of
// the product's repository.
func bindingChecks() []checks.Check {
	signed := checks.Info{ID: "verifier/signed-evidence", Version: 1, Step: 5, Basis: checks.BasisCRA,
		Title:       "The verifier transcript is signed by a key the root key certifies",
		MapsTo:      []string{"cra/annex-vii/6", "enisa/rec/provenance-and-traceability"},
		Description: "A transcript passed in from a file counts only as an in-toto attestation (DSSE envelope) signed by the root key, by the bundle's signer, or by a key the root key certifies through the certificate carried in the envelope (valid at the reference time, scoped to the product). A plain JSON transcript can be written by anyone, and an attestation with a changed byte or an unknown signer proves nothing: the verifier checks then fail.",
		Remediation: "Record the transcript with `craudit verify --signing-key KEY --key-cert CERT --out transcript.intoto.json` and pass that file with --transcript."}
	bound := checks.Info{ID: "verifier/product-repository", Version: 1, Step: 3, Basis: checks.BasisCRA,
		Title:       "The verifier transcript is of the update repository the product declares",
		MapsTo:      []string{"cra/annex-vii/6", "enisa/rec/trusted-update-source"},
		Description: "A transcript counts for the product only when the repository it verified is one that product.yaml declares (updates.repository_url, updates.repository_urls). Its attestation binds the URL to the SHA-256 of the TLS certificate the server presented. A run against another repository, a copy served elsewhere for a test, is reported but does not count.",
		Remediation: "Verify the repository the devices really use (on loopback keep its name with `craudit verify --resolve HOST:PORT:ADDR`), or declare the repository in product.yaml."}
	return []checks.Check{
		checks.Func{I: signed, F: func(_ context.Context, in *checks.Input) checks.Outcome { return judgeSigned(in) }},
		checks.Func{I: bound, F: func(_ context.Context, in *checks.Input) checks.Outcome { return judgeBound(bound, in) }},
	}
}

func judgeSigned(in *checks.Input) checks.Outcome {
	f, err := in.LiveTranscripts()
	if o := checks.LiveUnusable(err, "no verifier transcript"); o != nil {
		return *o
	}
	return f.SignedOutcome(in.Refs(TranscriptPath))
}

func judgeBound(i checks.Info, in *checks.Input) checks.Outcome {
	f, err := in.LiveTranscripts()
	c, o := forProduct(in)
	if err != nil || !f.Authentic() {
		return *o
	}
	out := checks.Outcome{Evidence: in.Refs(TranscriptPath)}
	var list []string
	if in.Product != nil {
		list = in.Product.Repositories()
	}
	for _, r := range f.Runs {
		sub := string(r.Profile) + ":" + Display(r.Repository)
		fd := checks.Finding{ID: checks.FindingID(i.ID, sub), Subject: sub, Status: checks.Pass}
		measured := Display(r.Repository) + tlsLeaf(r)
		if declaredRun(r, list) {
			fd.Message = measured + ": declared in product.yaml"
		} else {
			fd.Status, fd.Message = checks.Fail, fmt.Sprintf("%s: not declared (product.yaml declares %s)", measured, strings.Join(list, ", "))
		}
		out.Findings = append(out.Findings, fd)
	}
	if o != nil {
		out.Status, out.Message = o.Status, o.Message
		return out
	}
	var names []string
	for _, r := range c.runs {
		names = append(names, fmt.Sprintf("the %s run measured %s%s", r.Profile, Display(r.Repository), tlsLeaf(r)))
	}
	out.Status, out.Message = checks.Pass, strings.Join(names, ", ")+", a repository product.yaml declares"+c.note()
	return out
}

// tlsLeaf says whether a run was bound to a TLS certificate. The digest
// itself stays in the transcript and the attestation's subject: a message
// carries no per-run value, so reports of the same evidence stay identical
// when a test server's certificate is made anew.
func tlsLeaf(r *transcript.Run) string {
	if r.Contacted == nil || r.Contacted.TLSLeafSHA256 == "" {
		return " (no TLS certificate recorded)"
	}
	return " (bound to the TLS certificate it presented)"
}
