package product

import (
	"fmt"
	"net/url"
	"strings"
)

// validateUpdates reports what makes updates.repository_url(s) and
// updates.updater unusable for binding live evidence to the product: a
// repository that is not an absolute http(s) URL with a host, an updater
// without a name or without a SHA-256 of 64 lower-case hex digits.
func (p *Product) validateUpdates() []string {
	var errs []string
	check := func(field, raw string) {
		u, err := url.Parse(raw)
		switch {
		case err != nil:
			errs = append(errs, fmt.Sprintf("%s %q: %v", field, raw, err))
		case u.Scheme != "https" && u.Scheme != "http", u.Host == "", u.Hostname() == "":
			errs = append(errs, fmt.Sprintf("%s %q: want an absolute https:// URL", field, raw))
		case u.User != nil:
			errs = append(errs, fmt.Sprintf("%s %q: credentials do not belong in product.yaml", field, raw))
		}
	}
	if p.Updates.RepositoryURL != "" {
		check("updates.repository_url", p.Updates.RepositoryURL)
	}
	for i, r := range p.Updates.RepositoryURLs {
		check(fmt.Sprintf("updates.repository_urls[%d]", i), r)
	}
	if u := p.Updates.Updater; u != nil {
		if strings.TrimSpace(u.Name) == "" {
			errs = append(errs, "updates.updater.name is required")
		}
		if !isSHA256(u.SHA256) {
			errs = append(errs, fmt.Sprintf("updates.updater.sha256 %q: want the 64 lower-case hex digits of the updater's SHA-256", u.SHA256))
		}
	}
	return errs
}

func isSHA256(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, c := range s {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}
