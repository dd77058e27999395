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
		uptane       bool
		ecuFlags     []string
	)
	cmd := &cobra.Command{
		Use:   "publish BUNDLE DIR",
		Short: "Lay out a bundle as a manifest-profile (and optionally TUF) repository",
		Long: `publish writes DIR as an ENISA manifest-profile repository (manifest.json,
manifest.json.sig, keys/vendor.cert.json(.sig), keys/signer.pub, artefacts/NAME),
and with --tuf also as a TUF repository (metadata/, targets/ with consistent
snapshots) signed with one key per top-level role from --keys (made when absent).
A device is provisioned with DIR/metadata/1.root.json (TUF) or the root public key
(manifest). Metadata is stamped at SOURCE_DATE_EPOCH when set, else now.

With --uptane, DIR/uptane/ also holds an Uptane deployment for one unit whose ECUs
--ecu names: a Director (uptane/director/: root, targets, snapshot, timestamp;
keys from --keys DIR/director) assigning the release to each ECU whose
hardware ID the release names, each target carrying the ECU's serial, its hardware
ID and the release counter (the release's rollback counter), and an Image
repository (uptane/image/, images in uptane/image/targets/; keys from --keys
DIR/image) listing every artefact with the release's hardware IDs and counter.
Serve DIR (craudit serve) and give verify --profile uptane the two folders' URLs.
The unit is provisioned with uptane/director/1.root.json and uptane/image/1.root.json.`,
		Example: `  craudit repo publish ./bundle ./repo
  craudit repo publish ./bundle ./repo --tuf --keys ./tuf-keys --force
  craudit repo publish ./bundle ./repo --uptane --keys ./uptane-keys \
    --ecu st100-main-0001=st100-rev-b --ecu st100-wifi-0001=st100-wifi-a`,
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
			}
			if uptane {
				if keysDir == "" {
					return couldNotRun(errors.New("--uptane needs --keys DIR"))
				}
				now, _, err := cli.StampTime()
				if err != nil {
					return couldNotRun(err)
				}
				u := &repo.UptaneOptions{KeysDir: keysDir, Now: now, Version: tufVersion,
					Passphrase: cli.PassphraseSource(cmd, "the Uptane role keys in "+keysDir, passEnv, false)}
				for _, e := range ecuFlags {
					ecu, err := repo.ParseECU(e)
					if err != nil {
						return couldNotRun(fmt.Errorf("--ecu: %w", err))
					}
					u.ECUs = append(u.ECUs, ecu)
				}
				if len(u.ECUs) == 0 {
					return couldNotRun(errors.New("--uptane needs the unit's ECUs (--ecu SERIAL=HARDWARE_ID ...)"))
				}
				o.Uptane = u
			} else if len(ecuFlags) > 0 {
				return couldNotRun(errors.New("--ecu is only used with --uptane"))
			}
			if keysDir != "" && !tuf && !uptane {
				return couldNotRun(errors.New("--keys is only used with --tuf or --uptane"))
			}
			if err := repo.Publish(args[0], args[1], o); err != nil {
				return couldNotRun(err)
			}
			msg := fmt.Sprintf("published %s as a manifest-profile repository in %s", args[0], args[1])
			if tuf {
				msg += fmt.Sprintf("; TUF trust root: %s", filepath.Join(args[1], filepath.FromSlash(repo.TrustRootPath)))
			}
			if uptane {
				msg += fmt.Sprintf("; Uptane trust roots: %s (Director), %s (Image repository)",
					filepath.Join(args[1], filepath.FromSlash(repo.UptaneDirectorRoot)), filepath.Join(args[1], filepath.FromSlash(repo.UptaneImageRoot)))
			}
			fmt.Fprintln(cmd.ErrOrStderr(), msg)
			return nil
		},
	}
	f := cmd.Flags()
	f.BoolVar(&tuf, "tuf", false, "also lay out a TUF repository")
	f.StringVar(&keysDir, "keys", "", "directory with root.key, targets.key, snapshot.key, timestamp.key (made when absent); with --uptane its director/ and image/ subfolders")
	f.BoolVar(&uptane, "uptane", false, "also lay out an Uptane Director and Image repository (uptane/)")
	f.StringArrayVar(&ecuFlags, "ecu", nil, "an ECU of the unit (--uptane), SERIAL=HARDWARE_ID[=ARTEFACT] (repeatable)")
	cli.AddPassphraseEnvFlag(cmd, &passEnv)
	f.Int64Var(&tufVersion, "tuf-version", 1, "version of the targets, snapshot and timestamp metadata")
	f.DurationVar(&expiryTS, "timestamp-expiry", 0, "validity of the timestamp metadata (default 168h)")
	f.DurationVar(&expiryTarget, "targets-expiry", 0, "validity of the targets metadata (default 2160h)")
	f.BoolVar(&force, "force", false, "replace DIR")
	return cmd
}
