# The two commands the README promises: `make run` and `make test`.
# Tests build in release: the numeric kernels are SIMD code that debug builds run
# 50-100x slower, and release shares one build folder with `make run`.
SWIFT ?= swift
BIN := .build/release
MODEL ?= models/mnist-default.vaem

.PHONY: setup build run test test-swift test-reference bench data clean

setup:
	@scripts/setup

build: setup
	$(SWIFT) build -c release

run: build
	$(BIN)/vaedyn eval $(MODEL)

test: setup
	$(SWIFT) build -c release --build-tests
	$(SWIFT) test -c release --skip-build
	$(MAKE) test-reference

test-reference: build
	scripts/check-reference

bench: build
	$(BIN)/vaedyn bench

data:
	scripts/fetch-mnist

clean:
	rm -rf .build
