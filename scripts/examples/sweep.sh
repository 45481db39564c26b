#!/usr/bin/env bash
# Fig 3: minimum distances and stage for noise ratios 0, 0.25, ..., 1; one JSON document.
curl -sS --fail-with-body -X POST "${VAEDYN_URL:-http://127.0.0.1:8080}/sweep?stream=false" \
  -H 'Content-Type: application/json' \
  -d '{"image": {"exemplar": {"digit": 6}}, "noise": "replace", "noiseGrid": "0:1:0.25",
       "steps": 20, "trials": 50}'
