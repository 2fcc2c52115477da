#!/usr/bin/env bash
# Runs bench_thermal's 2-rank steady solve RUNS times, each in a fresh process after
# PAUSE seconds with nothing of ours running, and prints one line per run (the phases,
# iterations, peak memory, the host's memory latency) and how many runs met the
# throughput target. On a virtual machine whose host takes freed memory back, a run
# started right after another one reuses memory that is still backed and looks faster
# than a user's first run; the pause makes each run a cold one (docs/architecture.md,
# Benchmarks).
#
# Usage: bench/cold_series.sh [RUNS (4)] [PAUSE seconds (75)] [UNKNOWNS (8e6)] [options...]
# BUILD_DIR (default build) selects the build; extra options go to bench_thermal.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-4}
pause=${2:-75}
size=${3:-8e6}
shift $(($# < 3 ? $# : 3))
bench=${BUILD_DIR:-build}/bench/bench_thermal
if [ ! -x "$bench" ]; then
  echo "cold_series: $bench not found: build first (bash scripts/build.sh)" >&2
  exit 1
fi
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
met=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for run in $(seq 1 "$runs"); do
  sleep "$pause"
  if ! mpiexec --oversubscribe -n 2 "$bench" "$size" -bench_parallel_only "$@" >"$log" 2>&1; then
    echo "cold_series: run $run failed:" >&2
    tail -20 "$log" >&2
    exit 1
  fi
  phase() { awk -v name="$1" '$1 == name { print $2; exit }' "$log"; }
  total=$(awk '/total \(mesh \+ thermal\)/ { print $5; exit }' "$log")
  setup=$(awk '/preconditioner setup/ { print $3; exit }' "$log")
  solve=$(awk '/solve \(CG\)/ { print $3; exit }' "$log")
  iterations=$(awk '/^CG iterations:/ { print $3; exit }' "$log")
  memory=$(awk '/^peak memory per unknown:/ { print $5; exit }' "$log")
  # "met", "NOT met", or "(target applies at 8M on 2 ranks)".
  verdict=$(sed -n 's/^unknowns per second end to end: [^(]*(at 8M unknowns, 2 ranks): //p' "$log")
  latency=$(sed -n 's/.*latency \([0-9]*\) ns before, \([0-9]*\) after.*/\1 ns before, \2 ns after/p' "$log")
  if [ "$verdict" = "met" ]; then met=$((met + 1)); fi
  printf '%s run %d: mesh %s  assembly %s  setup %s  solve %s  post %s  total %s s  %s iterations  %s B/unknown  throughput %s  latency %s\n' \
    "$(date -u +%H:%M:%S)" "$run" "$(phase mesh)" "$(phase assembly)" "$setup" "$solve" \
    "$(phase post-processing)" "$total" "$iterations" "$memory" "$verdict" "$latency"
done
echo "throughput target met in $met of $runs cold runs"
