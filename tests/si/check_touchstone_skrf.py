#!/usr/bin/python3
"""Check a Touchstone file the way an SI engineer's tool sees it: load it with
scikit-rf (skrf.Network) and check it.

Usage: check_touchstone_skrf.py FILE.sNp [--expect EXPECT.json]

Always checked (from the file alone):
  - skrf loads it; the port count equals N of the extension; the option line is
    "# GHz S RI R <z0>" (read here, independently of skrf) and skrf's z0 is that
    value at every port and frequency; frequencies strictly ascending;
  - passivity: largest singular value of S <= 1 + tolerance at every frequency;
  - reciprocity: max |S - S^T| <= tolerance.

With --expect, a JSON object with any of these keys (all optional):
  "ports": P, "reference_impedance_ohm": z0, "frequencies_Hz": [...],
  "port_names": [...]          names that must appear in the file's comments,
  "s_tolerance": 1e-9, "passivity_tolerance": 1e-12, "reciprocity_tolerance": 1e-12,
  "chain": [element, ...]      cascaded from the near (bottom) to the far (top) end;
      {"type": "line", "length_m": l, "conductors": N, "R": ..., "L": ..., "G": ..., "C": ...}
      {"type": "shunt", "conductors": N, "G_S": ..., "C_F": ...}
    each matrix an N x N nested list (constant) or a list of them, one per
    frequency (SI units, Maxwell form for G and C).
If "chain" is given, S is recomputed here, independently of the code that wrote
the file: chain matrix T = expm([[0, Z], [Y, 0]] l) per line (scipy), shunts
[[1, 0], [Y, 1]], product in order, then the admittance matrix of T and
S = (1 - z0 Y)(1 + z0 Y)^-1; compared entry by entry with skrf's S.
Port order: ports 1..N near ends (bottom), N+1..2N far ends (top).

Exit codes: 0 pass, 1 a check failed, 2 usage error, 77 skrf not installed
(ctest SKIP_RETURN_CODE).
"""
import argparse
import json
import math
import os
import re
import sys

try:
    import skrf  # first: only a missing scikit-rf (or its numpy) skips the test
except ImportError as error:
    print("SKIP: scikit-rf is not importable by %s: %s" % (sys.executable, error))
    sys.exit(77)

import numpy as np
import scipy.linalg

failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
        print("FAIL: " + message)
    return condition


def read_option_line_and_comments(path):
    """The option line and the comment texts, read without skrf."""
    option = None
    comments = []
    with open(path) as stream:
        for line in stream:
            if "!" in line:
                line, comment = line.split("!", 1)
                comments.append(comment.strip())
            if line.strip().startswith("#"):
                check(option is None, "more than one option line")
                option = line.strip()
    return option, comments


def matrix_at(value, index, n, name):
    """An N x N matrix, constant or per frequency."""
    array = np.asarray(value, dtype=float)
    if array.ndim == 3:
        array = array[index]
    if array.shape != (n, n):
        raise ValueError("%s has shape %s, expected %d x %d" % (name, array.shape, n, n))
    return array


def chain_matrix(chain, index, frequency):
    omega = 2 * math.pi * frequency
    total = None
    for number, element in enumerate(chain):
        n = int(element["conductors"])
        identity = np.eye(n)
        if element["type"] == "line":
            z = matrix_at(element["R"], index, n, "R") + 1j * omega * matrix_at(
                element["L"], index, n, "L")
            y = matrix_at(element["G"], index, n, "G") + 1j * omega * matrix_at(
                element["C"], index, n, "C")
            generator = np.block([[np.zeros((n, n)), z], [y, np.zeros((n, n))]])
            t = scipy.linalg.expm(generator * float(element["length_m"]))
        elif element["type"] == "shunt":
            y = matrix_at(element["G_S"], index, n, "G_S") + 1j * omega * matrix_at(
                element["C_F"], index, n, "C_F")
            t = np.block([[identity, np.zeros((n, n))], [y, identity]])
        else:
            raise ValueError("chain element %d: unknown type %r" % (number, element["type"]))
        total = t if total is None else total @ t
    return total


def s_from_chain(t, z0):
    """S of the 2N-port through its admittance matrix. With [V1; I1] = T [V2; I2]
    and I2 leaving the far end: I2 = B^-1 (V1 - A V2), so the port currents into
    the network are I1 = D B^-1 V1 + (C - D B^-1 A) V2 and -I2."""
    n = t.shape[0] // 2
    a, b, c, d = t[:n, :n], t[:n, n:], t[n:, :n], t[n:, n:]
    b_inv = np.linalg.inv(b)
    y = np.block([[d @ b_inv, c - d @ b_inv @ a], [-b_inv, b_inv @ a]])
    identity = np.eye(2 * n)
    return (identity - z0 * y) @ np.linalg.inv(identity + z0 * y)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("touchstone")
    parser.add_argument("--expect", help="JSON file of expected values (see the docstring)")
    args = parser.parse_args()
    path = args.touchstone
    expect = {}
    if args.expect:
        with open(args.expect) as stream:
            expect = json.load(stream)

    match = re.search(r"\.s(\d+)p$", path, re.IGNORECASE)
    if not match:
        print("usage error: %s does not end in .sNp" % path)
        return 2
    ports = int(match.group(1))

    option, comments = read_option_line_and_comments(path)
    option_match = re.fullmatch(r"#\s+GHz\s+S\s+RI\s+R\s+(\S+)", option or "", re.IGNORECASE)
    check(option_match is not None, "option line %r is not '# GHz S RI R <z0>'" % option)
    z0_file = float(option_match.group(1)) if option_match else float("nan")

    network = skrf.Network(path)
    print("skrf %s loaded %s: %d ports, %d frequencies, %.6g .. %.6g Hz" %
          (skrf.__version__, path, network.nports, len(network.f), network.f[0], network.f[-1]))
    s = network.s
    check(network.nports == ports, "skrf sees %d ports, extension says %d" % (network.nports, ports))
    check(s.shape[1:] == (ports, ports), "S has shape %s" % (s.shape,))
    check(np.all(np.isfinite(s)), "S has non-finite entries")
    check(np.all(np.diff(network.f) > 0), "frequencies not strictly ascending")
    check(np.allclose(network.z0, z0_file, rtol=1e-15, atol=0),
          "skrf z0 %s differs from the option line's %g" % (np.unique(network.z0), z0_file))

    if "ports" in expect:
        check(ports == int(expect["ports"]), "%d ports, expected %s" % (ports, expect["ports"]))
    if "reference_impedance_ohm" in expect:
        z0_expected = float(expect["reference_impedance_ohm"])
        check(abs(z0_file - z0_expected) <= 1e-12 * z0_expected,
              "z0 %g, expected %g" % (z0_file, z0_expected))
    frequencies = np.asarray(expect.get("frequencies_Hz", network.f), dtype=float)
    if "frequencies_Hz" in expect:
        same_count = check(len(network.f) == len(frequencies),
                           "%d frequencies, expected %d" % (len(network.f), len(frequencies)))
        if same_count:
            error = np.max(np.abs(network.f - frequencies) / np.maximum(frequencies, 1.0))
            print("frequencies: max relative error %.2e" % error)
            check(error <= 1e-11, "frequencies differ by %.2e (relative)" % error)
    for name in expect.get("port_names", []):
        check(any(comment.endswith("= " + name) for comment in comments),
              "port name %r not in the comments" % name)

    passivity_tolerance = float(expect.get("passivity_tolerance", 1e-12))
    reciprocity_tolerance = float(expect.get("reciprocity_tolerance", 1e-12))
    largest_sigma = max(np.linalg.svd(matrix, compute_uv=False)[0] for matrix in s)
    asymmetry = max(np.max(np.abs(matrix - matrix.T)) for matrix in s)
    print("passivity: largest singular value %.15f; reciprocity: max |S - S^T| %.2e" %
          (largest_sigma, asymmetry))
    check(largest_sigma <= 1 + passivity_tolerance,
          "not passive: largest singular value %.15f" % largest_sigma)
    check(asymmetry <= reciprocity_tolerance, "not reciprocal: max |S - S^T| = %.2e" % asymmetry)

    if "chain" in expect and len(frequencies) == len(network.f):
        tolerance = float(expect.get("s_tolerance", 1e-9))
        z0 = float(expect.get("reference_impedance_ohm", z0_file))
        worst = 0.0
        for index, frequency in enumerate(frequencies):
            expected = s_from_chain(chain_matrix(expect["chain"], index, frequency), z0)
            worst = max(worst, float(np.max(np.abs(s[index] - expected))))
        print("S against scipy.linalg.expm of the RLGC: max |S error| %.2e (tolerance %.0e)" %
              (worst, tolerance))
        check(worst <= tolerance, "S differs from the recomputed S by %.2e" % worst)

    if failures:
        print("%d check(s) failed for %s" % (len(failures), path))
        return 1
    print("PASS %s" % os.path.basename(path))
    return 0


if __name__ == "__main__":
    sys.exit(main())
