package dbsync

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/craudit/craudit/evidence/vuln"
)

// DefaultBaseURL is the public OSV bucket: <base>/<Ecosystem>/all.zip.
const DefaultBaseURL = "https://osv-vulnerabilities.storage.googleapis.com"

// DefaultMaxBytes bounds one downloaded all.zip.
const DefaultMaxBytes = 4 << 30

// UpdateOptions configure Update.
type UpdateOptions struct {
	Dir        string
	Ecosystems []string
	// BaseURL defaults to DefaultBaseURL; it must be https.
	BaseURL string
	// Client makes the requests (its Timeout bounds each download);
	// nil means a client with a 30-minute timeout.
	Client *http.Client
	// MaxBytes bounds each zip; zero means DefaultMaxBytes.
	MaxBytes int64
	// Progress, when set, gets a progress line per ecosystem, rewritten
	// in place ("\r"); give it only a terminal.
	Progress io.Writer
	// Now stamps SOURCE.
	Now time.Time
}

// UpdateResult says what one ecosystem's download brought.
type UpdateResult struct {
	Ecosystem string    `json:"ecosystem"`
	URL       string    `json:"url"`
	Bytes     int64     `json:"bytes"`
	Records   int       `json:"records"`
	Undated   int       `json:"undated_records"`
	Newest    time.Time `json:"newest_record"`
}

// ErrNotHTTPS refuses a base URL that is not https.
var ErrNotHTTPS = errors.New("the base URL must be https://")

// Update downloads each ecosystem's all.zip and puts it in place of the old
// one: the download goes to a temporary sibling, is read record by record
// (it must be a zip of OSV records), and only then renamed over all.zip.
// A failed download leaves the old zip as it was.
func Update(ctx context.Context, o UpdateOptions) ([]UpdateResult, error) {
	base := strings.TrimRight(o.BaseURL, "/")
	if base == "" {
		base = DefaultBaseURL
	}
	if u, err := url.Parse(base); err != nil || u.Scheme != "https" || u.Host == "" {
		return nil, fmt.Errorf("--base-url %q: %w", o.BaseURL, ErrNotHTTPS)
	}
	if len(o.Ecosystems) == 0 {
		return nil, errors.New("no ecosystem given")
	}
	for _, e := range o.Ecosystems {
		if err := CheckEcosystem(e); err != nil {
			return nil, err
		}
	}
	c := o.Client
	if c == nil {
		c = &http.Client{Timeout: 30 * time.Minute}
	}
	// Refuse redirects away from https.
	cc := *c
	cc.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if req.URL.Scheme != "https" {
			return fmt.Errorf("redirect to %s refused: not https", req.URL.Redacted())
		}
		if len(via) >= 5 {
			return errors.New("more than 5 redirects")
		}
		return nil
	}
	max := o.MaxBytes
	if max <= 0 {
		max = DefaultMaxBytes
	}
	var out []UpdateResult
	src := map[string]string{}
	for _, eco := range o.Ecosystems {
		u := base + "/" + url.PathEscape(eco) + "/all.zip"
		res, err := fetch(ctx, &cc, u, zipPath(o.Dir, eco), max, o.Progress, eco)
		if err != nil {
			return out, fmt.Errorf("%s: %w", u, err)
		}
		res.Ecosystem = eco
		out = append(out, res)
		src[eco] = fmt.Sprintf("%s, downloaded %s", u, o.Now.UTC().Format(time.RFC3339))
	}
	return out, updateSource(o.Dir, src)
}

func fetch(ctx context.Context, c *http.Client, u, dest string, max int64, progress io.Writer, label string) (UpdateResult, error) {
	res := UpdateResult{URL: u}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return res, err
	}
	resp, err := c.Do(req)
	if err != nil {
		return res, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return res, fmt.Errorf("HTTP %s", resp.Status)
	}
	if resp.ContentLength > max {
		return res, fmt.Errorf("%d bytes announced, more than the limit of %d", resp.ContentLength, max)
	}
	err = writeAtomic(dest, func(f *os.File) error {
		var w io.Writer = f
		var bar *progressBar
		if progress != nil {
			bar = &progressBar{out: progress, label: label, total: resp.ContentLength}
			w = io.MultiWriter(f, bar)
		}
		n, err := io.Copy(w, io.LimitReader(resp.Body, max+1))
		if bar != nil {
			bar.done()
		}
		if err != nil {
			return err
		}
		if n > max {
			return fmt.Errorf("more than the limit of %d bytes", max)
		}
		res.Bytes = n
		// The zip must be a zip of OSV records before it replaces anything.
		zr, err := zip.NewReader(f, n)
		if err != nil {
			return fmt.Errorf("not a zip: %w", err)
		}
		eco := vuln.Ecosystem{}
		err = vuln.EachRecord(zr, func(_ string, rec vuln.Record) error {
			eco.Records++
			if d := rec.Date(); d.IsZero() {
				eco.Undated++
			} else if d.After(eco.Newest) {
				eco.Newest = d
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("not a zip of OSV records: %w", err)
		}
		res.Records, res.Undated, res.Newest = eco.Records, eco.Undated, eco.Newest
		return nil
	})
	return res, err
}

// progressBar draws "label  12.3 MB / 40.0 MB [#####.....]" in place.
type progressBar struct {
	out   io.Writer
	label string
	total int64
	n     int64
	last  time.Time
}

func (p *progressBar) Write(b []byte) (int, error) {
	p.n += int64(len(b))
	if time.Since(p.last) > 200*time.Millisecond {
		p.last = time.Now()
		p.draw()
	}
	return len(b), nil
}

func (p *progressBar) draw() {
	mb := func(n int64) string { return fmt.Sprintf("%.1f MB", float64(n)/1e6) }
	if p.total > 0 {
		const width = 30
		fill := int(int64(width) * min(p.n, p.total) / p.total)
		fmt.Fprintf(p.out, "\r%-12s %s / %s [%s%s]", p.label, mb(p.n), mb(p.total), strings.Repeat("#", fill), strings.Repeat(".", width-fill))
		return
	}
	fmt.Fprintf(p.out, "\r%-12s %s", p.label, mb(p.n))
}

func (p *progressBar) done() {
	p.draw()
	fmt.Fprintln(p.out)
}
