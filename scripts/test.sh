#!/usr/bin/env bash
# README command (b): installs what is missing, builds with warnings as errors and runs
# the test suite (ctest; MPI tests under mpiexec -n 2). Tests labelled "long" are left
# out unless TSVFIELD_LONG_TESTS=1. With --sanitize: an ASan + UBSan build in build-asan/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
if [ "${1:-}" = "--sanitize" ]; then
  export BUILD_DIR=build-asan BUILD_TYPE=RelWithDebInfo
  # Open MPI and PETSc keep allocations until exit that LeakSanitizer reports as leaks.
  export ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=print_stacktrace=1
  bash scripts/build.sh -DTSVFIELD_WERROR=ON -DTSVFIELD_SANITIZE=ON
else
  export BUILD_DIR=build
  bash scripts/build.sh -DTSVFIELD_WERROR=ON
fi
label_filter=(-LE long)
[ "${TSVFIELD_LONG_TESTS:-0}" = "1" ] && label_filter=()
cd "$BUILD_DIR"
ctest --output-on-failure -j"$(nproc)" "${label_filter[@]}"
