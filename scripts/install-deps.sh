#!/usr/bin/env bash
# Installs the Debian 12 packages Polyphase needs to build, test and cross-build.
# Prints what it installs; does nothing for packages already present.
set -euo pipefail
PACKAGES=(
  build-essential cmake ninja-build pkg-config   # build
  clang libclang-rt-14-dev                       # second compiler, sanitizers, libFuzzer
  libcmocka-dev                                  # unit tests
  libmbedtls-dev                                 # AES-GCM/GMAC, SHA-256, ECDSA
  gcc-arm-none-eabi libnewlib-arm-none-eabi      # Cortex-M4F cross build
  binutils                                       # nm for the symbol check
  socat                                          # pty <-> TCP bridges in peer tests
  python3                                        # test drivers
)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# External peers (smartmeter-obis, node-mbus) need node and npm; a machine that
# already has them (e.g. a NodeSource node that bundles npm) keeps its own.
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages and node/npm present"
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
