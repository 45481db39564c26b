#!/usr/bin/env bash
# Every served model: id, dataset, architecture, training record, metrics, concept tree,
# file SHA-256 and resident size; `defaultModel` is the one a request gets without `model`.
curl -sS --fail-with-body "${VAEDYN_URL:-http://127.0.0.1:8080}/models"
