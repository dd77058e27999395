package artefactcheck

import (
	"context"
	"fmt"
	"strings"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/evidence/artefact/updaterconf"
)

func configChecks() []checks.Check {
	info := func(id, title string, step int, maps []string, desc, rem string) checks.Info {
		return checks.Info{ID: id, Version: 1, Title: title, Step: step, MapsTo: maps, Basis: checks.BasisPractice, Description: desc, Remediation: rem}
	}
	const given = " The configuration is the one given to `bundle --updater-config` (RAUC system.conf, SWUpdate swupdate.cfg or command line, mender.conf, OSTree repository config); without one, the checks apply only when the bundle holds an updater artefact, and then report the configuration missing."
	return []checks.Check{
		checks.Func{I: info(IDConfigKey, "The updater verifies artefacts against a configured key", 5,
			[]string{enisaStep5, enisaSigVerify, craIntegrity},
			"The device's updater must be configured with a trust anchor: RAUC [keyring] path or directory, SWUpdate -k (public-key-file), Mender ArtifactVerifyKey(s), OSTree gpg-verify (on unless switched off)."+given,
			"Add the anchor named in the finding to the updater's configuration."), F: configJudge(IDConfigKey, judgeKey)},
		checks.Func{I: info(IDConfigPurpose, "The updater checks the signer certificate's purpose", 5,
			[]string{enisaStep5, enisaSigVerify, enisaSigning},
			"RAUC and SWUpdate accept any certificate under the CA whose purpose is S/MIME signing unless told otherwise; a code-signing purpose (RAUC check-purpose=codesign, SWUpdate --cert-purpose codeSigning) keeps e-mail certificates from the same CA from signing updates. Mender and OSTree verify raw keys and GPG signatures: not applicable."+given,
			"Set the purpose named in the finding and sign with a certificate whose extended key usage is codeSigning."), F: configJudge(IDConfigPurpose, judgePurpose)},
		checks.Func{I: info(IDConfigRollbk, "The updater refuses older releases", 5,
			[]string{enisaStep5, enisaRollback, craUpdates},
			"A validly signed older release must not install: SWUpdate -N (no-downgrading), a RAUC pre-install handler or install-check hook that compares versions, OSTree's timestamp check (default for ostree admin upgrade), Mender artifact dependencies or a state script."+given,
			"Add the anti-rollback setting named in the finding."), F: configJudge(IDConfigRollbk, judgeRollback)},
		checks.Func{I: info(IDConfigLimits, "The updater bounds its downloads", 4,
			[]string{enisaStep4, enisaTransport},
			"An endless or stalled download must end: RAUC max-bundle-download-size, SWUpdate's download timeout (-t). A limit left to the compiled-in default is reported missing, so the configured value is evidence."+given,
			"Set the limit named in the finding explicitly."), F: configJudge(IDConfigLimits, judgeLimits)},
		checks.Func{I: info(IDConfigHTTPS, "Update URLs use HTTPS with certificate checks", 4,
			[]string{enisaStep4, enisaTransport, enisaSource},
			"Every update server URL the configuration names must be https, and TLS certificate checks must stay on (Mender SkipVerify, OSTree tls-permissive, SWUpdate suricatta -x switch them off)."+given,
			"Use https URLs and remove the setting that switches certificate checks off."), F: configJudge(IDConfigHTTPS, judgeHTTPS)},
	}
}

// configJudge applies judge to every recorded configuration.
func configJudge(id string, judge func(c *updaterconf.Config) (checks.Status, string)) func(context.Context, *checks.Input) checks.Outcome {
	return func(_ context.Context, in *checks.Input) checks.Outcome {
		cs, err := in.UpdaterConfigs()
		if err != nil {
			return checks.Outcome{Status: checks.StatusOf(err), Message: err.Error()}
		}
		if len(cs) == 0 {
			if ins, _ := in.ArtefactInspections(); len(ins) > 0 {
				return checks.Outcome{Status: checks.Missing, Message: fmt.Sprintf("the bundle holds %d updater artefact(s) but no updater configuration: give the device's configuration with bundle --updater-config", len(ins))}
			}
			return checks.Outcome{Status: checks.NotApplicable, Message: "no updater configuration and no RAUC, SWUpdate or Mender artefact in the bundle"}
		}
		res := checks.Outcome{Status: checks.NotApplicable}
		var paths, msgs []string
		for _, d := range cs {
			c := d.Value
			paths = append(paths, d.Path)
			st, msg := judge(c)
			subject := c.Tool + ":" + c.Source
			res.Findings = append(res.Findings, checks.Finding{ID: checks.FindingID(id, subject), Status: st, Subject: subject, Message: msg})
			if st.Rank() < res.Status.Rank() {
				res.Status = st
			}
			msgs = append(msgs, subject+": "+msg)
		}
		res.Evidence = in.Refs(paths...)
		res.Message = strings.Join(msgs, "; ")
		return res
	}
}

func judgeKey(c *updaterconf.Config) (checks.Status, string) {
	if len(c.VerifyKey) > 0 && !c.VerifyOff {
		return checks.Pass, "verifies against " + strings.Join(c.VerifyKey, ", ")
	}
	switch c.Tool {
	case "rauc":
		return checks.Fail, "no keyring: add [keyring] path=/etc/rauc/ca.cert.pem to system.conf"
	case "swupdate":
		return checks.Fail, "no verification key: start swupdate with -k CA.pem (or set globals.public-key-file), with signed-image support built in"
	case "mender":
		return checks.Fail, "no ArtifactVerifyKey: add \"ArtifactVerifyKey\": \"/etc/mender/artifact-verify-key.pem\" to mender.conf; without it unsigned artefacts install"
	case "ostree":
		return checks.Fail, "gpg-verify=false on a remote: remove it (or set sign-verify) and import the signing key"
	}
	return checks.Fail, "no verification key"
}

func judgePurpose(c *updaterconf.Config) (checks.Status, string) {
	p := strings.ToLower(c.Purpose)
	switch c.Tool {
	case "rauc":
		switch p {
		case "codesign":
			return checks.Pass, "check-purpose=codesign"
		case "any":
			return checks.Fail, "check-purpose=any accepts a certificate of any purpose: set check-purpose=codesign in [keyring]"
		}
		return checks.Fail, "purpose left at the S/MIME default: add check-purpose=codesign to [keyring] and sign with a codeSigning certificate"
	case "swupdate":
		if p == "codesigning" {
			return checks.Pass, "--cert-purpose codeSigning"
		}
		return checks.Fail, "purpose left at the emailProtection default: add --cert-purpose codeSigning and sign with a codeSigning certificate"
	}
	return checks.NotApplicable, c.Tool + " verifies a raw key or GPG signature: no certificate purpose"
}

func judgeRollback(c *updaterconf.Config) (checks.Status, string) {
	if len(c.AntiRollback) > 0 {
		msg := strings.Join(c.AntiRollback, ", ")
		if c.Tool == "rauc" {
			msg += " (craudit cannot see whether the handler compares versions: keep its code as declaration evidence)"
		}
		return checks.Pass, msg
	}
	switch c.Tool {
	case "rauc":
		return checks.Fail, "RAUC has no built-in version check: add a [handlers] pre-install handler (or an install-check hook in the bundle) that refuses a version lower than the installed one"
	case "swupdate":
		return checks.Fail, "no anti-rollback: add -N <installed version> (--no-downgrading)"
	case "mender":
		return checks.Fail, "mender.conf cannot refuse older artefacts: add artifact dependencies (mender-artifact write --artifact-name-depends / --depends) or an ArtifactInstall_Enter state script that refuses a lower version"
	}
	return checks.Fail, "no anti-rollback setting"
}

func judgeLimits(c *updaterconf.Config) (checks.Status, string) {
	if len(c.DownloadLimit) > 0 {
		return checks.Pass, strings.Join(c.DownloadLimit, ", ")
	}
	switch c.Tool {
	case "rauc":
		return checks.Missing, "max-bundle-download-size is not set, so the compiled-in default applies: set it in [system] to the size of the largest bundle you ship"
	case "swupdate":
		return checks.Missing, "no download timeout: SWUpdate's default (300 s, swupdate -h) applies; pass -t SECONDS in -d so a stalled download ends sooner"
	}
	return checks.NotApplicable, c.Tool + " has no download-limit setting in this configuration"
}

func judgeHTTPS(c *updaterconf.Config) (checks.Status, string) {
	var plain []string
	for _, u := range c.URLs {
		if !strings.HasPrefix(strings.ToLower(u), "https://") {
			plain = append(plain, u)
		}
	}
	switch {
	case len(plain) > 0:
		return checks.Fail, "not https: " + strings.Join(plain, ", ") + ": use https URLs"
	case c.TLSInsecure:
		return checks.Fail, "TLS certificate checks are switched off (SkipVerify / tls-permissive / nocheckcert): remove that setting"
	case len(c.URLs) == 0:
		return checks.NotApplicable, "the configuration names no update URL (the caller passes it, e.g. rauc install URL): judge the caller"
	}
	return checks.Pass, "every update URL is https: " + strings.Join(c.URLs, ", ")
}
