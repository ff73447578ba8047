#!/usr/bin/env bash
# A one-node Slurm cluster on this machine, for lthc's Slurm tests and for trying
# `lthc run --on slurm` without a real cluster (docs/slurm.md).
#
#   scripts/slurm-local.sh start    install (Debian 12 packages) if missing, configure, start; waits for sinfo
#   scripts/slurm-local.sh stop     stop slurmd, slurmctld and munged
#   scripts/slurm-local.sh status   say whether the cluster answers
#
# Needs root (it installs packages and runs the daemons as root, as CI does).
# Idempotent: `start` on a running cluster only checks that it answers.
set -euo pipefail

CONF_DIR=/etc/slurm
CONF=$CONF_DIR/slurm.conf
STATE=/var/spool/slurmctld
SPOOL=/var/spool/slurmd
LOGS=/var/log/slurm
PARTITION=${LTHC_SLURM_PARTITION:-debug}

log() { printf 'slurm-local: %s\n' "$*" >&2; }

answers() { timeout 5 sinfo -h -o '%T' 2>/dev/null | grep -qvE '^(down|drain|drained|fail)'; }

install_packages() {
  local missing=()
  for cmd in slurmctld slurmd sbatch munged; do
    command -v "$cmd" >/dev/null 2>&1 || missing+=("$cmd")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing slurmctld slurmd slurm-client munge (missing: ${missing[*]})"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq slurmctld slurmd slurm-client munge >/dev/null
}

write_conf() {
  local cpus mem host
  host=$(hostname -s)
  cpus=$(nproc --all)
  # RealMemory in MiB, a little under the total so that slurmd does not drain the node for having less.
  mem=$(awk '/MemTotal/ { printf "%d", $2 / 1024 * 0.95 }' /proc/meminfo)
  mkdir -p "$CONF_DIR" "$STATE" "$SPOOL" "$LOGS"
  cat >"$CONF.new" <<CONF
# Written by lthc's scripts/slurm-local.sh: a one-node test cluster.
ClusterName=lthc-local
SlurmctldHost=$host
AuthType=auth/munge
SlurmUser=root
SlurmdUser=root
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
StateSaveLocation=$STATE
SlurmdSpoolDir=$SPOOL
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=$LOGS/slurmctld.log
SlurmdLogFile=$LOGS/slurmd.log
ReturnToService=2
SchedulerType=sched/backfill
SchedulerParameters=bf_interval=1,sched_min_interval=100000
MinJobAge=600
DefMemPerCPU=$((mem / cpus))
KillWait=10
JobRequeue=1
MpiDefault=none
NodeName=$host CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=$PARTITION Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
  if ! cmp -s "$CONF.new" "$CONF" 2>/dev/null; then
    mv "$CONF.new" "$CONF"
    return 0
  fi
  rm -f "$CONF.new"
}

start_munge() {
  if pgrep -u munge -x munged >/dev/null; then return 0; fi
  mkdir -p /etc/munge /run/munge /var/lib/munge /var/log/munge
  chown munge:munge /etc/munge /run/munge /var/lib/munge /var/log/munge
  chmod 0700 /etc/munge
  if [ ! -s /etc/munge/munge.key ]; then
    if command -v mungekey >/dev/null; then
      mungekey -c -f -k /etc/munge/munge.key
    else
      dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
    fi
  fi
  chown munge:munge /etc/munge/munge.key
  chmod 0400 /etc/munge/munge.key
  runuser -u munge -- /usr/sbin/munged
}

start() {
  install_packages
  write_conf
  start_munge
  pgrep -x slurmctld >/dev/null || slurmctld
  pgrep -x slurmd >/dev/null || slurmd
  for _ in $(seq 1 60); do
    if answers; then
      # A node left down by an earlier stop comes back to service.
      scontrol update NodeName="$(hostname -s)" State=RESUME >/dev/null 2>&1 || true
      log "cluster up: $(sinfo -h -o '%P %D node(s) %c cpus %T' | head -1)"
      return 0
    fi
    sleep 1
  done
  log "slurmctld/slurmd did not answer within 60 s; see $LOGS/slurmctld.log and $LOGS/slurmd.log"
  exit 1
}

stop_daemon() {
  local pid
  pid=$(pgrep -x "$1" || true)
  [ -z "$pid" ] && return 0
  kill $pid
  for _ in $(seq 1 20); do kill -0 $pid 2>/dev/null || return 0; sleep 0.5; done
}

stop() {
  stop_daemon slurmd
  stop_daemon slurmctld
  stop_daemon munged
  log "stopped"
}

status() {
  if command -v sinfo >/dev/null && answers; then
    sinfo
  else
    log "not running (scripts/slurm-local.sh start)"
    exit 1
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
