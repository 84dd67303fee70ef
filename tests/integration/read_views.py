#!/usr/bin/env python3
"""Reads views in a loop until a stop file appears; checks every read is one
whole file of one configuration: a table with its header, csv whose rows all
have the header's width, or json lines that all parse with the same keys.
Prints "reads N errors N" and the first errors."""
import csv
import io
import json
import os
import sys
import time

TABLE_HEADS = ("    PID",)  # tasks/files tables start with the PID column


def check(text):
    if not text.endswith("\n"):
        return "empty" if not text else "does not end with a newline"
    lines = text.splitlines()
    first = lines[0]
    if first.startswith("{"):
        keys = None
        for line in lines:
            row = json.loads(line)
            if keys is None:
                keys = set(row)
            elif set(row) != keys:
                return "json lines with different keys"
        return None
    if first.startswith(TABLE_HEADS):
        if any(line.startswith(TABLE_HEADS) for line in lines[1:]):
            return "table header twice"
        return None
    rows = list(csv.reader(io.StringIO(text)))
    width = len(rows[0])
    if rows[0][0] != "pid":
        return "unknown header %r" % first
    for row in rows[1:]:
        if len(row) != width:
            return "csv row of %d fields under a header of %d" % (len(row), width)
    return None


def main():
    stop, paths = sys.argv[1], sys.argv[2:]
    reads = errors = 0
    shown = []
    deadline = time.monotonic() + 120  # never runs away
    while not os.path.exists(stop) and time.monotonic() < deadline:
        for path in paths:
            try:
                with open(path, errors="surrogateescape") as f:  # names may be any bytes
                    why = check(f.read())
            except Exception as e:  # open or read failed, or did not parse
                why = "%s: %s" % (type(e).__name__, e)
            reads += 1
            if why:
                errors += 1
                if len(shown) < 5:
                    shown.append("%s: %s" % (path, why))
    print("reads %d errors %d" % (reads, errors))
    for s in shown:
        print(s)


main()
