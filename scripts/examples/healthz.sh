#!/usr/bin/env bash
curl -sS --fail-with-body "${VAEDYN_URL:-http://127.0.0.1:8080}/healthz"
