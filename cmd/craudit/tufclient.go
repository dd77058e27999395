package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"
	"github.com/theupdateframework/go-tuf/v2/metadata"

	"github.com/craudit/craudit/checks/verifier"
	"github.com/craudit/craudit/evidence/atomicfs"
	"github.com/craudit/craudit/evidence/transcript"
)

// newTUFClientCmd is the client-under-test CLI of the tuf-conformance suite,
// driving the reference verifier's TUF workflow. Exit 0 success, 1 failure.
func newTUFClientCmd() *cobra.Command {
	var metaDir, metaURL, targetName, targetBase, targetDir, refTime, ca string
	var verbose bool
	cmd := &cobra.Command{
		Use:   "tuf-client --metadata-dir DIR (init ROOT | refresh | download)",
		Short: "TUF client for the tuf-conformance test protocol",
		Long: `tuf-client speaks the tuf-conformance client-under-test protocol, so the public
conformance suite can exercise craudit's TUF verifier:
  init ROOT    trust ROOT (copied to DIR/root.json)
  refresh      update metadata from --metadata-url, kept in DIR
  download     refresh, then fetch --target-name from --target-base-url into --target-dir
Plain http:// is accepted here (the suite serves it). Time: --reference-time, else
SOURCE_DATE_EPOCH (Go ignores libfaketime), else the wall clock.
Exit 0 on success, 1 on any failure.`,
		Example: `  craudit tuf-client --metadata-dir ./md init ./root.json
  craudit tuf-client --metadata-dir ./md --metadata-url http://127.0.0.1:8000/metadata refresh
  craudit tuf-client --metadata-dir ./md --metadata-url http://127.0.0.1:8000/metadata \
      --target-name file.txt --target-base-url http://127.0.0.1:8000/targets --target-dir ./out download`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			fail := func(err error) error { return &exitError{code: 1, err: err} }
			if metaDir == "" {
				return fail(errors.New("--metadata-dir is required"))
			}
			switch args[0] {
			case "init":
				if len(args) != 2 {
					return fail(errors.New("init needs ROOT"))
				}
				b, err := os.ReadFile(args[1])
				if err != nil {
					return fail(err)
				}
				if _, err := metadata.Root().FromBytes(b); err != nil {
					return fail(fmt.Errorf("%s: %v", args[1], err))
				}
				if err := os.MkdirAll(metaDir, 0o700); err != nil {
					return fail(err)
				}
				return wrap1(atomicfs.WriteFile(filepath.Join(metaDir, "root.json"), b, 0o644, true))
			case "refresh", "download":
				if len(args) != 1 || metaURL == "" {
					return fail(errors.New(args[0] + " needs --metadata-url and no other argument"))
				}
				o := verifier.Options{RepoURL: metaURL, MetadataURL: metaURL, TrustFile: filepath.Join(metaDir, "root.json"),
					StateDir: metaDir, Profile: verifier.ProfileTUF, AllowInsecureHTTPUnsafe: true, CAFile: ca, Tool: "craudit " + version}
				if args[0] == "download" {
					if targetName == "" || targetBase == "" || targetDir == "" {
						return fail(errors.New("download needs --target-name, --target-base-url and --target-dir"))
					}
					o.Targets, o.TargetsURL, o.TargetDir = []string{targetName}, targetBase, targetDir
				}
				switch at, ok, err := sourceDateEpoch(); {
				case refTime != "":
					t, err := time.Parse(time.RFC3339, refTime)
					if err != nil {
						return fail(fmt.Errorf("--reference-time: %v", err))
					}
					o.ReferenceTime, o.TimeSource = t, "--reference-time"
				case err != nil:
					return fail(err)
				case ok:
					o.ReferenceTime, o.TimeSource = at, "SOURCE_DATE_EPOCH"
				}
				t, err := verifier.Verify(cmd.Context(), o)
				if err != nil {
					return fail(err)
				}
				if verbose {
					fmt.Fprint(cmd.ErrOrStderr(), t.Text())
				}
				if s := tufClientFailure(t); s != nil {
					return fail(fmt.Errorf("%s: %s", s.ID, s.Detail))
				}
				return nil
			}
			return fail(fmt.Errorf("unknown command %q (want init, refresh or download)", args[0]))
		},
	}
	f := cmd.Flags()
	f.StringVar(&metaDir, "metadata-dir", "", "directory of trusted metadata (root.json ...)")
	f.StringVar(&metaURL, "metadata-url", "", "base URL of the repository's metadata")
	f.StringVar(&targetName, "target-name", "", "target path to download")
	f.StringVar(&targetBase, "target-base-url", "", "base URL of the repository's targets")
	f.StringVar(&targetDir, "target-dir", "", "directory the verified target is written to")
	f.StringVar(&refTime, "reference-time", "", "RFC 3339 time to judge metadata at (overrides SOURCE_DATE_EPOCH)")
	f.StringVar(&ca, "ca", "", "PEM CA for an https repository (not part of the protocol)")
	f.BoolVarP(&verbose, "verbose", "v", false, "print the transcript to stderr")
	return cmd
}

// tufClientFailure is the first failed step that counts for the protocol: the
// suite serves plain http, so the scheme control is not held against it.
func tufClientFailure(t *transcript.Run) *transcript.Step {
	_, ran := t.Step("root/trusted")
	for i, s := range t.Steps {
		if s.Verdict == transcript.Fail && (s.ID != "transport/scheme" || !ran) {
			return &t.Steps[i]
		}
	}
	return nil
}

func wrap1(err error) error {
	if err != nil {
		return &exitError{code: 1, err: err}
	}
	return nil
}
