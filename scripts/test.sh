#!/usr/bin/env bash
# Runs the whole test suite: installs test prerequisites, starts Azurite if needed.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/test-prereqs.sh
scripts/azurite.sh
exec dotnet test Approvals.sln --logger "console;verbosity=normal" "$@"
