#!/usr/bin/env bash
# The stored test images of one digit.
curl -sS --fail-with-body "${VAEDYN_URL:-http://127.0.0.1:8080}/exemplars?digit=${1:-6}"
