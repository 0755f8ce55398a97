#!/usr/bin/env bash
# Installs what the tests need and nothing else: Debian's Chromium (the dashboard's
# browser test; Playwright cannot download browsers here), a CJK font (e-licence PDF) and zip (the Functions
# app's deployment package, scripts/publish-functions.sh).
# --app: only what the running app needs (the CJK font; scripts/run.sh), not the browser.
set -euo pipefail
need=()
[ "${1:-}" = "--app" ] || [ -x /usr/bin/chromium ] || need+=(chromium)
[ "${1:-}" = "--app" ] || command -v zip > /dev/null || need+=(zip)
# grep reads all of fc-list's output: with -q it would quit early, fc-list would die of SIGPIPE and pipefail
# would report "no font" every time.
fc-list 2>/dev/null | grep -i "Noto Sans CJK" > /dev/null || need+=(fonts-noto-cjk fontconfig)
if [ ${#need[@]} -gt 0 ]; then
  echo "test-prereqs: installing ${need[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" > /dev/null
fi
