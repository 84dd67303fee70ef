#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""
The usual way to export per-process data to node_exporter's textfile
collector, for make bench to compare with a format = prometheus view: read
/proc/PID/stat of every process and /proc/PID/task/TID/stat of every
thread, sum per name, print the series the tasks view prints.
"""
import collections
import os
import sys

PAGE = os.sysconf("SC_PAGE_SIZE")
HZ = os.sysconf("SC_CLK_TCK")


def stat(path):
    with open(path, "rb") as f:
        s = f.read()
    i = s.rindex(b")")
    return s[s.index(b"(") + 1:i].decode("utf-8", "replace"), s[i + 2:].split()


def main():
    per = collections.defaultdict(lambda: [0, 0, 0, 0.0])
    states = collections.Counter()
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            comm, f = stat("/proc/%s/stat" % pid)
            v = per[comm]
            v[0] += 1
            v[1] += int(f[17])
            v[2] += int(f[21]) * PAGE
            v[3] += (int(f[11]) + int(f[12])) / HZ
            for tid in os.listdir("/proc/%s/task" % pid):
                states[stat("/proc/%s/task/%s/stat" % (pid, tid))[1][0].decode()] += 1
        except (OSError, ValueError):
            continue
    out = []
    esc = lambda s: s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    for i, (name, kind) in enumerate((("processes", "gauge"), ("threads", "gauge"),
                                      ("resident_memory_bytes", "gauge"),
                                      ("cpu_seconds_total", "counter"))):
        out.append("# HELP bpfviews_%s by name.\n# TYPE bpfviews_%s %s" % (name, name, kind))
        out += ['bpfviews_%s{comm="%s"} %s' % (name, esc(c), v[i]) for c, v in per.items()]
    out.append("# HELP bpfviews_tasks by state.\n# TYPE bpfviews_tasks gauge")
    out += ['bpfviews_tasks{state="%s"} %d' % s for s in states.items()]
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
