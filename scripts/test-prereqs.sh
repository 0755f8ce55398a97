#!/usr/bin/env bash
# Installs what the tests need and nothing else: Debian's Chromium (the dashboard's
# browser test; Playwright cannot download browsers here) and a CJK font (e-licence PDF).
set -euo pipefail
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || need+=(fonts-noto-cjk fontconfig)
if [ ${#need[@]} -gt 0 ]; then
  echo "test-prereqs: installing ${need[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" > /dev/null
fi
