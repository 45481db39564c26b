#!/usr/bin/env bash
# The same records as Server-Sent Events, as a browser's EventSource-style reader wants them.
curl -sS -N --fail-with-body -X POST "${VAEDYN_URL:-http://127.0.0.1:8080}/dynamics" \
  -H 'Accept: text/event-stream' -H 'Content-Type: application/json' \
  -d '{"image": {"exemplar": {"digit": 3}}, "noise": "flip:0.1", "steps": 5, "trials": 20}'
