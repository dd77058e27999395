package main

import (
	"errors"
	"flag"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/theupdateframework/go-tuf/v2/metadata/config"
	"github.com/theupdateframework/go-tuf/v2/metadata/updater"
)

type names []string

func (n *names) String() string     { return strings.Join(*n, ",") }
func (n *names) Set(v string) error { *n = append(*n, v); return nil }

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "gotufclient:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("gotufclient", flag.ContinueOnError)
	metaDir := fs.String("metadata-dir", "", "trusted metadata folder")
	metaURL := fs.String("metadata-url", "", "repository metadata URL")
	targetBase := fs.String("target-base-url", "", "repository targets URL")
	targetDir := fs.String("target-dir", "", "folder for downloaded targets")
	var targets names
	fs.Var(&targets, "target-name", "target path (repeatable)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cmd := fs.Args()
	if *metaDir == "" || len(cmd) == 0 {
		return errors.New("usage: --metadata-dir D (init ROOT | refresh | download)")
	}
	switch cmd[0] {
	case "init":
		if len(cmd) != 2 {
			return errors.New("init needs ROOT")
		}
		b, err := os.ReadFile(cmd[1])
		if err != nil {
			return err
		}
		if err := os.MkdirAll(*metaDir, 0o700); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(*metaDir, "root.json"), b, 0o644)
	case "refresh", "download":
	default:
		return fmt.Errorf("unknown command %q", cmd[0])
	}
	root, err := os.ReadFile(filepath.Join(*metaDir, "root.json"))
	if err != nil {
		return err
	}
	cfg, err := config.New(*metaURL, root)
	if err != nil {
		return err
	}
	cfg.LocalMetadataDir = *metaDir
	cfg.LocalTargetsDir = *metaDir
	cfg.RemoteTargetsURL = *targetBase
	up, err := updater.New(cfg)
	if err != nil {
		return err
	}
	if s := os.Getenv("SOURCE_DATE_EPOCH"); s != "" {
		sec, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return fmt.Errorf("SOURCE_DATE_EPOCH: %v", err)
		}
		up.UnsafeSetRefTime(time.Unix(sec, 0))
	}
	if err := up.Refresh(); err != nil {
		return fmt.Errorf("refresh: %w", err)
	}
	if cmd[0] == "refresh" {
		return nil
	}
	if len(targets) == 0 || *targetDir == "" || *targetBase == "" {
		return errors.New("download needs --target-name, --target-base-url and --target-dir")
	}
	for _, name := range targets {
		info, err := up.GetTargetInfo(name)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		local := filepath.Join(*targetDir, url.QueryEscape(name))
		if p, _, err := up.FindCachedTarget(info, local); err == nil && p != "" {
			continue
		}
		if _, _, err := up.DownloadTarget(info, local, *targetBase); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	return nil
}
