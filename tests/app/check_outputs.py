"""End-to-end checks of tsvfield's outputs as a user meets them: run the command
under mpiexec, then open what it wrote with ParaView's own reader (pvbatch, through
scripts/pvbatch.sh and tests/tools/check_pvtu.py) and compare with what tsvfield
printed and wrote in its JSON files.

  check_outputs.py mesh    --tsvfield EXE --case CASE --workdir DIR [--ranks N]
  check_outputs.py thermal --tsvfield EXE --case CASE --workdir DIR [--ranks N]
  check_outputs.py electrical --tsvfield EXE --case CASE --workdir DIR [--ranks N]

mesh:    the .pvtu's cell count equals the printed and the JSON cell count; the
         material names ParaView sees are those of the statistics, and every
         material id is used; every rank wrote cells.
thermal: the maximum of temperature_K ParaView sees equals summary.json's
         thermal.t_max_K (to 1e-12 relative: the same doubles, written binary). The
         design-review report (report.md): its hottest die and its table of dies
         agree with summary.json's dies (to the printed 1e-3 K); every picture it shows
         is a whole 8-bit RGB PNG of a sensible size; each die map's colour scale lies
         within that die's minimum and maximum (pixels sample the field between nodes);
         with signal integrity, the report's losses table equals summary.json's figures.
electrical: (a case with analyses.conduction) electrical.pvtu holds potential_V
         (points) and current_density_A_m2, electric_field_V_m, joule_heat_W_m3
         (cells); the potential range ParaView sees is the summary's conducting-node
         range widened by the 0 V of the pinned (non-conducting) nodes, to 1e-12
         relative; its maximum and minimum are terminal voltages (maximum principle,
         to 1e-6 of the range); the printed terminal voltages equal the summary's;
         Kirchhoff: the terminal currents sum to zero; |J| is not zero where current
         flows. Every capacitance_<treatment>.csv and resistance.csv equals the
         summary's matrix (names as headers) and the matrices are symmetric; with
         electro-thermal coupling, thermal.pvtu's maximum temperature equals the summary's.
         report.md's terminal table and capacitance matrices equal summary.json's.
"""

import argparse
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import zlib

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


def check_resistances(thermal):
    """Every powered die has R = (T max - ambient) / P, the ambient being the reference
    temperature through which most heat leaves, and the heat out per reference adds up."""
    balance = thermal["heat_balance"]
    outflows = balance["out_by_reference"]
    if not outflows:
        fail("no reference temperature in heat_balance.out_by_reference")
    total_out = balance["fixed_temperature_out_W"] + balance["convection_out_W"]
    if not close(sum(o["out_W"] for o in outflows), total_out, 1e-9):
        fail(f"heat out by reference {outflows} does not add up to {total_out} W")
    main = max(outflows, key=lambda o: o["out_W"])
    if (thermal["ambient_K"] != main["temperature_K"]
            or thermal["ambient_surfaces"] != main["surfaces"]):
        fail(f"ambient {thermal['ambient_K']} K at {thermal['ambient_surfaces']} is not the main "
             f"sink {main}")
    for die in thermal["dies"]:
        expected = None
        if die["power_W"] > 0:
            expected = (die["t_max_K"] - thermal["ambient_K"]) / die["power_W"]
        got = die["resistance_K_per_W"]
        if (expected is None) != (got is None) or (got is not None and not close(got, expected, 1e-12)):
            fail(f"die {die['name']}: resistance {got} K/W, expected {expected}")
    print(f"ambient {thermal['ambient_K']} K at {thermal['ambient_surfaces']} "
          f"({100 * thermal['ambient_heat_fraction']:.1f} % of the heat out)")


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
    check_resistances(summary["thermal"])
    check_report(args.workdir, summary["thermal"]["dies"])
    if "si" in summary:
        check_si_report(args.workdir, summary["si"])
    print("OK")


def png_size(path):
    """Width and height of an 8-bit RGB PNG whose image data inflates to exactly its size."""
    with open(path, "rb") as handle:
        data = handle.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        fail(f"{path} is not a PNG file")
    position, idat, header = 8, b"", None
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        body = data[position + 8:position + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        position += 12 + length
    if header is None or header[2] != 8 or header[3] != 2:
        fail(f"{path}: not an 8-bit RGB PNG (header {header})")
    width, height = header[0], header[1]
    if len(zlib.decompress(idat)) != height * (1 + 3 * width):
        fail(f"{path}: the image data does not hold {width} x {height} pixels")
    return width, height


def check_report(workdir, dies):
    with open(os.path.join(workdir, "report.md")) as handle:
        report = handle.read()
    hottest = max(dies, key=lambda die: die["t_max_K"])
    stated = re.search(r"The hottest die is \*\*(\S+)\*\*: \*\*([0-9.]+) K", report)
    if not stated or stated.group(1) != hottest["name"] or \
            abs(float(stated.group(2)) - hottest["t_max_K"]) > 5e-4:
        fail(f"report.md's hottest die {stated and stated.groups()} is not {hottest['name']} "
             f"at {hottest['t_max_K']} K")
    table = report.split("## Thermal: dies", 1)[1].split("\n## ", 1)[0]
    for die in dies:
        row = re.search(r"^\| " + re.escape(die["name"]) + r" \| [^|]+ \| ([0-9.]+) \|", table,
                        re.MULTILINE)
        if not row or abs(float(row.group(1)) - die["t_max_K"]) > 5e-4:
            fail(f"report.md's row of {die['name']} does not say T max {die['t_max_K']} K")
    pictures = re.findall(r"!\[([^\]]*)\]\((report/[^)]+\.png)\)", report)
    thermal_pictures = [p for p in pictures
                        if p[1] == "report/section.png" or p[1].startswith("report/map_")]
    if len(thermal_pictures) != 1 + len(dies):
        fail(f"report.md shows {len(thermal_pictures)} thermal pictures, expected a section and "
             f"{len(dies)} maps")
    for title, picture in pictures:
        width, height = png_size(os.path.join(workdir, picture))
        if not (100 <= width <= 2000 and 100 <= height <= 2000):
            fail(f"{picture}: {width} x {height} pixels")
        print(f"{picture}: {width} x {height}")
    by_name = {die["name"]: die for die in dies}
    scales = re.findall(
        r"^#### (\S+)\n\n!\[[^\n]*\n\n[^\n]*colour from ([0-9.]+) K \(blue\) to ([0-9.]+) K",
        report, re.MULTILINE)
    if sorted(name for name, _, _ in scales) != sorted(by_name):
        fail(f"report.md's maps {[name for name, _, _ in scales]} are not the dies {sorted(by_name)}")
    for name, low, high in scales:
        die = by_name[name]
        if float(low) < die["t_min_K"] - 1e-4 or float(high) > die["t_max_K"] + 1e-4 or \
                float(low) > float(high):
            fail(f"the map of {name} spans {low}-{high} K, outside the die's "
                 f"{die['t_min_K']}-{die['t_max_K']} K")
    print(f"report.md: {len(dies)} dies and {len(pictures)} pictures agree with summary.json")


def close(a, b, rtol, atol=0.0):
    return abs(a - b) <= rtol * max(abs(a), abs(b)) + atol


def check_matrix_csv(path, names, matrix):
    """The CSV at `path` has `names` as headers and rows and the values of `matrix`."""
    with open(path) as handle:
        rows = [line.rstrip("\n").split(",") for line in handle if line.strip()]
    if rows[0][1:] != names:
        fail(f"{path}: header {rows[0][1:]} is not {names}")
    for i, row in enumerate(rows[1:]):
        if row[0] != names[i]:
            fail(f"{path}: row {i} is named {row[0]}, expected {names[i]}")
        for j, text in enumerate(row[1:]):
            if not close(float(text), matrix[i][j], 1e-15):
                fail(f"{path}: [{i}][{j}] = {text}, summary.json {matrix[i][j]!r}")
    size = len(names)
    scale = max(abs(matrix[i][i]) for i in range(size))
    for i in range(size):
        for j in range(size):
            if not close(matrix[i][j], matrix[j][i], 0.0, 1e-8 * scale):
                fail(f"{path}: not symmetric at [{i}][{j}]")
    print(f"{os.path.basename(path)}: {size} x {size}, matches summary.json, symmetric")


def check_potential(view, conduction):
    potential = view["point_arrays"]["potential_V"]["ranges"][0]
    low = min(conduction["min_potential_V"], 0.0)
    high = max(conduction["max_potential_V"], 0.0)
    print(f"potential_V: ParaView {potential}, summary.json [{low!r}, {high!r}]")
    if not (close(potential[0], low, 1e-12) and close(potential[1], high, 1e-12)):
        fail("potential ranges differ")
    voltages = [terminal["voltage_V"] for terminal in conduction["terminals"]]
    span = max(high - low, 1e-300)
    if not close(high, max(voltages), 0.0, 1e-6 * span) or not close(low, min(voltages + [0.0]),
                                                                      0.0, 1e-6 * span):
        fail(f"potential extremes {low}, {high} are not terminal voltages {voltages}")


def check_printed_terminals(stdout, conduction):
    for terminal in conduction["terminals"]:
        line = re.search(r"^  " + re.escape(terminal["name"]) + r"\s+(\S+)\s+(\S+)\s+(current|voltage)$",
                         stdout, re.MULTILINE)
        if not line:
            fail(f"terminal {terminal['name']} not printed:\n{stdout}")
        if not close(float(line.group(1)), terminal["voltage_V"], 1e-5, 1e-300):
            fail(f"terminal {terminal['name']}: printed {line.group(1)} V, "
                 f"summary.json {terminal['voltage_V']!r}")
    currents = [terminal["current_A"] for terminal in conduction["terminals"]]
    largest = max(abs(current) for current in currents)
    print(f"terminal currents {currents}")
    if largest == 0 or abs(sum(currents)) > 1e-6 * largest:
        fail("terminal currents do not balance (or no current flows)")


def report_rows(report, heading):
    """The rows of the first table under `heading` in report.md, as lists of cells."""
    if heading not in report:
        fail(f"report.md has no '{heading}'")
    rows = []
    for line in report.split(heading, 1)[1].splitlines():
        if line.startswith("|"):
            rows.append(line)
        elif rows:
            break  # the end of the first table
    # Without the header and the alignment rows.
    return [[cell.strip() for cell in row.strip("|").split("|")] for row in rows[2:]]


def check_electrical_report(workdir, electrical):
    """report.md's terminal table and capacitance matrices equal summary.json's (to the
    printed digits)."""
    with open(os.path.join(workdir, "report.md")) as handle:
        report = handle.read()
    rows = {row[0]: row for row in report_rows(report, "## Electrical: DC conduction")}
    for terminal in electrical["conduction"]["terminals"]:
        row = rows.get(terminal["name"])
        if not row or not close(float(row[2]), terminal["voltage_V"], 1e-5, 1e-12) or \
                not close(float(row[3]), terminal["current_A"], 1e-5, 1e-12):
            fail(f"report.md's terminal row {row} is not {terminal}")
    for key, value in electrical.items():
        if not key.startswith("capacitance_"):
            continue
        treatment = key[len("capacitance_"):]
        rows = report_rows(report, "## Electrical: capacitance, silicon " + treatment)
        if len(value["conductors"]) > 16:
            continue  # left to the CSV file
        for i, row in enumerate(rows):
            for j, cell in enumerate(row[1:]):
                expected = value["matrix_F"][i][j] * 1e15
                if not close(float(cell), expected, 1e-3, 1e-6 * abs(value["matrix_F"][i][i]) * 1e15):
                    fail(f"report.md's {key}[{i}][{j}] = {cell} fF, summary.json {expected} fF")
    print("report.md: the terminals and capacitance matrices agree with summary.json")


def check_si_report(workdir, si):
    """report.md's losses and crosstalk table equals summary.json's report figures."""
    with open(os.path.join(workdir, "report.md")) as handle:
        report = handle.read()
    rows = report_rows(report, "### Losses and crosstalk")
    if len(rows) != len(si["report"]):
        fail(f"report.md has {len(rows)} rows of losses, summary.json {len(si['report'])}")
    for row, figures in zip(rows, si["report"]):
        if row[1] != figures["signal"] or \
                not close(float(row[0]) * 1e9, figures["frequency_Hz"], 1e-3) or \
                abs(float(row[2]) - figures["insertion_loss_dB"]) > 1e-4 or \
                abs(float(row[3]) - figures["return_loss_dB"]) > 1e-3:
            fail(f"report.md's loss row {row} is not {figures}")
    for chart in ("report/si_transmission.png", "report/si_reflection.png"):
        png_size(os.path.join(workdir, chart))
    print("report.md: the losses agree with summary.json")


def check_electrical(args):
    stdout = run(mpiexec(args.ranks) + [args.tsvfield, "run", args.case, "--output", args.workdir])
    with open(os.path.join(args.workdir, "summary.json")) as handle:
        summary = json.load(handle)
    electrical = summary["electrical"]
    conduction = electrical["conduction"]
    view = paraview_summary(os.path.join(args.workdir, "electrical.pvtu"), args.workdir)
    for name in ("current_density_A_m2", "electric_field_V_m", "joule_heat_W_m3"):
        if name not in view["cell_arrays"]:
            fail(f"no {name} cell array in electrical.pvtu")
    check_potential(view, conduction)
    check_printed_terminals(stdout, conduction)
    density = view["cell_arrays"]["current_density_A_m2"]["ranges"]
    largest_density = max(max(abs(low), abs(high)) for low, high in density)
    print(f"current_density_A_m2 ranges {density}")
    if not largest_density > 0:
        fail("the current density is zero everywhere")
    if "resistance" in electrical:
        resistance = electrical["resistance"]
        check_matrix_csv(os.path.join(args.workdir, "resistance.csv"), resistance["terminals"],
                         resistance["matrix_ohm"])
    for key, value in electrical.items():
        if key.startswith("capacitance_"):
            check_matrix_csv(os.path.join(args.workdir, key + ".csv"), value["conductors"],
                             value["matrix_F"])
    if "electrothermal" in electrical:
        thermal = paraview_summary(os.path.join(args.workdir, "thermal.pvtu"), args.workdir)
        t_high = thermal["point_arrays"]["temperature_K"]["ranges"][0][1]
        print(f"coupled t_max_K: summary.json {summary['thermal']['t_max_K']!r}, ParaView {t_high!r}")
        if not close(t_high, summary["thermal"]["t_max_K"], 1e-12):
            fail("maximum temperatures differ")
    check_electrical_report(args.workdir, electrical)
    print("OK")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=["mesh", "thermal", "electrical"])
    parser.add_argument("--tsvfield", required=True)
    parser.add_argument("--case", required=True)
    parser.add_argument("--workdir", required=True)
    parser.add_argument("--ranks", type=int, default=2)
    args = parser.parse_args()
    shutil.rmtree(args.workdir, ignore_errors=True)
    os.makedirs(args.workdir)
    {"mesh": check_mesh, "thermal": check_thermal, "electrical": check_electrical}[args.what](args)


if __name__ == "__main__":
    main()
