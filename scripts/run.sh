#!/usr/bin/env bash
# Runs the function app on http://localhost:7071 against a local Azurite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/azurite.sh
if [ ! -f local.settings.json ]; then
  cp local.settings.sample.json local.settings.json
  echo "run: created local.settings.json from local.settings.sample.json"
fi
exec dotnet run --project src/Approvals.Functions -- --urls http://localhost:7071 "$@"
