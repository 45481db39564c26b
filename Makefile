# The README's commands: `make run`, `make test` (what a developer runs after a change:
# minutes on a fresh clone) and `make check` (everything; what CI runs through .ci/run).
# Tests build in release: the numeric kernels are SIMD code that debug builds run
# 50-100x slower, and release shares one build folder with `make run`.
#
# make test: the release build (imports checked against Package.swift), the XCTest suite,
# the row-invariance tests again under every OpenBLAS kernel the CPU runs
# (scripts/test-core-types), the fuzz targets' properties on their seeds (built without
# libFuzzer, no second compilation), the Dockerfile's rules, the end-to-end pytest suite
# (Tests/EndToEnd: model files, the service and its TLS, every command of the README at a
# small size, the Python client, `vaedyn import`, the Kubernetes manifests) without the
# tests marked `browser` or `soak`, and the page's pure functions under node's test runner.
# make check: make test, then what needs another compilation, a browser or minutes: the
# XCTest suite under AddressSanitizer (scripts/sanitize, .build-asan), libFuzzer runs
# (.build-fuzz), and the end-to-end tests marked `browser` (the page in headless
# Chromium) or `soak` (a one-node Slurm, the survival and load scripts, contract fuzzing).
SWIFT ?= swift
BIN := .build/release
# A layer may import only what Package.swift gives it (HTTP and VAE never each other).
CHECKED := --explicit-target-dependency-import-check error
MODEL ?= models/mnist-default.vaem
# The tests that serve two models at once take this one second.
SECOND_MODEL ?= models/fashion-default.vaem

.PHONY: setup build run test check bench bench-peers data clean

setup:
	@scripts/setup

build: setup
	$(SWIFT) build -c release $(CHECKED)

# Serves every model in models/ (config/vaedyn.json: models.directory, models.default).
run: build
	$(BIN)/vaedyn serve

# The end-to-end suite with the binary and models the targets build and serve.
PYTEST := python3 -m pytest Tests/EndToEnd --binary $(BIN)/vaedyn --model $(MODEL) --second-model $(SECOND_MODEL)

test: setup
	$(SWIFT) build -c release --build-tests $(CHECKED)
	$(SWIFT) test -c release --skip-build --disable-swift-testing
	SWIFT=$(SWIFT) scripts/test-core-types $(BIN)/vaedyn $(MODEL)
	scripts/replay-fuzz-seeds $(BIN)
	scripts/check-dockerfile
	$(PYTEST) -m "not browser and not soak"
	scripts/test-page-units

check: test
	scripts/sanitize address
	scripts/fuzz-http 200000
	scripts/fuzz json 100000
	scripts/fuzz image 200000
	scripts/fuzz model 100000
	scripts/setup-browser-tests
	$(PYTEST) -m "browser or soak"

bench: build
	$(BIN)/vaedyn bench

# Also runs the PyTorch, JAX and numpy peers (installs them from PyPI on first use).
bench-peers:
	scripts/bench-peers

data:
	scripts/fetch-mnist

clean:
	rm -rf .build .build-asan .build-tsan
