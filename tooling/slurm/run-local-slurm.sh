#!/usr/bin/env bash
# Runs osfm-reproduce on a real single-node SLURM (Debian slurm-wlm: slurmctld + slurmd on localhost).
# Not part of CI. Needs root (installs packages, writes /etc/slurm, starts daemons).
#
#   tooling/slurm/run-local-slurm.sh [--tasks N] [--stages a,b,…] [--workspace DIR] [--data DIR | --preset tiny|demo]
#
# Prints: one "submitted …" line per job, then waits for the jobs, then `sacct` (every array task
# should be COMPLETED) and `osfm-reproduce status`. Job logs: <workspace>/logs/slurm/.
set -euo pipefail

TASKS=3
STAGES="env,manifest,qc,tiles,report"
WORKSPACE="$(pwd)/workspace-slurm"
DATA=""
PRESET="tiny"
while [ $# -gt 0 ]; do
  case "$1" in
    --tasks) TASKS="$2"; shift 2 ;;
    --stages) STAGES="$2"; shift 2 ;;
    --workspace) WORKSPACE="$(realpath -m "$2")"; shift 2 ;;
    --data) DATA="$(realpath "$2")"; shift 2 ;;
    --preset) PRESET="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

REPO="$(cd "$(dirname "$0")/../.." && pwd)"
CLI="$REPO/apps/reproduce/dist/cli.js"
[ -f "$CLI" ] || (cd "$REPO" && npx turbo run build --filter=@osfm/reproduce... --output-logs=errors-only)

if ! command -v slurmctld >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q slurm-wlm munge >/dev/null
fi

HOST="$(hostname -s)"
CPUS="$(nproc)"
MEM_MB="$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 512 ))"
mkdir -p /etc/slurm /var/spool/slurmctld /var/spool/slurmd /var/log/slurm
cat > /etc/slurm/slurm.conf <<CONF
ClusterName=osfm-local
SlurmctldHost=${HOST}
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=/var/log/slurm/jobcomp.log
ReturnToService=2
NodeName=${HOST} CPUs=${CPUS} RealMemory=${MEM_MB} State=UNKNOWN
PartitionName=main Nodes=${HOST} Default=YES MaxTime=INFINITE State=UP
CONF

pgrep -x munged >/dev/null || { mkdir -p /run/munge; chown munge:munge /run/munge 2>/dev/null || true; service munge start >/dev/null 2>&1 || munged --force; }
pgrep -x slurmctld >/dev/null || slurmctld
pgrep -x slurmd >/dev/null || slurmd
for _ in $(seq 1 30); do sinfo -h -o %t 2>/dev/null | grep -qE 'idle|mix|alloc' && break; sleep 1; done
scontrol update nodename="$HOST" state=resume >/dev/null 2>&1 || true
sinfo

SOURCE=(--preset "$PRESET" --demo)
[ -n "$DATA" ] && SOURCE=(--data "$DATA")
mkdir -p "$WORKSPACE"
# The demo cohort is built once, before the jobs (shards must not race to synthesize it).
if [ -z "$DATA" ]; then node "$CLI" run "${SOURCE[@]}" --workspace "$WORKSPACE" --stages env --quiet; fi
node "$CLI" slurm "${SOURCE[@]}" --workspace "$WORKSPACE" --stages "$STAGES" --tasks "$TASKS" \
  --sbatch "--cpus-per-task=1 --mem=2G --time=02:00:00" --out "$WORKSPACE/slurm/submit.sh"
OUT="$(bash "$WORKSPACE/slurm/submit.sh")"
echo "$OUT"
LAST="$(echo "$OUT" | awk '/^last job:/ {print $3}')"
echo "waiting for job $LAST and its dependencies…"
while squeue -h -o %i | grep -q .; do sleep 5; done
sacct -X -o JobID,JobName%24,State,ExitCode,Elapsed 2>/dev/null || cat /var/log/slurm/jobcomp.log
node "$CLI" status "${SOURCE[@]}" --workspace "$WORKSPACE"
