#!/usr/bin/env bash
# The main job: installs missing host packages (Debian), builds, and runs `tessera serve` in the
# foreground on its embedded defaults (socket /run/tessera/tessera.sock). Run as root.
# Extra arguments go to `tessera serve`, e.g. `scripts/run.sh --log-level debug`.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
scripts/install-deps.sh
mvn -B -q --no-transfer-progress -DskipTests package
exec bin/tessera serve "$@"
