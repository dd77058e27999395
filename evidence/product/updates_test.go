package product

import (
	"strings"
	"testing"
)

func TestValidateUpdates(t *testing.T) {
	const head = "manufacturer: {name: M}\nproduct: {id: p, name: P}\nupdates:\n"
	sum := strings.Repeat("ab", 32)
	tests := []struct {
		name, updates, err string
	}{
		{"none", "  profile: manifest\n", ""},
		{"repositories and updater", "  repository_url: https://updates.example/st\n  repository_urls: [https://mirror.example/st]\n  updater: {name: up, version: \"1\", sha256: " + sum + "}\n", ""},
		{"relative url", "  repository_url: updates.example/st\n", "want an absolute https:// URL"},
		{"ftp", "  repository_urls: [ftp://updates.example/]\n", "repository_urls[0]"},
		{"credentials", "  repository_url: https://u:p@updates.example/\n", "credentials"},
		{"updater without digest", "  updater: {name: up}\n", "updates.updater.sha256"},
		{"upper-case digest", "  updater: {name: up, sha256: " + strings.ToUpper(sum) + "}\n", "updates.updater.sha256"},
		{"updater without name", "  updater: {sha256: " + sum + "}\n", "updates.updater.name"},
	}
	for _, tc := range tests {
		_, err := ParseProduct([]byte(head + tc.updates))
		switch {
		case tc.err == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.err)
		}
	}
}
