#!/usr/bin/env bats
# Kernel tests of the task views as a container host uses them: ids in the
# reader's pid namespace (read inside `unshare -p -f --mount-proc`, checked
# against ps run there) and the cgroup filter (checked against cgroup.procs
# of cgroups the test makes).  Only the test's own processes are compared.

load helpers

setup() {
	setup_view_root
}

teardown() {
	teardown_view_root
	# the cgroups, once their processes are gone (teardown_view_root waited):
	# the ones make_cgroups and the tests made under it, not already removed
	[ -n "${CG_DIR:-}" ] && find "$CG_DIR" -depth -type d -exec rmdir {} +
	return 0
}

# make_cgroups: $CG_DIR, a new cgroup under the cgroup2 mount ($CG_MOUNT), with
# a cgroup "child"; CG_NAME is its path as /proc/PID/cgroup shows it.
make_cgroups() {
	CG_MOUNT=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/self/mounts)
	[ -n "$CG_MOUNT" ] || skip "no cgroup2 mount"
	CG_DIR=$(mktemp -d "$CG_MOUNT/bpfviews-test-XXXXXX")
	mkdir "$CG_DIR/child"
	CG_NAME=${CG_DIR#"$CG_MOUNT"}
}

# into CGROUP_DIR: moves the last spawned process there.
into() {
	echo "$LAST_PID" > "$1/cgroup.procs"
}

# ---------------------------------------------------------------------------
# Run inside a new pid namespace (as its pid 1) with D and ROOT set: starts
# processes (a sleep, a shell with two sleeps, a python with two more threads
# and a tcp listener), waits until they are all there, then writes ps's and
# the views' output to $D: tasks.ps.raw and threads.ps.raw (oracles),
# NAME.raw (the views).
# ---------------------------------------------------------------------------
INSIDE=$(cat <<'EOF'
set -e
sleep 1000 &
bash -c 'sleep 1000 & sleep 1000 & wait' &
python3 -c '
import socket, threading, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen()
for _ in range(2):
    threading.Thread(target=time.sleep, args=(1000,), daemon=True).start()
time.sleep(1000)' &
PY=$!
for _ in $(seq 100); do
	[ "$(ls /proc/$PY/task | wc -l)" = 3 ] && [ "$(pgrep -c -x sleep)" = 3 ] && break
	sleep 0.1
done
cat "$ROOT/tasks" > "$D/tasks.raw"
cat "$ROOT/threads" > "$D/threads.raw"
cat "$ROOT/stacks" > "$D/stacks.raw"
cat "$ROOT/files" > "$D/files.raw"
bash -c 'echo $$ > "$D/vmas.reader"; exec cat "$ROOT/vmas"' > "$D/vmas.raw"
cat "$ROOT/sockets" > "$D/sockets.raw"
ps -eo pid=,ppid=,comm= > "$D/tasks.ps.raw"
ps -eLo pid=,tid=,comm= > "$D/threads.ps.raw"
echo "$PY" > "$D/python.pid"
EOF
)

# in_pid_ns: runs INSIDE in a new pid namespace, its files in $D.
in_pid_ns() {
	D=$BATS_TEST_TMPDIR/ns
	mkdir -p "$D"
	D=$D ROOT=$ROOT unshare -p -f --mount-proc bash -c "$INSIDE"
	# the oracles, without the readers (ps, cat: each side has its own)
	awk '$3 != "ps" { print $1, $2, $3 }' "$D/tasks.ps.raw" | sort > "$D/tasks.ps"
	awk '$3 != "ps" { print $1, $2, $3 }' "$D/threads.ps.raw" | sort > "$D/threads.ps"
	awk '{ print $1 }' "$D/tasks.ps" > "$D/pids.ps"
}

@test "pid namespace: tasks, threads, stacks, files, vmas and sockets number tasks as ps inside does" {
	manifest ns.conf <<-EOF
	[tasks]
	program = tasks
	format = csv
	[threads]
	program = tasks
	format = csv
	threads = yes
	[stacks]
	program = stacks
	format = csv
	[files]
	program = files
	format = csv
	[vmas]
	program = vmas
	format = csv
	[sockets]
	program = sockets
	format = csv
	protocol = tcp
	EOF
	bv apply
	in_pid_ns
	# csv: pid,tid,ppid,uid,state,threads,rss,time,start,comm
	same "tasks pid ppid comm" "$(cat "$D/tasks.ps")" \
		"$(awk -F, 'NR > 1 && $10 != "cat" { print $1, $3, $10 }' "$D/tasks.raw" | sort)"
	same "threads pid tid comm" "$(cat "$D/threads.ps")" \
		"$(awk -F, 'NR > 1 && $10 != "cat" { print $1, $2, $10 }' "$D/threads.raw" | sort)"
	# pid,tid,comm,depth,frame
	same "stacks pid tid comm" "$(cat "$D/threads.ps")" \
		"$(awk -F, 'NR > 1 && $3 != "cat" { print $1, $2, $3 }' "$D/stacks.raw" | sort -u)"
	# pid,comm,fd,type,name: every process has descriptors
	same "files pids" "$(cat "$D/pids.ps")" \
		"$(awk -F, 'NR > 1 && $2 != "cat" { print $1 }' "$D/files.raw" | sort -u)"
	# pid,start,...: no comm, so its reader by its pid
	same "vmas pids" "$(cat "$D/pids.ps")" \
		"$(awk -F, -v r="$(cat "$D/vmas.reader")" 'NR > 1 && $1 != r { print $1 }' "$D/vmas.raw" | sort -u)"
	# pid,comm,...: the python's listener, under its pid in the namespace
	same "sockets pid comm" "$(cat "$D/python.pid") python3" \
		"$(awk -F, 'NR > 1 { print $1, $2 }' "$D/sockets.raw")"
	# the namespace's init has its parent outside: 0, as in ps
	grep -qx '1 0 bash' "$D/tasks.ps"
}

@test "cgroup = PATH or ID: the task views show the tasks of that cgroup and its descendants, as cgroup.procs lists them" {
	make_cgroups
	spawn sleep 1000; into "$CG_DIR"
	mine="$LAST_PID"
	spawn sleep 1000; into "$CG_DIR/child"
	mine="$mine $LAST_PID"
	spawn python3 -c '
import threading, time
for _ in range(2):
    threading.Thread(target=time.sleep, args=(1000,), daemon=True).start()
time.sleep(1000)'
	py=$LAST_PID
	for _ in $(seq 100); do [ "$(ls /proc/$py/task | wc -l)" = 3 ] && break; sleep 0.1; done
	into "$CG_DIR/child"
	mine="$mine $py"
	spawn sleep 1000	# outside: in neither
	manifest cg.conf <<-EOF
	[tree]
	program = tasks
	format = csv
	cgroup = $CG_NAME
	[child-threads]
	program = tasks
	format = csv
	threads = yes
	cgroup = $(stat -c %i "$CG_DIR/child")
	[child-files]
	program = files
	format = csv
	cgroup = $CG_DIR/child
	[child-stacks]
	program = stacks
	format = csv
	cgroup = $CG_NAME/child
	[column]
	program = tasks
	format = csv
	cgroup_column = yes
	EOF
	bv apply
	# the cgroup column: the 0:: line of /proc/PID/cgroup, on the host and
	# in a cgroup namespace rooted at the test's cgroup (unshare -C there)
	local p oracle=""
	for p in $mine; do
		oracle+="$p $(sed -n 's/^0:://p' "/proc/$p/cgroup")"$'\n'
	done
	same "cgroup column" "$(printf '%s' "$oracle" | sort)" \
		"$(rd column | awk -F, -v m=" $mine " 'NR > 1 && index(m, " " $1 " ") { print $1, $11 }' | sort)"
	bash -c 'echo $$ > "$1/cgroup.procs"; exec unshare -C bash -c "cat \"$2\" > \"$3\"; for p in $4; do echo \"\$p \$(sed -n s/^0:://p /proc/\$p/cgroup)\"; done > \"$3.oracle\""' \
		- "$CG_DIR" "$ROOT/column" "$BATS_TEST_TMPDIR/column.ns" "$mine"
	same "cgroup column in a cgroup namespace" "$(sort "$BATS_TEST_TMPDIR/column.ns.oracle")" \
		"$(awk -F, -v m=" $mine " 'NR > 1 && index(m, " " $1 " ") { print $1, $11 }' "$BATS_TEST_TMPDIR/column.ns" | sort)"
	grep -q ' /child$' "$BATS_TEST_TMPDIR/column.ns.oracle"
	same "tasks under $CG_NAME (path)" "$(cat "$CG_DIR/cgroup.procs" "$CG_DIR/child/cgroup.procs" | sort)" \
		"$(rd tree | awk -F, 'NR > 1 { print $1 }' | sort)"
	same "threads of $CG_NAME/child (id)" "$(sort "$CG_DIR/child/cgroup.threads")" \
		"$(rd child-threads | awk -F, 'NR > 1 { print $2 }' | sort)"
	same "files of $CG_NAME/child (mount path)" "$(sort "$CG_DIR/child/cgroup.procs")" \
		"$(rd child-files | awk -F, 'NR > 1 { print $1 }' | sort -u)"
	same "stacks of $CG_NAME/child" "$(sort "$CG_DIR/child/cgroup.threads")" \
		"$(rd child-stacks | awk -F, 'NR > 1 { print $2 }' | sort -u)"
}

@test "cgroup: a missing cgroup, a directory that is no cgroup and a view that cannot filter are errors at apply" {
	make_cgroups
	manifest bad.conf <<-EOF
	[gone]
	program = tasks
	cgroup = $CG_NAME/nonexistent
	EOF
	run bv apply
	[ "$status" -ne 0 ]
	[[ "$output" == *"bad.conf:3: [gone] cgroup $CG_NAME/nonexistent: no such cgroup"* ]]
	manifest bad.conf <<-EOF
	[tmp]
	program = tasks
	cgroup = /../../../../tmp
	EOF
	run bv apply
	[ "$status" -ne 0 ]
	[[ "$output" == *"[tmp] cgroup /../../../../tmp: not a cgroup v2 directory"* ]]
	manifest bad.conf <<-EOF
	[net]
	program = tcp
	cgroup = $CG_NAME
	EOF
	run bv apply
	[ "$status" -ne 0 ]
	[[ "$output" == *"[net] cgroup applies to the cgroup iterator and task iterators; 'tcp' walks tcp"* ]]
	[ ! -e "$ROOT/gone" ] && [ ! -e "$ROOT/tmp" ] && [ ! -e "$ROOT/net" ]
}

# as UID CMD...: runs CMD with real, effective and saved uid and gid UID.
as() {
	local uid=$1
	shift
	setpriv --reuid="$uid" --regid="$uid" --clear-groups "$@"
}

# spawn_as UID CMD...: spawn of CMD as UID (setpriv itself is the process).
spawn_as() {
	local uid=$1
	shift
	spawn setpriv --reuid="$uid" --regid="$uid" --clear-groups "$@"
}

@test "readers = own: one 0444 view shows root every process and each other user only its own" {
	local u1=65534 u2=61302 p1 p1b p2 p0 pe
	spawn_as $u1 sleep 1000; p1=$LAST_PID
	spawn_as $u1 sleep 1000; p1b=$LAST_PID
	spawn_as $u2 sleep 1000; p2=$LAST_PID
	spawn sleep 1000; p0=$LAST_PID
	# u1's real uid, but root's effective and saved ones: /proc with
	# hidepid hides it from u1 too
	spawn setpriv --ruid=$u1 --rgid=$u1 --clear-groups sleep 1000; pe=$LAST_PID
	manifest own.conf <<-EOF
	[own]
	program = tasks
	format = csv
	readers = own
	mode = 0444
	[own-files]
	program = files
	format = csv
	readers = own
	mode = 0444
	EOF
	bv apply
	sleep 0.2	# the setpriv have become sleep
	[ "$(awk '/^Uid:/ { print $2, $3, $4 }' /proc/$pe/status)" = "$u1 0 0" ]
	local all u1rows u2rows
	all=$(rd own)
	# csv: pid,tid,ppid,uid,...,comm; the reader (cat) is a row of its own
	u1rows=$(as $u1 cat "$ROOT/own" | awk -F, 'NR > 1 && $10 != "cat"')
	u2rows=$(as $u2 cat "$ROOT/own" | awk -F, 'NR > 1 && $10 != "cat"')
	same "root sees all the test's processes" "$(printf '%s\n' $p0 $p1 $p1b $p2 $pe | sort)" \
		"$(awk -F, -v m=" $p0 $p1 $p1b $p2 $pe " 'index(m, " " $1 " ") { print $1 }' <<< "$all" | sort)"
	same "$u1 sees its own" "$(printf '%s\n' $p1 $p1b | sort)" \
		"$(awk -F, -v m=" $p0 $p1 $p1b $p2 $pe " 'index(m, " " $1 " ") { print $1 }' <<< "$u1rows" | sort)"
	same "$u1 sees no other uid" "" "$(awk -F, -v u=$u1 '$4 != u' <<< "$u1rows")"
	same "$u2 sees its own" "$p2" "$(awk -F, '{ print $1 }' <<< "$u2rows")"
	# root sees kernel threads, others do not
	grep -q ',kthreadd$' <<< "$all"
	# files: the same rule, per descriptor
	same "$u2's files are its sleep's and its reader's" "$p2" \
		"$(as $u2 cat "$ROOT/own-files" | awk -F, 'NR > 1 && $2 != "cat" { print $1 }' | sort -u)"
}

# ---------------------------------------------------------------------------
# The cgroup walk: a tasks view with cgroup = PATH shows the tasks of that
# cgroup and its descendants, whichever walk the loader picks and in
# whichever order.  Checked on outputs of many reads (well over 64 KiB), in
# any order: against cgroup.procs and cgroup.threads, each row against /proc
# (cgroup_walk.py), and byte for byte against the rows an unfiltered view
# shows for the same tasks.  The processes sleep: the output is stable.
# ---------------------------------------------------------------------------

cgw() {
	python3 "$BATS_TEST_DIRNAME/cgroup_walk.py" "$@"
}

# The cgroups fill_cgroups fills, relative to $CG_DIR.
CG_TREE=". child child/grand sib"

# fill_cgroups N: under $CG_DIR the cgroups child, child/grand, child/empty
# and sib; N sleeping processes in $CG_DIR and in each of child, child/grand
# and sib, named $SLEEPER (15 bytes: table rows of about 98 bytes), and a
# python3 of 4 threads in $CG_DIR and in child/grand; then waits until they
# have all executed and sleep.
fill_cgroups() {
	local i d
	mkdir "$CG_DIR/child/grand" "$CG_DIR/child/empty" "$CG_DIR/sib"
	SLEEPER=$BATS_TEST_TMPDIR/bvcgtestsleeper
	ln -s "$(command -v sleep)" "$SLEEPER"
	for d in $CG_TREE; do
		for ((i = 0; i < $1; i++)); do
			spawn "$SLEEPER" 1000; into "$CG_DIR/$d"
		done
	done
	for d in . child/grand; do
		spawn python3 "$BATS_TEST_DIRNAME/cgroup_walk.py" threads 4; into "$CG_DIR/$d"
	done
	spawn "$SLEEPER" 1000	# outside: in none of them
	cgw settle bvcgtestsleeper $((4 * $1 + 2)) $(for d in $CG_TREE; do echo "$CG_DIR/$d"; done)
}

# cg_list FILE: the union of FILE (cgroup.procs, cgroup.threads) of the
# filled cgroups, sorted.
cg_list() {
	local d
	for d in $CG_TREE; do
		cat "$CG_DIR/$d/$1"
	done | sort -n
}

# rows_of IDS FIELD FILE: the rows of table FILE whose FIELD (1 pid, 2 tid)
# is one of the ids in file IDS, sorted.
rows_of() {
	awk -v f="$2" 'NR == FNR { want[$1]; next } FNR > 1 && ($f in want)' "$1" "$3" | sort
}

TABLE_HEADER="    PID     TID    PPID    UID STATE THREADS        RSS       TIME      START COMM"

@test "cgroup walk: table, csv and json of 1200 processes in a cgroup tree list cgroup.procs once each, rows as /proc and the unfiltered view" {
	make_cgroups
	fill_cgroups 300
	manifest walk.conf <<-EOF
	[tree]
	program = tasks
	cgroup = $CG_NAME
	[tree-csv]
	program = tasks
	format = csv
	cgroup = $CG_DIR
	[tree-json]
	program = tasks
	format = json
	cgroup = $(stat -c %i "$CG_DIR")
	[all]
	program = tasks
	EOF
	bv apply
	local d=$BATS_TEST_TMPDIR
	rd tree > "$d/table"
	rd tree-csv > "$d/csv"
	rd tree-json > "$d/json"
	rd all > "$d/all"
	reads_ok
	cg_list cgroup.procs > "$d/procs"
	[ "$(wc -l < "$d/procs")" -eq 1202 ]
	# many reads' worth each
	local f
	for f in table csv json; do
		echo "$f: $(stat -c %s "$d/$f") bytes"
		[ "$(stat -c %s "$d/$f")" -gt 65536 ]
	done
	# the pids: each of cgroup.procs once (sort -n keeps duplicates), rows
	# checked against /proc
	same "table pids vs cgroup.procs" "$(cat "$d/procs")" "$(cgw rows table "$d/table" | sort -n)"
	same "csv pids vs cgroup.procs" "$(cat "$d/procs")" "$(cgw rows csv "$d/csv" | sort -n)"
	same "json pids vs cgroup.procs" "$(cat "$d/procs")" "$(cgw rows json "$d/json" | sort -n)"
	# the header once, first; no other line is a header
	[ "$(head -n 1 "$d/table")" = "$TABLE_HEADER" ]
	[ "$(grep -c ' PID ' "$d/table")" -eq 1 ]
	[ "$(head -n 1 "$d/csv")" = "pid,tid,ppid,uid,state,threads,rss,time,start,comm" ]
	[ "$(grep -c '^pid,' "$d/csv")" -eq 1 ]
	[ "$(wc -l < "$d/table")" -eq 1203 ] && [ "$(wc -l < "$d/csv")" -eq 1203 ]
	[ "$(wc -l < "$d/json")" -eq 1202 ]
	# each row byte for byte as the unfiltered view (the task walk) has it
	same "table rows vs the unfiltered view's" "$(rows_of "$d/procs" 1 "$d/all")" \
		"$(tail -n +2 "$d/table" | sort)"
}

@test "cgroup walk: reads of 1, 100 and 4096 bytes and two interleaved readers get cat's bytes" {
	make_cgroups
	fill_cgroups 300
	manifest walk.conf <<-EOF
	[tree]
	program = tasks
	cgroup = $CG_NAME
	[tree-json]
	program = tasks
	format = json
	cgroup = $CG_NAME
	EOF
	bv apply
	local d=$BATS_TEST_TMPDIR v
	for v in tree tree-json; do
		rd "$v" > "$d/$v.cat"
		reads_ok
		[ "$(stat -c %s "$d/$v.cat")" -gt 65536 ]
		cgw read "$ROOT/$v" 1 > "$d/$v.1"
		cmp "$d/$v.cat" "$d/$v.1"
		cgw read "$ROOT/$v" 4096 > "$d/$v.4096"
		cmp "$d/$v.cat" "$d/$v.4096"
		dd if="$ROOT/$v" bs=100 status=none > "$d/$v.100"
		cmp "$d/$v.cat" "$d/$v.100"
		cgw interleave "$ROOT/$v" 4096 "$d/$v.a" "$d/$v.b"
		cmp "$d/$v.cat" "$d/$v.a"
		cmp "$d/$v.cat" "$d/$v.b"
	done
	# and the output is the cgroups' processes, not a stale or partial walk
	cg_list cgroup.procs > "$d/procs"
	same "pids vs cgroup.procs" "$(cat "$d/procs")" "$(cgw rows table "$d/tree.1" | sort -n)"
}

@test "cgroup walk: threads = yes lists cgroup.threads of the cgroup tree, rows as /proc and the unfiltered view" {
	make_cgroups
	fill_cgroups 300
	manifest walk.conf <<-EOF
	[tree]
	program = tasks
	threads = yes
	cgroup = $CG_NAME
	[tree-json]
	program = tasks
	threads = yes
	format = json
	cgroup = $CG_NAME
	[all]
	program = tasks
	threads = yes
	EOF
	bv apply
	local d=$BATS_TEST_TMPDIR
	rd tree > "$d/table"
	rd tree-json > "$d/json"
	rd all > "$d/all"
	reads_ok
	cg_list cgroup.threads > "$d/threads"
	# the 1200 sleeps and 2 python3 of 4 threads
	[ "$(wc -l < "$d/threads")" -eq 1208 ]
	[ "$(stat -c %s "$d/table")" -gt 65536 ]
	same "table tids vs cgroup.threads" "$(cat "$d/threads")" \
		"$(cgw rows table "$d/table" threads | sort -n)"
	same "json tids vs cgroup.threads" "$(cat "$d/threads")" \
		"$(cgw rows json "$d/json" threads | sort -n)"
	same "table rows vs the unfiltered view's" "$(rows_of "$d/threads" 2 "$d/all")" \
		"$(tail -n +2 "$d/table" | sort)"
}

@test "cgroup walk: an empty cgroup and one removed after apply give the header alone (json nothing), a process moved in after apply shows" {
	make_cgroups
	mkdir "$CG_DIR/gone"
	{
		views3 empty tasks "cgroup = $CG_NAME/child"
		views3 gone tasks "cgroup = $CG_NAME/gone"
	} | manifest walk.conf
	bv apply
	same "empty table" "$TABLE_HEADER" "$(rd empty-table)"
	same "empty csv" "pid,tid,ppid,uid,state,threads,rss,time,start,comm" "$(rd empty-csv)"
	same "empty json" "" "$(rd empty-json)"
	# a process moved in after apply, then out again
	spawn sleep 1000; into "$CG_DIR/child"
	local p=$LAST_PID
	same "moved in" "$p" "$(rd empty-json | python3 -c 'import json, sys; [print(json.loads(l)["pid"]) for l in sys.stdin]')"
	into "$CG_DIR"
	same "moved out" "$TABLE_HEADER" "$(rd empty-table)"
	# the cgroup removed (it is empty): no rows, and no error
	rmdir "$CG_DIR/gone"
	run cat "$ROOT/gone-table"
	[ "$status" -eq 0 ]
	same "removed: table" "$TABLE_HEADER" "$output"
	run cat "$ROOT/gone-csv"
	[ "$status" -eq 0 ]
	same "removed: csv" "pid,tid,ppid,uid,state,threads,rss,time,start,comm" "$output"
	run cat "$ROOT/gone-json"
	[ "$status" -eq 0 ]
	same "removed: json" "" "$output"
}

@test "cgroup walk: read in a pid namespace it numbers and hides tasks as ps there; readers = own shows a user its own" {
	make_cgroups
	local i host=() u=65534 mine
	for ((i = 0; i < 20; i++)); do
		spawn sleep 1000; into "$CG_DIR"; host+=("$LAST_PID")
	done
	spawn_as $u sleep 1000; into "$CG_DIR/child"; mine=$LAST_PID
	manifest walk.conf <<-EOF2
	[tree]
	program = tasks
	format = csv
	cgroup = $CG_NAME
	[tree-threads]
	program = tasks
	format = csv
	threads = yes
	cgroup = $CG_NAME
	[own]
	program = tasks
	format = csv
	cgroup = $CG_NAME
	readers = own
	mode = 0444
	EOF2
	bv apply
	sleep 0.2	# the setpriv has become sleep
	# a namespace whose processes are all in $CG_DIR/child: its init moves
	# itself there first; the host's ones in the cgroup are not visible there
	local d=$BATS_TEST_TMPDIR/ns
	mkdir -p "$d"
	D=$d ROOT=$ROOT CG=$CG_DIR unshare -p -f --mount-proc bash -c '
		echo $$ > "$CG/child/cgroup.procs"
		sleep 1000 & a=$!
		sleep 1000 & b=$!
		python3 "$0" threads 3 & c=$!
		for _ in $(seq 100); do
			[ "$(ls /proc/$c/task | wc -l)" = 3 ] && break
			sleep 0.1
		done
		cat "$ROOT/tree" > "$D/tree"
		cat "$ROOT/tree-threads" > "$D/threads"
		ps -eo pid=,ppid=,comm= > "$D/ps"
		ps -eLo pid=,tid=,comm= > "$D/ps-threads"
		kill $a $b $c; wait' "$BATS_TEST_DIRNAME/cgroup_walk.py"
	# csv: pid,tid,ppid,uid,state,threads,rss,time,start,comm
	same "tasks pid ppid comm vs ps there" \
		"$(awk '$3 != "ps" { print $1, $2, $3 }' "$d/ps" | sort)" \
		"$(awk -F, 'NR > 1 && $10 != "cat" { print $1, $3, $10 }' "$d/tree" | sort)"
	same "threads pid tid comm vs ps there" \
		"$(awk '$3 != "ps" { print $1, $2, $3 }' "$d/ps-threads" | sort)" \
		"$(awk -F, 'NR > 1 && $10 != "cat" { print $1, $2, $10 }' "$d/threads" | sort)"
	# not vacuous: the namespace's init and its python's 3 threads
	awk '{ print $1, $2, $3 }' "$d/ps" | grep -qx '1 0 bash'
	[ "$(awk '$3 == "python3"' "$d/ps-threads" | wc -l)" -eq 3 ]
	# readers = own: the reader (cat) is in no cgroup of the tree
	same "root sees the cgroup's processes" "$(printf '%s\n' "${host[@]}" "$mine" | sort -n)" \
		"$(rd own | awk -F, 'NR > 1 { print $1 }' | sort -n)"
	same "$u sees its own" "$mine" "$(as $u cat "$ROOT/own" | awk -F, 'NR > 1 { print $1 }')"
}
