#!/usr/bin/env bats
# Kernel tests of what the built-in views show: tasks, stacks and files, in
# the three formats, checked against the system's own tools (ps, /proc/PID/*)
# for processes, threads and files each test creates itself.  apply.bats
# covers apply itself (idempotence, orphans, errors).

load helpers

# ---------------------------------------------------------------------------
# A python helper: parses a view's output strictly (documented header exactly
# once, csv through the csv module, every json line through json with the
# documented keys in order) into canonical rows, and computes the same rows
# from the oracles.  Canonical rows are json lists of strings, one per line,
# sorted, so that two sides compare with a plain string comparison and diff.
# ---------------------------------------------------------------------------
PYH=$(cat <<'PYEOF'
import codecs, csv, io, json, os, re, stat, subprocess, sys

# view.h: each byte that is not part of valid UTF-8 becomes one U+FFFD
codecs.register_error("perbyte", lambda e: ("\ufffd" * (e.end - e.start), e.end))

HZ = os.sysconf("SC_CLK_TCK")
COLS = {
    "tasks": ["pid", "tid", "ppid", "uid", "state", "threads", "rss", "time", "start", "comm"],
    "files": ["pid", "comm", "fd", "type", "name"],
    "stacks": ["pid", "tid", "comm", "depth", "frame"],
}
HEADER = {
    "tasks": b"    PID     TID    PPID    UID STATE THREADS        RSS       TIME      START COMM",
    "files": b"    PID COMM                FD TYPE NAME",
}
INTS = {"pid", "tid", "ppid", "uid", "threads", "rss", "fd", "depth"}
FLOATS = {"time", "start"}
NULLABLE = {"stacks": {"depth", "frame"}}
TASK_ROW = re.compile(rb"^ *(\d+) +(\d+) +(\d+) +(\d+) (\S) +(\d+) +(\d+) +(\d+\.\d\d) +(\d+\.\d\d) (.*)$")
FILE_ROW = re.compile(rb"^([ \d]{6}\d) (.{16}) ([ \d]{4}\d) (.{4}) (.*)$", re.S)
STACK_THREAD = re.compile(rb"^pid (\d+) tid (\d+) comm (.*)$", re.S)
STACK_FRAME = re.compile(rb"^    (.*)$", re.S)

def die(msg):
    print("view output: " + msg, file=sys.stderr)
    sys.exit(1)

def dec(b):
    return b.decode("utf-8", "surrogateescape")

def parse(prog, fmt, path):
    data = open(path, "rb").read()
    cols = COLS[prog]
    if data and not data.endswith(b"\n"):
        die("does not end with a newline: %r" % data[-80:])
    rows = []
    if fmt == "json":
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as e:
            die("json output is not UTF-8: %s" % e)
        for n, line in enumerate(text.split("\n")[:-1], 1):
            try:
                obj = json.loads(line)
            except ValueError as e:
                die("line %d is not json (%s): %r" % (n, e, line))
            if not isinstance(obj, dict) or list(obj) != cols:
                die("line %d: keys %r, documented %r" % (n, list(obj), cols))
            row = []
            for c in cols:
                v = obj[c]
                if v is None and c in NULLABLE.get(prog, ()):
                    row.append("")
                    continue
                if c in INTS:
                    ok, s = type(v) is int, str(v)
                elif c in FLOATS:
                    ok = type(v) in (int, float)
                    s = "%.2f" % v if ok else ""
                else:
                    ok, s = isinstance(v, str), v
                if not ok:
                    die("line %d: %s is a %s: %r" % (n, c, type(v).__name__, line))
                row.append(s)
            rows.append(row)
    elif fmt == "csv":
        recs = list(csv.reader(io.StringIO(dec(data), newline=""), strict=True))
        if not recs or recs[0] != cols:
            die("csv header %r, documented %r" % (recs[:1], cols))
        for n, r in enumerate(recs[1:], 2):
            if r == cols:
                die("csv header repeated at record %d" % n)
            if len(r) != len(cols):
                die("record %d has %d fields: %r" % (n, len(r), r))
            for c, v in zip(cols, r):
                if v == "" and c in NULLABLE.get(prog, ()):
                    continue
                if (c in INTS and not re.fullmatch(r"\d+", v)) or \
                   (c in FLOATS and not re.fullmatch(r"\d+\.\d\d", v)):
                    die("record %d: %s is %r" % (n, c, v))
            rows.append(r)
    elif fmt == "table" and prog == "stacks":
        cur = None
        for line in data.split(b"\n")[:-1]:
            m = STACK_THREAD.match(line)
            if m:
                if cur and cur[3] == 0:
                    rows.append(cur[:3] + ["", ""])
                cur = [dec(m[1]), dec(m[2]), dec(m[3]), 0]
                continue
            m = STACK_FRAME.match(line)
            if m and cur:
                rows.append(cur[:3] + [str(cur[3]), dec(m[1])])
                cur[3] += 1
                continue
            die("unexpected line %r" % line)
        if cur and cur[3] == 0:
            rows.append(cur[:3] + ["", ""])
    elif fmt == "table":
        lines = data.split(b"\n")[:-1]
        if not lines or lines[0] != HEADER[prog]:
            die("table header %r, documented %r" % (lines[:1], HEADER[prog]))
        for n, line in enumerate(lines[1:], 2):
            if line == HEADER[prog]:
                die("table header repeated at line %d" % n)
            m = (TASK_ROW if prog == "tasks" else FILE_ROW).match(line)
            if not m:
                die("line %d is not a %s row: %r" % (n, prog, line))
            g = [dec(x) for x in m.groups()]
            if prog == "files":
                g = [g[0].strip(), g[1].rstrip(" "), g[2].strip(), g[3].rstrip(" "), g[4]]
            rows.append(g)
    else:
        die("unknown format " + fmt)
    return rows

def key(row):
    return [(0, int(v), "") if v.isdigit() else (1, 0, v) for v in row]

def emit(rows):
    for r in sorted(rows, key=key):
        print(json.dumps(r))

def stat_fields(path):
    s = open(path, "rb").read()
    return s[s.rindex(b")") + 2:].split()

def comm(path):
    return open(path, "rb").read().rstrip(b"\n")

def vmrss(pid):
    for line in open("/proc/%s/status" % pid):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0

def as_format(b, fmt):
    """A raw name as each format documents it."""
    if fmt == "table":
        return dec(bytes(c if 0x20 <= c != 0x7f else ord("?") for c in b))
    if fmt == "json":
        return b.decode("utf-8", "perbyte")
    return dec(b)

FTYPES = {stat.S_IFREG: "REG", stat.S_IFDIR: "DIR", stat.S_IFCHR: "CHR",
          stat.S_IFBLK: "BLK", stat.S_IFIFO: "FIFO", stat.S_IFSOCK: "SOCK",
          stat.S_IFLNK: "LNK"}

def oracle_ps(pids):
    """ps: pid ppid uid(euid) state threads(nlwp) comm."""
    out = subprocess.run(["ps", "-o", "pid=,ppid=,euid=,state=,nlwp=,comm=",
                          "-p", ",".join(pids)], capture_output=True).stdout
    return [[dec(x) for x in line.split(None, 5)] for line in out.splitlines()]

def oracle_threads(pids):
    """/proc/PID/task: pid tid state threads comm."""
    rows = []
    for p in pids:
        tids = os.listdir("/proc/%s/task" % p)
        for t in tids:
            f = stat_fields("/proc/%s/task/%s/stat" % (p, t))
            rows.append([p, t, dec(f[0]), str(len(tids)),
                         dec(comm("/proc/%s/task/%s/comm" % (p, t)))])
    return rows

def oracle_ppids(pids):
    """/proc/PID/task/TID/stat: pid tid ppid."""
    return [[p, t, dec(stat_fields("/proc/%s/task/%s/stat" % (p, t))[1])]
            for p in pids for t in os.listdir("/proc/%s/task" % p)]

def oracle_fds(spec, fmt):
    """/proc/PID/fd (or /proc/PID/task/TID/fd): pid comm fd type name
    (readlink, stat)."""
    pid = spec.split("/")[0]
    c = comm("/proc/%s/comm" % spec)
    rows = []
    for fd in os.listdir("/proc/%s/fd" % spec):
        p = "/proc/%s/fd/%s" % (spec, fd)
        name = os.readlink(p.encode())
        if name.startswith(b"anon_inode:"):
            t = "anon"
        else:
            t = FTYPES.get(stat.S_IFMT(os.stat(p).st_mode), "?")
        rows.append([pid, as_format(c, fmt), fd, t, as_format(name, fmt)])
    return rows

def oracle_comms(pids, fmt):
    """/proc/PID/task/TID/comm: pid tid comm, as each format documents it."""
    return [[p, t, as_format(comm("/proc/%s/task/%s/comm" % (p, t)), fmt)]
            for p in pids for t in os.listdir("/proc/%s/task" % p)]

def oracle_stacks(pids, maxf):
    """/proc/PID/task/TID/stack: pid tid comm depth frame."""
    rows = []
    for p in pids:
        for t in os.listdir("/proc/%s/task" % p):
            d = "/proc/%s/task/%s/" % (p, t)
            c = dec(comm(d + "comm"))
            frames = [l.split("] ", 1)[1] for l in open(d + "stack").read().splitlines()]
            if maxf >= 0:
                frames = frames[:maxf]
            for i, f in enumerate(frames):
                rows.append([p, t, c, str(i), f])
            if not frames:
                rows.append([p, t, c, "", ""])
    return rows

def numbers(fmt, path, mode):
    """rss, start and time of each row against /proc, with tolerances."""
    bad = 0
    print("%-7s %-7s %-5s %12s %12s %10s" % ("pid", "tid", "col", "view", "/proc", "tolerance"))
    for r in parse("tasks", fmt, path):
        d = dict(zip(COLS["tasks"], r))
        base = "/proc/%s" % d["pid"] if mode == "process" else \
               "/proc/%s/task/%s" % (d["pid"], d["tid"])
        f = stat_fields(base + "/stat")
        rss = vmrss(d["pid"])
        checks = [("rss", int(d["rss"]), rss, max(rss * 0.2, 512)),
                  ("start", float(d["start"]), int(f[19]) / HZ, 0.02),
                  ("time", float(d["time"]), (int(f[11]) + int(f[12])) / HZ, 0.02)]
        for col, v, o, tol in checks:
            ok = abs(v - o) <= tol + 1e-9
            bad += not ok
            print("%-7s %-7s %-5s %12s %12s %10s %s" % (d["pid"], d["tid"], col, v, o,
                                                     round(tol, 2), "" if ok else "MISMATCH"))
    sys.exit(1 if bad else 0)

cmd, args = sys.argv[1], sys.argv[2:]
if cmd == "parse":          # parse PROG FMT FILE [COL...]
    prog, fmt, path, want = args[0], args[1], args[2], args[3:]
    rows = parse(prog, fmt, path)
    idx = [COLS[prog].index(c) for c in want] if want else range(len(COLS[prog]))
    emit([[r[i] for i in idx] for r in rows])
elif cmd == "ps":
    emit(oracle_ps(args))
elif cmd == "threads":
    emit(oracle_threads(args))
elif cmd == "ppids":
    emit(oracle_ppids(args))
elif cmd == "comms":        # comms FMT PID...
    emit(oracle_comms(args[1:], args[0]))
elif cmd == "fds":          # fds FMT PID|PID/task/TID...
    emit([r for p in args[1:] for r in oracle_fds(p, args[0])])
elif cmd == "stacks":       # stacks MAXFRAMES PID...
    emit(oracle_stacks(args[1:], int(args[0])))
elif cmd == "numbers":      # numbers FMT FILE process|thread
    numbers(*args)
else:
    die("unknown command " + cmd)
PYEOF
)

pyh() {
	python3 -c "$PYH" "$@"
}

# ends_with FILE BYTES: the file's last bytes, or both sides in hex.
ends_with() {
	python3 -c 'import os, sys; sys.exit(not open(sys.argv[1], "rb").read().endswith(os.fsencode(sys.argv[2])))' "$1" "$2" && return 0
	echo "$1 does not end with:"
	printf '%s' "$2" | od -An -c
	echo "it ends with:"
	tail -c $(( ${#2} + 16 )) "$1" | od -An -c
	return 1
}

# wait_for CMD...: poll up to 5 s until CMD succeeds.
wait_for() {
	local i
	for ((i = 0; i < 100; i++)); do
		"$@" && return 0
		sleep 0.05
	done
	echo "timed out waiting for: $*"
	return 1
}

# The one-letter state of a task (pid or pid/task/tid) from /proc.
proc_state() {
	local s
	s=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	s=${s##*) }
	echo "${s%% *}"
}

state_is() {
	[ "$(proc_state "$1")" = "$2" ]
}

# all_threads PID N STATE: exactly N threads, each in STATE.
all_threads() {
	local t n=0
	for t in /proc/"$1"/task/*; do
		state_is "$1/task/${t##*/}" "$3" || return 1
		n=$((n + 1))
	done
	[ "$n" -eq "$2" ]
}

# fds_are PID "FD...": the process has exactly these descriptors open.
fds_are() {
	[ "$(ls "/proc/$1/fd" | sort -n | xargs)" = "$2" ]
}

# A program under a name of our own (comm is the name it is run by).
named() {
	ln -s "$2" "$CONF/$1"
	echo "$CONF/$1"
}

# spawn with the bats output descriptor closed, so no child can hold it.
run_bg() {
	spawn "$@" 3>&-
}

# python3 -c CODE under NAME, with its remaining arguments; waits until it
# has written the ready file $CONF/NAME.ready (its first argument).
spawn_py() {
	local name=$1 code=$2
	shift 2
	run_bg "$(named "$name" "$PYTHON")" -c "$code" "$CONF/$name.ready" "$@"
	wait_for test -e "$CONF/$name.ready"
}

# N threads besides the main one, all asleep.
PY_THREADS='
import sys, threading, time
for _ in range(int(sys.argv[2])):
    threading.Thread(target=time.sleep, args=(1000,), daemon=True).start()
open(sys.argv[1], "w").close()
time.sleep(1000)'

# A parent that leaves its child (argv[2]) a zombie, and reaps it on SIGTERM.
PY_ZOMBIE='
import os, signal, sys, time
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[2], [sys.argv[2]])
signal.signal(signal.SIGTERM, lambda *a: (os.waitpid(pid, 0), os._exit(0)))
with open(sys.argv[1] + "~", "w") as f:
    f.write(str(pid))
os.rename(sys.argv[1] + "~", sys.argv[1])
while True:
    time.sleep(1000)'

# A parent that forks its child (argv[2], run with argument 1000) from a
# second thread, which stays alive: the child's real_parent is that thread,
# and its ppid is the parent's pid (the thread group), not the thread's id.
# Writes "CHILD TID" to the ready file.
PY_THREAD_FORK='
import os, sys, threading, time
def fork():
    pid = os.fork()
    if pid == 0:
        os.execv(sys.argv[2], [sys.argv[2], "1000"])
    with open(sys.argv[1] + "~", "w") as f:
        f.write("%d %d\n" % (pid, threading.get_native_id()))
    os.rename(sys.argv[1] + "~", sys.argv[1])
    time.sleep(1000)
threading.Thread(target=fork, daemon=True).start()
time.sleep(1000)'

# spawn_thread_fork NAME: a parent NAMEp whose second thread forked the
# child NAME; sets TPARENT, TCHILD and TFORKER (the thread's id).
spawn_thread_fork() {
	spawn_py "$1p" "$PY_THREAD_FORK" "$(named "$1" /bin/sleep)"
	TPARENT=$LAST_PID
	read -r TCHILD TFORKER < "$CONF/$1p.ready"
	PIDS+=("$TCHILD")
	wait_for state_is "$TCHILD" S
	wait_for all_threads "$TPARENT" 2 S
	# not vacuous: the child's parent thread is not the main thread, and
	# the oracles give the process
	[ "$TFORKER" != "$TPARENT" ]
	[ -d "/proc/$TPARENT/task/$TFORKER" ]
	[ "$(stat_field "$TCHILD" 4)" = "$TPARENT" ]
	[ "$(ps -o ppid= -p "$TCHILD" | tr -d ' ')" = "$TPARENT" ]
}

# stat_field PID N: field N of /proc/PID/stat (1 is the pid; the comm, 2, may
# hold spaces and is never asked for).
stat_field() {
	local s n=$2
	s=$(cat "/proc/$1/stat") || return 1
	s=${s##*) }
	set -- $s
	shift $((n - 3))
	echo "$1"
}

# spawn_zombie NAME: a parent NAMEp and its zombie child NAME; sets ZPARENT, ZOMBIE.
spawn_zombie() {
	spawn_py "$1p" "$PY_ZOMBIE" "$(named "$1" /bin/true)"
	ZPARENT=$LAST_PID
	ZOMBIE=$(cat "$CONF/$1p.ready")
	wait_for state_is "$ZOMBIE" Z
	wait_for state_is "$ZPARENT" S
}

# view NAME: its contents in a file (views are not seekable; read them once).
view() {
	rd "$1" > "$CONF/$1.out"
	echo "$CONF/$1.out"
}

setup() {
	setup_view_root
	TAG=bv$(printf %05d $((RANDOM % 100000)))
	PYTHON=$(python3 -c 'import os, sys; print(os.path.realpath(sys.executable))')
}

teardown() {
	local pid
	for pid in "${PIDS[@]}"; do
		kill -CONT "$pid" 2>/dev/null || true	# stopped ones must see the TERM
	done
	teardown_view_root
}

# ---------------------------------------------------------------------------
# tasks
# ---------------------------------------------------------------------------

@test "tasks: process rows equal ps for sleeping, running, stopped, zombie, other-uid and threaded processes" {
	local pids=() stopped
	run_bg "$(named "${TAG}s" /bin/sleep)" 1000;                 pids+=("$LAST_PID")
	run_bg "$(named "${TAG}r" /bin/sh)" -c 'while :; do :; done'; pids+=("$LAST_PID")
	run_bg "$(named "${TAG}t" /bin/sleep)" 1000;                 pids+=("$LAST_PID")
	stopped=$LAST_PID
	# real, effective and saved uid 65534
	run_bg setpriv --reuid=65534 --regid=65534 --clear-groups "$(named "${TAG}u" /bin/sleep)" 1000
	pids+=("$LAST_PID")
	# effective uid 65534 only (real uid 0): the column is the effective uid
	run_bg setpriv --euid=65534 "$(named "${TAG}e" /bin/sleep)" 1000
	pids+=("$LAST_PID")
	spawn_py "${TAG}p" "$PY_THREADS" 4;                            pids+=("$LAST_PID")
	spawn_zombie "${TAG}z";                              pids+=("$ZPARENT" "$ZOMBIE")
	spawn_thread_fork "${TAG}f";                         pids+=("$TPARENT" "$TCHILD")

	kill -STOP "$stopped"
	wait_for state_is "$stopped" T
	wait_for state_is "${pids[0]}" S
	wait_for state_is "${pids[1]}" R
	wait_for state_is "${pids[3]}" S
	wait_for state_is "${pids[4]}" S
	wait_for all_threads "${pids[5]}" 5 S
	[ "$(awk '/^Uid:/ {print $2, $3}' "/proc/${pids[4]}/status")" = "0 65534" ]

	manifest tasks.conf <<-EOF
	[tasks]
	program = tasks
	comm = ${TAG}*
	[tasks-csv]
	program = tasks
	comm = ${TAG}*
	format = csv
	[tasks-json]
	program = tasks
	comm = ${TAG}*
	format = json
	EOF
	bv apply

	local expected actual fmt f
	expected=$(pyh ps "${pids[@]}")
	# not vacuous: the oracle has the states and uids this test made
	[ "$(echo "$expected" | wc -l)" -eq 10 ]
	for s in '"R"' '"S"' '"T"' '"Z"' '"65534"' '"5"' "[\"$TCHILD\", \"$TPARENT\","; do
		[[ $expected == *"$s"* ]] || { echo "oracle lacks $s: $expected"; false; }
	done
	for v in tasks tasks-csv tasks-json; do
		fmt=table; [ "$v" = tasks ] || fmt=${v#tasks-}
		f=$(view "$v")
		actual=$(pyh parse tasks "$fmt" "$f" pid ppid uid state threads comm)
		same "$v vs ps -o pid,ppid,euid,state,nlwp,comm" "$expected" "$actual"
		# process rows: tid is the pid
		actual=$(pyh parse tasks "$fmt" "$f" pid tid | tr -d '[]' | awk -F', ' '$1 != $2')
		same "$v: rows whose tid is not the pid" "" "$actual"
	done
}

@test "tasks: threads = yes gives one row per thread of /proc/PID/task with its state and comm" {
	local py sl
	spawn_py "${TAG}p" "$PY_THREADS" 4
	py=$LAST_PID
	run_bg "$(named "${TAG}s" /bin/sleep)" 1000
	sl=$LAST_PID
	wait_for all_threads "$py" 5 S
	wait_for state_is "$sl" S
	spawn_thread_fork "${TAG}f"

	manifest threads.conf <<-EOF
	[threads]
	program = tasks
	threads = yes
	comm = ${TAG}*
	[threads-json]
	program = tasks
	threads = yes
	comm = ${TAG}*
	format = json
	EOF
	bv apply

	local expected actual f
	expected=$(pyh threads "$py" "$sl" "$TPARENT" "$TCHILD")
	[ "$(echo "$expected" | wc -l)" -eq 9 ]
	f=$(view threads)
	actual=$(pyh parse tasks table "$f" pid tid state threads comm)
	same "threads vs /proc/PID/task" "$expected" "$actual"
	f=$(view threads-json)
	actual=$(pyh parse tasks json "$f" pid tid state threads comm)
	same "threads-json vs /proc/PID/task" "$expected" "$actual"
	# the ppid of every thread row, that of a child forked by a thread too
	expected=$(pyh ppids "$py" "$sl" "$TPARENT" "$TCHILD")
	[[ $expected == *"[\"$TCHILD\", \"$TCHILD\", \"$TPARENT\"]"* ]]
	same "threads ppid vs /proc/PID/task/TID/stat" "$expected" \
		"$(pyh parse tasks table "$CONF/threads.out" pid tid ppid)"
	same "threads-json ppid vs /proc/PID/task/TID/stat" "$expected" \
		"$(pyh parse tasks json "$CONF/threads-json.out" pid tid ppid)"
	# each thread's own start time and CPU time, the process's rss
	f=$(view threads)
	run pyh numbers table "$f" thread
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "tasks: in a pid namespace, a child forked by a non-main thread has its parent's pid there as ppid" {
	manifest ns.conf <<-EOF
	[tasks]
	program = tasks
	format = csv
	[threads]
	program = tasks
	threads = yes
	format = csv
	EOF
	bv apply
	# inside: the thread-forking parent, the views and ps read there; the
	# namespace's init (bash) ends, and the kernel kills the rest with it
	local d=$BATS_TEST_TMPDIR
	D=$d ROOT=$ROOT PY=$PY_THREAD_FORK PYTHON=$PYTHON timeout 60 \
		unshare -p -f --mount-proc bash -c '
		"$PYTHON" -c "$PY" "$D/ready" /bin/sleep &
		for i in $(seq 200); do [ -s "$D/ready" ] && break; sleep 0.05; done
		read -r child forker < "$D/ready"
		for i in $(seq 200); do [ "$(cat /proc/$child/comm)" = sleep ] && break; sleep 0.05; done
		cat "$ROOT/tasks" > "$D/tasks.raw"
		cat "$ROOT/threads" > "$D/threads.raw"
		ps -e -o pid=,ppid=,comm= > "$D/ps"
		echo "$child $forker $!" > "$D/ids"' 3>&-
	local child forker py
	read -r child forker py < "$d/ids"
	# not vacuous: the forking thread is not the main one, ps agrees
	[ "$forker" != "$py" ]
	grep -qE "^ *$child +$py sleep\$" "$d/ps"
	# csv: pid,tid,ppid,uid,state,threads,rss,time,start,comm
	same "tasks pid ppid comm, in the namespace" \
		"$(awk '$3 != "ps" { print $1, $2, $3 }' "$d/ps" | sort)" \
		"$(awk -F, 'NR > 1 && $10 != "cat" { print $1, $3, $10 }' "$d/tasks.raw" | sort)"
	same "threads ppid of the child" "$child $child $py" \
		"$(awk -F, -v c="$child" '$1 == c { print $1, $2, $3 }' "$d/threads.raw")"
}

@test "tasks: rss, start and time agree with /proc/PID/status VmRSS and /proc/PID/stat" {
	# CPU time in three threads, one of which has exited; 16 MiB touched.
	local code='
import sys, threading, time
def burn(s):
    t = time.thread_time()
    while time.thread_time() - t < s:
        pass
gone = threading.Thread(target=burn, args=(0.3,))
gone.start(); gone.join()
threading.Thread(target=lambda: (burn(0.2), time.sleep(1000)), daemon=True).start()
burn(0.1)
mem = bytearray(16 << 20)
for i in range(0, len(mem), 4096):
    mem[i] = 1
open(sys.argv[1], "w").close()
time.sleep(1000)'
	local py
	spawn_py "${TAG}m" "$code"
	py=$LAST_PID
	wait_for all_threads "$py" 2 S
	run_bg "$(named "${TAG}s" /bin/sleep)" 1000
	wait_for state_is "$LAST_PID" S

	manifest numbers.conf <<-EOF
	[procs]
	program = tasks
	comm = ${TAG}*
	format = csv
	[threads]
	program = tasks
	comm = ${TAG}*
	threads = yes
	format = json
	EOF
	bv apply

	local f
	f=$(view procs)
	same "process rows" "$(printf '%s\n' "$py" "$LAST_PID" | sort -n)" \
		"$(pyh parse tasks csv "$f" pid | tr -d '"[]')"
	run pyh numbers csv "$f" process
	echo "$output"
	[ "$status" -eq 0 ]
	# the exited thread's 0.3 s and the others' count in the process row
	local time
	time=$(pyh parse tasks csv "$f" pid time | grep "^\[\"$py\"" | tr -d '"[] ' | cut -d, -f2)
	echo "process time $time"
	awk -v t="$time" 'BEGIN { exit !(t >= 0.55) }'
	# and the rss is the 16 MiB at least
	local rss
	rss=$(pyh parse tasks csv "$f" pid rss | grep "^\[\"$py\"" | tr -d '"[] ' | cut -d, -f2)
	echo "process rss $rss KiB"
	[ "$rss" -ge 16384 ]

	f=$(view threads)
	run pyh numbers json "$f" thread
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | grep -c ' time ')" -eq 3 ]
}

@test "tasks: comm filter takes a list of exact names and prefix* entries" {
	local want=() p
	run_bg "$(named "${TAG}a" /bin/sleep)" 1000;  want+=("$LAST_PID")	# exact
	run_bg "$(named "${TAG}ab" /bin/sleep)" 1000			# not a prefix match of ${TAG}a
	run_bg "$(named "${TAG}b1" /bin/sleep)" 1000; want+=("$LAST_PID")	# ${TAG}b*
	run_bg "$(named "${TAG}b2" /bin/sleep)" 1000; want+=("$LAST_PID")	# ${TAG}b*
	run_bg "$(named "${TAG}b" /bin/sleep)" 1000;  want+=("$LAST_PID")	# ${TAG}b* (empty rest)
	run_bg "$(named "${TAG}c" /bin/sleep)" 1000			# not listed
	# 16 characters: the comm is its first 15, which the filter lists
	run_bg "$(named "${TAG}xlongname" /bin/sleep)" 1000; want+=("$LAST_PID")
	run_bg "$(named "${TAG}xlongnaz" /bin/sleep)" 1000		# 15 characters, not listed
	for p in "${PIDS[@]}"; do
		wait_for state_is "$p" S
	done
	[ "$(cat "/proc/${want[4]}/comm")" = "${TAG}xlongnam" ]

	manifest comm.conf <<-EOF
	[some]
	program = tasks
	comm = ${TAG}a, ${TAG}b*, ${TAG}xlongnam
	[some-csv]
	program = tasks
	comm = ${TAG}a , ${TAG}b* ,${TAG}xlongnam
	format = csv
	[all]
	program = tasks
	comm = ${TAG}*
	format = json
	EOF
	bv apply

	local expected actual
	expected=$(pyh ps "${want[@]}")
	[ "$(echo "$expected" | wc -l)" -eq 5 ]
	actual=$(pyh parse tasks table "$(view some)" pid ppid uid state threads comm)
	same "comm = list with prefixes" "$expected" "$actual"
	actual=$(pyh parse tasks csv "$(view some-csv)" pid ppid uid state threads comm)
	same "comm = list with prefixes (csv)" "$expected" "$actual"
	expected=$(pyh ps "${PIDS[@]}")
	[ "$(echo "$expected" | wc -l)" -eq 8 ]
	actual=$(pyh parse tasks json "$(view all)" pid ppid uid state threads comm)
	same "comm = ${TAG}*" "$expected" "$actual"
}

@test "tasks: link parameter pid = N walks one process, tid = N one thread" {
	local py sl tid
	spawn_py "${TAG}p" "$PY_THREADS" 3
	py=$LAST_PID
	run_bg "$(named "${TAG}s" /bin/sleep)" 1000
	sl=$LAST_PID
	wait_for all_threads "$py" 4 S
	wait_for state_is "$sl" S
	tid=$(ls "/proc/$py/task" | sort -n | sed -n 3p)
	[ "$tid" != "$py" ]

	manifest link.conf <<-EOF
	[by-pid]
	program = tasks
	pid = $py
	[by-pid-threads]
	program = tasks
	pid = $py
	threads = yes
	format = csv
	[by-tid]
	program = tasks
	tid = $tid
	threads = yes
	format = json
	[by-pid-sleep]
	program = tasks
	pid = $sl
	format = csv
	[files-by-pid]
	program = files
	pid = $sl
	format = csv
	[stacks-by-tid]
	program = stacks
	tid = $tid
	format = csv
	EOF
	bv apply

	local expected actual
	expected=$(pyh ps "$py")
	actual=$(pyh parse tasks table "$(view by-pid)" pid ppid uid state threads comm)
	same "pid = $py" "$expected" "$actual"

	expected=$(pyh threads "$py")
	actual=$(pyh parse tasks csv "$(view by-pid-threads)" pid tid state threads comm)
	same "pid = $py, threads = yes" "$expected" "$actual"

	expected=$(pyh threads "$py" | grep "^\[\"$py\", \"$tid\",")
	actual=$(pyh parse tasks json "$(view by-tid)" pid tid state threads comm)
	same "tid = $tid" "$expected" "$actual"

	expected=$(pyh ps "$sl")
	actual=$(pyh parse tasks csv "$(view by-pid-sleep)" pid ppid uid state threads comm)
	same "pid = $sl" "$expected" "$actual"

	expected=$(pyh fds csv "$sl")
	actual=$(pyh parse files csv "$(view files-by-pid)")
	same "files, pid = $sl" "$expected" "$actual"

	expected=$(pyh stacks -1 "$py" | grep "^\[\"$py\", \"$tid\",")
	actual=$(pyh parse stacks csv "$(view stacks-by-tid)")
	same "stacks, tid = $tid" "$expected" "$actual"
}

@test "tasks: table, csv and json give the same rows, escaping an awkward comm" {
	local weird="${TAG} a,\"b" pids=()
	run_bg "$(named "$weird" /bin/sleep)" 1000; pids+=("$LAST_PID")
	spawn_py "${TAG}p" "$PY_THREADS" 2;         pids+=("$LAST_PID")
	run_bg setpriv --reuid=65534 --regid=65534 --clear-groups "$(named "${TAG}u" /bin/sleep)" 1000
	pids+=("$LAST_PID")
	wait_for state_is "${pids[0]}" S
	wait_for all_threads "${pids[1]}" 3 S
	wait_for state_is "${pids[2]}" S
	[ "$(cat "/proc/${pids[0]}/comm")" = "$weird" ]

	manifest formats.conf <<-EOF
	[table]
	program = tasks
	comm = ${TAG}*
	threads = yes
	[csv]
	program = tasks
	comm = ${TAG}*
	threads = yes
	format = csv
	[json]
	program = tasks
	comm = ${TAG}*
	threads = yes
	format = json
	EOF
	bv apply

	local table csv json expected
	table=$(pyh parse tasks table "$(view table)")
	csv=$(pyh parse tasks csv "$(view csv)")
	json=$(pyh parse tasks json "$(view json)")
	same "csv vs table (all columns)" "$table" "$csv"
	same "json vs table (all columns)" "$table" "$json"
	# and they are the processes' threads, comm included
	expected=$(pyh threads "${pids[@]}")
	same "table vs /proc/PID/task" "$expected" \
		"$(pyh parse tasks table "$(view table)" pid tid state threads comm)"
	# the raw escaping, as documented
	run grep -F "${TAG} a,\"\"b\"" "$CONF/csv.out"
	[ "$status" -eq 0 ]
	[[ ${lines[0]} == *",\"${TAG} a,\"\"b\"" ]]
	run grep -F "\"comm\":\"${TAG} a,\\\"b\"}" "$CONF/json.out"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
}

@test "escaping: tasks, files and stacks show an awkward comm as each format documents" {
	# 17 bytes, which the kernel cuts to 15: a control character, a newline,
	# a comma, a byte that is never UTF-8, a quote, a backslash, and the first
	# two bytes of the 3-byte euro sign
	local name="${TAG}"$'\x01\n,\xff"\\\xe2\x82\xac'
	run_bg "$(named "$name" /bin/sleep)" 1000
	local sl=$LAST_PID
	wait_for state_is "$sl" S
	[ "$(od -An -tx1 "/proc/$sl/comm" | tr -d ' \n' | tail -c 18)" = 010a2cff225ce2820a ]

	local prog fmt
	for prog in tasks files stacks; do
		for fmt in table csv json; do
			cat <<-EOF
			[$prog-$fmt]
			program = $prog
			comm = ${TAG}*
			format = $fmt
			EOF
		done
	done | manifest escaping.conf
	bv apply

	local expected actual
	for fmt in table csv json; do
		expected=$(pyh comms "$fmt" "$sl")
		[ "$(echo "$expected" | wc -l)" -eq 1 ]
		actual=$(pyh parse tasks "$fmt" "$(view "tasks-$fmt")" pid tid comm)
		same "tasks $fmt comm" "$expected" "$actual"
		actual=$(pyh parse stacks "$fmt" "$(view "stacks-$fmt")" pid tid comm | uniq)
		same "stacks $fmt comm" "$expected" "$actual"
		actual=$(pyh parse files "$fmt" "$(view "files-$fmt")" pid pid comm | uniq)
		same "files $fmt comm" "$expected" "$actual"
	done
	# the bytes themselves
	local c=${TAG}
	ends_with "$CONF/tasks-table.out" " ${c}??,"$'\xff"\\\xe2\x82\n'
	ends_with "$CONF/tasks-csv.out" ",\"${c}"$'\x01\n,\xff""\\\xe2\x82"\n'
	ends_with "$CONF/tasks-json.out" "\"comm\":\"${c}\\u0001\\u000a,\\ufffd\\\"\\\\\\ufffd\\ufffd\"}"$'\n'
}

@test "escaping: csv quotes a comm and a file name whose one special byte is a comma" {
	# short strings (a comm: tasks, files) and long ones (stacks' comm, a
	# path) are checked for escaping on different paths
	run_bg "$(named "${TAG}a,b" /bin/sleep)" 1000
	local sl=$LAST_PID
	mkdir "$CONF/d"
	spawn_py "${TAG}c,d" 'import os, sys, time
fd = os.open(sys.argv[2], os.O_CREAT | os.O_RDWR, 0o600)
open(sys.argv[1], "w").close()
time.sleep(1000)' "$CONF/d/x,y"
	local py=$LAST_PID
	wait_for state_is "$sl" S
	wait_for state_is "$py" S

	local prog
	for prog in tasks files stacks; do
		printf '[%s]\nprogram = %s\ncomm = %s*\nformat = csv\n' "$prog" "$prog" "$TAG"
	done | manifest comma.conf
	bv apply

	local expected
	expected=$(pyh comms csv "$sl" "$py")
	[ "$(echo "$expected" | wc -l)" -eq 2 ]
	same "tasks csv comm" "$expected" "$(pyh parse tasks csv "$(view tasks)" pid tid comm)"
	same "stacks csv comm" "$expected" "$(pyh parse stacks csv "$(view stacks)" pid tid comm | uniq)"
	expected=$(pyh fds csv "$sl" "$py")
	[[ $expected == *"\"$CONF/d/x,y\"]"* ]]
	same "files csv" "$expected" "$(pyh parse files csv "$(view files)")"
	# the bytes themselves: in quotes, the rest of the record after them
	grep -qE "^$sl,$sl,[0-9]+,0,S,1,[0-9]+,[0-9.]+,[0-9.]+,\"${TAG}a,b\"\$" "$CONF/tasks.out"
	grep -qxF "pid,tid,comm,depth,frame" "$CONF/stacks.out"
	grep -qE "^$py,$py,\"${TAG}c,d\",0," "$CONF/stacks.out"
	grep -qE "^$py,\"${TAG}c,d\",[0-9]+,REG,\"$CONF/d/x,y\"\$" "$CONF/files.out"
}

# ---------------------------------------------------------------------------
# table alignment
# ---------------------------------------------------------------------------

# The rule of view.h for tables: every column has a minimum width; numbers
# are right-aligned in it, text is left-aligned, a value longer than the
# width takes what it needs and moves the rest of its row right.  The
# header is printed with the same widths.  The checker reads a table view
# and fails on any row whose fields are not under the header's labels by
# that rule.  Whether a column is right- or left-aligned comes from the rows
# themselves (whichever way more of its values line up with its label), so
# one checker serves every view.  Prints "VIEW: N rows, N moved right by a
# long value, N misaligned" and the first misaligned rows.
ALIGN=$(cat <<'PYEOF'
import re, sys

def run_end(row, i):
    while i < len(row) and row[i] != " ":
        i += 1
    return i

def run_start(row, i):
    while i > 0 and row[i - 1] != " ":
        i -= 1
    return i

def ends_at(row, b, q):
    """A value ends at b, after the end q of the previous one."""
    return (0 < b <= len(row) and row[b - 1] != " " and (b == len(row) or row[b] == " ")
            and run_start(row, b - 1) > q)

def starts_at(row, a, q, last):
    """A value starts at a, after the end q of the previous one (the last
    field may be empty)."""
    if a <= q or a > len(row) or (a > 0 and row[a - 1] != " "):
        return False
    return a < len(row) and row[a] != " " or last and a >= len(row)

def kinds(labels, rows):
    """Each column right-aligned (R: its values end where its label ends)
    or left-aligned (L: they start where it starts), whichever more rows
    say; where values as long as the label say both, R for numbers and L
    for text; None for a column that lines up neither way."""
    out = []
    for j, (a, b) in enumerate(labels):
        last = j == len(labels) - 1
        r = l = 0
        numbers = True
        for row in rows:
            r += ends_at(row, b, -1)
            if starts_at(row, a, -1, last):
                l += 1
                numbers = numbers and re.fullmatch(r"[0-9.]+", row[a:run_end(row, a)])
        out.append(None if not r and not l else "R" if r > l or r == l and numbers else "L")
    return out

def check(labels, kind, row):
    """(why not, None if aligned; how far the row's end moved right)."""
    s, q = 0, -1        # shift so far; end of the previous value
    for j, ((a, b), k) in enumerate(zip(labels, kind)):
        last = j == len(labels) - 1
        if k is None:
            return "column %d lines up neither way" % (j + 1), s
        if k == "R" and ends_at(row, b + s, q):
            q = b + s
        elif k == "L" and starts_at(row, a + s, q, last):
            q = run_end(row, a + s)
        elif k == "L" and not last and a + s > q and b + s < len(row) and \
                not row[a + s - 1:b + s + 1].strip():
            q = b + s       # an empty value: blank under its label
        elif q + 1 < len(row) and (q < 0 or row[q] == " ") and row[q + 1] != " " and \
                (k == "R" and run_end(row, q + 1) > b + s or k == "L" and q >= a + s):
            # longer than its column: this value (R) or the previous one (L)
            # follows one space after the previous value, the rest moves
            v0 = q + 1
            q = run_end(row, v0)
            s = q - b if k == "R" else v0 - a
        else:
            return "column %d (%s) is not under its label" % (j + 1, k), s
    return None, s

path, name = sys.argv[1], sys.argv[2]
lines = open(path, encoding="utf-8", errors="surrogateescape").read().split("\n")
if lines[-1] != "":
    sys.exit("%s: does not end with a newline" % name)
header, rows = lines[0], lines[1:-1]
labels = [(m.start(), m.end()) for m in re.finditer(r"\S+", header)]
kind = kinds(labels, rows)
bad, moved = [], 0
for n, row in enumerate(rows, 2):
    why, shift = check(labels, kind, row)
    moved += shift > 0
    if why:
        bad.append("%s line %d: %s\n  %s\n  %s" % (name, n, why, header, row))
print("%s: %d rows, %d moved right by a long value, %d misaligned (columns %s)" % (
      name, len(rows), moved, len(bad),
      " ".join("%s%d-%d" % (k, a, b) for k, (a, b) in zip(kind, labels))))
print("\n".join(bad[:5]))
sys.exit(1 if bad or not rows else 0)
PYEOF
)

# Sockets of every kind the network views list, so each has rows; a UDP
# socket on an IPv6 address too long for the LOCAL column (bound with
# IP_FREEBIND, it sends nothing).
PY_SOCKETS='
import os, socket, sys, time
keep = []
l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen(); keep.append(l)
c = socket.create_connection(l.getsockname()); keep.append(c)
keep.append(l.accept()[0])
for fam, addr in ((socket.AF_INET, "127.0.0.1"),
                  (socket.AF_INET6, "2001:db8:1234:5678:9abc:def0:1234:5678")):
    u = socket.socket(fam, socket.SOCK_DGRAM)
    u.setsockopt(socket.SOL_IP, 15, 1)   # IP_FREEBIND
    u.bind((addr, 0)); keep.append(u)
x = socket.socket(socket.AF_UNIX); x.bind(sys.argv[2]); x.listen(); keep.append(x)
n = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0); n.bind((0, 0)); keep.append(n)
open(sys.argv[1], "w").close()
time.sleep(1000)'

@test "table: the rows of every built-in view of the default manifest are under its header" {
	spawn_py "${TAG}n" "$PY_SOCKETS" "$CONF/${TAG}.sock"
	manifest 50-default.conf < "$BATS_TEST_DIRNAME/../../conf.d/50-default.conf"
	bv apply

	local views=() v prog n=0
	while read -r v prog; do
		views+=("$v")
		# stacks: a block per thread (a "pid N tid N comm C" line, then
		# its frames), not columns under a header
		[ "$prog" = stacks ] && continue
		rd "$v" > "$CONF/table.out"
		run python3 -c "$ALIGN" "$CONF/table.out" "$v"
		echo "$output"
		[ "$status" -eq 0 ]
		n=$((n + 1))
		# not vacuous: the long address moved the rest of its row
		if [ "$v" = net/udp ]; then
			[[ ${lines[0]} != *" 0 moved right"* ]]
		fi
	done < <(awk -F' *= *' '/^\[/ { v = substr($0, 2, length($0) - 2) }
		$1 == "program" { print v, $2 }' "$CONF/50-default.conf")
	# every view of the default manifest, all but stacks checked
	same "views of the default manifest" "$(bv cat-config | sed -n 's/^\[\(.*\)\]$/\1/p')" \
		"$(printf '%s\n' "${views[@]}")"
	[ "$n" -eq $((${#views[@]} - 1)) ]
}

# ---------------------------------------------------------------------------
# headers
# ---------------------------------------------------------------------------

@test "header: exactly once, also when the filter excludes every task or the first ones" {
	run_bg "$(named "${TAG}s" /bin/sleep)" 1000
	local sl=$LAST_PID
	wait_for state_is "$sl" S
	# a process with 500 long names open: its rows span several read buffers
	local long
	long=$CONF/$(printf 'x%.0s' {1..200})
	: > "$long"
	spawn_py "${TAG}f" 'import os, sys
fds = [os.open(sys.argv[2], os.O_RDONLY) for _ in range(500)]
open(sys.argv[1], "w").close()
import time; time.sleep(1000)' "$long"
	local many=$LAST_PID

	manifest header.conf <<-EOF
	[none-tasks]
	program = tasks
	comm = ${TAG}-none
	[none-tasks-csv]
	program = tasks
	comm = ${TAG}-none
	format = csv
	[none-tasks-json]
	program = tasks
	comm = ${TAG}-none
	format = json
	[none-files]
	program = files
	comm = ${TAG}-none
	[none-files-csv]
	program = files
	comm = ${TAG}-none
	format = csv
	[none-files-json]
	program = files
	comm = ${TAG}-none
	format = json
	[none-stacks]
	program = stacks
	comm = ${TAG}-none
	[none-stacks-csv]
	program = stacks
	comm = ${TAG}-none
	format = csv
	[none-stacks-json]
	program = stacks
	comm = ${TAG}-none
	format = json
	[mine]
	program = tasks
	comm = ${TAG}s
	[mine-csv]
	program = tasks
	comm = ${TAG}s
	format = csv
	[all-threads-csv]
	program = tasks
	threads = yes
	format = csv
	[all-files]
	program = files
	[many-files]
	program = files
	comm = ${TAG}f
	[many-files-csv]
	program = files
	comm = ${TAG}f
	format = csv
	EOF
	bv apply

	local th='    PID     TID    PPID    UID STATE THREADS        RSS       TIME      START COMM'
	local ch='pid,tid,ppid,uid,state,threads,rss,time,start,comm'
	local fh='    PID COMM                FD TYPE NAME'
	local fch='pid,comm,fd,type,name'
	same "tasks, nothing matches" "$th" "$(rd "none-tasks")"
	same "tasks csv, nothing matches" "$ch" "$(rd "none-tasks-csv")"
	same "tasks json, nothing matches" "" "$(rd "none-tasks-json")"
	same "files, nothing matches" "$fh" "$(rd "none-files")"
	same "files csv, nothing matches" "$fch" "$(rd "none-files-csv")"
	same "files json, nothing matches" "" "$(rd "none-files-json")"
	same "stacks (no header), nothing matches" "" "$(rd "none-stacks")"
	same "stacks csv, nothing matches" "pid,tid,comm,depth,frame" "$(rd "none-stacks-csv")"
	same "stacks json, nothing matches" "" "$(rd "none-stacks-json")"

	# the first tasks are filtered out: header, then the one row
	local row
	row=$(awk -v p="$sl" '$1 == p' "$(view mine)")
	same "tasks, first tasks excluded" "$th"$'\n'"$row" "$(cat "$CONF/mine.out")"
	[ "$(echo "$row" | awk '{print $1, $2, $10}')" = "$sl $sl ${TAG}s" ]
	row=$(grep "^$sl,$sl," "$(view mine-csv)")
	same "tasks csv, first tasks excluded" "$ch"$'\n'"$row" "$(cat "$CONF/mine-csv.out")"

	# unfiltered, over every thread and every open file: one header, first
	local f
	f=$(view all-threads-csv)
	[ "$(head -n 1 "$f")" = "$ch" ]
	run grep -cxF "$ch" "$f"
	[ "$output" -eq 1 ]
	f=$(view all-files)
	[ "$(head -n 1 "$f")" = "$fh" ]
	run grep -cxF "$fh" "$f"
	[ "$output" -eq 1 ]

	# 500 rows of 250+ bytes: more than one buffer of the kernel's seq_file
	local expected
	f=$(view many-files)
	[ "$(stat -c %s "$f")" -gt 100000 ]
	expected=$(pyh fds table "$many")
	[ "$(echo "$expected" | wc -l)" -gt 500 ]
	same "files over several buffers" "$expected" "$(pyh parse files table "$f")"
	expected=$(pyh fds csv "$many")
	same "files csv over several buffers" "$expected" "$(pyh parse files csv "$(view many-files-csv)")"
}

@test "header: once for walks of one object and of none (pid = N), whatever the read size" {
	run_bg "$(named "${TAG}s" /bin/sleep)" 1000
	local sl=$LAST_PID
	# one open file (fd 0), and none at all
	spawn_py "${TAG}o" 'import os, sys, time
open(sys.argv[1], "w").close()
os.closerange(1, 1 << 16)
time.sleep(1000)'
	local one=$LAST_PID
	spawn_py "${TAG}z" 'import os, sys, time
open(sys.argv[1], "w").close()
os.closerange(0, 1 << 16)
time.sleep(1000)'
	local zero=$LAST_PID
	wait_for state_is "$sl" S
	wait_for fds_are "$one" 0
	wait_for fds_are "$zero" ""
	wait_for state_is "$one" S
	wait_for state_is "$zero" S

	manifest one.conf <<-EOF
	[one-task]
	program = tasks
	pid = $sl
	[one-task-csv]
	program = tasks
	pid = $sl
	format = csv
	[one-thread]
	program = tasks
	tid = $sl
	format = csv
	[one-task-filtered]
	program = tasks
	pid = $sl
	comm = ${TAG}-none
	format = csv
	[one-file]
	program = files
	pid = $one
	[one-file-csv]
	program = files
	pid = $one
	format = csv
	[no-file]
	program = files
	pid = $zero
	[no-file-csv]
	program = files
	pid = $zero
	format = csv
	[one-stack-csv]
	program = stacks
	pid = $sl
	format = csv
	EOF
	bv apply

	local th='    PID     TID    PPID    UID STATE THREADS        RSS       TIME      START COMM'
	local ch='pid,tid,ppid,uid,state,threads,rss,time,start,comm'
	local fh='    PID COMM                FD TYPE NAME'
	local fch='pid,comm,fd,type,name'
	local v bs expected whole
	# expected content: header and the oracle's rows
	same "one task" "$(pyh ps "$sl")" "$(pyh parse tasks table "$(view one-task)" pid ppid uid state threads comm)"
	same "one task csv" "$(pyh ps "$sl")" "$(pyh parse tasks csv "$(view one-task-csv)" pid ppid uid state threads comm)"
	same "one thread csv" "$(pyh ps "$sl")" "$(pyh parse tasks csv "$(view one-thread)" pid ppid uid state threads comm)"
	same "one task filtered out" "$ch" "$(rd "one-task-filtered")"
	same "one file" "$(pyh fds table "$one")" "$(pyh parse files table "$(view one-file)")"
	[ "$(wc -l < "$CONF/one-file.out")" -eq 2 ]
	same "one file csv" "$(pyh fds csv "$one")" "$(pyh parse files csv "$(view one-file-csv)")"
	same "no file" "$fh" "$(rd "no-file")"
	same "no file csv" "$fch" "$(rd "no-file-csv")"
	same "one stack csv" "$(pyh stacks -1 "$sl")" "$(pyh parse stacks csv "$(view one-stack-csv)")"

	# small reads give the same bytes as one large read
	for v in one-task one-task-csv one-thread one-task-filtered one-file one-file-csv \
		no-file no-file-csv one-stack-csv; do
		whole=$(rd "$v")
		for bs in 1 7 64; do
			same "$v read $bs bytes at a time" "$whole" \
				"$(dd if="$ROOT/$v" bs=$bs status=none)"
		done
	done
}

# ---------------------------------------------------------------------------
# stacks
# ---------------------------------------------------------------------------

@test "stacks: each thread's frames are symbolised and equal /proc/PID/task/TID/stack" {
	local pids=()
	run_bg "$(named "${TAG}s" /bin/sleep)" 1000; pids+=("$LAST_PID")
	spawn_py "${TAG}p" "$PY_THREADS" 2;         pids+=("$LAST_PID")
	spawn_zombie "${TAG}z";                     pids+=("$ZPARENT" "$ZOMBIE")
	wait_for state_is "${pids[0]}" S
	wait_for all_threads "${pids[1]}" 3 S

	manifest stacks.conf <<-EOF
	[stacks]
	program = stacks
	comm = ${TAG}*
	[stacks-csv]
	program = stacks
	comm = ${TAG}*
	format = csv
	[stacks-json]
	program = stacks
	comm = ${TAG}*
	format = json
	EOF
	bv apply

	local expected actual v fmt
	expected=$(pyh stacks -1 "${pids[@]}")
	# not vacuous: the sleeping sleep has a kernel stack of several frames
	[ "$(echo "$expected" | grep -c "^\[\"${pids[0]}\", \"${pids[0]}\", \"${TAG}s\", \"[0-9]")" -ge 3 ]
	# the zombie has none (one row with empty depth and frame)
	echo "$expected" | grep -qxF "[\"$ZOMBIE\", \"$ZOMBIE\", \"${TAG}z\", \"\", \"\"]"
	for v in stacks stacks-csv stacks-json; do
		fmt=table; [ "$v" = stacks ] || fmt=${v#stacks-}
		actual=$(pyh parse stacks "$fmt" "$(view "$v")")
		same "$v vs /proc/PID/task/TID/stack" "$expected" "$actual"
		# symbols as %pB prints them: function+0xoff/0xsize [module], never an address
		run grep -vE '^\["[0-9]+", "[0-9]+", "[^"]*", ("", ""|"[0-9]+", "([A-Za-z_][A-Za-z0-9_.]*\+0x[0-9a-f]+/0x[0-9a-f]+( \[[A-Za-z0-9_]+\])?|\?)")\]$' <<< "$actual"
		echo "$output"
		[ "$status" -eq 1 ]
		run grep -E '"(0x)?[0-9a-f]{8,}"' <<< "$actual"
		[ "$status" -eq 1 ]
	done
	# table: a thread's line, then its frames indented by four spaces
	run grep -A1 -xF "pid ${pids[0]} tid ${pids[0]} comm ${TAG}s" "$CONF/stacks.out"
	[ "${#lines[@]}" -eq 2 ]
	[[ ${lines[1]} == "    "[a-z_]* ]]
}

@test "stacks: max_frames keeps the innermost frames; 0 leaves one empty row per thread" {
	local py
	spawn_py "${TAG}p" "$PY_THREADS" 1
	py=$LAST_PID
	wait_for all_threads "$py" 2 S

	manifest frames.conf <<-EOF
	[two]
	program = stacks
	comm = ${TAG}p
	max_frames = 2
	[two-json]
	program = stacks
	comm = ${TAG}p
	max_frames = 2
	format = json
	[zero]
	program = stacks
	comm = ${TAG}p
	max_frames = 0
	[zero-csv]
	program = stacks
	comm = ${TAG}p
	max_frames = 0
	format = csv
	[zero-json]
	program = stacks
	comm = ${TAG}p
	max_frames = 0
	format = json
	EOF
	bv apply

	local expected t
	expected=$(pyh stacks 2 "$py")
	[ "$(echo "$expected" | wc -l)" -eq 4 ]
	same "max_frames = 2" "$expected" "$(pyh parse stacks table "$(view two)")"
	same "max_frames = 2, json" "$expected" "$(pyh parse stacks json "$(view two-json)")"

	expected=$(pyh stacks 0 "$py")
	[ "$(echo "$expected" | wc -l)" -eq 2 ]
	same "max_frames = 0" "$expected" "$(pyh parse stacks table "$(view zero)")"
	same "max_frames = 0, csv" "$expected" "$(pyh parse stacks csv "$(view zero-csv)")"
	same "max_frames = 0, json" "$expected" "$(pyh parse stacks json "$(view zero-json)")"
	# the raw rows as documented
	expected=pid,tid,comm,depth,frame
	for t in $(ls "/proc/$py/task" | sort -n); do
		expected+=$'\n'"$py,$t,${TAG}p,,"
	done
	same "max_frames = 0, csv bytes" "$expected" "$(cat "$CONF/zero-csv.out")"
	grep -qxF "{\"pid\":$py,\"tid\":$py,\"comm\":\"${TAG}p\",\"depth\":null,\"frame\":null}" "$CONF/zero-json.out"
}

# ---------------------------------------------------------------------------
# files
# ---------------------------------------------------------------------------

# Opens, in the directory argv[2]: a file, a deleted file, a file with an
# awkward name (space, comma, quote, newline, é, an invalid UTF-8 byte), a
# file at a path of about 3000 bytes, the directory itself; and a pipe, a
# unix socket pair, a TCP listener, a UDP socket, an eventfd, an epoll fd, a
# memfd and /dev/null.  Two extra threads share the file table.  With a third
# argument "unshare", one more thread unshares its table (CLONE_FILES), opens
# "own" in it and writes its tid to READY.tid.
PY_FILES='
import ctypes, os, socket, sys, threading, time, select
d = sys.argv[2].encode()
keep = []
keep.append(os.open(os.path.join(d, b"plain"), os.O_CREAT | os.O_RDWR, 0o600))
keep.append(os.open(os.path.join(d, b"gone"), os.O_CREAT | os.O_RDWR, 0o600))
os.unlink(os.path.join(d, b"gone"))
keep.append(os.open(os.path.join(d, b"a b,c\"d\n\xc3\xa9\xff"), os.O_CREAT | os.O_RDWR, 0o600))
deep = d
while len(deep) < 3000:
    deep = os.path.join(deep, b"l" * 200)
    os.mkdir(deep)
keep.append(os.open(os.path.join(deep, b"leaf"), os.O_CREAT | os.O_RDWR, 0o600))
keep.append(os.open(d, os.O_RDONLY | os.O_DIRECTORY))
keep.extend(os.pipe())
keep.extend(socket.socketpair())
l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen(); keep.append(l)
u = socket.socket(type=socket.SOCK_DGRAM); keep.append(u)
keep.append(os.eventfd(0))
keep.append(select.epoll())
keep.append(os.memfd_create("bvtest"))
keep.append(os.open("/dev/null", os.O_RDONLY))
for _ in range(2):
    threading.Thread(target=time.sleep, args=(1000,), daemon=True).start()
def own_table(done):
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(0x400) != 0:
        raise OSError(ctypes.get_errno(), "unshare(CLONE_FILES)")
    keep.append(os.open(os.path.join(d, b"own"), os.O_CREAT | os.O_RDWR, 0o600))
    with open(sys.argv[1] + ".tid", "w") as f:
        f.write(str(threading.get_native_id()))
    done.set()
    time.sleep(1000)
if sys.argv[3:] == ["unshare"]:
    done = threading.Event()
    threading.Thread(target=own_table, args=(done,), daemon=True).start()
    done.wait()
open(sys.argv[1], "w").close()
time.sleep(1000)'

@test "files: fd, type and name equal readlink and stat of /proc/PID/fd, shared tables once" {
	mkdir "$CONF/d"
	spawn_py "${TAG}f" "$PY_FILES" "$CONF/d" unshare
	local py=$LAST_PID own
	own=$(cat "$CONF/${TAG}f.ready.tid")
	run_bg "$(named "${TAG}s" /bin/sleep)" 1000
	local sl=$LAST_PID
	wait_for all_threads "$py" 4 S
	wait_for state_is "$sl" S
	# the oracle agrees that the thread has a table of its own
	ls -l "/proc/$py/task/$own/fd/" | grep -q ' -> /.*/d/own$'
	run sh -c "ls -l /proc/$py/fd/ | grep ' -> /.*/d/own\$'"
	[ "$status" -eq 1 ]

	manifest files.conf <<-EOF
	[files]
	program = files
	comm = ${TAG}*
	EOF
	bv apply

	local expected actual t
	# the process's table, the one thread's own table (under the same pid),
	# and the sleep's: the other threads share the first and add nothing
	expected=$(pyh fds table "$py" "$py/task/$own" "$sl")
	actual=$(pyh parse files table "$(view files)")
	same "files vs /proc/PID/fd" "$expected" "$actual"
	[ "$(echo "$actual" | wc -l)" -eq "$(( $(ls "/proc/$py/fd" | wc -l) + \
		$(ls "/proc/$py/task/$own/fd" | wc -l) + $(ls "/proc/$sl/fd" | wc -l) ))" ]
	# not vacuous: every type this test opened is in the oracle
	for t in REG DIR CHR FIFO SOCK anon; do
		echo "$expected" | grep -qF "\"$t\"" || { echo "no $t in: $expected"; false; }
	done
	for t in 'socket:\[[0-9]+\]' 'pipe:\[[0-9]+\]' 'anon_inode:\[eventfd\]' \
		'anon_inode:\[eventpoll\]' '/memfd:bvtest \(deleted\)' '/gone \(deleted\)' \
		"$CONF/d/plain" '/leaf' '/d/own'; do
		echo "$expected" | grep -qE "\"[^\"]*$t\"\]\$" || { echo "no $t in: $expected"; false; }
	done
}

@test "files: table, csv and json give the same rows, names escaped as documented" {
	mkdir "$CONF/d"
	spawn_py "${TAG}f" "$PY_FILES" "$CONF/d"
	local py=$LAST_PID
	wait_for all_threads "$py" 3 S

	manifest files.conf <<-EOF
	[table]
	program = files
	comm = ${TAG}f
	[csv]
	program = files
	comm = ${TAG}f
	format = csv
	[json]
	program = files
	comm = ${TAG}f
	format = json
	EOF
	bv apply

	local fmt
	for fmt in table csv json; do
		same "$fmt vs /proc/PID/fd" "$(pyh fds "$fmt" "$py")" \
			"$(pyh parse files "$fmt" "$(view "$fmt")")"
	done
	# the raw escaping of the awkward name in each format
	LC_ALL=C grep -qF "/d/a b,c\"d?"$'\xc3\xa9\xff' "$CONF/table.out"
	LC_ALL=C grep -qF ",\"$CONF/d/a b,c\"\"d" "$CONF/csv.out"
	LC_ALL=C grep -qF "\"name\":\"$CONF/d/a b,c\\\"d\\u000a"$'\xc3\xa9'"\\ufffd\"}" "$CONF/json.out"
}

@test "views: concurrent readers each get the complete output" {
	mkdir "$CONF/d"
	spawn_py "${TAG}f" "$PY_FILES" "$CONF/d"
	local py=$LAST_PID
	wait_for all_threads "$py" 3 S

	manifest concurrent.conf <<-EOF
	[files]
	program = files
	comm = ${TAG}f
	format = json
	[stacks]
	program = stacks
	comm = ${TAG}f
	format = csv
	EOF
	bv apply

	local i v readers=()
	for v in files stacks; do
		for i in $(seq 8); do
			cat "$ROOT/$v" > "$CONF/$v.$i" &
			readers+=($!)
		done
	done
	for i in "${readers[@]}"; do
		wait "$i"
	done
	local files stacks
	files=$(pyh fds json "$py")
	stacks=$(pyh stacks -1 "$py")
	for i in $(seq 8); do
		same "reader $i of files" "$files" "$(pyh parse files json "$CONF/files.$i")"
		same "reader $i of stacks" "$stacks" "$(pyh parse stacks csv "$CONF/stacks.$i")"
	done
}
