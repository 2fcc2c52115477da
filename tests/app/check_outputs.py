"""End-to-end checks of tsvfield's outputs as a user meets them: run the command
under mpiexec, then open what it wrote with ParaView's own reader (pvbatch, through
scripts/pvbatch.sh and tests/tools/check_pvtu.py) and compare with what tsvfield
printed and wrote in its JSON files.

  check_outputs.py mesh    --tsvfield EXE --case CASE --workdir DIR [--ranks N]
  check_outputs.py thermal --tsvfield EXE --case CASE --workdir DIR [--ranks N]

mesh:    the .pvtu's cell count equals the printed and the JSON cell count; the
         material names ParaView sees are those of the statistics, and every
         material id is used; every rank wrote cells.
thermal: the maximum of temperature_K ParaView sees equals summary.json's
         thermal.t_max_K (to 1e-12 relative: the same doubles, written binary).
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys

SOURCE_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run(command, **kwargs):
    print("+", " ".join(command), flush=True)
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)
    sys.stderr.write(result.stderr[-4000:])
    if result.returncode != 0:
        sys.stdout.write(result.stdout[-4000:])
        raise SystemExit(f"command failed with exit code {result.returncode}")
    return result.stdout


def mpiexec(ranks):
    return ["mpiexec", "--oversubscribe", "--allow-run-as-root", "-n", str(ranks)]


def paraview_summary(path, workdir):
    output = os.path.join(workdir, "paraview_view.json")
    run([os.path.join(SOURCE_DIR, "scripts", "pvbatch.sh"),
         os.path.join(SOURCE_DIR, "tests", "tools", "check_pvtu.py"), path, "--output", output])
    with open(output) as handle:
        return json.load(handle)


def fail(message):
    raise SystemExit("FAIL: " + message)


def check_mesh(args):
    stdout = run(mpiexec(args.ranks) + [args.tsvfield, "mesh", args.case, "--output", args.workdir])
    printed = re.search(r"Mesh: (\d+) hexahedra", stdout)
    if not printed:
        fail("the mesh command printed no 'Mesh: N hexahedra' line:\n" + stdout)
    with open(os.path.join(args.workdir, "mesh_statistics.json")) as handle:
        statistics = json.load(handle)
    view = paraview_summary(os.path.join(args.workdir, "mesh.pvtu"), args.workdir)
    cells = view["number_of_cells"]
    print(f"cells: printed {printed.group(1)}, json {statistics['cells']}, ParaView {cells}")
    if cells != int(printed.group(1)) or cells != statistics["cells"]:
        fail("cell counts differ")
    names_seen = view["field_arrays"]["material_names"]
    names_stats = [entry["name"] for entry in statistics["materials"]]
    print(f"materials: statistics {sorted(names_stats)}, ParaView {sorted(names_seen)}")
    if sorted(names_seen) != sorted(names_stats):
        fail("material names differ")
    ids = view["cell_arrays"]["material"]["distinct_values"]
    if ids != list(range(len(names_seen))):
        fail(f"material ids {ids} are not exactly 0..{len(names_seen) - 1}")
    ranks = view["cell_arrays"]["rank"]["distinct_values"]
    if ranks != list(range(args.ranks)):
        fail(f"rank ids {ranks}: some rank wrote no cells")
    print("OK")


def check_thermal(args):
    run(mpiexec(args.ranks) + [args.tsvfield, "run", args.case, "--output", args.workdir])
    with open(os.path.join(args.workdir, "summary.json")) as handle:
        summary = json.load(handle)
    t_max_summary = summary["thermal"]["t_max_K"]
    view = paraview_summary(os.path.join(args.workdir, "thermal.pvtu"), args.workdir)
    t_range = view["point_arrays"]["temperature_K"]["ranges"][0]
    print(f"t_max_K: summary.json {t_max_summary!r}, ParaView {t_range[1]!r}")
    if abs(t_range[1] - t_max_summary) > 1e-12 * abs(t_max_summary):
        fail("maximum temperatures differ")
    if "heat_flux_W_m2" not in view["cell_arrays"]:
        fail("no heat_flux_W_m2 cell array")
    for die in summary["thermal"]["dies"]:
        if not (die["t_min_K"] <= die["t_mean_K"] <= die["t_max_K"] <= t_max_summary):
            fail(f"die {die['name']}: inconsistent temperatures {die}")
    print("OK")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=["mesh", "thermal"])
    parser.add_argument("--tsvfield", required=True)
    parser.add_argument("--case", required=True)
    parser.add_argument("--workdir", required=True)
    parser.add_argument("--ranks", type=int, default=2)
    args = parser.parse_args()
    shutil.rmtree(args.workdir, ignore_errors=True)
    os.makedirs(args.workdir)
    {"mesh": check_mesh, "thermal": check_thermal}[args.what](args)


if __name__ == "__main__":
    main()
