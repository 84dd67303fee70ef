#!/usr/bin/env bats
# Kernel integration tests of what the manifest may hold and what apply does
# with a manifest it cannot read: a FIFO, a directory, a missing -C path or
# no manifest file at all change nothing (the pinned views keep their link
# ids, bpftool's oracle); long lines and names are taken whole; program
# globals of a third-party object are set as its author meant; messages
# stay one line of text or of valid JSON whatever bytes a name holds.

bats_require_minimum_version 1.5.0

load helpers

setup() {
	setup_view_root
}

teardown() {
	teardown_view_root
}

# Pins two views and keeps "NAME ID" for both in $BEFORE: the state that a
# manifest which cannot be read must leave alone.
pin_two() {
	manifest 50-default.conf <<-EOF2
	[tasks]
	program = tasks
	[net/tcp]
	program = tcp
	EOF2
	bv apply >/dev/null
	BEFORE=$(ids_now)
}

# The link type bpftool reports for the pin of view $1.
link_type_of() {
	bpftool -j link show pinned "$ROOT/$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["type"])'
}

ids_now() {
	echo "tasks $(link_id tasks) net/tcp $(link_id net/tcp)"
}

# unchanged MESSAGE [-C PATH]: apply (with $CONF, or the -C given) ends
# within 20 s with exit 2 and MESSAGE, and the views of pin_two keep their
# links (oracle: bpftool).
unchanged() {
	local msg=$1
	shift
	[ $# -gt 0 ] || set -- -C "$CONF"
	run -2 timeout 20 "$BPFVIEWS" "$@" -r "$ROOT" apply
	[[ "$output" == *"$msg"* ]]
	same "link ids" "$BEFORE" "$(ids_now)"
}

# ---- a manifest that cannot be read changes nothing ----

@test "a FIFO named like a manifest file neither hangs apply nor empties the root" {
	pin_two
	rm "$CONF/50-default.conf"
	mkfifo -m 0644 "$CONF/50-default.conf"
	unchanged "$CONF/50-default.conf: is a FIFO, not a regular file"
}

@test "a directory named 50-default.conf is an error, not an empty manifest" {
	pin_two
	rm "$CONF/50-default.conf"
	mkdir -m 0755 "$CONF/50-default.conf"
	unchanged "$CONF/50-default.conf: is a directory, not a regular file"
}

@test "a -C path that does not exist changes nothing" {
	pin_two
	unchanged "$CONF/nope: No such file or directory" -C "$CONF/nope"
}

@test "no manifest file at all changes nothing; a file with no views empties the root" {
	pin_two
	rm "$CONF/50-default.conf"
	unchanged "no manifest file (*.conf) in $CONF; nothing is changed"
	run -2 bv status
	same "link ids" "$BEFORE" "$(ids_now)"

	echo "; no views on this host" | manifest 00-none.conf
	run -0 bv apply
	[ ! -e "$ROOT/tasks" ]
	[ ! -e "$ROOT/net/tcp" ]
}

@test "a manifest file larger than 1 MiB is refused" {
	pin_two
	head -c 1048577 /dev/zero | tr '\0' ';' > "$CONF/50-default.conf"
	unchanged "$CONF/50-default.conf: larger than 1048576 bytes, the most that is read"
}

# ---- lines and names as documented ----

# sun_path holds 107 characters: four of them make a line of over 430.
@test "four long unix socket paths on one line are taken whole and filter" {
	local dir paths=() p i
	dir=$BATS_TEST_TMPDIR/s
	mkdir -p "$dir"
	for i in 1 2 3 4; do
		p=$dir/$i-
		while [ ${#p} -lt 107 ]; do p+=x; done
		paths+=("$p")
	done
	manifest 50-default.conf <<-EOF2
	[long]
	program = unix
	path = ${paths[0]}, ${paths[1]}, ${paths[2]}, ${paths[3]}
	EOF2
	run -0 bv cat-config
	grep -qFx "path = ${paths[0]}, ${paths[1]}, ${paths[2]}, ${paths[3]}" <<< "$output"

	manifest 50-default.conf <<-EOF2
	[sockets]
	program = unix
	format = csv
	path = ${paths[0]}, ${paths[1]}, ${paths[2]}, ${paths[3]}
	[tcp6]
	program = tcp
	src = ffff:ffff:ffff:ffff:ffff:ffff:ffff:fff1, ffff:ffff:ffff:ffff:ffff:ffff:ffff:fff2, ffff:ffff:ffff:ffff:ffff:ffff:ffff:fff3, ffff:ffff:ffff:ffff:ffff:ffff:ffff:fff4
	EOF2
	spawn python3 -c 'import socket,sys,time
s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(); time.sleep(60)' "${paths[3]}"
	for i in $(seq 50); do [ -S "${paths[3]}" ] && break; sleep 0.1; done
	run -0 bv apply
	# oracle: ss lists the socket at the fourth path, and the view only it
	ss -xl | grep -qF "${paths[3]}"
	run -0 rd sockets
	[[ "$output" == *"${paths[3]}"* ]]
	[ "$(grep -c "$dir" <<< "$output")" -eq 1 ]
	[ "$(link_type_of tcp6)" = iter ]
}

@test "a line of exactly 4096 characters is read, one of 4097 is an error with file:line" {
	local pad
	pad=$(printf '%*s' $((4096 - 9)) '' | tr ' ' ';')
	printf '[tasks]\nprogram = tasks\ncomm = x %s\n' "$pad" | manifest 50-default.conf
	# 4096 characters: the value (with its ';' after a space a comment) is "x"
	[ "$(sed -n 3p "$CONF/50-default.conf" | tr -d '\n' | wc -c)" -eq 4096 ]
	run -0 bv check
	printf '[tasks]\nprogram = tasks\ncomm = x %s;\n' "$pad" | manifest 50-default.conf
	run -2 bv check
	[[ "$output" == *"$CONF/50-default.conf:3: [tasks] line is longer than 4096 characters"* ]]
}

@test "a long view name is pinned whole, a component over 247 characters is refused" {
	local long part
	part=$(printf '%*s' 247 '' | tr ' ' p)
	manifest 50-default.conf <<-EOF2
	[monitoring/production/web-frontend/nginx-worker/tasks]
	program = tasks
	[deep/$part]
	program = tasks
	EOF2
	run -0 bv apply
	[ "$(link_type_of monitoring/production/web-frontend/nginx-worker/tasks)" = iter ]
	[ "$(link_type_of "deep/$part")" = iter ]
	[ ! -e "$ROOT/monitoring/production/web-frontend/nginx-worker/t" ]
	printf '[deep/%sp]\nprogram = tasks\n' "$part" | manifest 60-more.conf
	run -2 bv apply
	[[ "$output" == *"$CONF/60-more.conf:1: view name 'deep/ppp"*"' has a component of 248 characters; at most 247"* ]]
}

@test "a NUL byte is reported as one with file:line, also in a last line without newline" {
	printf '[tasks]\nprogram = tasks\ncomm = ng\0inx\nformat = c\0sv' | manifest 50-default.conf
	run -2 bv check
	[[ "$output" == *"$CONF/50-default.conf:3: [tasks] NUL byte in the line"* ]]
	[[ "$output" == *"$CONF/50-default.conf:4: [tasks] NUL byte in the line"* ]]
}

@test "owner 4294967295 and a relative object path are refused with file:line" {
	manifest 50-default.conf <<-EOF2
	[tasks]
	program = tasks
	owner = 4294967295
	group = -1
	[custom]
	object = third_party_globals.bpf.o
	EOF2
	run -2 bv apply
	[[ "$output" == *"$CONF/50-default.conf:3: [tasks] owner = '4294967295' is not a user name or uid"* ]]
	[[ "$output" == *"$CONF/50-default.conf:4: [tasks] group = '-1' is not a group name or gid"* ]]
	[[ "$output" == *"$CONF/50-default.conf:6: [custom] object = 'third_party_globals.bpf.o' is not an absolute path"* ]]
	[ ! -e "$ROOT/tasks" ]
}

# ---- a third-party object's globals, as its author meant ----

@test "global.pid sets a program's pid global; a comm_t array takes text" {
	local o me
	o=$(obj third_party_globals.bpf.o)
	cp /bin/sleep "$BATS_TEST_TMPDIR/bvtypedefcomm"
	spawn "$BATS_TEST_TMPDIR/bvtypedefcomm" 60
	me=$LAST_PID
	for i in $(seq 50); do [ "$(cat /proc/$me/comm)" = bvtypedefcomm ] && break; sleep 0.1; done
	manifest 50-default.conf <<-EOF2
	[bypid]
	object = $o
	global.pid = $me
	[bycomm]
	object = $o
	targ_comm = bvtypedefcomm
	EOF2
	run -0 bv apply
	# oracle: /proc, the process's one thread
	same "global.pid = $me" "$me $me bvtypedefcomm" "$(rd bypid)"
	same "targ_comm" "$me $me bvtypedefcomm" "$(rd bycomm)"
	# the kernel walked every task: pid is the program's global, not the link's
	[ "$(bpftool -j link show pinned "$ROOT/bypid" | python3 -c 'import json,sys; print(json.load(sys.stdin).get("task", {}).get("pid", 0))')" = 0 ]
}

@test "the unknown-key error spells a clashing global as global.NAME" {
	local o
	o=$(obj third_party_globals.bpf.o)
	printf '[x]\nobject = %s\nnope = 1\n' "$o" | manifest 50-default.conf
	run -2 bv check
	[[ "$output" == *"unknown key 'nope'; valid: targ_comm, global.pid"* ]]
}

# ---- messages ----

@test "-j messages are valid JSON and text messages escape control bytes" {
	local bad
	bad=$(printf '%s/\377\033[31m\001x' "$CONF")
	run -2 "$BPFVIEWS" -j -C "$bad" -r "$ROOT" apply
	python3 -c 'import json,sys
lines = sys.stdin.read().splitlines()
assert lines, "no output"
for l in lines: json.loads(l)' <<< "$output"
	[[ "$output" == *'\ufffd\u001b[31m\u0001x: No such file or directory'* ]]
	run -2 "$BPFVIEWS" -C "$bad" -r "$ROOT" apply
	[[ "$output" != *$'\033'* && "$output" != *$'\001'* ]]
	[[ "$output" == *'\xff\x1b[31m\x01x: No such file or directory'* ]]
}
