#!/usr/bin/env bash
# Runs the whole test suite: installs test prerequisites, starts Azurite if needed; then publishes the Functions app
# as a zip under artifacts/ (scripts/publish-functions.sh), so that a green run leaves a deployable package.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/test-prereqs.sh
AZURITE_IN_MEMORY=1 scripts/azurite.sh
dotnet test Approvals.sln --logger "console;verbosity=normal" "$@"
scripts/publish-functions.sh
