#!/usr/bin/python3
"""Runs a tsvfield ladder subcircuit in ngspice and compares its AC insertion
loss with a Touchstone file.

    ngspice_ladder_check.py LADDER.sp DATA.sNp [--max-frequency HZ]
                            [--tolerance-db 0.2] [--crosstalk] [--ngspice PATH]
                            [--workdir DIR]

The subcircuit's pins follow the tsvfield port order: p1..pN the near ends of
signals 1..N, pN+1..p2N their far ends, then the reference (ground return). For
each signal i the testbench drives its near port with a 1 V AC source through
the reference impedance R of the Touchstone file and terminates every other
port in R; the voltage at far port N+i is V = S(N+i, i) / 2, so the insertion
loss is -20 log10(2 |V|). It is compared with -20 log10 |S(N+i, i)| at every
Touchstone frequency up to the maximum frequency (default: the valid_to_Hz the
ladder's header states; else every frequency). With --crosstalk the magnitudes
of every other port voltage are compared too (where |S| >= --crosstalk-floor-db,
default -60 dB).

Exit codes: 0 pass, 1 a difference beyond the tolerance or a failed run,
2 bad input, 77 ngspice not found (ctest SKIP_RETURN_CODE).
"""
import argparse
import cmath
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile

SKIP = 77


class BadInput(Exception):
    pass


def read_touchstone(path):
    """Returns (frequencies_Hz, S matrices as lists of rows, z0) of a v1 file."""
    match = re.search(r"\.s(\d+)p$", path, re.IGNORECASE)
    if not match:
        raise BadInput(f"{path}: extension must be .sNp")
    ports = int(match.group(1))
    unit, fmt, z0 = "GHZ", "MA", 50.0
    numbers = []
    with open(path, encoding="utf-8", errors="replace") as handle:
        for line in handle:
            line = line.split("!", 1)[0].strip()
            if not line:
                continue
            if line.startswith("#"):
                tokens = line[1:].upper().split()
                k = 0
                while k < len(tokens):
                    token = tokens[k]
                    if token in ("HZ", "KHZ", "MHZ", "GHZ"):
                        unit = token
                    elif token in ("DB", "MA", "RI"):
                        fmt = token
                    elif token == "R" and k + 1 < len(tokens):
                        z0 = float(tokens[k + 1])
                        k += 1
                    elif token != "S":
                        raise BadInput(f"{path}: only S-parameter files are supported ({token})")
                    k += 1
                continue
            if line.startswith("["):
                raise BadInput(f"{path}: Touchstone 2.0 keywords are not supported")
            numbers.extend(float(x) for x in line.split())
    scale = {"HZ": 1.0, "KHZ": 1e3, "MHZ": 1e6, "GHZ": 1e9}[unit]
    record = 1 + 2 * ports * ports
    if not numbers or len(numbers) % record:
        raise BadInput(f"{path}: {len(numbers)} numbers do not make whole {ports}-port records")
    frequencies, matrices = [], []
    for start in range(0, len(numbers), record):
        frequencies.append(numbers[start] * scale)
        values = numbers[start + 1 : start + record]
        entries = []
        for k in range(ports * ports):
            a, b = values[2 * k], values[2 * k + 1]
            if fmt == "RI":
                entries.append(complex(a, b))
            elif fmt == "MA":
                entries.append(cmath.rect(a, math.radians(b)))
            else:
                entries.append(cmath.rect(10 ** (a / 20), math.radians(b)))
        s = [[0j] * ports for _ in range(ports)]
        for k, value in enumerate(entries):
            row, col = divmod(k, ports)
            if ports == 2:  # 2-port data order is 11 21 12 22
                row, col = col, row
            s[row][col] = value
        matrices.append(s)
    return frequencies, matrices, z0


def read_subcircuit(path):
    """Returns (name, pins, header values) of the first .subckt in the file."""
    header = {}
    lines = []
    with open(path, encoding="utf-8", errors="replace") as handle:
        for raw in handle:
            line = raw.rstrip("\n")
            meta = re.match(r"\*\s*tsvfield-ladder:(.*)", line)
            if meta:
                for item in meta.group(1).split():
                    key, _, value = item.partition("=")
                    header[key] = value
            lines.append(line)
    for index, line in enumerate(lines):
        if line.strip().lower().startswith(".subckt"):
            text = line.strip()
            following = index + 1
            while following < len(lines) and lines[following].startswith("+"):
                text += " " + lines[following][1:]
                following += 1
            tokens = [t for t in text.split()[1:] if "=" not in t]
            if len(tokens) < 2:
                raise BadInput(f"{path}: .subckt line without pins")
            return tokens[0], tokens[1:], header
    raise BadInput(f"{path}: no .subckt found")


def testbench(subckt_path, name, signals, z0, frequencies, outputs, crosstalk):
    """The ngspice netlist: one subcircuit instance per driven signal."""
    ports = 2 * signals
    lines = [f"* tsvfield ladder check: {name}", f".include {os.path.abspath(subckt_path)}"]
    for drive in range(1, signals + 1):
        nodes = [f"d{drive}_{p}" for p in range(1, ports + 1)]
        lines.append(f"X{drive} {' '.join(nodes)} 0 {name}")
        lines.append(f"V{drive} src{drive} 0 DC 0 AC 1")
        lines.append(f"RS{drive} src{drive} d{drive}_{drive} {z0:.12g}")
        for p in range(1, ports + 1):
            if p != drive:
                lines.append(f"RT{drive}_{p} d{drive}_{p} 0 {z0:.12g}")
    lines.append(".control")
    lines.append("set wr_singlescale")
    for k, frequency in enumerate(frequencies):
        if k == 1:
            lines.append("set appendwrite")
        lines.append(f"ac lin 1 {frequency:.12g} {frequency:.12g}")
        for drive in range(1, signals + 1):
            probes = probed_ports(drive, signals, crosstalk)
            vectors = " ".join(f"vm(d{drive}_{p})" for p in probes)
            lines.append(f"wrdata {outputs[drive - 1]} {vectors}")
        lines.append("destroy all")
    # In batch mode a control-only deck ends with exit code 1 ("no simulations
    # run"); quit explicitly. Failures show as missing points or error messages.
    lines.append("quit 0")
    lines.append(".endc")
    lines.append(".end")
    return "\n".join(lines) + "\n"


def probed_ports(drive, signals, crosstalk):
    """1-based ports whose voltage is recorded when `drive` is driven."""
    if crosstalk:
        return [p for p in range(1, 2 * signals + 1) if p != drive]
    return [signals + drive]


def read_wrdata(path, columns):
    rows = []
    with open(path, encoding="utf-8", errors="replace") as handle:
        for line in handle:
            tokens = line.split()
            try:
                values = [float(t) for t in tokens]
            except ValueError:
                continue  # a header line
            if len(values) != columns:
                raise RuntimeError(f"{path}: expected {columns} columns, found {len(values)}")
            rows.append(values)
    return rows


def db(value):
    return 20 * math.log10(max(value, 1e-30))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("subcircuit")
    parser.add_argument("touchstone")
    parser.add_argument("--max-frequency", type=float, default=None,
                        help="highest frequency compared, Hz (default: the ladder's valid_to_Hz)")
    parser.add_argument("--tolerance-db", type=float, default=0.2)
    parser.add_argument("--crosstalk", action="store_true",
                        help="also compare every other port's magnitude where |S| >= -60 dB")
    parser.add_argument("--crosstalk-floor-db", type=float, default=-60,
                        help="crosstalk below this level (dB) is not compared")
    parser.add_argument("--ngspice", default="ngspice")
    parser.add_argument("--workdir", default=None)
    args = parser.parse_args()

    ngspice = shutil.which(args.ngspice)
    if ngspice is None:
        print(f"SKIP: ngspice not found ({args.ngspice})")
        return SKIP
    try:
        frequencies, matrices, z0 = read_touchstone(args.touchstone)
        name, pins, header = read_subcircuit(args.subcircuit)
    except (BadInput, OSError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    ports = len(matrices[0])
    if len(pins) != ports + 1:
        print(f"error: {name} has {len(pins)} pins, expected {ports} ports + reference",
              file=sys.stderr)
        return 2
    signals = ports // 2
    max_frequency = args.max_frequency
    if max_frequency is None and "valid_to_Hz" in header:
        max_frequency = float(header["valid_to_Hz"])
    if max_frequency is None:
        max_frequency = frequencies[-1]
    selected = [k for k, f in enumerate(frequencies) if 0 < f <= max_frequency * (1 + 1e-9)]
    if not selected:
        print(f"error: no Touchstone frequency in (0, {max_frequency:g}] Hz", file=sys.stderr)
        return 2

    workdir = os.path.abspath(args.workdir or tempfile.mkdtemp(prefix="tsvfield_ngspice_"))
    os.makedirs(workdir, exist_ok=True)
    outputs = [os.path.join(workdir, f"ladder_drive{d}.txt") for d in range(1, signals + 1)]
    for path in outputs:
        if os.path.exists(path):
            os.remove(path)
    netlist = os.path.join(workdir, "ladder_testbench.cir")
    with open(netlist, "w", encoding="utf-8") as handle:
        handle.write(testbench(args.subcircuit, name, signals, z0,
                               [frequencies[k] for k in selected], outputs, args.crosstalk))
    run = subprocess.run([ngspice, "-b", netlist], cwd=workdir, capture_output=True, text=True)
    log = run.stdout + run.stderr
    with open(os.path.join(workdir, "ngspice.log"), "w", encoding="utf-8") as handle:
        handle.write(log)
    errors = [line for line in log.splitlines() if re.search(r"\berror\b", line, re.IGNORECASE)]
    if errors:
        print("\n".join(errors[:20]))
        print(f"FAIL: ngspice reported errors; netlist {netlist}")
        return 1
    if run.returncode != 0 or not all(os.path.exists(p) for p in outputs):
        print(run.stdout[-4000:])
        print(run.stderr[-4000:], file=sys.stderr)
        print(f"FAIL: ngspice failed (exit {run.returncode}); netlist {netlist}")
        return 1

    worst, worst_where, failures = 0.0, "", 0
    print(f"{name}: {signals} signal(s), {len(selected)} frequencies up to {max_frequency:g} Hz, "
          f"tolerance {args.tolerance_db} dB, ports {z0:g} ohm")
    print(f"{'f_Hz':>14} {'signal':>6} {'IL_touchstone_dB':>17} {'IL_ngspice_dB':>14} {'diff_dB':>9}")
    for drive in range(1, signals + 1):
        probes = probed_ports(drive, signals, args.crosstalk)
        rows = read_wrdata(outputs[drive - 1], 1 + len(probes))
        if len(rows) != len(selected):
            print(f"FAIL: {len(rows)} ngspice points for {len(selected)} frequencies")
            return 1
        for row, k in zip(rows, selected):
            if abs(row[0] - frequencies[k]) > 1e-6 * frequencies[k]:
                print(f"FAIL: ngspice frequency {row[0]} does not match {frequencies[k]}")
                return 1
            for column, port in enumerate(probes, start=1):
                s = abs(matrices[k][port - 1][drive - 1])
                if port != signals + drive and db(s) < args.crosstalk_floor_db:
                    continue
                expected = -db(s)
                measured = -db(2 * row[column])
                difference = measured - expected
                if port == signals + drive:
                    print(f"{frequencies[k]:14.6e} {drive:6d} {expected:17.5f} {measured:14.5f} "
                          f"{difference:9.5f}")
                if abs(difference) > worst:
                    worst = abs(difference)
                    worst_where = f"f = {frequencies[k]:g} Hz, S({port},{drive})"
                if not abs(difference) <= args.tolerance_db:
                    failures += 1
    print(f"largest difference {worst:.5f} dB ({worst_where})")
    if failures:
        print(f"FAIL: {failures} comparisons beyond {args.tolerance_db} dB")
        return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
