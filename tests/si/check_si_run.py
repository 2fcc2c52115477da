#!/usr/bin/python3
"""End-to-end check of a signal-integrity run, as an SI engineer meets its outputs:
run `tsvfield run CASE` under mpiexec, then check what it printed and wrote with
tools that share no code with tsvfield.

  check_si_run.py --tsvfield EXE --case CASE --workdir DIR [--ranks N]
                  [--ports P] [--compare-ranks M] [--ngspice PATH]

1. Touchstone: scikit-rf loads <stem>.s<P>p (tests/si/check_touchstone_skrf.py);
   its S-matrix is recomputed there with scipy from the per-unit-length R, L, G, C
   of every section and the end corrections in summary.json (to 1e-8); passivity
   and reciprocity of every S-matrix; P ports when --ports is given.
2. SPICE: the ladder subcircuit runs in ngspice (tests/si/ngspice_ladder_check.py);
   its AC insertion loss matches the Touchstone data within 0.2 dB up to the
   frequency the ladder states it is valid to, which must be the top of the sweep
   asked for (spice.max_frequency).
3. The insertion loss of every signal at every report frequency is printed, and
   the printed value equals summary.json's (which equals -20 log10 |S21| of the
   Touchstone data where the report frequency is a sweep point).
4. With --compare-ranks M: the run repeated on M ranks writes the same
   Touchstone data (to 1e-9): the frequencies are spread over the ranks, the
   results must not depend on how.
Exit codes: 0 pass, 1 a check failed, 77 when scikit-rf or ngspice is missing.
"""

import argparse
import json
import math
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SKIP = 77


def run(command):
    print("+", " ".join(command), flush=True)
    result = subprocess.run(command, capture_output=True, text=True)
    sys.stderr.write(result.stderr[-3000:])
    return result


def run_tsvfield(args, ranks, output_dir):
    command = ["mpiexec", "--oversubscribe", "--allow-run-as-root", "-n", str(ranks),
               args.tsvfield, "run", args.case, "--output", output_dir]
    result = run(command)
    if result.returncode != 0:
        sys.stdout.write(result.stdout[-4000:])
        raise SystemExit(f"tsvfield failed with exit code {result.returncode}")
    return result.stdout


def chain_of(si):
    """The cascade the S-matrix must come from: end shunts and line sections."""
    chain = []
    ends = si.get("end_corrections")
    n = len(si["signals"])
    if ends:
        chain.append({"type": "shunt", "conductors": n, **ends["near"]})
    for section in si["sections"]:
        chain.append({"type": "line", "length_m": section["length_m"], "conductors": n,
                      "R": section["R_ohm_per_m"], "L": section["L_H_per_m"],
                      "G": section["G_S_per_m"], "C": section["C_F_per_m"]})
    if ends:
        chain.append({"type": "shunt", "conductors": n, **ends["far"]})
    return chain


def check_touchstone(args, output_dir, si, failures):
    touchstone = os.path.join(output_dir, si["touchstone"])
    expect = {
        "ports": len(si["ports"]),
        "reference_impedance_ohm": si["reference_impedance_ohm"],
        "frequencies_Hz": si["frequencies_Hz"],
        "port_names": si["ports"],
        # The summary's numbers are printed with 17 significant digits; the file's too.
        "s_tolerance": 1e-8,
        "passivity_tolerance": 1e-9,
        "reciprocity_tolerance": 1e-9,
        "chain": chain_of(si),
    }
    if args.ports and expect["ports"] != args.ports:
        failures.append(f"{expect['ports']} ports, expected {args.ports}")
    expect_path = os.path.join(args.workdir, "expect_touchstone.json")
    with open(expect_path, "w") as handle:
        json.dump(expect, handle)
    result = run([sys.executable, os.path.join(HERE, "check_touchstone_skrf.py"), touchstone,
                  "--expect", expect_path])
    sys.stdout.write(result.stdout[-3000:])
    if result.returncode == SKIP:
        raise SystemExit(SKIP)
    if result.returncode != 0:
        failures.append("scikit-rf check of " + touchstone + " failed")
    return touchstone


def check_ladder(args, output_dir, si, touchstone, failures):
    spice = si["spice"]
    if spice["valid_to_Hz"] < spice["max_frequency_Hz"]:
        failures.append("the ladder is valid to %.4g Hz only, %.4g Hz was asked for"
                        % (spice["valid_to_Hz"], spice["max_frequency_Hz"]))
    command = [sys.executable, os.path.join(HERE, "ngspice_ladder_check.py"),
               os.path.join(output_dir, spice["ladder"]), touchstone, "--tolerance-db", "0.2",
               "--max-frequency", repr(spice["valid_to_Hz"]),
               "--workdir", os.path.join(args.workdir, "ngspice")]
    if args.ngspice:
        command += ["--ngspice", args.ngspice]
    result = run(command)
    sys.stdout.write(result.stdout[-2000:])
    if result.returncode == SKIP:
        raise SystemExit(SKIP)
    if result.returncode != 0:
        failures.append("ngspice ladder check failed")


def printed_insertion_losses(stdout):
    """(frequency GHz, signal) -> IL dB from the 'port figures' table."""
    values = {}
    in_table = False
    for line in stdout.splitlines():
        if line.strip().startswith("port figures"):
            in_table = True
            continue
        if in_table:
            match = re.match(r"\s+([0-9.eE+-]+)\s+(\S+)\s+([0-9.eE+-]+)\s+", line)
            if not match:
                if not line.strip().startswith("f (GHz)"):
                    in_table = False
                continue
            values[(float(match.group(1)), match.group(2))] = float(match.group(3))
    return values


def check_report(stdout, si, failures):
    printed = printed_insertion_losses(stdout)
    report = si["report"]
    if not report:
        failures.append("no report frequencies in summary.json")
    for figures in report:
        key = (round(figures["frequency_Hz"] / 1e9, 9), figures["signal"])
        match = [v for (f, name), v in printed.items()
                 if name == figures["signal"] and abs(f - key[0]) <= 1e-3 * key[0]]
        if not match:
            failures.append("insertion loss of %s at %g GHz not printed"
                            % (figures["signal"], key[0]))
        elif abs(match[0] - figures["insertion_loss_dB"]) > 1e-3:
            failures.append("printed IL %g dB differs from summary.json's %g dB"
                            % (match[0], figures["insertion_loss_dB"]))
        if not (math.isfinite(figures["insertion_loss_dB"]) and figures["insertion_loss_dB"] > 0):
            failures.append("insertion loss %r is not a finite positive number"
                            % figures["insertion_loss_dB"])
        print("IL %-28s %8.3f GHz %9.4f dB" % (figures["signal"], key[0],
                                                figures["insertion_loss_dB"]))


def touchstone_numbers(path):
    numbers = []
    with open(path) as handle:
        for line in handle:
            line = line.split("!", 1)[0].strip()
            if line and not line.startswith("#"):
                numbers += [float(token) for token in line.split()]
    return numbers


def compare_ranks(args, si, touchstone, failures):
    other_dir = os.path.join(args.workdir, "ranks_%d" % args.compare_ranks)
    run_tsvfield(args, args.compare_ranks, other_dir)
    a = touchstone_numbers(touchstone)
    b = touchstone_numbers(os.path.join(other_dir, si["touchstone"]))
    if len(a) != len(b):
        failures.append("the %d-rank Touchstone file has another size" % args.compare_ranks)
        return
    worst = max(abs(x - y) for x, y in zip(a, b))
    print("largest difference between %d and %d ranks: %.3g" % (args.ranks, args.compare_ranks,
                                                                 worst))
    if worst > 1e-9:
        failures.append("results depend on the rank count: %.3g" % worst)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tsvfield", required=True)
    parser.add_argument("--case", required=True)
    parser.add_argument("--workdir", required=True)
    parser.add_argument("--ranks", type=int, default=2)
    parser.add_argument("--ports", type=int, default=0)
    parser.add_argument("--compare-ranks", type=int, default=0)
    parser.add_argument("--ngspice", default="")
    args = parser.parse_args()
    os.makedirs(args.workdir, exist_ok=True)
    os.environ.setdefault("OMPI_ALLOW_RUN_AS_ROOT", "1")
    os.environ.setdefault("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1")

    output_dir = os.path.join(args.workdir, "ranks_%d" % args.ranks)
    stdout = run_tsvfield(args, args.ranks, output_dir)
    with open(os.path.join(output_dir, "summary.json")) as handle:
        si = json.load(handle)["si"]
    failures = []
    touchstone = check_touchstone(args, output_dir, si, failures)
    check_ladder(args, output_dir, si, touchstone, failures)
    check_report(stdout, si, failures)
    if args.compare_ranks:
        compare_ranks(args, si, touchstone, failures)
    for failure in failures:
        print("FAIL: " + failure)
    if failures:
        return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
