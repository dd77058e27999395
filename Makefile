# craudit — see README.md. Every target works offline once Go modules are cached.
GO      ?= go
BIN     ?= bin/craudit
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)

.PHONY: build demo deps test fuzz bench bench-go docs vet clean check-render

# craudit, and beside it craudit-client: the protocol clients (tuf-client,
# manifest-client) without the SBOM and scan libraries, for a fast start.
build:
	$(GO) build -trimpath -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/craudit
	$(GO) build -trimpath -ldflags "$(LDFLAGS)" -o $(BIN)-client ./cmd/craudit/craudit-client

# The whole pipeline on the built-in thermostat example; prints the dossier's path.
demo: build
	./$(BIN) demo --out ./craudit-demo --force

# Installs the tools the tests use from Debian when run as root; otherwise
# prints what is missing (those tests skip). Never fails.
deps:
	@bash scripts/deps.sh

# The whole test suite (real syft, osv-scanner, go-tuf, openssl, SoftHSM2; loopback only).
test: deps
	$(GO) vet ./...
	$(GO) test -timeout 20m ./...

# Every fuzz target briefly (FUZZTIME each; about 3 minutes in all).
FUZZTIME ?= 5s
fuzz:
	@./scripts/fuzz.sh $(FUZZTIME)

# Render the sample dossier and take pictures of index.html (Chromium) and
# dossier.pdf (pdftoppm) into ./render-check for a person to look at.
check-render:
	./scripts/check-render.sh render-check

# craudit against its peers (cp, syft, osv-scanner, go-tuf), side by side with
# ratios; writes the table into docs/performance.md. Needs ~2.5 GiB in /tmp.
# Installs what its rows measure against (rauc, swupdate, mender-artifact,
# PostgreSQL) through the same script as the tests.
bench: deps
	@./scripts/bench.sh

# The in-process Go benchmarks only.
bench-go:
	$(GO) test -run '^$$' -bench . -benchmem ./...

# Regenerate the generated documentation (CLI reference, check catalogue).
docs:
	$(GO) run ./cmd/craudit docs --out docs

clean:
	rm -rf bin craudit-demo render-check
