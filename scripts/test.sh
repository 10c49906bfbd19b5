#!/usr/bin/env bash
# The test command: installs missing host packages (Debian), builds every module and runs all
# tests: unit tests, *IT integration tests, and e2e against the real daemon. Run as root.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
scripts/install-deps.sh --test
exec mvn -B --no-transfer-progress verify "$@"
