# The two commands the README promises: `make run` and `make test`.
# Tests build in release: the numeric kernels are SIMD code that debug builds run
# 50-100x slower, and release shares one build folder with `make run`.
SWIFT ?= swift
BIN := .build/release
MODEL ?= models/mnist-default.vaem

.PHONY: setup build run test bench bench-peers data clean

setup:
	@scripts/setup

build: setup
	$(SWIFT) build -c release

run: build data
	$(BIN)/vaedyn eval $(MODEL) --samples 100

test: setup
	$(SWIFT) build -c release --build-tests
	$(SWIFT) test -c release --skip-build
	scripts/fuzz-http 200000

bench: build
	$(BIN)/vaedyn bench

# Also runs the PyTorch, JAX and numpy peers (installs them from PyPI on first use).
bench-peers:
	scripts/bench-peers

data:
	scripts/fetch-mnist

clean:
	rm -rf .build
