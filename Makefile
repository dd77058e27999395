# craudit — see README.md. Every target works offline once Go modules are cached.
GO      ?= go
BIN     ?= bin/craudit
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)

.PHONY: build demo test fuzz bench docs vet clean

build:
	$(GO) build -trimpath -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/craudit

# The whole pipeline on the built-in thermostat example; prints the dossier's path.
demo: build
	./$(BIN) demo --out ./craudit-demo --force

# The whole test suite (real syft, osv-scanner, go-tuf, openssl; loopback only).
test:
	$(GO) vet ./...
	$(GO) test -timeout 20m ./...

# Every fuzz target briefly (FUZZTIME each; about 3 minutes in all).
FUZZTIME ?= 5s
fuzz:
	@./scripts/fuzz.sh $(FUZZTIME)

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

# Regenerate the generated documentation (CLI reference, check catalogue).
docs:
	$(GO) run ./cmd/craudit docs --out docs

clean:
	rm -rf bin craudit-demo
