"""Helpers of the cgroup-walk tests in containers.bats.

  settle COMM N CGDIR...      waits (10 s at most) until the cgroups hold N
                              processes, each named COMM (exec done) or
                              python3, each thread sleeping
  rows FMT FILE [threads]     parses a tasks view's output strictly (table
                              header once, csv through the csv module, each
                              json line through json), checks each row's
                              columns against /proc and prints the pid
                              (tid with threads) of each row, in the view's
                              order; exits 1 on the first bad row
  read FILE SIZE              the view through reads of SIZE bytes, to stdout
  interleave FILE SIZE A B    two descriptors of the view read SIZE bytes at
                              a time alternately until both reach EOF; their
                              outputs to files A and B
  threads N                   a process of N threads that sleep
"""
import csv, io, json, os, re, sys, threading, time

HZ = os.sysconf("SC_CLK_TCK")
COLS = ["pid", "tid", "ppid", "uid", "state", "threads", "rss", "time", "start", "comm"]
HEADER = b"    PID     TID    PPID    UID STATE THREADS        RSS       TIME      START COMM"
TASK_ROW = re.compile(rb"^ *(\d+) +(\d+) +(\d+) +(\d+) (\S) +(\d+) +(\d+) +(\d+\.\d\d) +(\d+\.\d\d) (.*)$")


def die(msg):
    print("cgroup_walk: " + msg, file=sys.stderr)
    sys.exit(1)


def stat_fields(path):
    s = open(path, "rb").read()
    return s[s.rindex(b")") + 2:].split()


def status(path, key):
    for line in open(path):
        if line.startswith(key + ":"):
            return line.split()[1:]
    return []


def parse(fmt, data):
    """The view's rows as dicts of strings."""
    if data and not data.endswith(b"\n"):
        die("does not end with a newline: %r" % data[-80:])
    rows = []
    if fmt == "json":
        for n, line in enumerate(data.decode("utf-8").split("\n")[:-1], 1):
            try:
                obj = json.loads(line)
            except ValueError as e:
                die("line %d is not json (%s): %r" % (n, e, line))
            if not isinstance(obj, dict) or list(obj) != COLS:
                die("line %d: keys %r" % (n, obj))
            rows.append({c: ("%.2f" % v if c in ("time", "start") else str(v))
                         for c, v in obj.items()})
    elif fmt == "csv":
        recs = list(csv.reader(io.StringIO(data.decode()), strict=True))
        if not recs or recs[0] != COLS:
            die("csv header %r" % recs[:1])
        for n, r in enumerate(recs[1:], 2):
            if len(r) != len(COLS):
                die("record %d: %r" % (n, r))
            rows.append(dict(zip(COLS, r)))
    elif fmt == "table":
        lines = data.split(b"\n")[:-1]
        if not lines or lines[0] != HEADER:
            die("table header %r" % lines[:1])
        for n, line in enumerate(lines[1:], 2):
            m = TASK_ROW.match(line)
            if not m:
                die("line %d is not a row: %r" % (n, line))
            rows.append(dict(zip(COLS, (x.decode() for x in m.groups()))))
    else:
        die("unknown format " + fmt)
    return rows


def check(fmt, path, threads):
    """Each row against /proc; the pid (tid) of each row on stdout."""
    for r in parse(fmt, open(path, "rb").read()):
        pid, tid = r["pid"], r["tid"]
        if not threads and tid != pid:
            die("process row with tid %s: %r" % (tid, r))
        base = "/proc/%s/task/%s" % (pid, tid) if threads else "/proc/%s" % pid
        try:
            f = stat_fields(base + "/stat")
            want = {
                "ppid": f[1].decode(),
                "uid": status(base + "/status", "Uid")[1],
                "state": f[0].decode(),
                "threads": f[17].decode(),
                "comm": open(base + "/comm", "rb").read().rstrip(b"\n").decode().rstrip(" "),
            }
            rss = int((status("/proc/%s/status" % pid, "VmRSS") or ["0"])[0])
            start = int(f[19]) / HZ
            cpu = (int(f[11]) + int(f[12])) / HZ
        except OSError as e:
            die("row %r: %s" % (r, e))
        got = dict(r, comm=r["comm"].rstrip(" "))
        bad = [c for c in want if got[c] != want[c]]
        if abs(int(r["rss"]) - rss) > max(rss * 0.2, 512):
            bad.append("rss")
        if abs(float(r["start"]) - start) > 0.02 + 1e-9:
            bad.append("start")
        if abs(float(r["time"]) - cpu) > 0.02 + 1e-9:
            bad.append("time")
        if bad:
            die("row %r differs from %s in %s: %r rss %d start %.2f time %.2f"
                % (r, base, bad, want, rss, start, cpu))
        print(tid if threads else pid)


def settle(comm, n, dirs):
    deadline = time.monotonic() + 10
    while True:
        pids = [p for d in dirs for p in open(d + "/cgroup.procs").read().split()]
        try:
            ok = len(pids) == n and all(
                open("/proc/%s/comm" % p).read().strip() in (comm, "python3")
                and all(stat_fields("/proc/%s/task/%s/stat" % (p, t))[0] == b"S"
                        for t in os.listdir("/proc/%s/task" % p))
                for p in pids)
        except OSError:
            ok = False
        if ok:
            return
        if time.monotonic() > deadline:
            die("cgroups %s: %d processes, want %d settled" % (dirs, len(pids), n))
        time.sleep(0.05)


def read(path, size):
    fd = os.open(path, os.O_RDONLY)
    out = bytearray()
    while True:
        b = os.read(fd, size)
        if not b:
            break
        out += b
    os.close(fd)
    return bytes(out)


def interleave(path, size, a, b):
    fds = [os.open(path, os.O_RDONLY), os.open(path, os.O_RDONLY)]
    outs = [bytearray(), bytearray()]
    live = [True, True]
    while any(live):
        for i in (0, 1):
            if live[i]:
                chunk = os.read(fds[i], size)
                live[i] = bool(chunk)
                outs[i] += chunk
    for fd in fds:
        os.close(fd)
    open(a, "wb").write(outs[0])
    open(b, "wb").write(outs[1])


cmd, args = sys.argv[1], sys.argv[2:]
if cmd == "settle":
    settle(args[0], int(args[1]), args[2:])
elif cmd == "rows":
    check(args[0], args[1], args[2:] == ["threads"])
elif cmd == "read":
    sys.stdout.buffer.write(read(args[0], int(args[1])))
elif cmd == "interleave":
    interleave(args[0], int(args[1]), args[2], args[3])
elif cmd == "threads":
    for _ in range(int(args[0]) - 1):
        threading.Thread(target=time.sleep, args=(100000,), daemon=True).start()
    time.sleep(100000)
else:
    die("unknown command " + cmd)
