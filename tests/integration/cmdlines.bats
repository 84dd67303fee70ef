#!/usr/bin/env bats
# Kernel tests of the cmdlines view (each process's command line and
# executable), checked against /proc/PID/cmdline and readlink /proc/PID/exe
# of processes the test starts (argv_helper.c: long, empty, argc 0,
# rewritten, retitled and moved command lines, a zombie, a deleted
# executable), and against ps -o args for kernel threads.  The machine's
# own user processes are never compared.

load helpers

setup_file() {
	HELPER=$BATS_FILE_TMPDIR/argv_helper
	cc -O2 -Wall -o "$HELPER" "$BATS_TEST_DIRNAME/argv_helper.c"
	export HELPER
}

setup() {
	setup_view_root
	manifest cmdlines.conf <<-EOF
	[cmd]
	program = cmdlines
	comm = argv_helper, gone*

	[cmd-csv]
	program = cmdlines
	comm = argv_helper, gone*
	format = csv

	[cmd-json]
	program = cmdlines
	comm = argv_helper, gone*
	format = json
	EOF
}

teardown() {
	teardown_view_root
	# the test's cgroup, once its process is gone (teardown_view_root waited)
	[ -n "${CG_DIR:-}" ] && rmdir "$CG_DIR"
	return 0
}

# start MODE [ARG...]: runs the helper (argv_helper.c) in the background;
# once it is set up, its pid (or its zombie child's) is in $STARTED.
start() {
	local ready=$BATS_TEST_TMPDIR/ready.$RANDOM
	READY=$ready spawn "${HELPER_EXE:-$HELPER}" "$@"
	for _ in $(seq 100); do
		[ -e "$ready" ] && break
		kill -0 "$LAST_PID" 2>/dev/null || break
		sleep 0.1
	done
	[ -e "$ready" ] || { echo "helper $1 did not start"; return 1; }
	STARTED=$(cat "$ready")
}

# check PID...: each format's rows of these pids equal /proc.
check() {
	local fmt v f
	for v in cmd cmd-csv cmd-json; do
		fmt=table; [ "$v" = cmd ] || fmt=${v#cmd-}
		f=$BATS_TEST_TMPDIR/$v
		rd "$v" > "$f"
		reads_ok
		python3 "$BATS_TEST_DIRNAME/cmdlines.py" "$fmt" "$f" "$@"
	done
}

@test "cmdlines: long command lines equal /proc/PID/cmdline; one over 4096 bytes is cut with ..." {
	bv apply
	local a b
	a=$(head -c 1500 /dev/zero | tr '\0' a)
	b=$(head -c 2000 /dev/zero | tr '\0' b)
	start sleep "$a" "$b" c d; local p1=$STARTED		# 3.5 KB, under the cut
	start sleep "$a" "$b" "$a" "$b"; local p2=$STARTED	# 7 KB
	# "HELPER\0sleep\0xx...x\0": 4096 bytes, and one more
	local n=$((4096 - ${#HELPER} - 1 - 6 - 1))
	start sleep "$(head -c $n /dev/zero | tr '\0' x)"; local p3=$STARTED
	start sleep "$(head -c $((n + 1)) /dev/zero | tr '\0' x)"; local p4=$STARTED
	[ "$(wc -c < /proc/$p3/cmdline)" -eq 4096 ]
	check "$p1" "$p2" "$p3" "$p4"
	rd cmd-json > "$BATS_TEST_TMPDIR/j"
	grep -q "^{\"pid\":$p2,.*,\"aaaaa*\.\.\.\"\]}$" "$BATS_TEST_TMPDIR/j"
	grep -q "^{\"pid\":$p3,.*,\"xxxxx*\"\]}$" "$BATS_TEST_TMPDIR/j"
	grep -q "^{\"pid\":$p4,.*,\"xxxxx*x\.\.\.\"\]}$" "$BATS_TEST_TMPDIR/j"
}

@test "cmdlines: an empty command line, argc 0 and a zombie show empty args, never a failed read" {
	bv apply
	start clear x y; local empty=$STARTED
	start argc0; local argc0=$STARTED
	start zombie; local zombie=$STARTED
	[ "$(cat /proc/$empty/cmdline | wc -c)" -eq 0 ]
	[ "$(cat /proc/$argc0/cmdline | od -An -c | tr -d ' ')" = '\0' ]
	grep -q '^State:.*Z' /proc/$zombie/status
	check "$empty" "$argc0" "$zombie"
	# the json forms: no argument, one empty argument, nothing
	rd cmd-json > "$BATS_TEST_TMPDIR/j"
	grep -q "^{\"pid\":$empty,.*\"args\":\[\]}$" "$BATS_TEST_TMPDIR/j"
	grep -q "^{\"pid\":$argc0,.*\"args\":\[\"\"\]}$" "$BATS_TEST_TMPDIR/j"
	grep -q "^{\"pid\":$zombie,\"comm\":\"argv_helper\",\"exe\":\"\",\"args\":\[\]}$" "$BATS_TEST_TMPDIR/j"
}

@test "cmdlines: bytes that are not UTF-8 are kept in table and csv, U+FFFD in json" {
	bv apply
	start sleep $'\xff' $'a\xc3b' $'caf\xc3\xa9' $'\xe2\x82' $'\xf0\x9f\x98\x80!' $'\x80\x80'
	check "$STARTED"
	rd cmd-json > "$BATS_TEST_TMPDIR/j"
	python3 - "$BATS_TEST_TMPDIR/j" "$STARTED" <<-'EOF'
	import json, sys
	rows = [json.loads(l) for l in open(sys.argv[1])]
	args = [r["args"] for r in rows if r["pid"] == int(sys.argv[2])][0]
	want = ["\ufffd", "a\ufffdb", "caf\u00e9", "\ufffd\ufffd", "\U0001F600!", "\ufffd\ufffd"]
	assert args[2:] == want, args
	EOF
}

@test "cmdlines: command lines changed in place, retitled past their end and moved by prctl equal /proc" {
	bv apply
	start rewrite abcdef ghi jkl; local rewrite=$STARTED
	start title "$(head -c 300 /dev/zero | tr '\0' t)"; local title=$STARTED
	start move new 'b c' '' d; local moved=$STARTED
	grep -q XXXXXX /proc/$rewrite/cmdline
	[ "$(head -c 8 /proc/$title/cmdline)" = tttttttt ]
	[ "$(tr '\0' '|' < /proc/$moved/cmdline)" = 'new|b c||d|' ]
	check "$rewrite" "$title" "$moved"
}

@test "cmdlines: arguments with quotes, commas, newlines and backslashes: csv and json parse to argv" {
	bv apply
	local args=('q"uo"te' 'com,ma' $'new\nline' 'back\slash' $'tab\t' '' 'plain')
	start sleep "${args[@]}"
	check "$STARTED"
	rd cmd-json > "$BATS_TEST_TMPDIR/j"
	rd cmd-csv > "$BATS_TEST_TMPDIR/c"
	python3 - "$BATS_TEST_TMPDIR/j" "$BATS_TEST_TMPDIR/c" "$STARTED" "$HELPER" "${args[@]}" <<-'EOF'
	import csv, json, sys
	j, c, pid, argv = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]
	argv.insert(1, "sleep")
	row = [r for r in map(json.loads, open(j)) if r["pid"] == pid][0]
	assert row["args"] == argv, (row["args"], argv)
	assert row["exe"] == argv[0], row
	row = [r for r in csv.reader(open(c, newline="")) if r[0] == str(pid)][0]
	assert row[3] == " ".join(argv), (row[3], argv)
	EOF
}

@test "cmdlines: the exe column equals readlink /proc/PID/exe, a deleted executable included" {
	bv apply
	mkdir "$BATS_TEST_TMPDIR/d i r"
	HELPER_EXE="$BATS_TEST_TMPDIR/d i r/gone helper"
	cp "$HELPER" "$HELPER_EXE"
	start sleep one; local deleted=$STARTED
	rm "$HELPER_EXE"
	HELPER_EXE=
	start sleep two; local kept=$STARTED
	[[ "$(readlink /proc/$deleted/exe)" == *"/d i r/gone helper (deleted)" ]]
	check "$deleted" "$kept"
}

@test "cmdlines: kernel threads show their full name in brackets, as ps -o args" {
	manifest cmdlines.conf <<-EOF
	[all-csv]
	program = cmdlines
	format = csv
	EOF
	bv apply
	rd all-csv > "$BATS_TEST_TMPDIR/all"
	reads_ok
	python3 "$BATS_TEST_DIRNAME/cmdlines.py" kthreads "$BATS_TEST_TMPDIR/all"
}

@test "cmdlines: one row per process; comm and pid select rows" {
	start sleep x; local p=$STARTED
	python3 -c 'import threading, time, sys; [threading.Thread(target=time.sleep, args=(100,), daemon=True).start() for _ in range(3)]; open(sys.argv[1], "w").close(); time.sleep(100)' "$BATS_TEST_TMPDIR/threads" &
	PIDS+=("$!"); local threaded=$!
	for _ in $(seq 100); do [ -e "$BATS_TEST_TMPDIR/threads" ] && break; sleep 0.1; done
	manifest cmdlines.conf <<-EOF
	[by-pid]
	program = cmdlines
	format = csv
	pid = $threaded

	[by-comm]
	program = cmdlines
	format = csv
	comm = argv_helper
	EOF
	bv apply
	[ "$(ls /proc/$threaded/task | wc -l)" -eq 4 ]
	run rd by-pid
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ]
	[[ "${lines[1]}" == "$threaded,"* ]]
	run rd by-comm
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ]
	[[ "${lines[1]}" == "$p,argv_helper,"* ]]
}

@test "cmdlines: read inside a new pid namespace, pids and args are those ps shows there" {
	bv apply
	local d=$BATS_TEST_TMPDIR
	D=$d HELPER=$HELPER ROOT=$ROOT unshare -p -f --mount-proc bash -c '
		READY=$D/ready "$HELPER" sleep "in ns" x &
		for _ in $(seq 100); do [ -e "$D/ready" ] && break; sleep 0.1; done
		cat "$ROOT/cmd-csv" > "$D/view"
		ps -o pid=,args= -C argv_helper > "$D/ps"'
	[ "$(awk '{ print $1 }' "$d/ps")" = "$(cat "$d/ready")" ]
	same "pid and args inside the namespace" "$(sed 's/^ *//' "$d/ps")" \
		"$(python3 -c 'import csv, sys; [print(r[0], r[3]) for r in list(csv.reader(open(sys.argv[1])))[1:]]' "$d/view")"
}

@test "cmdlines: cgroup = PATH shows the command lines of that cgroup's processes only" {
	local mount
	mount=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/self/mounts)
	[ -n "$mount" ] || skip "no cgroup2 mount"
	CG_DIR=$(mktemp -d "$mount/bpfviews-test-XXXXXX")
	start sleep inside; local inside=$STARTED
	echo "$inside" > "$CG_DIR/cgroup.procs"
	start sleep outside
	manifest cmdlines.conf <<-EOF
	[cg]
	program = cmdlines
	format = csv
	comm = argv_helper
	cgroup = ${CG_DIR#"$mount"}
	EOF
	bv apply
	same "the cgroup's command lines" "$inside $HELPER sleep inside" \
		"$(rd cg | awk -F, 'NR > 1 { print $1, $4 }')"
}
