# Two commands do everything on a fresh clone: `make demo` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help
STAMP := node_modules/.install-stamp

help:
	@echo "make demo    install, build, and ingest the bundled example landing (examples/local.yaml)"
	@echo "make test    install, build, and run the whole test suite (real s3rver and sshd on loopback)"
	@echo "make bench   install, build, and run the benchmark (prints a table, writes bench/results.json)"
	@echo "make build   compile TypeScript to dist/"
	@echo "make check   type-check everything, including tests"
	@echo "make schemas rewrite schemas/config.schema.json and its precompiled validator from the components (after changing one)"

# npm ci also builds (the package's prepare script runs tsc).
$(STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

install: $(STAMP)

build: $(STAMP)
	npx tsc -p tsconfig.build.json

check: $(STAMP)
	npx tsc -p tsconfig.json --noEmit

demo: build
	@scripts/demo.sh

test: build
	@scripts/ensure-sshd.sh
	@scripts/ensure-chromium.sh
	npx tsc -p tsconfig.json --noEmit
	node scripts/check-deps.mjs
	npx vitest run

bench: build
	node --max-old-space-size=4096 dist/bench/run.js

schemas: build
	node scripts/gen-schemas.mjs

clean:
	rm -rf dist examples/.state examples/out examples/.state-parquet examples/out-parquet

.PHONY: help install build check demo test bench schemas clean
