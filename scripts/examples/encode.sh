#!/usr/bin/env bash
# The encoder mean and log-variance of two stored test digits: where they sit among the
# concepts (GET /concepts?fields=vector gives those).
curl -sS --fail-with-body -X POST "${VAEDYN_URL:-http://127.0.0.1:8080}/encode" \
  -H 'Content-Type: application/json' \
  -d '{"images": [{"exemplar": {"digit": 6, "index": 0}}, {"exemplar": {"digit": 4, "index": 1}}]}'
