#!/usr/bin/env bash
# Runs the app (the ASP.NET Core host, src/Approvals.Host) on http://localhost:7071 against a local Azurite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/azurite.sh
# The e-licence PDF needs a CJK font: installed here when missing.
scripts/test-prereqs.sh --app
if [ ! -f local.settings.json ]; then
  cp local.settings.sample.json local.settings.json
  echo "run: created local.settings.json from local.settings.sample.json"
fi
# Local tokens (the walkthrough in docs/pipeline.md): `dotnet user-jwts` keeps its signing key in this project's user secrets and would
# create it with the first token, but the app reads the key when it starts: create it now if it is missing.
if dotnet user-jwts key --project src/Approvals.Host 2>/dev/null | grep -q "was not found"; then
  dotnet user-jwts key --reset --force --project src/Approvals.Host > /dev/null
  echo "run: created the signing key for local tokens (dotnet user-jwts)"
fi
exec dotnet run --project src/Approvals.Host -- --urls http://localhost:7071 "$@"
