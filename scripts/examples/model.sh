#!/usr/bin/env bash
# Architecture, training record, test metrics and the model file's SHA-256.
curl -sS --fail-with-body "${VAEDYN_URL:-http://127.0.0.1:8080}/model"
