#!/usr/bin/env bats
# Kernel tests of format = prometheus (the tasks program): the series of
# processes the test starts (prom_proc.py) against /proc, the text format
# against promtool check metrics and prom_check.py, label escaping, the
# bound on the output, and concurrent readers.

load helpers

setup() {
	setup_view_root
	# the names of this run's processes: runs at the same time see each other's
	P=bv$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
	export P
	command -v promtool > /dev/null || skip "no promtool (Debian package prometheus)"
	manifest prom.conf <<-EOF
	[prom]
	program = tasks
	format = prometheus
	comm = $P*

	[all]
	program = tasks
	format = prometheus
	EOF
}

teardown() {
	teardown_view_root
}

# start NAME THREADS MB CPU_MS: a prom_proc.py process; its pid in $STARTED.
start() {
	local ready=$BATS_TEST_TMPDIR/ready.$RANDOM
	spawn python3 "$BATS_TEST_DIRNAME/prom_proc.py" "$1" "$2" "$3" "$4" "$ready"
	for _ in $(seq 100); do
		[ -e "$ready" ] && break
		kill -0 "$LAST_PID" 2>/dev/null || break
		sleep 0.1
	done
	[ -e "$ready" ] || { echo "prom_proc.py $1 did not start"; return 1; }
	STARTED=$(cat "$ready")
}

# samples VIEW: the view read, checked by promtool and prom_check.py, as
# "NAME LABEL='VALUE' NUMBER" lines in $BATS_TEST_TMPDIR/VIEW.samples.
samples() {
	local f=$BATS_TEST_TMPDIR/$1
	rd "$1" > "$f"
	reads_ok
	run promtool check metrics < "$f"
	[ "$status" -eq 0 ] || { echo "promtool: $output"; return 1; }
	[ -z "$output" ] || { echo "promtool: $output"; return 1; }
	python3 "$BATS_TEST_DIRNAME/prom_check.py" "$f" > "$f.samples"
}

# value VIEW NAME LABEL='VALUE': the sample's number.
value() {
	awk -v k="$2 $3" '$1 " " $2 == k { print $3 }' "$BATS_TEST_TMPDIR/$1.samples"
}

@test "prometheus: processes, threads, resident memory and CPU seconds per name equal /proc" {
	bv apply
	local pids=() p
	for _ in 1 2 3; do
		start "b'${P}A'" 4 20 300
		pids+=("$STARTED")
	done
	start "b'${P}B'" 1 5 0
	pids+=("$STARTED")
	samples prom
	python3 - "$BATS_TEST_TMPDIR/prom.samples" "${pids[@]}" <<-'EOF'
	import os, sys
	samples = dict(l.rsplit(" ", 1) for l in open(sys.argv[1]).read().splitlines())
	page, hz = os.sysconf("SC_PAGE_SIZE"), os.sysconf("SC_CLK_TCK")
	want, states = {}, {}
	for pid in sys.argv[2:]:
	    comm = open("/proc/%s/comm" % pid).read().rstrip("\n")
	    status = dict(l.split(":\t", 1) for l in open("/proc/%s/status" % pid).read().splitlines())
	    stat = open("/proc/%s/stat" % pid).read().rsplit(")", 1)[1].split()
	    w = want.setdefault(comm, [0, 0, 0, 0.0])
	    w[0] += 1
	    w[1] += int(status["Threads"])
	    w[2] += int(open("/proc/%s/statm" % pid).read().split()[1]) * page
	    w[3] += (int(stat[11]) + int(stat[12])) / hz
	    for tid in os.listdir("/proc/%s/task" % pid):
	        st = open("/proc/%s/task/%s/stat" % (pid, tid)).read().rsplit(")", 1)[1].split()[0]
	        states[st] = states.get(st, 0) + 1
	got = lambda name, label: samples.get("bpfviews_%s %s" % (name, label))
	for comm, (procs, threads, rss, cpu) in want.items():
	    label = "comm=%r" % comm
	    assert got("processes", label) == str(procs), (comm, procs, got("processes", label))
	    assert got("threads", label) == str(threads), (comm, threads, got("threads", label))
	    # the kernel's counters without their per-CPU parts (as the tasks
	    # table), which /proc sums: up to batch pages per CPU for each of
	    # 3 counters (lib/percpu_counter.c: batch = max(32, 2 * CPUs))
	    cpus = os.cpu_count()
	    slack = procs * 3 * cpus * max(32, 2 * cpus) * page
	    mem = int(got("resident_memory_bytes", label))
	    assert abs(mem - rss) <= slack, (comm, rss, mem, slack)
	    seconds = float(got("cpu_seconds_total", label))
	    # /proc cuts user and system time to ticks each
	    assert abs(seconds - cpu) <= procs * 2 / hz + 0.01, (comm, cpu, seconds)
	a = os.environ["P"] + "A"
	assert float(got("cpu_seconds_total", "comm=%r" % a)) >= 0.85
	assert want[a][2] >= 3 * 20 << 20
	for st, n in states.items():
	    assert got("tasks", "state=%r" % st) == str(n), (st, n, got("tasks", "state=%r" % st))
	assert sum(l.startswith("bpfviews_tasks ") for l in samples) == len(states), samples
	assert len(samples) == 4 * len(want) + len(states), samples
	EOF
}

@test "prometheus: a whole-machine read passes promtool; kernel threads count by name up to '/'" {
	bv apply
	samples all
	local f=$BATS_TEST_TMPDIR/all
	# the families, each once, in this order, with their types
	[ "$(grep '^# TYPE' "$f")" = "$(printf '%s\n' \
		'# TYPE bpfviews_processes gauge' '# TYPE bpfviews_threads gauge' \
		'# TYPE bpfviews_resident_memory_bytes gauge' \
		'# TYPE bpfviews_cpu_seconds_total counter' '# TYPE bpfviews_tasks gauge')" ]
	grep -q "^bpfviews_processes comm='kworker' [1-9]" "$f.samples"
	grep -q "^bpfviews_processes comm='kthreadd' 1$" "$f.samples"
	# no per-CPU names of kernel threads: ps's names of them, cut at '/'
	! grep -q "comm='\(kworker\|ksoftirqd\|migration\|cpuhp\)/" "$f.samples"
	# states are /proc's letters; this machine has sleeping tasks and idle
	# kernel threads
	! grep "^bpfviews_tasks" "$f.samples" | grep -v "^bpfviews_tasks state='[RSDTtXZPI]' [1-9][0-9]*$"
	grep -q "^bpfviews_tasks state='S' [1-9]" "$f.samples"
	grep -q "^bpfviews_tasks state='I' [1-9]" "$f.samples"
}

@test "prometheus: label values are escaped; a read with no match has the families and no samples" {
	bv apply
	start "b'${P}\"q\\\\x\\n\\xff'" 1 0 0
	samples prom
	grep -qF 'bpfviews_processes{comm="'"$P"'\"q\\x\n'$'\xef\xbf\xbd''"} 1' "$BATS_TEST_TMPDIR/prom"
	python3 - "$BATS_TEST_TMPDIR/prom.samples" <<-'EOF'
	import os, sys
	want = "bpfviews_processes comm=%r 1" % (os.environ["P"] + '"q\\x\n\ufffd')
	assert want in open(sys.argv[1]).read().splitlines(), want
	EOF
	kill "$STARTED"
	wait "$STARTED" 2>/dev/null || true
	samples prom
	[ ! -s "$BATS_TEST_TMPDIR/prom.samples" ]
	[ "$(grep -c '^# HELP' "$BATS_TEST_TMPDIR/prom")" -eq 5 ]
}

@test "prometheus: more names than the read's buffer holds count under [other], and the output fits" {
	bv apply
	local dir=$BATS_TEST_TMPDIR/names i
	mkdir "$dir"
	for i in $(seq 100 399); do
		ln -s "$(command -v sleep)" "$dir/${P}o$i"
		spawn "$dir/${P}o$i" 1000
	done
	for _ in $(seq 100); do
		[ "$(ps -e -o comm= | grep -c "^${P}o")" -eq 300 ] && break
		sleep 0.1
	done
	[ "$(ps -e -o comm= | grep -c "^${P}o")" -eq 300 ]
	samples prom
	local f=$BATS_TEST_TMPDIR/prom.samples
	# every process is counted once, the names that fit and [other]
	[ "$(awk '$1 == "bpfviews_processes" { n += $3 } END { print n }' "$f")" -eq 300 ]
	[ "$(value prom bpfviews_processes "comm='[other]'")" -gt 0 ]
	[ "$(grep -c "^bpfviews_processes comm='${P}o" "$f")" -ge 80 ]
	[ "$(grep -c "^bpfviews_threads comm='${P}o" "$f")" -eq \
	  "$(grep -c "^bpfviews_processes comm='${P}o" "$f")" ]
	[ "$(wc -c < "$BATS_TEST_TMPDIR/prom")" -le 32768 ]
}

@test "prometheus: concurrent readers each get the complete series" {
	bv apply
	local i r
	for i in 1 2 3; do
		start "b'${P}C$i'" 2 1 0
	done
	rd prom > "$BATS_TEST_TMPDIR/want"
	[ "$(grep -c "^bpfviews_processes{comm=\"${P}C" "$BATS_TEST_TMPDIR/want")" -eq 3 ]
	for r in 1 2 3 4; do
		(for i in $(seq 15); do cat "$ROOT/prom" > "$BATS_TEST_TMPDIR/got.$r.$i" || exit 1; done) &
		PIDS+=("$!")
	done
	for r in 1 2 3 4; do
		wait "${PIDS[-r]}"
	done
	for r in 1 2 3 4; do
		for i in $(seq 15); do
			same "reader $r read $i (sorted)" "$(sort "$BATS_TEST_TMPDIR/want")" \
				"$(sort "$BATS_TEST_TMPDIR/got.$r.$i")"
			python3 "$BATS_TEST_DIRNAME/prom_check.py" "$BATS_TEST_TMPDIR/got.$r.$i" > /dev/null
		done
	done
}

@test "prometheus: a program without the format is refused with file:line" {
	manifest z.conf <<-EOF
	[stk]
	program = stacks
	format = prometheus
	EOF
	run bv apply
	[ "$status" -eq 2 ]
	[[ "$output" == *"$CONF/z.conf:3: [stk] program 'stacks' has no prometheus format"* ]]
	[ ! -e "$ROOT/prom" ]
	rm "$CONF/z.conf"
	bv apply
	run bv programs tasks
	[[ "$output" == *"prometheus: bpfviews_processes{comm} "* ]]
}

@test "prometheus: tcp sockets per state, listeners and accept queues per port equal ss" {
	manifest tcp.conf <<-EOF
	[tcp]
	program = tcp
	format = prometheus
	EOF
	bv apply
	# a network namespace of the test's own: no other socket in it
	unshare -n python3 - "$ROOT/tcp" "$BATS_TEST_TMPDIR/tcp" <<-'EOF'
	import socket, subprocess, sys
	subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
	keep = []
	def listen(family, addr, port, reuse=False):
	    s = socket.socket(family, socket.SOCK_STREAM)
	    if reuse:
	        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
	    if family == socket.AF_INET6:
	        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
	    s.bind((addr, port))
	    s.listen(16)
	    keep.append(s)
	listen(socket.AF_INET, "127.0.0.1", 8080, True)
	listen(socket.AF_INET, "127.0.0.1", 8080, True)
	listen(socket.AF_INET6, "::1", 8080)
	listen(socket.AF_INET, "127.0.0.1", 9090)
	for _ in range(3):	# three connections waiting for accept() on 9090
	    keep.append(socket.create_connection(("127.0.0.1", 9090)))
	keep.append(socket.create_connection(("127.0.0.1", 8080)))
	text = open(sys.argv[1]).read()
	open(sys.argv[2], "w").write(text)
	ss = subprocess.run(["ss", "-tanH"], capture_output=True, text=True, check=True).stdout
	want = {}
	def add(key, n):
	    want[key] = want.get(key, 0) + n
	for line in ss.splitlines():
	    f = line.split()
	    add('bpfviews_tcp_sockets{state="%s"}' % f[0], 1)
	    if f[0] == "LISTEN":
	        port = f[3].rsplit(":", 1)[1]
	        add('bpfviews_tcp_listeners{port="%s"}' % port, 1)
	        add('bpfviews_tcp_accept_queue{port="%s"}' % port, int(f[1]))
	got = {l.rsplit(" ", 1)[0]: int(l.rsplit(" ", 1)[1]) for l in text.splitlines() if not l.startswith("#")}
	assert got == want, (got, want)
	assert want['bpfviews_tcp_listeners{port="8080"}'] == 3, want
	assert want['bpfviews_tcp_accept_queue{port="9090"}'] == 3, want
	assert want['bpfviews_tcp_accept_queue{port="8080"}'] == 1, want
	assert want['bpfviews_tcp_sockets{state="ESTAB"}'] == 8, want
	EOF
	run promtool check metrics < "$BATS_TEST_TMPDIR/tcp"
	[ "$status" -eq 0 ] && [ -z "$output" ]
	python3 "$BATS_TEST_DIRNAME/prom_check.py" "$BATS_TEST_TMPDIR/tcp" > /dev/null
}

@test "prometheus: bpf_progs and bpf_maps count by type as bpftool shows them" {
	manifest bpf.conf <<-EOF
	[progs]
	program = bpf_progs
	format = prometheus

	[maps]
	program = bpf_maps
	format = prometheus
	EOF
	bv apply
	# other programs come and go: compare a read with bpftool listings taken
	# before and after it that agree
	python3 - "$ROOT" <<-'EOF'
	import collections, json, re, subprocess, sys
	def bpftool(what):
	    out = subprocess.run(["bpftool", "-j", what, "show"], capture_output=True, check=True).stdout
	    return collections.Counter(str(o["type"]) for o in json.loads(out))
	def view(name):
	    text = open("%s/%s" % (sys.argv[1], name)).read()
	    got = collections.Counter()
	    for line in text.splitlines():
	        if line.startswith("#"):
	            continue
	        m = re.match(r'^bpfviews_bpf_(programs|maps)\{type="([a-z0-9_]+)"\} (\d+)$', line)
	        assert m, line
	        assert m.group(2) not in got, "twice: " + line
	        got[m.group(2)] = int(m.group(3))
	    return got
	for what, name in ("prog", "progs"), ("map", "maps"):
	    for _ in range(20):
	        before, got, after = bpftool(what), view(name), bpftool(what)
	        if before == after:
	            break
	    else:
	        sys.exit("%s: bpftool never agreed with itself" % what)
	    assert got == before, (what, got, before)
	    assert got["tracing" if what == "prog" else "task_storage"] >= 2, got
	EOF
	rd progs > "$BATS_TEST_TMPDIR/bpf"
	rd maps >> "$BATS_TEST_TMPDIR/bpf"
	run promtool check metrics < "$BATS_TEST_TMPDIR/bpf"
	[ "$status" -eq 0 ] && [ -z "$output" ]
	python3 "$BATS_TEST_DIRNAME/prom_check.py" "$BATS_TEST_TMPDIR/bpf" > /dev/null
}

@test "prometheus: files counts descriptors by type as /proc/PID/fd shows them" {
	manifest files.conf <<-EOF
	[files]
	program = files
	format = prometheus
	comm = $P*
	EOF
	bv apply
	local pids=() dir=$BATS_TEST_TMPDIR/fds
	mkdir "$dir"
	# processes holding regular files, a directory, pipes, a socket pair
	# and an eventfd, each named $P + F
	cat > "$dir.py" <<-'EOF'
	import ctypes, os, socket, sys, time
	keep = [open("%s/f%d" % (sys.argv[2], i), "w") for i in range(3)]
	keep += [os.open(sys.argv[2], os.O_RDONLY), os.pipe(), socket.socketpair(),
	         os.eventfd(0)]
	ctypes.CDLL(None).prctl(15, (sys.argv[1] + "F").encode(), 0, 0, 0)	# ready
	time.sleep(1000)
	EOF
	for _ in 1 2; do
		spawn python3 "$dir.py" "$P" "$dir"
		pids+=("$LAST_PID")
	done
	for _ in $(seq 100); do
		[ "$(ps -e -o comm= | grep -c "^${P}F")" -eq 2 ] && break
		sleep 0.1
	done
	rd files > "$BATS_TEST_TMPDIR/files"
	python3 - "$BATS_TEST_TMPDIR/files" "${pids[@]}" <<-'EOF'
	import collections, os, stat, sys
	want = collections.Counter()
	for pid in sys.argv[2:]:
	    for fd in os.listdir("/proc/%s/fd" % pid):
	        path = "/proc/%s/fd/%s" % (pid, fd)
	        if os.readlink(path).startswith("anon_inode:"):
	            want["anon"] += 1
	            continue
	        m = os.stat(path).st_mode
	        want[[n for f, n in ((stat.S_ISREG, "REG"), (stat.S_ISDIR, "DIR"),
	                             (stat.S_ISCHR, "CHR"), (stat.S_ISFIFO, "FIFO"),
	                             (stat.S_ISSOCK, "SOCK"), (stat.S_ISBLK, "BLK")) if f(m)][0]] += 1
	got = collections.Counter()
	for line in open(sys.argv[1]).read().splitlines():
	    if not line.startswith("#"):
	        label, n = line.rsplit(" ", 1)
	        got[label.split('"')[1]] = int(n)
	assert got == want, (got, want)
	assert want["REG"] >= 6 and want["FIFO"] >= 4 and want["SOCK"] >= 4 and want["anon"] >= 2, want
	EOF
	run promtool check metrics < "$BATS_TEST_TMPDIR/files"
	[ "$status" -eq 0 ] && [ -z "$output" ]
}
