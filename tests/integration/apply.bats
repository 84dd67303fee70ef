#!/usr/bin/env bats
# Kernel integration tests of apply, status, check, remove and their exit
# codes: what gets pinned, replaced, fixed in place, kept, removed and left
# alone under a private bpffs root. The oracles are the kernel's own state
# (bpftool link/map show), stat(1) and the files under the root. What the
# views print, compared with ps and /proc, is in views.bats.

bats_require_minimum_version 1.5.0

load helpers

setup() {
	setup_view_root
}

teardown() {
	exec 5<&-	# a view a test held open
	teardown_view_root
}

# ---- local helpers ----

# Every entry under the root except the kernel's dotted files, with type,
# mode and owner: a snapshot to prove that nothing changed.
root_listing() {
	(cd "$ROOT" && find . -mindepth 1 ! -name '*.*' -printf '%P %y %m %u:%g\n' | sort)
}

# "NAME ID" for each view named.
link_ids() {
	local v
	for v in "$@"; do
		echo "$v $(link_id "$v")"
	done
}

# The link type bpftool reports for a pin.
link_type() {
	bpftool -j link show pinned "$ROOT/$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["type"])'
}

# The state and detail columns of VIEW in `bv status` output ($output).
state_of() {
	awk -v v="$1" 'NR > 1 && $1 == v { $1 = ""; sub(/^ +/, ""); print }' <<< "$output"
}

# `stat` mode and owner of a pin.
attrs() {
	stat -c '%a %U:%G %u:%g' "$ROOT/$1"
}

# Waits until process PID has the name COMM (its exec is done).
wait_comm() {
	local i
	for i in $(seq 100); do
		[ "$(cat "/proc/$1/comm" 2>/dev/null)" = "$2" ] && return 0
		sleep 0.05
	done
	echo "process $1 never became $2" >&2
	return 1
}

# Starts a sleeping process named COMM (a copy of sleep(1)); sets LAST_PID.
spawn_named() {
	cp "$(command -v sleep)" "$CONF/$1"
	spawn "$CONF/$1" 1000 </dev/null >/dev/null 2>&1 3>&-
	wait_comm "$LAST_PID" "$1"
}

# Fails if grep (with these arguments, on stdin) matches.
refute_grep() {
	if grep "$@"; then
		echo "unexpected match: grep $*" >&2
		return 1
	fi
}

# A name of at most 15 characters no other process has.
unique_comm() {
	printf 'bv%s%05d' "$1" $((RANDOM % 100000))
}

# ---- 1. creation ----

@test "apply creates every view with default 0400 root:root and honours mode, owner and group" {
	manifest 10-views.conf <<-EOF
	[plain]
	program = tasks

	[shared]
	program = tasks
	mode = 0440
	group = adm

	[web/nobody]
	program = files
	owner = nobody
	group = 65534
	mode = 444

	[deep/er/byuid]
	program = stacks
	owner = 1
	EOF
	run -0 --separate-stderr bv apply
	[ "$output" = "created plain
created shared
created web/nobody
created deep/er/byuid" ]

	[ "$(attrs plain)" = "400 root:root 0:0" ]
	[ "$(attrs shared)" = "440 root:adm 0:4" ]
	[ "$(attrs web/nobody)" = "444 nobody:nogroup 65534:65534" ]
	[ "$(attrs deep/er/byuid)" = "400 daemon:root 1:0" ]
	# every pin is an iterator link of the kernel
	for v in plain shared web/nobody deep/er/byuid; do
		[ "$(link_type "$v")" = iter ]
	done
	# intermediate directories 0755, and nothing else under the root
	[ "$(root_listing)" = "deep d 755 root:root
deep/er d 755 root:root
deep/er/byuid f 400 daemon:root
plain f 400 root:root
shared f 440 root:adm
web d 755 root:root
web/nobody f 444 nobody:nogroup" ]
}

# ---- 2. idempotence ----

@test "a second apply of an unchanged manifest changes nothing: same link ids, no output, status in sync" {
	local two ts
	two=$(obj two_progs.bpf.o)
	ts=$(obj task_stack.bpf.o)
	manifest 10-views.conf <<-EOF
	[tasks]
	program = tasks
	mode = 0444

	[web/files]
	program = files
	comm = bash, sshd*
	owner = nobody

	[stacks]
	program = stacks
	format = json

	[two]
	object = $two
	program = count_b
	answer = 7

	[ts]
	object = $ts
	program = dump_task_stack
	target_comm = nosuchtask
	EOF
	run -0 bv apply
	local views="tasks web/files stacks two ts"
	local ids listing
	ids=$(link_ids $views)
	listing=$(root_listing)
	# reading the views changes their mutable globals (task_stack's counters
	# in .bss): that must not count as a change
	for v in $views; do cat "$ROOT/$v" > /dev/null; done

	run -0 --separate-stderr bv apply
	[ "$output" = "" ]
	[ "$(link_ids $views)" = "$ids" ]
	[ "$(root_listing)" = "$listing" ]

	run -0 --separate-stderr bv -v apply
	[ "$output" = "" ]
	for v in $views; do
		grep -qxF "bpfviews: $v: in sync" <<< "$stderr"
	done
	[ "$(link_ids $views)" = "$ids" ]

	run -0 bv status
	[ "${lines[0]}" = "$(printf '%-24s %-8s %s' VIEW STATE DETAIL)" ]
	[ "${#lines[@]}" -eq 6 ]
	for v in $views; do
		[ "$(state_of "$v")" = "in-sync" ]
	done
}

# ---- 3. replacement of changed views ----

@test "a changed parameter of a built-in (comm, format) replaces only that view" {
	manifest 10-views.conf <<-EOF
	[bycomm]
	program = tasks
	comm = bash

	[byformat]
	program = tasks
	format = table

	[other]
	program = stacks
	EOF
	run -0 bv apply
	local old
	old=$(link_ids bycomm byformat other)

	sed -i 's/^comm = bash$/comm = sshd/' "$CONF/10-views.conf"
	run -1 bv status
	[ "$(state_of bycomm)" = "changed parameters" ]
	[ "$(state_of byformat)" = "in-sync" ]
	[ "$(state_of other)" = "in-sync" ]
	run -0 --separate-stderr bv apply
	[ "$output" = "replaced bycomm (parameters)" ]
	[ "$(link_id bycomm)" != "$(awk '$1=="bycomm"{print $2}' <<< "$old")" ]
	[ "$(link_ids byformat other)" = "$(grep -v '^bycomm ' <<< "$old")" ]
	[ "$(attrs bycomm)" = "400 root:root 0:0" ]

	old=$(link_ids bycomm byformat other)
	sed -i 's/^format = table$/format = csv/' "$CONF/10-views.conf"
	run -1 bv status
	[ "$(state_of byformat)" = "changed parameters" ]
	[ "$(state_of bycomm)" = "in-sync" ]
	run -0 --separate-stderr bv apply
	[ "$output" = "replaced byformat (parameters)" ]
	[ "$(link_id byformat)" != "$(awk '$1=="byformat"{print $2}' <<< "$old")" ]
	[ "$(link_ids bycomm other)" = "$(grep -v '^byformat ' <<< "$old")" ]
	# the csv header is what the new link prints
	head -n 1 "$ROOT/byformat" | grep -q '^pid,'
	run -0 bv status
}

@test "a changed .rodata parameter of a custom object (answer) replaces only that view and the output follows" {
	local two
	two=$(obj two_progs.bpf.o)
	manifest 10-views.conf <<-EOF
	[two]
	object = $two
	program = count_b

	[tasks]
	program = tasks
	EOF
	run -0 bv apply
	[ "$(rd "two")" = "b answer=42" ]
	local two_id tasks_id
	two_id=$(link_id two)
	tasks_id=$(link_id tasks)

	sed -i 's/^program = count_b$/program = count_b\nanswer = 7/' "$CONF/10-views.conf"
	run -1 bv status
	[ "$(state_of two)" = "changed parameters" ]
	[ "$(state_of tasks)" = "in-sync" ]
	run -0 --separate-stderr bv apply
	[ "$output" = "replaced two (parameters)" ]
	[ "$(link_id two)" != "$two_id" ]
	[ "$(link_id tasks)" = "$tasks_id" ]
	[ "$(rd "two")" = "b answer=7" ]
	run -0 bv status
}

@test "a changed pid link parameter replaces the view with a link for the new process" {
	spawn sleep 1000 </dev/null >/dev/null 2>&1 3>&-
	local pid_a=$LAST_PID
	spawn sleep 1000 </dev/null >/dev/null 2>&1 3>&-
	local pid_b=$LAST_PID
	manifest 10-views.conf <<-EOF
	[one]
	program = tasks
	pid = $pid_a

	[other]
	program = tasks
	EOF
	run -0 bv apply
	local pid_of='import json,sys; print(json.load(sys.stdin).get("pid"))'
	[ "$(bpftool -j link show pinned "$ROOT/one" | python3 -c "$pid_of")" = "$pid_a" ]
	local one_id other_id
	one_id=$(link_id one)
	other_id=$(link_id other)

	sed -i "s/^pid = $pid_a\$/pid = $pid_b/" "$CONF/10-views.conf"
	run -1 bv status
	[ "$(state_of one)" = "changed link parameters" ]
	[ "$(state_of other)" = "in-sync" ]
	run -0 --separate-stderr bv apply
	[ "$output" = "replaced one (link parameters)" ]
	[ "$(link_id one)" != "$one_id" ]
	[ "$(link_id other)" = "$other_id" ]
	[ "$(bpftool -j link show pinned "$ROOT/one" | python3 -c "$pid_of")" = "$pid_b" ]
	run -0 bv status
}

@test "a changed program replaces the view (custom object and built-in)" {
	local two
	two=$(obj two_progs.bpf.o)
	manifest 10-views.conf <<-EOF
	[two]
	object = $two
	program = count_b

	[builtin]
	program = tasks
	EOF
	run -0 bv apply
	local two_id builtin_id
	two_id=$(link_id two)
	builtin_id=$(link_id builtin)

	sed -i 's/^program = count_b$/program = count_a/' "$CONF/10-views.conf"
	run -1 bv status
	[ "$(state_of two)" = "changed program" ]
	[ "$(state_of builtin)" = "in-sync" ]
	run -0 --separate-stderr bv apply
	[ "$output" = "replaced two (program)" ]
	[ "$(link_id two)" != "$two_id" ]
	[ "$(link_id builtin)" = "$builtin_id" ]
	[ "$(rd "two")" = "a answer=42" ]

	two_id=$(link_id two)
	# another built-in: another program, and other .rodata too
	sed -i 's/^program = tasks$/program = stacks/' "$CONF/10-views.conf"
	run -1 bv status
	[ "$(state_of builtin)" = "changed program, parameters" ]
	[ "$(state_of two)" = "in-sync" ]
	run -0 --separate-stderr bv apply
	[ "$output" = "replaced builtin (program, parameters)" ]
	[ "$(link_id builtin)" != "$builtin_id" ]
	[ "$(link_id two)" = "$two_id" ]
	run -0 bv status
}

# ---- 4. mode and owner fixed in place ----

@test "a mode-only change is fixed in place: same link" {
	manifest 10-views.conf <<-EOF
	[tasks]
	program = tasks
	mode = 0444

	[other]
	program = stacks
	EOF
	run -0 bv apply
	[ "$(attrs tasks)" = "444 root:root 0:0" ]
	local ids
	ids=$(link_ids tasks other)

	sed -i 's/^mode = 0444$/mode = 0440/' "$CONF/10-views.conf"
	run -1 bv status
	[ "$(state_of tasks)" = "changed mode" ]
	[ "$(state_of other)" = "in-sync" ]
	run -0 --separate-stderr bv apply
	[ "$output" = "updated tasks (mode)" ]
	[ "$(attrs tasks)" = "440 root:root 0:0" ]
	[ "$(link_ids tasks other)" = "$ids" ]
	run -0 bv status

	# removing the key goes back to the default 0400
	sed -i '/^mode = 0440$/d' "$CONF/10-views.conf"
	run -0 --separate-stderr bv apply
	[ "$output" = "updated tasks (mode)" ]
	[ "$(attrs tasks)" = "400 root:root 0:0" ]
	[ "$(link_ids tasks other)" = "$ids" ]
}

@test "an owner-only or group-only change is fixed in place: same link" {
	manifest 10-views.conf <<-EOF
	[tasks]
	program = tasks

	[other]
	program = stacks
	EOF
	run -0 bv apply
	local ids
	ids=$(link_ids tasks other)

	printf 'owner = nobody\n' >> "$CONF/10-views.conf"	# goes to [other]
	run -1 bv status
	[ "$(state_of other)" = "changed owner" ]
	[ "$(state_of tasks)" = "in-sync" ]
	run -0 --separate-stderr bv apply
	[ "$output" = "updated other (owner)" ]
	[ "$(attrs other)" = "400 nobody:root 65534:0" ]
	[ "$(link_ids tasks other)" = "$ids" ]

	printf 'group = 1\n' >> "$CONF/10-views.conf"
	run -1 bv status
	[ "$(state_of other)" = "changed owner" ]
	run -0 --separate-stderr bv apply
	[ "$output" = "updated other (owner)" ]
	[ "$(attrs other)" = "400 nobody:daemon 65534:1" ]
	[ "$(link_ids tasks other)" = "$ids" ]

	# mode and owner together: still in place
	printf 'mode = 0444\n' >> "$CONF/10-views.conf"
	sed -i 's/^owner = nobody$/owner = daemon/' "$CONF/10-views.conf"
	run -1 bv status
	[ "$(state_of other)" = "changed mode, owner" ]
	run -0 --separate-stderr bv apply
	[ "$output" = "updated other (mode, owner)" ]
	[ "$(attrs other)" = "444 daemon:daemon 1:1" ]
	[ "$(link_ids tasks other)" = "$ids" ]
	run -0 bv status
}

@test "a parameter and a mode change together replace the view with the new mode" {
	manifest 10-views.conf <<-EOF
	[tasks]
	program = tasks
	EOF
	run -0 bv apply
	local id
	id=$(link_id tasks)
	printf 'comm = bash\nmode = 0444\n' >> "$CONF/10-views.conf"
	run -1 bv status
	[ "$(state_of tasks)" = "changed parameters, mode" ]
	run -0 --separate-stderr bv apply
	[ "$output" = "replaced tasks (parameters, mode)" ]
	[ "$(link_id tasks)" != "$id" ]
	[ "$(attrs tasks)" = "444 root:root 0:0" ]
	[ ! -e "$ROOT/tasks~staging" ]
}

# ---- 5. orphans and foreign objects ----

@test "apply unpins orphaned views and their empty directories, and leaves foreign objects alone" {
	manifest 10-views.conf <<-EOF
	[keep]
	program = tasks

	[sub/gone]
	program = stacks

	[sub2/deeper/gone]
	program = stacks
	EOF
	run -0 bv apply
	local keep_id
	keep_id=$(link_id keep)
	bpftool map create "$ROOT/foreignmap" type array key 4 value 4 entries 1 name fm
	local map_id
	map_id=$(bpftool -j map show pinned "$ROOT/foreignmap" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
	mkdir "$ROOT/plain"

	manifest 10-views.conf <<-EOF
	[keep]
	program = tasks
	EOF
	run -1 bv status
	[ "$(state_of keep)" = "in-sync" ]
	[ "$(state_of sub/gone)" = "orphan" ]
	[ "$(state_of sub2/deeper/gone)" = "orphan" ]
	[ "$(state_of foreignmap)" = "foreign map" ]
	[ "$(state_of plain)" = "foreign directory" ]

	run -0 --separate-stderr bv apply
	[ "$(sort <<< "$output")" = "removed sub/gone
removed sub2/deeper/gone" ]
	grep -qxF "bpfviews: $ROOT/foreignmap is not managed by bpfviews (map); left alone" <<< "$stderr"
	grep -qxF "bpfviews: $ROOT/plain is not managed by bpfviews (directory); left alone" <<< "$stderr"
	[ ! -e "$ROOT/sub" ]
	[ ! -e "$ROOT/sub2" ]
	[ "$(link_id keep)" = "$keep_id" ]
	[ "$(bpftool -j map show pinned "$ROOT/foreignmap" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')" = "$map_id" ]
	[ -d "$ROOT/plain" ]
	[ "$(root_listing)" = "foreignmap f 600 root:root
keep f 400 root:root
plain d 755 root:root" ]

	# foreign objects do not make status fail; -q hides the warning
	run -0 bv status
	[ "$(state_of foreignmap)" = "foreign map" ]
	run -0 --separate-stderr bv -q apply
	[ "$output" = "" ]
	[ "$stderr" = "" ]
}

# pin_id PATH: the id of whatever is pinned at PATH (program, link or map).
pin_id() {
	local kind
	for kind in prog link map; do
		bpftool -j "$kind" show pinned "$1" 2>/dev/null |
			python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])' 2>/dev/null && return 0
	done
	echo "nothing pinned at $1" >&2
	return 1
}

# pin_ids NAME...: "NAME KIND-ID" of each pin under the root, to show they
# are the same objects, untouched.
pin_ids() {
	local n id
	for n in "$@"; do
		id=$(pin_id "$ROOT/$n") || return 1
		echo "$n $id"
	done
}

@test "only iterator links are views: pinned programs, other links and maps stay, reported, through apply and remove --all" {
	manifest 10-views.conf <<-EOF
	[keep]
	program = tasks

	[sub/gone]
	program = stacks
	EOF
	run -0 bv apply
	# a raw_tracepoint link at the top, in a view's directory and under a
	# staging name; a program, an iterator program (not a link) and a map
	local pin="$BATS_TEST_DIRNAME/bpfpin.py"
	mkdir "$ROOT/foreign"
	python3 "$pin" raw_tp bvtest_tp task_rename "$ROOT/tplink"
	python3 "$pin" raw_tp bvtest_tp task_rename "$ROOT/sub/tplink"
	python3 "$pin" raw_tp bvtest_tp task_rename "$ROOT/gone~staging"
	python3 "$pin" socket_filter bvtest_sf "$ROOT/foreign/prog"
	bpftool prog load "$TEST_OBJECTS/task_stack.bpf.o" "$ROOT/iterprog"
	bpftool map create "$ROOT/foreign/map" type array key 4 value 4 entries 1 name fm
	local names="tplink sub/tplink gone~staging foreign/prog iterprog foreign/map" before
	before=$(pin_ids $names)
	[ "$(bpftool -j link show pinned "$ROOT/tplink" | python3 -c 'import json,sys; print(json.load(sys.stdin)["type"])')" = raw_tracepoint ]

	manifest 10-views.conf <<-EOF
	[keep]
	program = tasks
	EOF
	run -1 bv status
	echo "$output"
	[ "$(state_of keep)" = "in-sync" ]
	[ "$(state_of sub/gone)" = "orphan" ]
	[ "$(state_of tplink)" = "foreign link (not an iterator)" ]
	[ "$(state_of sub/tplink)" = "foreign link (not an iterator)" ]
	[ "$(state_of gone~staging)" = "foreign link (not an iterator)" ]
	[ "$(state_of foreign/prog)" = "foreign program" ]
	[ "$(state_of iterprog)" = "foreign program" ]
	[ "$(state_of foreign/map)" = "foreign map" ]

	run -0 --separate-stderr bv apply
	echo "$output"; echo "$stderr"
	[ "$output" = "removed sub/gone" ]
	local n what
	while read -r n what; do
		grep -qxF "bpfviews: $ROOT/$n is not managed by bpfviews ($what); left alone" <<< "$stderr"
	done <<-EOF
	tplink link (not an iterator)
	sub/tplink link (not an iterator)
	gone~staging link (not an iterator)
	foreign/prog program
	iterprog program
	foreign/map map
	EOF
	same "foreign pins after apply" "$before" "$(pin_ids $names)"
	[ -e "$ROOT/keep" ]

	run -0 --separate-stderr bv remove --all
	echo "$output"; echo "$stderr"
	[ "$output" = "removed keep" ]
	same "foreign pins after remove --all" "$before" "$(pin_ids $names)"
	[ "$(root_listing)" = "foreign d 755 root:root
foreign/map f 600 root:root
foreign/prog f 600 root:root
gone~staging f 600 root:root
iterprog f 600 root:root
sub d 755 root:root
sub/tplink f 600 root:root
tplink f 600 root:root" ]

	# named, each is refused and stays
	for n in $names; do
		run -1 --separate-stderr bv remove "$n"
		[ "$output" = "" ]
		grep -qF "$ROOT/$n is not managed by bpfviews" <<< "$stderr"
	done
	same "foreign pins after remove NAME" "$before" "$(pin_ids $names)"
}

@test "a view whose path is taken by a foreign object is blocked; the object is left alone" {
	bpftool map create "$ROOT/tasks" type array key 4 value 4 entries 1 name fm
	manifest 10-views.conf <<-EOF
	[tasks]
	program = tasks

	[other]
	program = stacks
	EOF
	run -1 bv status
	[ "$(state_of tasks)" = "blocked map" ]
	run -1 --separate-stderr bv apply
	[ "$output" = "created other" ]
	grep -qF "[tasks] $ROOT/tasks is taken by something bpfviews does not manage (map)" <<< "$stderr"
	bpftool map show pinned "$ROOT/tasks" > /dev/null
}

# ---- 6. remove ----

@test "remove VIEW unpins that view (and its empty directory) only" {
	manifest 10-views.conf <<-EOF
	[tasks]
	program = tasks

	[web/files]
	program = files

	[web/stacks]
	program = stacks
	EOF
	run -0 bv apply
	local tasks_id
	tasks_id=$(link_id tasks)

	run -0 --separate-stderr bv remove web/files
	[ "$output" = "removed web/files" ]
	[ ! -e "$ROOT/web/files" ]
	[ -e "$ROOT/web/stacks" ]
	run -0 --separate-stderr bv remove web/stacks
	[ "$output" = "removed web/stacks" ]
	[ ! -e "$ROOT/web" ]
	[ "$(link_id tasks)" = "$tasks_id" ]

	# still in the manifest: missing until the next apply
	run -1 bv status
	[ "$(state_of web/files)" = "missing" ]
	[ "$(state_of tasks)" = "in-sync" ]

	# a name that is not pinned is an error
	run -1 --separate-stderr bv remove web/files
	[ "$output" = "" ]
	grep -qxF "bpfviews: no view web/files under $ROOT" <<< "$stderr"
}

@test "remove --all unpins every view and staging pin; foreign pins stay" {
	manifest 10-views.conf <<-EOF
	[tasks]
	program = tasks

	[web/files]
	program = files
	EOF
	run -0 bv apply
	bpftool iter pin "$TEST_OBJECTS/../bpf/tasks.bpf.o" "$ROOT/tasks~staging"
	bpftool map create "$ROOT/foreignmap" type array key 4 value 4 entries 1 name fm
	mkdir "$ROOT/plain"

	run -0 --separate-stderr bv remove --all
	[ "$(sort <<< "$output")" = "removed tasks
removed tasks~staging
removed web/files" ]
	[ "$(root_listing)" = "foreignmap f 600 root:root
plain d 755 root:root" ]
	bpftool map show pinned "$ROOT/foreignmap" > /dev/null

	# nothing left to remove: still fine
	run -0 --separate-stderr bv remove --all
	[ "$output" = "" ]
}

@test "remove of a foreign pin fails and leaves it" {
	manifest 10-views.conf <<-EOF
	[tasks]
	program = tasks
	EOF
	run -0 bv apply
	bpftool map create "$ROOT/foreignmap" type array key 4 value 4 entries 1 name fm
	mkdir "$ROOT/plain"

	run -1 --separate-stderr bv remove foreignmap
	[ "$output" = "" ]
	grep -qxF "bpfviews: $ROOT/foreignmap is not managed by bpfviews (map); not removed" <<< "$stderr"
	bpftool map show pinned "$ROOT/foreignmap" > /dev/null

	run -1 --separate-stderr bv remove plain
	[ "$output" = "" ]
	[ -d "$ROOT/plain" ]

	# a foreign name next to a view: the view goes, the foreign one stays, exit 1
	run -1 --separate-stderr bv remove foreignmap tasks
	[ "$output" = "removed tasks" ]
	[ ! -e "$ROOT/tasks" ]
	bpftool map show pinned "$ROOT/foreignmap" > /dev/null
}

# ---- 7. rm of a view ----

@test "a view removed with rm shows as missing and apply brings it back" {
	manifest 10-views.conf <<-EOF
	[tasks]
	program = tasks
	mode = 0444

	[other]
	program = stacks
	EOF
	run -0 bv apply
	local other_id
	other_id=$(link_id other)
	rm "$ROOT/tasks"

	run -1 bv status
	[ "$(state_of tasks)" = "missing" ]
	[ "$(state_of other)" = "in-sync" ]
	run -0 --separate-stderr bv apply
	[ "$output" = "created tasks" ]
	[ "$(attrs tasks)" = "444 root:root 0:0" ]
	[ "$(link_id other)" = "$other_id" ]
	run -0 bv status
}

# ---- 8. manifest errors change nothing ----

# Applies a good manifest (views "two" and "tasks") and records the state.
good_state() {
	local two
	two=$(obj two_progs.bpf.o)
	manifest 10-good.conf <<-EOF
	[two]
	object = $two
	program = count_b

	[tasks]
	program = tasks
	EOF
	run -0 bv apply
	GOOD_IDS=$(link_ids two tasks)
	GOOD_LISTING=$(root_listing)
	[ "$(rd "two")" = "b answer=42" ]
	# The next manifest would replace "two" and remove "tasks" if it were
	# applied even in part.
	manifest 10-good.conf <<-EOF
	[two]
	object = $two
	program = count_b
	answer = 7
	EOF
}

# bad_manifest LINE VIEW MESSAGE: 20-bad.conf (from stdin) is refused with
# exit 2 and an error "20-bad.conf:LINE: ..." naming VIEW and containing
# MESSAGE, and the pinned views are untouched.
bad_manifest() {
	manifest 20-bad.conf
	for cmd in apply "apply --dry-run" status check; do
		run -2 --separate-stderr bv $cmd
		[ -z "$output" ] || {
			echo "$cmd printed: $output" >&2
			return 1
		}
		if [ "$cmd" = apply ]; then
			grep -qxF "bpfviews: manifest has errors; nothing applied" <<< "$stderr"
		fi
		local line
		line=$(grep -F "bpfviews: $CONF/20-bad.conf:$1: " <<< "$stderr") || {
			echo "$cmd: no error at $CONF/20-bad.conf:$1 in: $stderr" >&2
			return 1
		}
		grep -qE "(\[|')$2(\]|')" <<< "$line" || {
			echo "$cmd: the error does not name the view $2: $line" >&2
			return 1
		}
		grep -qF -- "$3" <<< "$line" || {
			echo "$cmd: expected '$3' in: $line" >&2
			return 1
		}
	done
	[ "$(link_ids two tasks)" = "$GOOD_IDS" ]
	[ "$(root_listing)" = "$GOOD_LISTING" ]
	[ "$(rd "two")" = "b answer=42" ]
	# and with the bad file gone, the good edit applies
	rm "$CONF/20-bad.conf"
	run -0 bv apply
	[ "$(rd "two")" = "b answer=7" ]
	[ ! -e "$ROOT/tasks" ]
}

@test "manifest error: syntax error" {
	good_state
	bad_manifest 3 badview "syntax error" <<-EOF
	[badview]
	program = tasks
	this line has no equals sign
	EOF
}

@test "manifest error: unknown key lists the valid keys" {
	good_state
	bad_manifest 3 badview "unknown key 'bogus'; valid: format, comm, threads" <<-EOF
	[badview]
	program = tasks
	bogus = 1
	EOF
}

@test "manifest error: integer parameter out of range gives the range" {
	good_state
	bad_manifest 4 badview "answer: 2147483648 is out of range for s32 (-2147483648..2147483647)" <<-EOF
	[badview]
	object = $CONF/two_progs.bpf.o
	program = count_b
	answer = 2147483648
	EOF
}

@test "manifest error: mode out of range" {
	good_state
	bad_manifest 3 badview "mode = '01000' is not an octal file mode up to 0777" <<-EOF
	[badview]
	program = tasks
	mode = 01000
	EOF
}

@test "manifest error: view name with a dot" {
	good_state
	bad_manifest 1 bad.view "view name 'bad.view' has '.'" <<-EOF
	[bad.view]
	program = tasks
	EOF
}

@test "manifest error: the same view in two files" {
	good_state
	bad_manifest 2 two "view 'two' is already defined at $CONF/10-good.conf:1" <<-EOF

	[two]
	program = tasks
	EOF
}

@test "manifest error: unknown built-in program" {
	good_state
	bad_manifest 2 badview "no built-in program 'nosuch'" <<-EOF
	[badview]
	program = nosuch
	EOF
}

@test "manifest error: string too long for comm (16 characters for char[16])" {
	good_state
	bad_manifest 3 badview "comm: 'abcdefghijklmnop' is longer than 15 characters" <<-EOF
	[badview]
	program = tasks
	comm = abcdefghijklmnop
	EOF
}

@test "manifest error: a group-writable manifest file is refused whole" {
	good_state
	chmod 0664 "$CONF/10-good.conf"
	run -2 --separate-stderr bv apply
	[ "$output" = "" ]
	grep -qxF "bpfviews: $CONF/10-good.conf: writable by group or others (mode 0664); refusing it (chmod go-w)" <<< "$stderr"
	[ "$(link_ids two tasks)" = "$GOOD_IDS" ]
	[ "$(root_listing)" = "$GOOD_LISTING" ]
	[ "$(rd "two")" = "b answer=42" ]
	# a manifest directory others may write is refused too
	chmod 0644 "$CONF/10-good.conf"
	chmod 0775 "$CONF"
	run -2 --separate-stderr bv apply
	grep -qF "$CONF: writable by group or others (mode 0775)" <<< "$stderr"
	[ "$(link_ids two tasks)" = "$GOOD_IDS" ]
	chmod 0755 "$CONF"
}

# ---- 9. a failed view breaks nothing else ----

@test "a view the verifier rejects fails alone, with the verifier's reason" {
	local bad
	bad=$(obj bad_verifier.bpf.o)
	manifest 10-views.conf <<-EOF
	[good1]
	program = tasks

	[bad]
	object = $bad

	[good2]
	program = stacks
	EOF
	run -1 --separate-stderr bv apply
	[ "$output" = "created good1
created good2" ]
	[ ! -e "$ROOT/bad" ]
	[ -e "$ROOT/good1" ]
	[ -e "$ROOT/good2" ]
	grep -qF "bpfviews: $CONF/10-views.conf:4: [bad] " <<< "$stderr"
	grep -qF "math between map_value pointer and register with unbounded min value is not allowed" <<< "$stderr"

	run -1 bv status
	[ "$(state_of good1)" = "in-sync" ]
	[[ "$(state_of bad)" = "failed "* ]]
}

@test "with -v the verifier log of a rejected view is shown whole" {
	local bad
	bad=$(obj bad_verifier.bpf.o)
	manifest 10-views.conf <<-EOF
	[bad]
	object = $bad
	EOF
	run -1 --separate-stderr bv -v apply
	grep -qF -- "-- BEGIN PROG LOAD LOG --" <<< "$stderr"
	grep -qF "math between map_value pointer and register with unbounded min value is not allowed" <<< "$stderr"
	grep -qF -- "-- END PROG LOAD LOG --" <<< "$stderr"
	# without -v, no log
	run -1 --separate-stderr bv apply
	refute_grep -F -- "BEGIN PROG LOAD LOG" <<< "$stderr"
}

@test "a view that fails keeps its old pin" {
	local two bad
	two=$(obj two_progs.bpf.o)
	bad=$(obj bad_verifier.bpf.o)
	manifest 10-views.conf <<-EOF
	[x]
	object = $two
	program = count_b

	[y]
	program = tasks
	EOF
	run -0 bv apply
	local x_id y_id
	x_id=$(link_id x)
	y_id=$(link_id y)

	manifest 10-views.conf <<-EOF
	[x]
	object = $bad

	[y]
	program = tasks
	mode = 0444

	[z]
	program = stacks
	EOF
	run -1 --separate-stderr bv apply
	[ "$output" = "updated y (mode)
created z" ]
	grep -qxF "bpfviews: [x] not applied; the pinned view stays as it was" <<< "$stderr"
	[ "$(link_id x)" = "$x_id" ]
	[ "$(link_id y)" = "$y_id" ]
	[ "$(rd "x")" = "b answer=42" ]
	run -1 bv status
	[[ "$(state_of x)" = "failed "* ]]
}

@test "a missing object fails that view only" {
	manifest 10-views.conf <<-EOF
	[good]
	program = tasks

	[x]
	object = $CONF/nonexistent.bpf.o
	EOF
	run -1 --separate-stderr bv apply
	[ "$output" = "created good" ]
	grep -qxF "bpfviews: $CONF/10-views.conf:5: [x] object $CONF/nonexistent.bpf.o: No such file or directory" <<< "$stderr"
	[ ! -e "$ROOT/x" ]
}

@test "a group-writable or non-root object is refused and fails that view only, keeping its old pin" {
	local two
	two=$(obj two_progs.bpf.o)
	manifest 10-views.conf <<-EOF
	[x]
	object = $two
	program = count_b

	[good]
	program = tasks
	EOF
	run -0 bv apply
	local x_id
	x_id=$(link_id x)

	chmod 0664 "$two"
	printf '[new]\nprogram = stacks\n' >> "$CONF/10-views.conf"
	sed -i 's/^program = count_b$/program = count_b\nanswer = 7/' "$CONF/10-views.conf"
	run -1 --separate-stderr bv apply
	[ "$output" = "created new" ]
	grep -qF "[x] object $two: writable by group or others (mode 0664); refusing it (chmod go-w)" <<< "$stderr"
	[ "$(link_id x)" = "$x_id" ]
	[ "$(rd "x")" = "b answer=42" ]

	chmod 0644 "$two"
	chown nobody "$two"
	run -1 --separate-stderr bv apply
	[ "$output" = "" ]
	grep -qF "[x] object $two: owned by uid 65534, not root; refusing it (chown root)" <<< "$stderr"
	[ "$(link_id x)" = "$x_id" ]

	chown root "$two"
	run -0 --separate-stderr bv apply
	[ "$output" = "replaced x (parameters)" ]
	[ "$(rd "x")" = "b answer=7" ]
}

# ---- 10. custom objects ----

@test "task_stack: dump_task_stack with target_comm shows that process only; a new target_comm replaces the view" {
	local ts comm_a comm_b pid_a pid_b
	ts=$(obj task_stack.bpf.o)
	comm_a=$(unique_comm a)
	comm_b=$(unique_comm b)
	spawn_named "$comm_a"
	pid_a=$LAST_PID
	spawn_named "$comm_b"
	pid_b=$LAST_PID

	manifest 10-views.conf <<-EOF
	[app/stacks]
	object = $ts
	program = dump_task_stack
	target_comm = $comm_a

	[app/files]
	object = $ts
	program = dump_task_file
	target_comm = $comm_a
	EOF
	run -0 --separate-stderr bv apply
	[ "$output" = "created app/stacks
created app/files" ]

	run -0 cat "$ROOT/app/stacks"
	[ "${lines[0]}" = "=== Task: $comm_a (pid=$pid_a, tgid=$pid_a) ===" ]
	[ "$(grep -c '^=== Task: ' <<< "$output")" -eq 1 ]
	grep -qE '^Stack depth: [1-9][0-9]* frames$' <<< "$output"

	# the files program of the same object: that process's descriptors only
	run -0 cat "$ROOT/app/files"
	local fds
	fds=$(ls "/proc/$pid_a/fd" | sort -n | tr '\n' ' ')
	[ "$(awk -v c="$comm_a" -v p="$pid_a" '$1 == c && $2 == p && $3 == p { print $4 }' <<< "$output" | sort -n | tr '\n' ' ')" = "$fds" ]
	refute_grep "^$comm_b " <<< "$output"

	# reading changed the object's counters in .bss: still in sync
	run -0 bv status

	local stacks_id files_id
	stacks_id=$(link_id app/stacks)
	files_id=$(link_id app/files)
	sed -i "0,/^target_comm = $comm_a\$/s//target_comm = $comm_b/" "$CONF/10-views.conf"
	run -1 bv status
	[ "$(state_of app/stacks)" = "changed parameters" ]
	[ "$(state_of app/files)" = "in-sync" ]
	run -0 --separate-stderr bv apply
	[ "$output" = "replaced app/stacks (parameters)" ]
	[ "$(link_id app/stacks)" != "$stacks_id" ]
	[ "$(link_id app/files)" = "$files_id" ]
	run -0 cat "$ROOT/app/stacks"
	[ "${lines[0]}" = "=== Task: $comm_b (pid=$pid_b, tgid=$pid_b) ===" ]
	[ "$(grep -c '^=== Task: ' <<< "$output")" -eq 1 ]
}

@test "two_progs: an ambiguous object needs program =; count_b prints its answer" {
	local two
	two=$(obj two_progs.bpf.o)
	manifest 10-views.conf <<-EOF
	[two]
	object = $two

	[good]
	program = tasks
	EOF
	run -1 --separate-stderr bv apply
	[ "$output" = "created good" ]
	grep -qF "$CONF/10-views.conf:1: [two] $two has several iterator programs (count_a, count_b); choose one with 'program ='" <<< "$stderr"
	[ ! -e "$ROOT/two" ]

	manifest 10-views.conf <<-EOF
	[two]
	object = $two
	program = count_b
	EOF
	run -0 --separate-stderr bv apply
	[ "$output" = "created two
removed good" ]
	[ "$(rd "two")" = "b answer=42" ]

	printf 'answer = 7\n' >> "$CONF/10-views.conf"
	run -0 bv apply
	[ "$(rd "two")" = "b answer=7" ]

	# an unknown program name lists the object's iterator programs
	sed -i 's/^program = count_b$/program = count_c/' "$CONF/10-views.conf"
	run -1 --separate-stderr bv apply
	grep -qF "count_c" <<< "$stderr"
	grep -qF "count_a, count_b" <<< "$stderr"
	[ "$(rd "two")" = "b answer=7" ]
}

# ---- 11. check ----

@test "check loads every view and pins nothing" {
	local two
	two=$(obj two_progs.bpf.o)
	manifest 10-views.conf <<-EOF
	[tasks]
	program = tasks

	[two]
	object = $two
	program = count_b
	answer = 7
	EOF
	run -0 --separate-stderr bv check
	[ "$output" = "ok tasks
ok two" ]
	[ "$(root_listing)" = "" ]
	# the root is not used at all
	run -0 --separate-stderr "$BPFVIEWS" -C "$CONF" -r "$ROOT/does/not/exist" check
	[ ! -e "$ROOT/does" ]
	run -0 --separate-stderr bv check two
	[ "$output" = "ok two" ]
}

@test "check fails on a view the verifier rejects" {
	local bad
	bad=$(obj bad_verifier.bpf.o)
	manifest 10-views.conf <<-EOF
	[good]
	program = tasks

	[bad]
	object = $bad
	EOF
	run -1 --separate-stderr bv check
	[ "$output" = "ok good" ]
	grep -qF "$CONF/10-views.conf:4: [bad] " <<< "$stderr"
	[ "$(root_listing)" = "" ]
	run -0 --separate-stderr bv check good
	[ "$output" = "ok good" ]
}

# ---- 12. dry run ----

@test "apply --dry-run prints the plan and changes nothing" {
	manifest 10-views.conf <<-EOF
	[tasks]
	program = tasks

	[web/files]
	program = files
	EOF
	run -0 --separate-stderr bv apply --dry-run
	[ "$output" = "create tasks
create web/files" ]
	[ "$(root_listing)" = "" ]

	run -0 bv apply
	local ids
	ids=$(link_ids tasks web/files)
	bpftool iter pin "$TEST_OBJECTS/../bpf/tasks.bpf.o" "$ROOT/tasks~staging"
	manifest 10-views.conf <<-EOF
	[tasks]
	program = tasks
	mode = 0444

	[stacks]
	program = stacks
	EOF
	local listing
	listing=$(root_listing)
	run -0 --separate-stderr bv apply --dry-run
	[ "$output" = "update tasks (mode)
create stacks
remove staging pin tasks~staging
remove web/files" ]
	[ "$(root_listing)" = "$listing" ]
	[ "$(link_ids tasks web/files)" = "$ids" ]

	sed -i 's/^program = stacks$/program = stacks\nformat = csv/' "$CONF/10-views.conf"
	run -0 bv apply
	sed -i 's/^format = csv$/format = json/' "$CONF/10-views.conf"
	ids=$(link_ids tasks stacks)
	run -0 --separate-stderr bv apply --dry-run
	[ "$output" = "keep tasks
replace stacks (parameters)" ]
	[ "$(link_ids tasks stacks)" = "$ids" ]

	# a root that does not exist is not created
	run -0 --separate-stderr "$BPFVIEWS" -C "$CONF" -r "$ROOT/sub" apply --dry-run
	[ "$output" = "create tasks
create stacks" ]
	[ ! -e "$ROOT/sub" ]
}

# ---- 13. staging leftovers ----

@test "a staging pin left by an interrupted apply is reported and removed" {
	manifest 10-views.conf <<-EOF
	[tasks]
	program = tasks

	[web/files]
	program = files
	EOF
	run -0 bv apply
	local ids
	ids=$(link_ids tasks web/files)
	bpftool iter pin "$TEST_OBJECTS/../bpf/tasks.bpf.o" "$ROOT/tasks~staging"
	bpftool iter pin "$TEST_OBJECTS/../bpf/tasks.bpf.o" "$ROOT/web/files~staging"

	run -1 bv status
	[ "$(state_of 'tasks~staging')" = "staging" ]
	[ "$(state_of 'web/files~staging')" = "staging" ]
	[ "$(state_of tasks)" = "in-sync" ]

	run -0 --separate-stderr bv apply
	[ "$(sort <<< "$output")" = "removed staging pin tasks~staging
removed staging pin web/files~staging" ]
	[ "$(link_ids tasks web/files)" = "$ids" ]
	[ "$(root_listing)" = "tasks f 400 root:root
web d 755 root:root
web/files f 400 root:root" ]
	run -0 bv status
}

# ---- apply and status of selected views ----

@test "apply VIEW and status VIEW work on the named views only" {
	manifest 10-views.conf <<-EOF
	[tasks]
	program = tasks

	[other]
	program = stacks
	mode = 0444
	EOF
	run -0 --separate-stderr bv apply tasks
	[ "$output" = "created tasks" ]
	[ ! -e "$ROOT/other" ]
	run -0 bv status tasks
	[ "$(state_of tasks)" = "in-sync" ]
	[ "$(state_of other)" = "" ]
	run -1 bv status other
	[ "$(state_of other)" = "missing" ]

	run -0 bv apply
	local tasks_id
	tasks_id=$(link_id tasks)
	# an orphan and a staging pin of another view are left for a full apply;
	# the named view's own staging pin is cleaned
	printf '[gone]\nprogram = tasks\n' > "$CONF/20-gone.conf"
	chmod 0644 "$CONF/20-gone.conf"
	run -0 bv apply gone
	rm "$CONF/20-gone.conf"
	bpftool iter pin "$TEST_OBJECTS/../bpf/tasks.bpf.o" "$ROOT/tasks~staging"
	bpftool iter pin "$TEST_OBJECTS/../bpf/tasks.bpf.o" "$ROOT/other~staging"
	sed -i 's/^mode = 0444$/mode = 0440/' "$CONF/10-views.conf"
	run -0 --separate-stderr bv apply tasks
	[ "$output" = "removed staging pin tasks~staging" ]
	[ "$(link_id tasks)" = "$tasks_id" ]
	[ -e "$ROOT/gone" ]
	[ -e "$ROOT/other~staging" ]
	[ "$(attrs other)" = "444 root:root 0:0" ]
	run -0 --separate-stderr bv apply other
	[ "$output" = "updated other (mode)
removed staging pin other~staging" ]
	[ -e "$ROOT/gone" ]
	run -0 --separate-stderr bv apply
	[ "$output" = "removed gone" ]
	run -0 bv status
}

# ---- 14. JSON ----

@test "status -j and programs -j are JSON; -j errors are JSON lines" {
	local two
	two=$(obj two_progs.bpf.o)
	manifest 10-views.conf <<-EOF
	[tasks]
	program = tasks

	[two]
	object = $two
	program = count_b
	EOF
	run -0 bv apply
	printf 'answer = 7\n\n[new]\nprogram = stacks\n' >> "$CONF/10-views.conf"
	bpftool map create "$ROOT/foreignmap" type array key 4 value 4 entries 1 name fm

	run -1 --separate-stderr bv -j status
	python3 - "$output" <<-'EOF'
	import json, sys
	rows = json.loads(sys.argv[1])
	assert isinstance(rows, list), rows
	for r in rows:
	    assert {"view", "state"} <= set(r), r
	    assert set(r) <= {"view", "state", "changed", "what", "error"}, r
	got = {r["view"]: (r["state"], r.get("changed"), r.get("what")) for r in rows}
	want = {
	    "tasks": ("in-sync", None, None),
	    "two": ("changed", "parameters", None),
	    "new": ("missing", None, None),
	    "foreignmap": ("foreign", None, "map"),
	}
	assert got == want, got
	EOF

	run -0 --separate-stderr bv -j programs
	python3 - "$output" <<-'EOF'
	import json, sys
	progs = json.loads(sys.argv[1])
	byname = {p["name"]: p for p in progs}
	assert {"tasks", "stacks", "files"} <= set(byname), byname.keys()
	for p in progs:
	    assert {"name", "iterator", "summary", "columns", "parameters"} <= set(p), p
	assert byname["tasks"]["iterator"] == "task", byname["tasks"]
	assert byname["files"]["iterator"] == "task_file", byname["files"]
	assert [q["name"] for q in byname["tasks"]["parameters"]][:3] == ["format", "comm", "threads"], byname["tasks"]
	EOF

	run -0 --separate-stderr bv -j programs tasks
	python3 -c 'import json,sys; p = json.loads(sys.argv[1]); p = p[0] if isinstance(p, list) else p; assert p["name"] == "tasks", p' "$output"

	printf '[bad]\nprogram = tasks\nbogus = 1\n' > "$CONF/20-bad.conf"
	chmod 0644 "$CONF/20-bad.conf"
	run -2 --separate-stderr bv -j apply
	python3 - "$stderr" "$CONF/20-bad.conf:3:" <<-'EOF'
	import json, sys
	lines = [json.loads(l) for l in sys.argv[1].splitlines()]
	assert lines, "no error lines"
	for l in lines:
	    assert set(l) == {"level", "message"}, l
	    assert l["level"] in ("error", "warning", "info", "debug"), l
	assert any(l["level"] == "error" and sys.argv[2] in l["message"] for l in lines), lines
	EOF
}

# ---- 15. concurrency ----

@test "two applies at once on a fresh root both succeed and leave it in sync" {
	local two
	two=$(obj two_progs.bpf.o)
	manifest 10-views.conf <<-EOF
	[tasks]
	program = tasks

	[web/files]
	program = files

	[stacks]
	program = stacks

	[two]
	object = $two
	program = count_b
	EOF
	local round p1 p2 rc1 rc2
	for round in 1 2 3 4 5; do
		bv apply > "$CONF/out1" 2> "$CONF/err1" & p1=$!
		bv apply > "$CONF/out2" 2> "$CONF/err2" & p2=$!
		wait "$p1"; rc1=$?
		wait "$p2"; rc2=$?
		cat "$CONF"/out* "$CONF"/err*
		[ "$rc1" -eq 0 ]
		[ "$rc2" -eq 0 ]
		[ ! -s "$CONF/err1" ]
		[ ! -s "$CONF/err2" ]
		# each view created exactly once between them
		[ "$(cat "$CONF/out1" "$CONF/out2" | sort)" = "created stacks
created tasks
created two
created web/files" ]
		run -0 bv status
		[ "$(root_listing)" = "stacks f 400 root:root
tasks f 400 root:root
two f 400 root:root
web d 755 root:root
web/files f 400 root:root" ]
		run -0 bv remove --all
	done
}

@test "two applies at once that both create the root both succeed" {
	command -v strace > /dev/null || skip "needs strace to order the two runs"
	manifest 10-views.conf <<-EOF
	[tasks]
	program = tasks
	EOF
	# The first run is held at its mkdir of the root until the second has
	# created it: both saw no root, both create it.
	strace -qq -o /dev/null -e trace=mkdir -e inject=mkdir:delay_enter=1000000 \
		"$BPFVIEWS" -C "$CONF" -r "$ROOT/views" apply > "$CONF/out1" 2> "$CONF/err1" &
	local p1=$!
	PIDS+=("$p1")
	sleep 0.5
	run -0 --separate-stderr "$BPFVIEWS" -C "$CONF" -r "$ROOT/views" apply
	local out2=$output
	local rc1=0
	wait "$p1" || rc1=$?
	cat "$CONF/err1"
	[ "$rc1" -eq 0 ]
	# one of them created the view, the other found it in sync
	[ "$(cat "$CONF/out1"; echo "$out2")" = "created tasks" ]
	[ "$(link_type views/tasks)" = iter ]
}

# ---- atomic replace ----

# replace_trace LOG NAME...: from an strace -f log of an apply (bpf, rename*,
# unlink*), checks that each view NAME was replaced as bpffs_pin promises:
# its staging name NAME~staging pinned, then renamed over NAME, and NAME
# itself never unlinked nor pinned at.  Paths compare by their last
# component, so calls relative to a directory descriptor (*at(), pins with
# BPF_F_PATH_FD) count the same.  Prints the calls seen on failure.
REPLACE_TRACE='
import os, re, sys
log, names = sys.argv[1], sys.argv[2:]
calls, pending = [], {}
for line in open(log):
    pid, rest = line.rstrip("\n").split(None, 1)
    if rest.endswith("<unfinished ...>"):
        pending[pid] = rest[:-len("<unfinished ...>")]
        continue
    m = re.match(r"<\.\.\. \w+ resumed>(.*)", rest)
    if m:
        rest = pending.pop(pid, "") + m[1]
    calls.append(rest)
events = []
for c in calls:
    paths = [os.path.basename(p) for p in re.findall(r"\"((?:[^\"\\]|\\.)*)\"", c)]
    done = re.search(r"= 0$", c) is not None
    if c.startswith("bpf(BPF_OBJ_PIN,"):
        events.append(("pin", paths[0], "", done))
    elif re.match(r"rename(at2?)?\(", c):
        events.append(("rename", paths[0], paths[1], done))
    elif re.match(r"unlink(at)?\(", c):
        events.append(("unlink", paths[0], "", done))
bad = []
for name in (os.path.basename(n) for n in names):
    staging = name + "~staging"
    if any(e[0] in ("pin", "unlink") and e[1] == name for e in events):
        bad.append("%s: pinned at or unlinked" % name)
    pinned = [i for i, e in enumerate(events) if e == ("pin", staging, "", True)]
    renamed = [i for i, e in enumerate(events) if e == ("rename", staging, name, True)]
    if not pinned or not renamed or renamed[-1] < pinned[0]:
        bad.append("%s: not pinned as %s, then renamed over it" % (name, staging))
if bad or not events:
    print("\n".join(bad) or "no pin, rename or unlink in the trace")
    print("\n".join(map(repr, events)))
    sys.exit(1)
'

@test "a replace pins NAME~staging and renames it over NAME, never unlinking NAME (strace)" {
	manifest 10-views.conf <<-EOF
	[tasks]
	program = tasks

	[web/files]
	program = files
	mode = 0444
	EOF
	run -0 bv apply
	manifest 10-views.conf <<-EOF
	[tasks]
	program = tasks
	comm = nothing

	[web/files]
	program = files
	mode = 0444
	format = csv
	EOF
	local log=$BATS_TEST_TMPDIR/apply.strace
	run -0 strace -f -qq -s 4096 -o "$log" -e trace=bpf,rename,renameat,renameat2,unlink,unlinkat \
		"$BPFVIEWS" -C "$CONF" -r "$ROOT" apply
	[ "$(sort <<< "$output")" = "replaced tasks (parameters)
replaced web/files (parameters)" ]
	run python3 -c "$REPLACE_TRACE" "$log" tasks web/files
	echo "$output"
	[ "$status" -eq 0 ]
	# the checker fails on a trace without the rename
	grep -v 'rename' "$log" > "$log.cut"
	run python3 -c "$REPLACE_TRACE" "$log.cut" tasks web/files
	[ "$status" -eq 1 ]
	[ "$(attrs web/files)" = "444 root:root 0:0" ]
}

@test "a reader that opened the old view finishes reading it; readers never miss the file during replaces" {
	local two
	two=$(obj two_progs.bpf.o)
	manifest 10-views.conf <<-EOF
	[two]
	object = $two
	program = count_b
	EOF
	run -0 bv apply
	exec 5< "$ROOT/two"
	printf 'answer = 7\n' >> "$CONF/10-views.conf"
	run -0 bv apply
	[ "$output" = "replaced two (parameters)" ]
	[ "$(cat <&5)" = "b answer=42" ]
	exec 5<&-
	[ "$(rd "two")" = "b answer=7" ]

	# a reader in a loop while the view is replaced again and again
	touch "$CONF/reading"
	(
		bad=0
		while [ -e "$CONF/reading" ]; do
			got=$(cat "$ROOT/two" 2>&1) || bad=$((bad + 1))
			[[ "$got" =~ ^b\ answer=[0-9]+$ ]] || { echo "read: $got"; bad=$((bad + 1)); }
		done
		echo "$bad" > "$CONF/bad_reads"
	) 3>&- &
	local reader=$!
	PIDS+=("$reader")
	local n
	for n in 1 2 3 4 5 6 7 8 9 10; do
		sed -i "s/^answer = .*/answer = $n/" "$CONF/10-views.conf"
		run -0 --separate-stderr bv apply
		[ "$output" = "replaced two (parameters)" ]
	done
	rm "$CONF/reading"
	wait "$reader"
	[ "$(cat "$CONF/bad_reads")" = 0 ]
	[ "$(rd "two")" = "b answer=10" ]
	[ "$(root_listing)" = "two f 400 root:root" ]
}

# ---- 16. exit codes ----

@test "usage errors exit 2" {
	manifest 10-views.conf <<-EOF
	[tasks]
	program = tasks
	EOF
	run -2 bv frobnicate
	run -2 bv -Z status
	run -2 bv apply --bogus
	run -2 bv status --bogus
	run -2 bv remove
	run -2 bv remove --all tasks
	run -2 bv programs nosuch
	run -2 bv status nosuch
	run -2 bv apply nosuch
	run -2 "$BPFVIEWS"
	[ "$(root_listing)" = "" ]
	run -0 bv apply
	run -0 bv status
}

@test "apply of a root that is not on a bpffs fails with 1 and pins nothing" {
	manifest 10-views.conf <<-EOF
	[tasks]
	program = tasks
	EOF
	local plain=$BATS_TEST_TMPDIR/notbpf	# removed by bats
	mkdir "$plain"
	run -1 --separate-stderr "$BPFVIEWS" -C "$CONF" -r "$plain" apply
	grep -qF "$plain is not on a bpffs" <<< "$stderr"
	[ -z "$(ls -A "$plain")" ]
}
