"""Checks a read of the cmdlines view against /proc, for the cmdlines tests.

    cmdlines.py FORMAT FILE PID...   the rows of these pids equal the oracle
    cmdlines.py kthreads FILE        kernel threads' args equal ps -o args

FORMAT is table, csv or json.  The oracle is /proc/PID/cmdline and
readlink /proc/PID/exe, read after the view, in the form the view promises:
table and csv join the arguments with spaces (table: control characters as
'?'), json gives the list of arguments (each byte that is not UTF-8 as U+FFFD);
the last argument's NUL separates nothing; a command line longer than
CMDLINE_MAX shows its first CMDLINE_MAX - 3 bytes and "...".  Prints the
differences and exits 1 if there are any.
"""
import csv
import io
import json
import os
import re
import subprocess
import sys

CMDLINE_MAX = 4096
COLS = ["pid", "comm", "exe", "args"]
HEADER = {"table": b"    PID COMM             EXE ARGS",
          "csv": b"pid,comm,exe,args"}
PF_KTHREAD, PF_WQ_WORKER = 0x00200000, 0x20


def die(msg):
    print(msg)
    sys.exit(1)


def oracle(pid):
    """(exe, cmdline bytes, cut) as /proc has them; a zombie has neither."""
    raw = open("/proc/%d/cmdline" % pid, "rb").read()
    try:
        exe = os.fsencode(os.readlink("/proc/%d/exe" % pid))
    except OSError:
        exe = b""
    if len(raw) > CMDLINE_MAX:
        return exe, raw[:CMDLINE_MAX - 3] + b"...", True
    return exe, raw, False


def utf8(b):
    """b as text, each byte that is not part of a valid UTF-8 character as
    U+FFFD (view.h's rule; Python's "replace" takes a cut sequence whole)."""
    out, i = [], 0
    while i < len(b):
        for n in (1, 2, 3, 4):
            try:
                out.append(b[i:i + n].decode("utf-8"))
                i += n
                break
            except UnicodeDecodeError:
                pass
        else:
            out.append("\ufffd")
            i += 1
    return "".join(out)


def expected(fmt, pid):
    exe, raw, cut = oracle(pid)
    args = raw if cut or not raw.endswith(b"\0") else raw[:-1]
    if fmt == "json":
        parts = [utf8(a) for a in args.split(b"\0")] if raw else []
        return [pid, os.fsdecode(exe), parts]
    text = args.replace(b"\0", b" ")
    if fmt == "table":
        text = bytes(b if b >= 0x20 and b != 0x7f else ord("?") for b in text)
    return [pid, exe, text]


def rows(fmt, data):
    """{pid: [pid, exe, args]} of a read, checking its header and form."""
    out = {}
    if fmt == "json":
        for line in data.split(b"\n")[:-1]:
            obj = json.loads(line)
            if list(obj) != COLS:
                die("json keys %r, documented %r" % (list(obj), COLS))
            if not isinstance(obj["args"], list):
                die("json args is not a list: %r" % obj)
            out[obj["pid"]] = [obj["pid"], obj["exe"], obj["args"]]
        return out
    lines = data.split(b"\n")
    if lines[0] != HEADER[fmt]:
        die("header %r, expected %r" % (lines[0], HEADER[fmt]))
    if fmt == "csv":
        text = data.decode("latin-1")	# the bytes, one character each
        for r in list(csv.reader(io.StringIO(text, newline="")))[1:]:
            if len(r) != len(COLS):
                die("csv row of %d fields: %r" % (len(r), r))
            out[int(r[0])] = [int(r[0]), r[2].encode("latin-1"), r[3].encode("latin-1")]
        return out
    for line in lines[1:-1]:
        m = re.match(rb"^ *(\d+) (.{16}) (.*)$", line, re.S)
        if not m:
            die("table row %r" % line)
        # exe and args are not split here: exe may hold spaces
        out[int(m.group(1))] = [int(m.group(1)), m.group(3)]
    return out


def check(fmt, path, pids):
    got = rows(fmt, open(path, "rb").read())
    bad = 0
    for pid in pids:
        want = expected(fmt, pid)
        if fmt == "table":
            want = [pid, want[1].ljust(3) + b" " + want[2]]
        if got.get(pid) != want:
            bad += 1
            print("pid %d (%s)\n  /proc: %r\n  view:  %r" % (pid, fmt, want, got.get(pid)))
    sys.exit(1 if bad else 0)


def kthreads(path):
    """Kernel threads but workqueue workers (their ps name changes with each
    work item): the view's args equal ps -o args."""
    got = rows("csv", open(path, "rb").read())
    pids, bad = [], 0
    for pid in got:
        try:
            flags = int(open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()[6])
        except (OSError, IndexError):
            continue
        if flags & PF_KTHREAD and not flags & PF_WQ_WORKER:
            pids.append(pid)
    if len(pids) < 3:
        die("only %d kernel threads in the view" % len(pids))
    ps = subprocess.run(["ps", "-o", "pid=,args=", "-p", ",".join(map(str, pids))],
                        check=True, capture_output=True).stdout
    for line in ps.splitlines():
        pid, args = line.strip().split(b" ", 1)
        if got[int(pid)][2] != args.strip() or not args.startswith(b"["):
            bad += 1
            print("pid %s: ps %r, view %r" % (pid, args, got[int(pid)][2]))
    print("%d kernel threads compared" % len(pids))
    sys.exit(1 if bad else 0)


if sys.argv[1] == "kthreads":
    kthreads(sys.argv[2])
else:
    check(sys.argv[1], sys.argv[2], [int(p) for p in sys.argv[3:]])
