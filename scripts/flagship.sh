#!/usr/bin/env bash
# README command (a): installs what is missing, builds, and runs the flagship case
# (cases/hbm_8high.yaml) on 2 MPI ranks.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
output=results/hbm_8high
mpiexec --oversubscribe -n 2 build/app/tsvfield run cases/hbm_8high.yaml --output "$output"
echo
echo "ParaView: paraview $output/thermal.pvtu   (temperature, heat flux, material, layer, rank)"
echo "Summary:  $output/summary.json   tables: $output/*.csv"
echo "Report:   $output/report.md   (pictures in $output/report/)"
