#!/usr/bin/env bash
# Publishes the Functions app (src/Approvals.Functions, Release) and zips it for deployment:
#   artifacts/approvals-functions/      the published folder (what `func start` or a zip deploy runs)
#   artifacts/approvals-functions.zip   the package for `az functionapp deploy --src-path … --type zip` (infra/README.md)
# The zip holds the folder's content at its root, .azurefunctions/ (the host's extensions) included.
set -euo pipefail
cd "$(dirname "$0")/.."
out=artifacts/approvals-functions
rm -rf "$out" artifacts/approvals-functions.zip
# linux-x64, as Flex Consumption runs it: without a runtime identifier the package would carry every platform's SkiaSharp
# natives (and their Windows symbols), 490 MB instead of about 45.
dotnet publish src/Approvals.Functions/Approvals.Functions.csproj -c Release -r linux-x64 --self-contained false -o "$out" --nologo -v quiet
(cd "$out" && zip -qr ../approvals-functions.zip .)
echo "publish-functions: $(du -h artifacts/approvals-functions.zip | cut -f1) artifacts/approvals-functions.zip"
