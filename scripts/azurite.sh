#!/usr/bin/env bash
# Starts the pinned Azurite (package.json) unless something already listens on the
# storage ports. Data lives in .azurite/ (git-ignored). Safe to call repeatedly.
# AZURITE_IN_MEMORY=1 keeps the data in memory instead (the test command: each run starts from empty storage, and a
# store grown by earlier runs — Azurite rewrites its whole JSON database as it grows — cannot slow it down).
set -euo pipefail
cd "$(dirname "$0")/.."

. scripts/azurite-common.sh

if listening 10000 && listening 10001 && listening 10002; then
  echo "azurite: already listening on 10000-10002"
  exit 0
fi

install_azurite azurite

mkdir -p .azurite
# --skipApiVersionCheck: the Azure SDKs run ahead of Azurite's API version.
# --disableTelemetry: Azurite otherwise reports usage to Microsoft (and spends ~6 % of its CPU doing so).
if [ "${AZURITE_IN_MEMORY:-0}" = "1" ]; then
  where=(--inMemoryPersistence)
  what="in memory"
else
  where=(--location .azurite)
  what="data in .azurite/"
fi
nohup node_modules/.bin/azurite --skipApiVersionCheck --disableTelemetry "${where[@]}" \
  --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 \
  > .azurite/azurite.log 2>&1 &
echo $! > .azurite/azurite.pid

for _ in $(seq 1 100); do
  if listening 10000 && listening 10001 && listening 10002; then
    echo "azurite: started (pid $(cat .azurite/azurite.pid), $what)"
    exit 0
  fi
  sleep 0.2
done
echo "azurite: did not start; see .azurite/azurite.log" >&2
tail -20 .azurite/azurite.log >&2 || true
exit 1
