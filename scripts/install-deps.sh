#!/usr/bin/env bash
# Installs the Debian 12 packages tsvfield needs to build, test and check its
# outputs, skipping those already installed. Run as root.
#
# ParaView's Python (python3-paraview) conflicts with python3-vtk9, which
# libvtk9-dev depends on: both ship dist-packages/vtkmodules. So the package is
# unpacked (not installed) into PVPYTHON_PREFIX, and scripts/pvbatch.sh runs
# Debian's pvbatch with that prefix first on PYTHONPATH.
set -euo pipefail
PVPYTHON_PREFIX=${PVPYTHON_PREFIX:-/opt/tsvfield/paraview-python}
packages=(
  build-essential cmake pkg-config git
  petsc-dev libopenmpi-dev openmpi-bin
  libvtk9-dev libyaml-cpp-dev
  libgtest-dev googletest
  python3 python3-numpy paraview
  ngspice python3-scikit-rf
)
missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
export DEBIAN_FRONTEND=noninteractive
updated=0
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}" >&2
  apt-get update -qq
  updated=1
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if [ ! -f "$PVPYTHON_PREFIX/usr/lib/python3/dist-packages/paraview/simple.py" ]; then
  echo "install-deps: unpacking python3-paraview into $PVPYTHON_PREFIX" >&2
  [ $updated -eq 1 ] || apt-get update -qq
  workdir=$(mktemp -d)
  (cd "$workdir" && apt-get download -qq python3-paraview 2>/dev/null)
  mkdir -p "$PVPYTHON_PREFIX"
  dpkg-deb -x "$workdir"/python3-paraview_*.deb "$PVPYTHON_PREFIX"
  rm -rf "$workdir"
fi
