#!/usr/bin/env bash
# Runs the benchmarks in Release against a local Azurite and prints their tables.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/azurite.sh
exec dotnet run -c Release --project bench/Approvals.Bench -- "$@"
