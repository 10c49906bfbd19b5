#!/usr/bin/env bash
# Side-by-side benchmark (issue 8): tessera against Debian's containerd 1.6, same machine, same
# client, images and CNI network, one run. Run as root; `make bench` / `make bench QUICK=1`.
#
# What it does (docs/bench.md has the why):
#   1. installs containerd (scripts/install-deps.sh --bench) and builds tessera;
#   2. builds two images with umoci (busybox-static for the workload; a pause image holding the
#      static catatonit in pause mode, because containerd 1.6 needs a sandbox image), and serves
#      them from a private docker-registry on 127.0.0.1;
#   3. starts tessera and containerd, each on its own socket, root, state, CNI conflist (same
#      plugins as tessera's default network, own bridge and subnet) and host-local store;
#   4. runs SideBySideBench (e2e, -Pbench) against both sockets;
#   5. on exit (trap), whatever happened: stops both daemons, sweeps anything a failed run left
#      (containers, mounts, bridges) and deletes every file it made.
#
# Environment: QUICK=1 (subset, ~5 min), BENCH_JFR=1 (record tessera with JFR into
# target/bench-results/tessera.jfr), BENCH_ONLY=tessera,containerd,density (parts to run; default all),
# BENCH_TESSERA_OPTS (tessera's JVM flags instead of bin/tessera's), BENCH_OUT (results dir,
# default ./target/bench-results).
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
repo=$(pwd)
QUICK=${QUICK:-0}
# Under target/ (ignored by git, removed by mvn clean): copy results you want to keep.
out=${BENCH_OUT:-$repo/target/bench-results}

if [[ $(id -u) -ne 0 ]]; then
  echo "bench: must run as root (starts container runtimes)" >&2
  exit 1
fi

scripts/install-deps.sh --bench
mkdir -p "$out"

# Short base path: conmon's attach socket under tessera's state dir must fit 107 bytes.
work=$(mktemp -d /tmp/tb-XXXXXX)
ts=$work/t   # tessera
cs=$work/c   # containerd
reg=$work/reg
img=$work/img
bridges=(tbench0 cbench0)
# Pods get cgroup parents under this (as kubelet's /kubepods/...); removed at the end.
cgroot=$(basename "$work")
pids=()
run_containerd_existed=0
[[ -e /run/containerd ]] && run_containerd_existed=1

log() { echo "bench: $*" >&2; }

cleanup() {
  local rc=$?
  set +e
  trap - EXIT INT TERM
  log "cleaning up"
  # Daemons first (SIGTERM, then SIGKILL after 30 s), registry last.
  for p in "${pids[@]}"; do
    kill -TERM "$p" 2>/dev/null
  done
  for p in "${pids[@]}"; do
    for _ in $(seq 300); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null
    wait "$p" 2>/dev/null
  done
  # A run that died halfway leaves containers: delete them with the runtimes' private runc roots,
  # then kill monitors (conmon, shims) that still name our dirs.
  for root in "$ts/state/runc" "$cs/runc/k8s.io"; do
    if [[ -d $root ]]; then
      for id in $(runc --root "$root" list -q 2>/dev/null); do
        log "removing leftover container $id"
        runc --root "$root" delete --force "$id" >/dev/null 2>&1
      done
    fi
  done
  for p in $(pgrep -f -- "$work" 2>/dev/null); do
    [[ $p -ne $$ ]] && kill -KILL "$p" 2>/dev/null
  done
  # Mounts under our dirs (overlay rootfs, shm, pinned namespaces), deepest first.
  awk -v w="$work" '$5 == w || index($5, w "/") == 1 {print $5}' /proc/self/mountinfo \
    | sort -r | while read -r m; do umount -l "$m" 2>/dev/null; done
  # runc removes a container's own cgroup; the pod-level dirs above it are the parent's owner's
  # (kubelet's in a cluster, ours here).
  for c in /sys/fs/cgroup/*/"$cgroot"; do
    [[ -d $c ]] && find "$c" -depth -type d -exec rmdir {} + 2>/dev/null
  done
  for b in "${bridges[@]}"; do
    ip link show "$b" >/dev/null 2>&1 && ip link delete "$b"
  done
  # Pods that never got their CNI DEL leave the bridge plugin's masquerade rule (POSTROUTING,
  # commented with the network name) and its per-pod chain.
  iptables -t nat -S POSTROUTING 2>/dev/null | grep -F 'name: \"bench-' | while read -r rule; do
    chain=${rule##* -j }
    eval "iptables -t nat ${rule/-A /-D }" 2>/dev/null
    iptables -t nat -F "$chain" 2>/dev/null && iptables -t nat -X "$chain" 2>/dev/null
  done
  rm -rf --one-file-system "$work"
  # containerd 1.6 puts shim sockets in /run/containerd/s whatever its state dir: remove what it
  # created if the dir was not there before.
  if [[ $run_containerd_existed -eq 0 && -d /run/containerd ]]; then
    find /run/containerd -depth -type d -empty -delete 2>/dev/null
  fi
  exit "$rc"
}
trap cleanup EXIT INT TERM

log "building tessera"
mvn -B -q --no-transfer-progress -DskipTests package

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# --- images -------------------------------------------------------------------------------------
log "building images with umoci"
mkdir -p "$img"
umoci init --layout "$img/oci"
add_image() { # tag, fills rootfs via a function
  local tag=$1 fill=$2
  umoci new --image "$img/oci:$tag"
  umoci unpack --image "$img/oci:$tag" "$img/b-$tag" >/dev/null
  "$fill" "$img/b-$tag/rootfs"
  umoci repack --image "$img/oci:$tag" "$img/b-$tag"
  rm -rf --one-file-system "$img/b-$tag"
}
fill_busybox() {
  mkdir -p "$1/bin" "$1/etc" "$1/tmp"
  cp /bin/busybox "$1/bin/busybox"
  for a in sh sleep cat ls ps; do ln -s busybox "$1/bin/$a"; done
  printf 'root:x:0:0:root:/root:/bin/sh\n' >"$1/etc/passwd"
  printf 'root:x:0:\n' >"$1/etc/group"
}
fill_pause() {
  # catatonit -P: the pause mode podman uses for infra containers; static, sleeps until killed.
  cp /usr/bin/catatonit "$1/catatonit"
}
add_image busybox fill_busybox
umoci config --image "$img/oci:busybox" --config.cmd /bin/sh --config.env PATH=/bin
add_image pause fill_pause
umoci config --image "$img/oci:pause" --config.entrypoint /catatonit --config.entrypoint -P

port=$(free_port)
mkdir -p "$reg/storage"
cat >"$reg/config.yml" <<EOF
version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $reg/storage
http:
  addr: 127.0.0.1:$port
  secret: bench-$$
EOF
docker-registry serve "$reg/config.yml" >"$reg/log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do
  curl -fsS "http://127.0.0.1:$port/v2/" >/dev/null 2>&1 && break
  sleep 0.1
done
for tag in busybox pause; do
  skopeo --insecure-policy copy --quiet --dest-tls-verify=false \
    "oci:$img/oci:$tag" "docker://127.0.0.1:$port/bench/$tag:1"
done
image=127.0.0.1:$port/bench/busybox:1
pause=127.0.0.1:$port/bench/pause:1

# --- CNI: tessera's default network (DefaultCniConfig.render), own bridge/subnet/store each -------
conflist() { # name bridge subnet datadir
  cat <<EOF
{
  "cniVersion": "1.0.0",
  "name": "$1",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "$2",
      "isGateway": true,
      "ipMasq": true,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "ranges": [[{"subnet": "$3"}]],
        "routes": [{"dst": "0.0.0.0/0"}],
        "dataDir": "$4"
      }
    },
    {"type": "portmap", "capabilities": {"portMappings": true}, "snat": true},
    {"type": "bandwidth", "capabilities": {"bandwidth": true}}
  ]
}
EOF
}
subnet_free() { ! ip -4 route | grep -q "^$1"; }
pick_subnet() { # prefix candidates "10.197" ...
  for c in "$@"; do subnet_free "$c." && { echo "$c.0.0/16"; return; }; done
  echo "bench: no free subnet among $*" >&2
  exit 1
}
tsubnet=$(pick_subnet 10.196 10.194 10.192)
csubnet=$(pick_subnet 10.197 10.195 10.193)

# --- tessera ------------------------------------------------------------------------------------
mkdir -p "$ts/net.d" "$ts/run"
conflist bench-tessera tbench0 "$tsubnet" "$ts/ipam" >"$ts/net.d/10-bench.conflist"
cat >"$ts/tessera.toml" <<EOF
metrics_address = ""
log_level = "info"
[cni]
conf_dir = "$ts/net.d"
bin_dirs = ["/usr/lib/cni"]
EOF
# bin/tessera's default JVM flags unless BENCH_TESSERA_OPTS replaces them (to try other settings).
if [[ -n ${BENCH_TESSERA_OPTS:-} ]]; then
  export TESSERA_JAVA_OPTS=$BENCH_TESSERA_OPTS
else
  unset TESSERA_JAVA_OPTS
fi
extra=""
if [[ ${BENCH_JFR:-0} == 1 ]]; then
  extra="-XX:StartFlightRecording=filename=$out/tessera.jfr,settings=profile,dumponexit=true"
fi
TESSERA_EXTRA_JAVA_OPTS=$extra bin/tessera serve --config "$ts/tessera.toml" \
  --socket "$ts/run/tessera.sock" --root "$ts/root" --state "$ts/state" \
  </dev/null >"$out/tessera.log" 2>&1 &
tpid=$!
pids+=("$tpid")

# --- containerd ---------------------------------------------------------------------------------
mkdir -p "$cs/net.d"
conflist bench-containerd cbench0 "$csubnet" "$cs/ipam" >"$cs/net.d/10-bench.conflist"
cat >"$cs/config.toml" <<EOF
version = 2
root = "$cs/root"
state = "$cs/state"
oom_score = 0
disabled_plugins = ["io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs",
  "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.aufs",
  "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing"]

[grpc]
  address = "$cs/containerd.sock"
[ttrpc]
  address = "$cs/containerd.sock.ttrpc"
[debug]
  address = ""
  level = "warn"
[metrics]
  address = ""

[plugins."io.containerd.internal.v1.opt"]
  path = "$cs/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$pause"
  # This host refuses lowering oom_score_adj (as in a user namespace or a locked-down VM).
  restrict_oom_score_adj = true
  netns_mounts_under_state_dir = true
  disable_apparmor = true
  enable_selinux = false
  systemd_cgroup = false
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        BinaryName = "$(command -v runc)"
        Root = "$cs/runc"
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$cs/net.d"
    max_conf_num = 1
  [plugins."io.containerd.grpc.v1.cri".registry.mirrors."127.0.0.1:$port"]
    endpoint = ["http://127.0.0.1:$port"]
EOF
containerd --config "$cs/config.toml" </dev/null >"$out/containerd.log" 2>&1 &
cpid=$!
pids+=("$cpid")

for s in "$ts/run/tessera.sock" "$cs/containerd.sock"; do
  for _ in $(seq 600); do [[ -S $s ]] && break; sleep 0.1; done
  [[ -S $s ]] || { log "$s did not appear; see $out/*.log"; exit 1; }
done

log "running the benchmark (QUICK=$QUICK)"
# -Dit.test picks SideBySideBench only (the bench profile excludes it from the -Pbench run that
# PullBench uses); the test-scope run of the upstream modules is skipped.
set +e
mvn -B --no-transfer-progress -pl e2e -am verify -Pbench \
  -DskipTests=false -Dtest=NoUnitTests -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=SideBySideBench -Dfailsafe.failIfNoSpecifiedTests=false -Dspotless.check.skip=true \
  -Dbench.quick="$QUICK" -Dbench.only="${BENCH_ONLY:-}" -Dbench.cgroupRoot="/$cgroot" \
  -Dbench.image="$image" -Dbench.pauseImage="$pause" \
  -Dbench.json="$out/bench.json" -Dbench.work="$work/bench" \
  -Dbench.tessera.socket="$ts/run/tessera.sock" -Dbench.tessera.pid="$tpid" \
  -Dbench.tessera.marker="$ts/" \
  -Dbench.containerd.socket="$cs/containerd.sock" -Dbench.containerd.pid="$cpid" \
  -Dbench.containerd.marker="$cs/containerd.sock" \
  2>&1 | tee "$out/mvn.log" | grep --line-buffered -v -E '^\[(INFO|WARNING)\]|^$'
status=${PIPESTATUS[0]}
set -e
if [[ $status -ne 0 ]]; then
  log "benchmark failed (exit $status); maven output in $out/mvn.log"
  exit "$status"
fi
log "results: $out/bench.json (daemon logs beside it)"
