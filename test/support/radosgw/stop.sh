#!/usr/bin/env bash
# Stops what start.sh started under CEPH_DIR: the gateway first (it holds
# client sessions), then the OSD, then the monitor, each by the pid it wrote.
# A daemon that does not leave within 5 s of SIGTERM gets SIGKILL. Safe to run
# twice, or on a directory whose cluster never came up.
set -uo pipefail
dir=${CEPH_DIR:?set CEPH_DIR to the directory start.sh used}

stop_pidfile() {
  local file=$1 pid
  [ -f "$file" ] || return 0
  pid=$(cat "$file")
  if kill "$pid" 2>/dev/null; then
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null
  fi
  rm -f "$file"
}

stop_pidfile "$dir/run/client.admin.pid"
for file in "$dir"/run/osd.*.pid; do stop_pidfile "$file"; done
stop_pidfile "$dir/run/mon.a.pid"
exit 0
