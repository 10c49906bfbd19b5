#!/usr/bin/env bash
# Installs the Debian packages Tessera needs on a node (and, with --test, the ones its tests need;
# with --bench, also containerd for the side-by-side benchmark, which CI never installs).
# Idempotent and quiet: when every package is present it prints nothing and touches nothing.
set -euo pipefail

RUNTIME_PKGS=(runc crun conmon catatonit containernetworking-plugins iptables iproute2 util-linux e2fsprogs)
BUILD_PKGS=(openjdk-17-jdk-headless maven make)
TEST_PKGS=(docker-registry skopeo umoci busybox-static apache2-utils xfsprogs)
BENCH_PKGS=(containerd)

want=("${RUNTIME_PKGS[@]}" "${BUILD_PKGS[@]}")
if [[ "${1:-}" == "--test" ]]; then
  want+=("${TEST_PKGS[@]}")
fi
if [[ "${1:-}" == "--bench" ]]; then
  want+=("${TEST_PKGS[@]}" "${BENCH_PKGS[@]}")
fi

# The WebSocket streaming tests run @kubernetes/client-node under Node.js. Machines of this
# project's kind ship Node.js 20 outside dpkg's Debian packages; a fresh Debian gets its own.
if [[ "${1:-}" == "--test" || "${1:-}" == "--bench" ]] && ! command -v npm > /dev/null; then
  want+=(nodejs npm)
fi

if [[ $(id -u) -ne 0 ]]; then
  echo "install-deps: must run as root (installs Debian packages)" >&2
  exit 1
fi

missing=()
for p in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# Package scripts must not start services (docker-registry ships one); tests start their own.
policy=/usr/sbin/policy-rc.d
created_policy=0
if [[ ! -e $policy ]]; then
  printf '#!/bin/sh\nexit 101\n' > "$policy"
  chmod 755 "$policy"
  created_policy=1
fi
trap '[[ $created_policy -eq 1 ]] && rm -f "$policy"' EXIT
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" > /tmp/tessera-apt.log 2>&1 \
  || { cat /tmp/tessera-apt.log >&2; exit 1; }
