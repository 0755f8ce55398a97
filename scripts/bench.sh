#!/usr/bin/env bash
# Runs the pipeline benchmark in Release and prints its table (options: scripts/bench.sh pipeline --help). Unless
# --storage names another account, it runs against a private Azurite started here in memory on ports 20000-20002
# (and stopped afterwards): a fresh emulator, so the figures do not depend on the database a long-lived one has grown
# (its 5-s autosave stalls every request).
set -euo pipefail
cd "$(dirname "$0")/.."

. scripts/azurite-common.sh

args=("$@")
if [[ " $* " != *" --storage "* ]]; then
  install_azurite bench
  for port in 20000 20001 20002; do
    if listening "$port"; then
      echo "bench: port $port is taken; stop what listens there or pass --storage \"<connection string>\"" >&2
      exit 1
    fi
  done
  mkdir -p artifacts
  node_modules/.bin/azurite --silent --inMemoryPersistence --skipApiVersionCheck --disableTelemetry \
    --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 \
    --blobPort 20000 --queuePort 20001 --tablePort 20002 > artifacts/bench-azurite.log 2>&1 &
  azurite=$!
  # Waits for it to exit, so its ports are free when another run follows at once.
  trap 'kill "$azurite" 2>/dev/null && wait "$azurite" 2>/dev/null || true' EXIT
  for _ in $(seq 1 100); do
    if listening 20000 && listening 20001 && listening 20002; then break; fi
    sleep 0.2
  done
  # Azurite's well-known development account (public; it only exists in the emulator).
  key="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
  args+=(--storage "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$key;BlobEndpoint=http://127.0.0.1:20000/devstoreaccount1;QueueEndpoint=http://127.0.0.1:20001/devstoreaccount1;TableEndpoint=http://127.0.0.1:20002/devstoreaccount1;")
  echo "bench: private in-memory Azurite on 127.0.0.1:20000-20002 (pid $azurite)"
fi

dotnet run -c Release --project bench/Approvals.Bench -- "${args[@]}"
