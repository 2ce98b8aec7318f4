#!/usr/bin/env bash
# Starts a throwaway single-node Ceph cluster with radosgw in front of it, for
# tests and benchmarks that need a real S3 (one that checks SigV4 signatures,
# refuses undersized parts and checks part ETags on complete).
#
#   needs: apt-get install --no-install-recommends radosgw ceph-mon ceph-osd ceph-common
#   env:   CEPH_DIR   data dir (required; wiped and recreated)
#          RGW_PORT   S3 port on 127.0.0.1 (default 7480)
#          MON_PORT   monitor msgr2 port; MON_PORT_V1 the legacy one (default 3300 / 6789)
#          MEMSTORE_BYTES  RAM the OSD may use for objects (default 4 GiB)
#          RGW_ACCESS_KEY / RGW_SECRET_KEY  the S3 user's keys
#   stop:  stop.sh with the same CEPH_DIR
#
# Everything binds 127.0.0.1 and keeps its state under CEPH_DIR; objects live in
# RAM (memstore), so a run leaves nothing on disk once CEPH_DIR is removed.
set -euo pipefail

dir=${CEPH_DIR:?set CEPH_DIR to a scratch directory}
rgw_port=${RGW_PORT:-7480}
mon_v2=${MON_PORT:-${MON_PORT_V2:-3300}}
mon_v1=${MON_PORT_V1:-6789}
memstore=${MEMSTORE_BYTES:-$((4 * 1024 ** 3))}
access=${RGW_ACCESS_KEY:-DUTESTKEY}
secret=${RGW_SECRET_KEY:-DUTESTSECRET}
ready_deadline_s=${RGW_READY_SECONDS:-90}

conf="$dir/ceph.conf"
mon_addrs="[v2:127.0.0.1:$mon_v2,v1:127.0.0.1:$mon_v1]"

say() { echo "radosgw/start: t+${SECONDS}s $*"; }
fail() { echo "radosgw/start: $*" >&2; tail -n 20 "$dir"/log/*.log >&2 2>/dev/null || true; exit 1; }

write_config() {
  local fsid=$1
  # One monitor, one OSD, pools of size 1: a cluster that cannot replicate
  # must be told that is fine, or it never reports its placement groups clean.
  cat >"$conf" <<CONF
[global]
fsid = $fsid
mon host = $mon_addrs
public network = 127.0.0.0/8
ms bind ipv6 = false
auth cluster required = cephx
auth service required = cephx
auth client required = cephx
run dir = $dir/run
log file = $dir/log/\$name.log
pid file = $dir/run/\$name.pid
admin socket = $dir/run/\$name.asok
mon data = $dir/mon/\$id
osd data = $dir/osd/\$id
mon allow pool size one = true
mon allow pool delete = true
mon warn on pool no redundancy = false
mon max pg per osd = 1000
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0

[osd]
# Objects in RAM: fast, and nothing to clean up on disk.
osd objectstore = memstore
memstore device bytes = $memstore
# Large single PUTs from the tests must fit in one RADOS object.
osd max object size = 1073741824
keyring = \$osd_data/keyring

[client.admin]
keyring = $dir/admin.keyring
# A second radosgw-admin next to the running gateway needs its own socket.
admin socket = $dir/run/\$name.\$pid.asok
rgw frontends = beast endpoint=127.0.0.1:$rgw_port
rgw data = $dir/rgw
# Aborted uploads' parts are freed within seconds, not hours (memstore is RAM).
rgw gc obj min wait = 15
rgw gc processor period = 15
rgw gc processor max time = 15
CONF
}

start_monitor() {
  local fsid=$1
  ceph-authtool --create-keyring "$dir/admin.keyring" --gen-key -n client.admin \
    --cap mon 'allow *' --cap osd 'allow *' --cap mgr 'allow *' --cap mds 'allow *' >/dev/null
  ceph-authtool --create-keyring "$dir/mon.keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
  ceph-authtool "$dir/mon.keyring" --import-keyring "$dir/admin.keyring" >/dev/null
  monmaptool --create --fsid "$fsid" --addv a "$mon_addrs" "$dir/monmap" >/dev/null
  ceph-mon -c "$conf" -i a --mkfs --monmap "$dir/monmap" --keyring "$dir/mon.keyring"
  ceph-mon -c "$conf" -i a
}

start_osd() {
  local uuid key id
  uuid=$(cat /proc/sys/kernel/random/uuid)
  key=$(ceph-authtool --gen-print-key)
  # `osd new` registers the OSD with the monitor and answers its numeric id.
  id=$(printf '{"cephx_secret": "%s"}' "$key" | ceph -c "$conf" osd new "$uuid" -i -)
  mkdir -p "$dir/osd/$id"
  ceph-authtool --create-keyring "$dir/osd/$id/keyring" --name "osd.$id" --add-key "$key" >/dev/null
  ceph-osd -c "$conf" -i "$id" --mkfs --osd-uuid "$uuid" >"$dir/log/osd-mkfs.log" 2>&1 \
    || fail "ceph-osd --mkfs failed"
  ceph-osd -c "$conf" -i "$id"
}

wait_for_gateway() {
  local deadline=$((SECONDS + ready_deadline_s))
  until curl -fs -o /dev/null "http://127.0.0.1:$rgw_port/"; do
    ((SECONDS < deadline)) || fail "radosgw did not answer on 127.0.0.1:$rgw_port within ${ready_deadline_s}s"
    sleep 0.2
  done
}

command -v radosgw >/dev/null || fail "radosgw is not installed"
rm -rf "$dir"
mkdir -p "$dir"/{mon,osd,run,log,rgw}
fsid=$(cat /proc/sys/kernel/random/uuid)
write_config "$fsid"
start_monitor "$fsid"
start_osd
radosgw -c "$conf" -n client.admin
say "daemons started"
wait_for_gateway
radosgw-admin -c "$conf" user create --uid=du-test --display-name=du-test \
  --access-key="$access" --secret-key="$secret" >/dev/null
say "S3 ready on http://127.0.0.1:$rgw_port"
