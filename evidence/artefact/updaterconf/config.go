package updaterconf

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/craudit/craudit/evidence/artefact/swupdate"
)

// Schema is the version of the record's JSON.
const Schema = "craudit.updater-config/v1"

// Kinds of configuration.
const (
	RAUC            = "rauc"
	SWUpdate        = "swupdate"
	SWUpdateCmdline = "swupdate-cmdline"
	Mender          = "mender"
	OSTree          = "ostree"
)

// Kinds lists every kind a --updater-config KIND:FILE may name.
var Kinds = []string{RAUC, SWUpdate, SWUpdateCmdline, Mender, OSTree}

const maxConfig = 1 << 20

// Config is one updater configuration as read.
type Config struct {
	Schema string `json:"schema"`
	// Kind is rauc, swupdate, swupdate-cmdline, mender or ostree.
	Kind string `json:"kind"`
	// Tool is the updater: rauc, swupdate, mender or ostree.
	Tool   string `json:"tool"`
	Source string `json:"source"`
	// VerifyKey names the configured trust anchor(s) (RAUC keyring path or
	// directory, SWUpdate -k / public-key-file, Mender ArtifactVerifyKey(s),
	// OSTree "gpg" when gpg-verify is on). Empty: nothing is verified.
	VerifyKey []string `json:"verify_key,omitempty"`
	// VerifyOff says signature checking is explicitly switched off (OSTree
	// gpg-verify=false, Mender SkipVerify for TLS is in TLSInsecure).
	VerifyOff bool `json:"verify_off,omitempty"`
	// Purpose is the certificate purpose checked ("" when the tool's
	// default applies; RAUC check-purpose, SWUpdate --cert-purpose).
	Purpose string `json:"purpose,omitempty"`
	// AntiRollback lists what refuses older releases (SWUpdate -N VERSION,
	// RAUC pre-install handler, OSTree's default timestamp check...).
	AntiRollback []string `json:"anti_rollback,omitempty"`
	// DownloadLimit lists the configured limits (RAUC
	// max-bundle-download-size, SWUpdate -t timeout...).
	DownloadLimit []string `json:"download_limit,omitempty"`
	// URLs are the update server URLs the configuration names.
	URLs []string `json:"urls,omitempty"`
	// TLSInsecure says TLS checking is switched off (Mender SkipVerify,
	// OSTree tls-permissive, SWUpdate suricatta nocheckcert).
	TLSInsecure bool `json:"tls_insecure,omitempty"`
	// Settings holds every setting as read, flattened ("section.key").
	Settings map[string]string `json:"settings"`
}

// ParseError is a configuration that does not parse as its kind.
type ParseError struct {
	Kind, Source, Reason string
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("%s: %s configuration: %s", e.Source, e.Kind, e.Reason)
}

// SplitArg splits a --updater-config value "KIND:FILE" (KIND optional).
func SplitArg(arg string) (kind, file string) {
	if k, f, ok := strings.Cut(arg, ":"); ok {
		for _, known := range Kinds {
			if k == known {
				return k, f
			}
		}
	}
	return "", arg
}

// Detect guesses the kind of a configuration from its content.
func Detect(b []byte) (string, error) {
	t := bytes.TrimSpace(b)
	switch {
	case bytes.HasPrefix(t, []byte("{")):
		return Mender, nil
	case bytes.HasPrefix(t, []byte("swupdate ")), bytes.HasPrefix(t, []byte("/usr/bin/swupdate ")), bytes.HasPrefix(t, []byte("-")):
		return SWUpdateCmdline, nil
	case bytes.Contains(t, []byte("[remote \"")), bytes.Contains(t, []byte("[core]")):
		return OSTree, nil
	case bytes.Contains(t, []byte("[system]")), bytes.Contains(t, []byte("[keyring]")):
		return RAUC, nil
	case bytes.Contains(t, []byte("globals")):
		return SWUpdate, nil
	}
	return "", errors.New("not a RAUC system.conf, SWUpdate configuration or command line, mender.conf or OSTree repository config: name the kind as KIND:FILE")
}

// Parse reads a configuration of kind ("" to detect it) named source.
func Parse(kind, source string, b []byte) (*Config, error) {
	if len(b) > maxConfig {
		return nil, &ParseError{kind, source, fmt.Sprintf("larger than %d bytes", maxConfig)}
	}
	if kind == "" {
		k, err := Detect(b)
		if err != nil {
			return nil, &ParseError{"updater", source, err.Error()}
		}
		kind = k
	}
	c := &Config{Schema: Schema, Kind: kind, Source: source, Settings: map[string]string{}}
	var err error
	switch kind {
	case RAUC:
		c.Tool = "rauc"
		err = parseRAUC(c, b)
	case SWUpdate:
		c.Tool = "swupdate"
		err = parseSWUpdate(c, b)
	case SWUpdateCmdline:
		c.Tool = "swupdate"
		err = parseCmdline(c, string(b))
	case Mender:
		c.Tool = "mender"
		err = parseMender(c, b)
	case OSTree:
		c.Tool = "ostree"
		err = parseOSTree(c, b)
	default:
		return nil, &ParseError{kind, source, "unknown kind (want one of " + strings.Join(Kinds, ", ") + ")"}
	}
	if err != nil {
		return nil, &ParseError{kind, source, err.Error()}
	}
	sort.Strings(c.URLs)
	return c, nil
}

// JSON is the record as indented JSON with a final newline.
func (c *Config) JSON() ([]byte, error) {
	b, err := json.MarshalIndent(c, "", "  ")
	return append(b, '\n'), err
}

// Decode reads a record written by JSON, strictly.
func Decode(b []byte) (*Config, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var c Config
	if err := dec.Decode(&c); err != nil {
		return nil, err
	}
	if c.Schema != Schema {
		return nil, fmt.Errorf("schema %q, want %q", c.Schema, Schema)
	}
	return &c, nil
}

// keyFile reads a GKeyFile (RAUC system.conf, OSTree config) strictly.
func keyFile(b []byte, settings map[string]string) (map[string]map[string]string, error) {
	secs := map[string]map[string]string{}
	var sec map[string]string
	var name string
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 64<<10), maxConfig)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "["):
			if !strings.HasSuffix(line, "]") || len(line) < 3 {
				return nil, fmt.Errorf("line %d: bad section header", n)
			}
			name = line[1 : len(line)-1]
			if _, dup := secs[name]; dup {
				return nil, fmt.Errorf("line %d: section [%s] twice", n, name)
			}
			sec = map[string]string{}
			secs[name] = sec
		default:
			k, v, ok := strings.Cut(line, "=")
			if !ok || sec == nil {
				return nil, fmt.Errorf("line %d: not a key=value line inside a section", n)
			}
			k, v = strings.TrimSpace(k), strings.TrimSpace(v)
			if _, dup := sec[k]; dup {
				return nil, fmt.Errorf("line %d: key %s twice in [%s]", n, k, name)
			}
			sec[k] = v
			settings[name+"."+k] = v
		}
	}
	return secs, sc.Err()
}

func parseRAUC(c *Config, b []byte) error {
	secs, err := keyFile(b, c.Settings)
	if err != nil {
		return err
	}
	sys := secs["system"]
	if sys == nil || sys["compatible"] == "" {
		return errors.New("[system] compatible is missing")
	}
	if k := secs["keyring"]; k != nil {
		for _, key := range []string{"path", "directory"} {
			if v := k[key]; v != "" {
				c.VerifyKey = append(c.VerifyKey, v)
			}
		}
		c.Purpose = k["check-purpose"]
	}
	if v := sys["max-bundle-download-size"]; v != "" {
		c.DownloadLimit = append(c.DownloadLimit, "max-bundle-download-size="+v)
	}
	if h := secs["handlers"]; h != nil && h["pre-install"] != "" {
		c.AntiRollback = append(c.AntiRollback, "pre-install handler "+h["pre-install"])
	}
	return nil
}

func parseSWUpdate(c *Config, b []byte) error {
	root, err := swupdate.ParseConfig(b)
	if err != nil {
		return err
	}
	flatten(root, "", c.Settings, 0)
	g := root.Get("globals")
	if g == nil {
		return errors.New("no globals section")
	}
	if v := g.Get("public-key-file").String(); v != "" {
		c.VerifyKey = append(c.VerifyKey, v)
	}
	if v := g.Get("cert-purpose").String(); v != "" {
		c.Purpose = v
	}
	for _, k := range []string{"no-downgrading", "max-version"} {
		if v := g.Get(k).String(); v != "" {
			c.AntiRollback = append(c.AntiRollback, k+"="+v)
		}
	}
	if d := root.Get("download"); d != nil {
		if v := d.Get("url").String(); v != "" {
			c.URLs = append(c.URLs, v)
		}
		if v := d.Get("timeout").String(); v != "" {
			c.DownloadLimit = append(c.DownloadLimit, "download.timeout="+v)
		}
	}
	if s := root.Get("suricatta"); s != nil {
		if v := s.Get("url").String(); v != "" {
			c.URLs = append(c.URLs, v)
		}
		if v := strings.ToLower(s.Get("nocheckcert").String()); v == "true" || v == "1" {
			c.TLSInsecure = true
		}
	}
	return nil
}

func flatten(v *swupdate.Value, prefix string, out map[string]string, depth int) {
	if v == nil || depth > 8 {
		return
	}
	switch v.Kind {
	case swupdate.Group:
		for _, s := range v.Settings {
			p := s.Name
			if prefix != "" {
				p = prefix + "." + s.Name
			}
			flatten(s.Value, p, out, depth+1)
		}
	case swupdate.Scalar:
		out[prefix] = v.Str
	default:
		out[prefix] = strings.Join(v.Strings(), ",")
	}
}

// words splits a command line as a POSIX shell would for plain words,
// single and double quotes, and backslash escapes (no expansions).
func words(s string) ([]string, error) {
	var out []string
	var cur strings.Builder
	in := false
	var quote byte
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case quote != 0:
			if ch == quote {
				quote = 0
			} else if ch == '\\' && quote == '"' && i+1 < len(s) {
				i++
				cur.WriteByte(s[i])
			} else {
				cur.WriteByte(ch)
			}
		case ch == '\'' || ch == '"':
			quote, in = ch, true
		case ch == '\\' && i+1 < len(s):
			i++
			if s[i] != '\n' {
				cur.WriteByte(s[i])
				in = true
			}
		case ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r':
			if in {
				out = append(out, cur.String())
				cur.Reset()
				in = false
			}
		default:
			cur.WriteByte(ch)
			in = true
		}
	}
	if quote != 0 {
		return nil, errors.New("unterminated quote")
	}
	if in {
		out = append(out, cur.String())
	}
	return out, nil
}

func parseCmdline(c *Config, s string) error {
	ws, err := words(s)
	if err != nil {
		return err
	}
	if len(ws) > 0 && (ws[0] == "swupdate" || strings.HasSuffix(ws[0], "/swupdate")) {
		ws = ws[1:]
	}
	val := func(i *int, name string) (string, error) {
		if *i+1 >= len(ws) {
			return "", fmt.Errorf("%s needs a value", name)
		}
		*i++
		return ws[*i], nil
	}
	for i := 0; i < len(ws); i++ {
		w := ws[i]
		name, inline, hasInline := strings.Cut(w, "=")
		if !strings.HasPrefix(w, "--") {
			name, hasInline = w, false
		}
		get := func() (string, error) {
			if hasInline {
				return inline, nil
			}
			return val(&i, name)
		}
		switch name {
		case "-k", "--key", "--ca-path", "-N", "--no-downgrading", "-R", "--no-reinstalling", "--max-version",
			"--cert-purpose", "--forced-signer-name", "-f", "--file", "-i", "--image", "-e", "--select", "-l", "--loglevel",
			"-H", "--hwrevision", "-o", "--output", "-K", "--key-aes", "-b", "--blacklist", "-B", "--bootloader", "-q", "--accepted-select":
			v, err := get()
			if err != nil {
				return err
			}
			c.Settings[strings.TrimLeft(name, "-")] = v
			switch name {
			case "-k", "--key", "--ca-path":
				c.VerifyKey = append(c.VerifyKey, v)
			case "-N", "--no-downgrading", "--max-version":
				c.AntiRollback = append(c.AntiRollback, name+" "+v)
			case "--cert-purpose":
				c.Purpose = v
			}
		case "-d", "--download", "-u", "--suricatta":
			v, err := get()
			if err != nil {
				return err
			}
			c.Settings[strings.TrimLeft(name, "-")] = v
			sub, err := words(v)
			if err != nil {
				return fmt.Errorf("%s: %v", name, err)
			}
			for j := 0; j < len(sub); j++ {
				switch sub[j] {
				case "-u", "--url":
					if j+1 < len(sub) {
						j++
						c.URLs = append(c.URLs, sub[j])
					}
				case "-t", "--timeout":
					if j+1 < len(sub) {
						j++
						c.DownloadLimit = append(c.DownloadLimit, "timeout "+sub[j])
					}
				case "-x", "--nocheckcert":
					c.TLSInsecure = true
				}
			}
		case "-v", "--verbose", "-c", "--check", "-n", "--dry-run", "-p", "--postupdate", "-P", "--preupdate",
			"-M", "--no-transaction-marker", "-m", "--no-state-marker", "-L", "--syslog", "-g", "--get-root":
			c.Settings[strings.TrimLeft(name, "-")] = "true"
		default:
			return fmt.Errorf("unknown option %q", w)
		}
	}
	return nil
}

func parseMender(c *Config, b []byte) error {
	var m map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&m); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("data after the JSON object")
	}
	str := func(k string) string {
		var s string
		if raw, ok := m[k]; ok {
			if json.Unmarshal(raw, &s) == nil {
				return s
			}
		}
		return ""
	}
	for k, raw := range m {
		c.Settings[k] = string(raw)
	}
	if v := str("ArtifactVerifyKey"); v != "" {
		c.VerifyKey = append(c.VerifyKey, v)
	}
	if raw, ok := m["ArtifactVerifyKeys"]; ok {
		var ks []string
		if err := json.Unmarshal(raw, &ks); err != nil {
			return fmt.Errorf("ArtifactVerifyKeys: %v", err)
		}
		c.VerifyKey = append(c.VerifyKey, ks...)
	}
	if v := str("ServerURL"); v != "" {
		c.URLs = append(c.URLs, v)
	}
	if raw, ok := m["Servers"]; ok {
		var ss []struct {
			ServerURL string `json:"ServerURL"`
		}
		if err := json.Unmarshal(raw, &ss); err != nil {
			return fmt.Errorf("Servers: %v", err)
		}
		for _, s := range ss {
			if s.ServerURL != "" {
				c.URLs = append(c.URLs, s.ServerURL)
			}
		}
	}
	if raw, ok := m["SkipVerify"]; ok {
		var b bool
		if err := json.Unmarshal(raw, &b); err != nil {
			return fmt.Errorf("SkipVerify: %v", err)
		}
		c.TLSInsecure = b
	}
	return nil
}

func parseOSTree(c *Config, b []byte) error {
	secs, err := keyFile(b, c.Settings)
	if err != nil {
		return err
	}
	names := make([]string, 0, len(secs))
	for n := range secs {
		if strings.HasPrefix(n, "remote \"") {
			names = append(names, n)
		}
	}
	if len(names) == 0 {
		return errors.New("no [remote \"NAME\"] section")
	}
	sort.Strings(names)
	verified := true
	for _, n := range names {
		r := secs[n]
		if u := r["url"]; u != "" {
			c.URLs = append(c.URLs, u)
		}
		gpg := r["gpg-verify"] != "false" // on unless switched off
		sign := r["sign-verify"] != "" && r["sign-verify"] != "false"
		if !gpg && !sign {
			verified = false
		}
		if r["tls-permissive"] == "true" {
			c.TLSInsecure = true
		}
	}
	if verified {
		c.VerifyKey = append(c.VerifyKey, "gpg-verify (OSTree default: on)")
	} else {
		c.VerifyOff = true
	}
	// `ostree admin upgrade` refuses a commit older than the booted one
	// unless --allow-downgrade is given: the timestamp check is the default.
	c.AntiRollback = append(c.AntiRollback, "ostree admin upgrade timestamp check (default; --allow-downgrade disables it)")
	return nil
}
