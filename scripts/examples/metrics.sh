#!/usr/bin/env bash
# Prometheus text: requests and latency by route and status, chains running, chain-steps, queue.
curl -sS --fail-with-body "${VAEDYN_URL:-http://127.0.0.1:8080}/metrics"
