"""Summarise a ParaView-readable output file as JSON, as ParaView itself sees it.

Run with ParaView's pvbatch (scripts/pvbatch.sh sets up its Python path):

    scripts/pvbatch.sh tests/tools/check_pvtu.py FILE.pvtu [--time T] [--output OUT.json]

FILE is opened with paraview.simple.OpenDataFile (a .pvtu gives the
XMLPartitionedUnstructuredGridReader, a .pvd the PVDReader). The JSON printed on
stdout (and written to OUT.json if given) holds:
  reader, number_of_cells, number_of_points, timesteps (if the file has times),
  cell_arrays / point_arrays: {name: {"data_type", "components", "ranges" (per
    component), and for one-component integer arrays "distinct_count" and, up to
    256 of them, "distinct_values"}},
  field_arrays: {name: [values]} for string arrays (e.g. material_names).
With --time T the data at time T is summarised (default: the first time).
"""

import argparse
import json
import sys

from paraview import servermanager
from paraview import simple

MAX_LISTED_VALUES = 256  # integer arrays with more distinct values report only their count

INTEGER_TYPES = {
    "char", "signed char", "unsigned char", "short", "unsigned short", "int", "unsigned int",
    "long", "unsigned long", "long long", "unsigned long long", "idtype",
}


def datasets_of(data_object):
    """The datasets in the fetched data: one, or the blocks of a composite."""
    if data_object.IsA("vtkDataSet"):
        return [data_object]
    datasets = []
    iterator = data_object.NewIterator()
    iterator.UnRegister(None)
    iterator.InitTraversal()
    while not iterator.IsDoneWithTraversal():
        datasets.append(iterator.GetCurrentDataObject())
        iterator.GoToNextItem()
    return datasets


def summarise_arrays(attribute_sets):
    """Per-array type, components, per-component ranges and (integers) distinct values."""
    summary = {}
    first = attribute_sets[0]
    for index in range(first.GetNumberOfArrays()):
        name = first.GetArrayName(index)
        arrays = [attributes.GetArray(name) for attributes in attribute_sets]
        arrays = [array for array in arrays if array is not None]
        components = arrays[0].GetNumberOfComponents()
        data_type = arrays[0].GetDataTypeAsString()
        ranges = []
        for component in range(components):
            low, high = float("inf"), float("-inf")
            for array in arrays:
                if array.GetNumberOfTuples() == 0:
                    continue
                array_low, array_high = array.GetRange(component)
                low, high = min(low, array_low), max(high, array_high)
            ranges.append([low, high] if low <= high else None)
        entry = {"data_type": data_type, "components": components, "ranges": ranges}
        if data_type in INTEGER_TYPES and components == 1:
            values = set()
            for array in arrays:
                for tuple_index in range(array.GetNumberOfTuples()):
                    values.add(int(array.GetTuple1(tuple_index)))
            entry["distinct_count"] = len(values)
            if len(values) <= MAX_LISTED_VALUES:
                entry["distinct_values"] = sorted(values)
        summary[name] = entry
    return summary


def summarise_field_data(field_data):
    arrays = {}
    for index in range(field_data.GetNumberOfArrays()):
        array = field_data.GetAbstractArray(index)
        if array.IsA("vtkStringArray"):
            arrays[array.GetName()] = [array.GetValue(i) for i in range(array.GetNumberOfValues())]
        else:
            arrays[array.GetName()] = [array.GetTuple1(i) for i in range(array.GetNumberOfTuples())]
    return arrays


def summarise(path, time):
    reader = simple.OpenDataFile(path)
    if reader is None:
        raise RuntimeError("ParaView cannot open " + path)
    timesteps = list(getattr(reader, "TimestepValues", []) or [])
    if time is None and timesteps:
        time = timesteps[0]
    if time is not None:
        reader.UpdatePipeline(time)
    else:
        reader.UpdatePipeline()
    datasets = datasets_of(servermanager.Fetch(reader))
    datasets = [dataset for dataset in datasets if dataset is not None]
    summary = {
        "reader": reader.GetXMLName(),
        "number_of_cells": sum(dataset.GetNumberOfCells() for dataset in datasets),
        "number_of_points": sum(dataset.GetNumberOfPoints() for dataset in datasets),
        "cell_arrays": summarise_arrays([dataset.GetCellData() for dataset in datasets]),
        "point_arrays": summarise_arrays([dataset.GetPointData() for dataset in datasets]),
        "field_arrays": summarise_field_data(datasets[0].GetFieldData()),
    }
    if timesteps:
        summary["timesteps"] = timesteps
        summary["time"] = time
    return summary


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file")
    parser.add_argument("--time", type=float, default=None)
    parser.add_argument("--output", default=None, help="also write the JSON to this file")
    arguments = parser.parse_args()
    text = json.dumps(summarise(arguments.file, arguments.time), indent=2, sort_keys=True)
    print(text)
    if arguments.output:
        with open(arguments.output, "w", encoding="utf-8") as output:
            output.write(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
