package artefactcmd

import (
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/craudit/craudit/cmd/craudit/internal/cli"
	"github.com/craudit/craudit/evidence/artefact"
	"github.com/craudit/craudit/evidence/artefact/inspect"
)

// New is `craudit artefact`.
func New() *cobra.Command {
	c := &cobra.Command{
		Use:   "artefact",
		Short: "Verify and inspect RAUC bundles, SWUpdate archives and Mender artefacts",
		Example: `  craudit artefact verify update.raucb --ca rauc-ca.pem
  craudit artefact inspect update.mender`,
		Args: cobra.NoArgs,
	}
	c.AddCommand(newCmd(true), newCmd(false))
	return c
}

type flags struct {
	ca, key, format, refTime, purpose string
}

func newCmd(verify bool) *cobra.Command {
	var f flags
	c := &cobra.Command{Args: cobra.ExactArgs(1)}
	if verify {
		c.Use = "verify FILE"
		c.Short = "Verify an updater artefact's signature, signer chain and every image hash"
		c.Long = `Verifies a RAUC bundle (plain or verity), a SWUpdate .swu archive (CMS or RSA
signature) or a Mender artefact (format 2 or 3; gzip, xz or zstd payloads) the way
the updater's strict offline check does, and more: a verity bundle's payload is
checked against the dm-verity root hash in its signed manifest (rauc info does not),
and every image is hashed (as a stream: memory does not grow with the artefact)
and compared with the hash the signed metadata declares.

Trust: --ca for CMS signatures (RAUC, SWUpdate), --key for raw signatures (Mender:
ECDSA P-256 or RSA; SWUpdate RSA mode). Without either nothing is authenticated and
the verdict is "not verified".

Exit codes: 0 verified; 1 not verified (bad or untrusted signature, a hash
mismatch, a damaged artefact, no trust anchor); 2 could not run (unreadable file,
unknown format, unreadable trust anchor).`
		c.Example = `  craudit artefact verify update.raucb --ca rauc-ca.pem
  craudit artefact verify update.swu --ca swupdate-ca.pem --format json
  craudit artefact verify update.mender --key artifact-verify-key.pem`
	} else {
		c.Use = "inspect FILE"
		c.Short = "Show an updater artefact's signer chain, compatibility, version and images"
		c.Long = `Prints what a RAUC bundle, SWUpdate archive or Mender artefact declares: signer
chain, compatible / hardware / device type, version, images with declared and
computed SHA-256, and the problems found. Trust flags as for verify.

Exit codes: 0 read (whatever the verdict); 1 damaged as its format; 2 unreadable
or of no known format.`
		c.Example = `  craudit artefact inspect update.mender
  craudit artefact inspect update.raucb --ca rauc-ca.pem --format json`
	}
	c.RunE = func(cmd *cobra.Command, args []string) error {
		return run(cmd.OutOrStdout(), args[0], f, verify)
	}
	fl := c.Flags()
	fl.StringVar(&f.ca, "ca", "", "PEM file of trusted CA certificates (CMS-signed RAUC and SWUpdate artefacts)")
	fl.StringVar(&f.key, "key", "", "PEM public key (or certificate) of the signer (Mender; SWUpdate RSA mode)")
	fl.StringVar(&f.format, "format", "text", "output format: text or json")
	fl.StringVar(&f.refTime, "reference-time", "", "time (RFC 3339) at which certificates must be valid; default: now")
	fl.StringVar(&f.purpose, "purpose", "", "signer certificate purpose: smimesign (default, as RAUC and SWUpdate), codesign or any")
	c.MarkFlagsMutuallyExclusive("ca", "key")
	return c
}

func run(out io.Writer, file string, f flags, verify bool) error {
	if f.format != "text" && f.format != "json" {
		return cli.Exit(cli.ExitCouldNotRun, fmt.Errorf("--format %q: want text or json", f.format))
	}
	at, _, err := cli.ReferenceTime(f.refTime, cli.WallClock)
	if err != nil {
		return cli.Exit(cli.ExitCouldNotRun, err)
	}
	o := artefact.Options{Time: at, Purpose: f.purpose}
	if _, err := o.ExtKeyUsages(); err != nil {
		return cli.Exit(cli.ExitCouldNotRun, fmt.Errorf("--purpose: %v", err))
	}
	if f.ca != "" {
		if o.Roots, _, err = artefact.LoadCA(f.ca); err != nil {
			return cli.Exit(cli.ExitCouldNotRun, fmt.Errorf("--ca %v", err))
		}
	}
	if f.key != "" {
		if o.Key, err = artefact.LoadPublicKey(f.key); err != nil {
			return cli.Exit(cli.ExitCouldNotRun, fmt.Errorf("--key %v", err))
		}
	}
	rep, err := inspect.File(file, o)
	if err != nil {
		var fe *artefact.FormatError
		if errors.As(err, &fe) {
			// Judging: an artefact damaged beyond reading is not verified.
			return cli.Exit(cli.ExitFailed, err)
		}
		return cli.Exit(cli.ExitCouldNotRun, err)
	}
	if f.format == "json" {
		b, err := rep.JSON()
		if err == nil {
			_, err = out.Write(b)
		}
		if err != nil {
			return cli.Exit(cli.ExitCouldNotRun, err)
		}
	} else if err := rep.WriteText(out); err != nil {
		return cli.Exit(cli.ExitCouldNotRun, err)
	}
	if verify && !rep.Verified {
		return cli.Exit(cli.ExitFailed, nil)
	}
	return nil
}
