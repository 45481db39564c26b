#!/usr/bin/env bash
# A PNG of any size (here a 6 drawn on paper) posted as it is; options in the query.
here=$(dirname "$0")
curl -sS --fail-with-body -X POST \
  "${VAEDYN_URL:-http://127.0.0.1:8080}/dynamics?steps=20&trials=50&noise=replace:0.1&label=6&seed=2" \
  -H 'Content-Type: image/png' --data-binary @"${1:-$here/six.png}"
