#!/usr/bin/env bash
# Runs ParaView's pvbatch with the unpacked python3-paraview (see install-deps.sh).
PVPYTHON_PREFIX=${PVPYTHON_PREFIX:-/opt/tsvfield/paraview-python}
export PYTHONPATH="$PVPYTHON_PREFIX/usr/lib/python3/dist-packages${PYTHONPATH:+:$PYTHONPATH}"
exec pvbatch "$@"
