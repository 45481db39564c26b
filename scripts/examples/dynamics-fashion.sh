#!/usr/bin/env bash
# Fig 2 on the Fashion-MNIST model: chains from its first stored test sandal (class 5)
# with 20 % of the pixels replaced. `model` picks the model; GET /models lists them.
curl -sS --fail-with-body -X POST "${VAEDYN_URL:-http://127.0.0.1:8080}/dynamics" \
  -H 'Content-Type: application/json' \
  -d '{"model": "fashion-default", "image": {"exemplar": {"digit": 5, "index": 0}},
       "noise": {"model": "replace", "p": 0.2}, "steps": 30, "trials": 100, "seed": 1}'
