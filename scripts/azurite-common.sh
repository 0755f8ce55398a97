# Sourced by scripts/azurite.sh and scripts/bench.sh (run from the repository root): what both need to run Azurite.

# True when something accepts connections on 127.0.0.1:$1.
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Installs the pinned Azurite (package.json + lock file) unless node_modules already has it.
install_azurite() {
  if [ ! -x node_modules/.bin/azurite ]; then
    echo "$1: installing the pinned Azurite (npm ci)"
    npm ci --no-audit --no-fund --loglevel=error
  fi
}
