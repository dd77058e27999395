package main

import (
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/craudit/craudit/cmd/craudit/internal/cli"
	"github.com/craudit/craudit/evidence/repo"
)

func newRepoCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "repo",
		Short:   "Update repositories made from a bundle",
		Example: "  craudit repo publish ./bundle ./repo --tuf --keys ./tuf-keys",
	}
	cmd.AddCommand(newRepoPublishCmd())
	return cmd
}

func newRepoPublishCmd() *cobra.Command {
	var (
		tuf          bool
		keysDir      string
		passEnv      string
		force        bool
		tufVersion   int64
		expiryTS     time.Duration
		expiryTarget time.Duration
	)
	cmd := &cobra.Command{
		Use:   "publish BUNDLE DIR",
		Short: "Lay out a bundle as a manifest-profile (and optionally TUF) repository",
		Long: `publish writes DIR as an ENISA manifest-profile repository (manifest.json,
manifest.json.sig, keys/vendor.cert.json(.sig), keys/signer.pub, artefacts/NAME),
and with --tuf also as a TUF repository (metadata/, targets/ with consistent
snapshots) signed with one key per top-level role from --keys (made when absent).
A device is provisioned with DIR/metadata/1.root.json (TUF) or the root public key
(manifest). Metadata is stamped at SOURCE_DATE_EPOCH when set, else now.`,
		Example: `  craudit repo publish ./bundle ./repo
  craudit repo publish ./bundle ./repo --tuf --keys ./tuf-keys --force`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			o := repo.PublishOptions{Force: force}
			if tuf {
				if keysDir == "" {
					return couldNotRun(errors.New("--tuf needs --keys DIR"))
				}
				now, _, err := cli.StampTime()
				if err != nil {
					return couldNotRun(err)
				}
				exp := repo.DefaultExpiry
				if expiryTS > 0 {
					exp.Timestamp = expiryTS
				}
				if expiryTarget > 0 {
					exp.Targets = expiryTarget
				}
				o.TUF = &repo.TUFOptions{KeysDir: keysDir, Now: now, Expiry: exp, Version: tufVersion,
					Passphrase: cli.PassphraseSource(cmd, "the TUF role keys in "+keysDir, passEnv, false)}
			} else if keysDir != "" {
				return couldNotRun(errors.New("--keys is only used with --tuf"))
			}
			if err := repo.Publish(args[0], args[1], o); err != nil {
				return couldNotRun(err)
			}
			msg := fmt.Sprintf("published %s as a manifest-profile repository in %s", args[0], args[1])
			if tuf {
				msg += fmt.Sprintf("; TUF trust root: %s", filepath.Join(args[1], filepath.FromSlash(repo.TrustRootPath)))
			}
			fmt.Fprintln(cmd.ErrOrStderr(), msg)
			return nil
		},
	}
	f := cmd.Flags()
	f.BoolVar(&tuf, "tuf", false, "also lay out a TUF repository")
	f.StringVar(&keysDir, "keys", "", "directory with root.key, targets.key, snapshot.key, timestamp.key (made when absent)")
	cli.AddPassphraseEnvFlag(cmd, &passEnv)
	f.Int64Var(&tufVersion, "tuf-version", 1, "version of the targets, snapshot and timestamp metadata")
	f.DurationVar(&expiryTS, "timestamp-expiry", 0, "validity of the timestamp metadata (default 168h)")
	f.DurationVar(&expiryTarget, "targets-expiry", 0, "validity of the targets metadata (default 2160h)")
	f.BoolVar(&force, "force", false, "replace DIR")
	return cmd
}
