#!/usr/bin/env bash
# Runs the pipeline benchmark in Release and prints its table (options: scripts/bench.sh pipeline --help). Unless
# --storage names another account, it runs against a private Azurite started here on ports 20000-20002 and stopped
# afterwards: a fresh emulator, so the figures do not depend on a database a long-lived one has grown.
#
# The emulator runs as one process per service, each on its own Node thread: blob and table in memory, queue in a
# temporary folder. Azurite's in-memory queue store keeps one extent per message and its garbage collection, every
# 60 s, deletes them one at a time, re-sorting the extent index on each delete: at the ~40 queue messages a case
# costs the Durable runtime, that stalled the whole emulator for 19-30 s a minute at about 1 case/s (bench/RESULTS.md).
# In a folder, messages share extent files and the collection deletes a few; the folder is RAM-backed (/dev/shm)
# where the machine has one, because Azurite syncs each message to its file (fdatasync), one at a time.
# --single-azurite runs the one in-memory process the retired engine's figures were measured on.
set -euo pipefail
cd "$(dirname "$0")/.."

. scripts/azurite-common.sh

single=false
args=()
for arg in "$@"; do
  if [ "$arg" = "--single-azurite" ]; then single=true; else args+=("$arg"); fi
done

if [[ " $* " != *" --storage "* ]]; then
  install_azurite bench
  for port in 20000 20001 20002; do
    if listening "$port"; then
      echo "bench: port $port is taken; stop what listens there or pass --storage \"<connection string>\"" >&2
      exit 1
    fi
  done
  mkdir -p artifacts
  common=(--silent --skipApiVersionCheck --disableTelemetry)
  pids=()
  queues=""
  # Waits for them to exit, so their ports are free when another run follows at once.
  trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null || true; done; [ -z "$queues" ] || rm -rf "$queues"' EXIT
  if $single; then
    node_modules/.bin/azurite "${common[@]}" --inMemoryPersistence \
      --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 \
      --blobPort 20000 --queuePort 20001 --tablePort 20002 > artifacts/bench-azurite.log 2>&1 &
    pids+=($!)
    layout="one in-memory process"
  else
    queues=$(mktemp -d /dev/shm/bench-queues-XXXXXX 2>/dev/null || mktemp -d "${TMPDIR:-/tmp}/bench-queues-XXXXXX")
    node_modules/.bin/azurite-blob "${common[@]}" --inMemoryPersistence --blobHost 127.0.0.1 --blobPort 20000 > artifacts/bench-azurite-blob.log 2>&1 &
    pids+=($!)
    node_modules/.bin/azurite-queue "${common[@]}" --location "$queues" --queueHost 127.0.0.1 --queuePort 20001 > artifacts/bench-azurite-queue.log 2>&1 &
    pids+=($!)
    node_modules/.bin/azurite-table "${common[@]}" --inMemoryPersistence --tableHost 127.0.0.1 --tablePort 20002 > artifacts/bench-azurite-table.log 2>&1 &
    pids+=($!)
    layout="blob and table in memory, queue on $queues"
  fi
  for _ in $(seq 1 100); do
    if listening 20000 && listening 20001 && listening 20002; then break; fi
    sleep 0.2
  done
  # Azurite's well-known development account (public; it only exists in the emulator).
  key="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
  args+=(--storage "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$key;BlobEndpoint=http://127.0.0.1:20000/devstoreaccount1;QueueEndpoint=http://127.0.0.1:20001/devstoreaccount1;TableEndpoint=http://127.0.0.1:20002/devstoreaccount1;")
  echo "bench: private Azurite on 127.0.0.1:20000-20002 ($layout; pids ${pids[*]})"
fi

dotnet run -c Release --project bench/Approvals.Bench -- "${args[@]}"
