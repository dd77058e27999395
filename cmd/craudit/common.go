package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/craudit/craudit/cmd/craudit/internal/cli"
	"github.com/craudit/craudit/evidence/atomicfs"
	"github.com/craudit/craudit/evidence/attest"
	"github.com/craudit/craudit/evidence/keys"
)

// writeOutput writes machine output to --out atomically, or to stdout.
func writeOutput(stdout io.Writer, out string, force bool, data []byte) error {
	if out == "" || out == "-" {
		_, err := stdout.Write(data)
		return err
	}
	return atomicfs.WriteFile(out, data, 0o644, force)
}

func loadTrust(path string) (*keys.PublicKey, error) {
	if path == "" {
		return nil, fmt.Errorf("--trust is required (the manufacturer's root public key)")
	}
	return keys.LoadPublic(path)
}

// liveSigning is --signing-key and --key-cert of verify and attack: with a key (loaded
// as bundle loads its own) the output is the attestation of the JSON evidence.
type liveSigning struct{ key, cert, pass string }

func (s *liveSigning) register(c *cobra.Command) {
	c.Flags().StringVar(&s.key, "signing-key", "", "write the JSON evidence as an in-toto attestation (DSSE envelope) signed by this key")
	c.Flags().StringVar(&s.cert, "key-cert", "", "the signing key's certificate by the root key (CERT.sig beside it), carried in the attestation")
	cli.AddPassphraseEnvFlag(c, &s.pass)
}

func (s *liveSigning) load(cmd *cobra.Command, format string) (k *keys.PrivateKey, cert *attest.Certificate, err error) {
	switch {
	case s.key == "" && s.cert != "":
		return nil, nil, fmt.Errorf("--key-cert needs --signing-key")
	case s.key == "":
		return nil, nil, nil
	case cmd.Flags().Changed("format") && format != "json":
		return nil, nil, fmt.Errorf("--signing-key signs the JSON evidence: not --format %s", format)
	}
	if k, err = cli.LoadSigningKey(cmd, s.key, s.pass); err == nil && s.cert != "" {
		cert, err = attest.LoadCertificate(s.cert, k.Public())
	}
	return k, cert, err
}
