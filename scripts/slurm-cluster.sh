#!/usr/bin/env bash
# A single-node Slurm cluster on this machine, to try `minga run --executor slurm` and to test it.
#
#   sudo scripts/slurm-cluster.sh start    # install slurm-wlm + munge if missing, configure, start
#   sudo scripts/slurm-cluster.sh status   # sinfo
#   sudo scripts/slurm-cluster.sh stop     # stop slurmd, slurmctld and munged
#
# Runs as root. The node is this host with its real CPU count and memory, in one partition
# `minga` (the default). select/cons_tres with CR_Core_Memory and a DefMemPerCPU let array tasks
# share the node side by side instead of taking it whole. Accounting goes to a text file so
# `sacct` works without slurmdbd.
set -euo pipefail

STATE=${SLURM_CLUSTER_STATE:-/var/lib/minga-slurm}
CONF_DIR=/etc/slurm
WAIT_S=${SLURM_CLUSTER_WAIT:-60}

need_root() {
    if [ "$(id -u)" != 0 ]; then
        echo "slurm-cluster.sh: run as root (sudo)" >&2
        exit 1
    fi
}

install_packages() {
    if command -v slurmctld >/dev/null && command -v slurmd >/dev/null && command -v munged >/dev/null; then
        return
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends slurm-wlm munge
}

munge_key() {
    mkdir -p /etc/munge /var/log/munge /var/lib/munge /run/munge
    if [ ! -s /etc/munge/munge.key ]; then
        dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
    fi
    chown -R munge:munge /etc/munge /var/log/munge /var/lib/munge /run/munge 2>/dev/null || true
    chmod 0700 /etc/munge
    chmod 0400 /etc/munge/munge.key
}

write_conf() {
    local host cpus mem_mb def_mem
    host=$(hostname -s)
    cpus=$(nproc --all)
    mem_mb=$(awk '/MemTotal/ {print int($2 / 1024)}' /proc/meminfo)
    # Leave 5% (at least 512 MB) to the system; RealMemory above the real figure drains the node.
    mem_mb=$((mem_mb - (mem_mb / 20 > 512 ? mem_mb / 20 : 512)))
    def_mem=$((mem_mb / cpus))
    mkdir -p "$CONF_DIR" "$STATE/ctld" "$STATE/d" /var/log/slurm
    cat >"$CONF_DIR/slurm.conf" <<EOF
# Written by minga scripts/slurm-cluster.sh: one node, one partition.
ClusterName=minga
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$STATE/ctld
SlurmdSpoolDir=$STATE/d
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
ReturnToService=2
SchedulerType=sched/backfill
# A cancelled or failed task cancels the stages queued after it (afterok can no longer hold);
# \`minga status\` then names it and \`minga run ... --resume\` resubmits from there.
DependencyParameters=kill_invalid_depend
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=$def_mem
MaxArraySize=100001
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=/var/log/slurm/jobcomp.log
NodeName=$host CPUs=$cpus RealMemory=$mem_mb State=UNKNOWN
PartitionName=minga Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
    # cgroup.conf is read by some builds even without cgroup plugins.
    [ -f "$CONF_DIR/cgroup.conf" ] || echo "CgroupPlugin=autodetect" >"$CONF_DIR/cgroup.conf"
}

wait_idle() {
    local host deadline
    host=$(hostname -s)
    # A wall-clock deadline: sinfo itself waits ~10 s when slurmctld does not answer.
    deadline=$((SECONDS + WAIT_S))
    while [ "$SECONDS" -lt "$deadline" ]; do
        if timeout 5 sinfo -h -n "$host" -o '%t' 2>/dev/null | grep -qE '^(idle|mix|alloc)'; then
            sinfo
            return 0
        fi
        timeout 5 scontrol update nodename="$host" state=resume >/dev/null 2>&1 || true
        sleep 1
    done
    echo "slurm-cluster.sh: node $host not idle after ${WAIT_S}s; see /var/log/slurm/" >&2
    sinfo >&2 || true
    return 1
}

# True when a live (not zombie) process is called $1: a daemon killed by its parent's end can
# linger as a zombie that pgrep still lists.
running() {
    local p
    for p in $(pgrep -x "$1"); do
        [ "$(ps -o stat= -p "$p" 2>/dev/null | cut -c1)" = Z ] || return 0
    done
    return 1
}

start() {
    need_root
    install_packages
    munge_key
    write_conf
    if ! running munged; then
        # A killed munged leaves its pid file and socket lock behind.
        rm -f /run/munge/munged.pid /run/munge/munge.socket.2.lock
        su -s /bin/sh munge -c munged 2>/dev/null || munged --force
    fi
    running slurmctld || slurmctld
    running slurmd || slurmd
    wait_idle
}

stop_one() {
    local name=$1 pidfile=$2 pid
    if [ -s "$pidfile" ]; then
        pid=$(cat "$pidfile")
        kill "$pid" 2>/dev/null || true
    fi
}

stop() {
    need_root
    stop_one slurmd /run/slurmd.pid
    stop_one slurmctld /run/slurmctld.pid
    stop_one munged /run/munge/munged.pid
    echo "slurm-cluster.sh: stopped"
}

case "${1:-}" in
start) start ;;
stop) stop ;;
status) sinfo ;;
*)
    echo "usage: $0 start|stop|status" >&2
    exit 2
    ;;
esac
