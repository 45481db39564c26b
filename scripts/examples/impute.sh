#!/usr/bin/env bash
# Imputation: the top half of the first stored 6 hidden, filled in by the exact
# Metropolis-within-Gibbs chain (kernel mwg; clamped is pseudo-Gibbs). Step records carry
# `acceptance` and `imputation` (docs/records.md); docs/kernels.md derives the chain.
curl -sS --fail-with-body -X POST "${VAEDYN_URL:-http://127.0.0.1:8080}/dynamics" \
  -H 'Content-Type: application/json' \
  -d '{"image": {"exemplar": {"digit": 6, "index": 0}}, "noise": {"kind": "replace", "ratio": 0},
       "kernel": "mwg", "mask": "top-half", "steps": 20, "trials": 100, "seed": 1}'
