"""Compare an actual JSON document with an expected one.

    python3 compare_json.py ACTUAL.json EXPECTED.json [--rtol 1e-12] [--atol 0]

Objects must have the same keys, arrays the same length, strings and booleans
must be equal, numbers must agree within |a - e| <= atol + rtol * |e|.
Every difference is printed with its key path; the exit code is 1 if any.
"""

import argparse
import json
import sys


def differences(actual, expected, path, rtol, atol):
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{path}: expected an object, found {actual!r}"]
        found = []
        for key in sorted(set(expected) - set(actual)):
            found.append(f"{path}.{key}: missing")
        for key in sorted(set(actual) - set(expected)):
            found.append(f"{path}.{key}: unexpected (value {actual[key]!r})")
        for key in sorted(set(expected) & set(actual)):
            found += differences(actual[key], expected[key], f"{path}.{key}", rtol, atol)
        return found
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return [f"{path}: expected {expected!r}, found {actual!r}"]
        found = []
        for index, (a, e) in enumerate(zip(actual, expected)):
            found += differences(a, e, f"{path}[{index}]", rtol, atol)
        return found
    numbers = (int, float)
    if isinstance(expected, numbers) and not isinstance(expected, bool):
        if not isinstance(actual, numbers) or isinstance(actual, bool):
            return [f"{path}: expected the number {expected!r}, found {actual!r}"]
        if abs(actual - expected) > atol + rtol * abs(expected):
            return [f"{path}: expected {expected!r}, found {actual!r}"]
        return []
    if actual != expected:
        return [f"{path}: expected {expected!r}, found {actual!r}"]
    return []


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("actual")
    parser.add_argument("expected")
    parser.add_argument("--rtol", type=float, default=1e-12)
    parser.add_argument("--atol", type=float, default=0.0)
    arguments = parser.parse_args()
    with open(arguments.actual, encoding="utf-8") as file:
        actual = json.load(file)
    with open(arguments.expected, encoding="utf-8") as file:
        expected = json.load(file)
    found = differences(actual, expected, "$", arguments.rtol, arguments.atol)
    for line in found:
        print(line)
    if found:
        print(f"{len(found)} difference(s) between {arguments.actual} and {arguments.expected}")
        return 1
    print(f"{arguments.actual} matches {arguments.expected}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
