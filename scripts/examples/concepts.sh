#!/usr/bin/env bash
# Every concept with its position on the projection axes (vectors and images left out).
curl -sS --fail-with-body "${VAEDYN_URL:-http://127.0.0.1:8080}/concepts?fields=projection"
