#!/usr/bin/env bash
# Fig 2: chains from the first stored test 6 with 20 % of its pixels replaced; NDJSON records.
curl -sS --fail-with-body -X POST "${VAEDYN_URL:-http://127.0.0.1:8080}/dynamics" \
  -H 'Content-Type: application/json' \
  -d '{"image": {"exemplar": {"digit": 6, "index": 0}}, "noise": {"kind": "replace", "ratio": 0.2},
       "steps": 30, "trials": 100, "seed": 1}'
