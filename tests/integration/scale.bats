#!/usr/bin/env bats
# Failure isolation for broken objects, many views under ordinary limits,
# and objects that would pin maps outside the root.  Oracles: the exit
# status (a crash is 128 + the signal), the pins under the private root and
# under /sys/fs/bpf, bpftool.

bats_require_minimum_version 1.5.0

load helpers

setup() {
	setup_view_root
}

teardown() {
	teardown_view_root
}

# N views of the tasks program, each with its own parameter (so each is a
# program of its own), in one manifest file.
many_views() {
	local i
	for ((i = 1; i <= $1; i++)); do
		printf '[v%d]\nprogram = tasks\ncomm = c%d\n' "$i" "$i"
	done | manifest 10-many.conf
}

# bpfviews ARGS with at most N descriptors open (soft and hard limit).
limited() {
	local n=$1
	shift
	bash -c 'ulimit -n "$0" && exec "$@"' "$n" "$BPFVIEWS" -C "$CONF" -r "$ROOT" "$@"
}

# The link type bpftool reports for a pin.
link_type_of() {
	bpftool -j link show pinned "$ROOT/$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["type"])'
}

# Every entry under DIR with its type, mode and owner.
listing() {
	find "$1" -mindepth 1 ! -name '*.*' -printf '%P %y %m %u:%g\n' | sort
}

# A manifest of $CONF/broken.bpf.o (root's, 0644) between two good views.
broken_between_good() {
	chmod 0644 "$CONF/broken.bpf.o"
	manifest 10-views.conf <<-EOF
	[first]
	program = tasks

	[broken]
	object = $CONF/broken.bpf.o
	program = dump_task_stack

	[last]
	program = tasks
	comm = bash
	EOF
}

# After an apply of broken_between_good: the good views pinned, not the broken.
others_applied() {
	[[ "$output" == *"created first"* && "$output" == *"created last"* ]]
	[ "$(link_type_of first)" = iter ]
	[ "$(link_type_of last)" = iter ]
	[ ! -e "$ROOT/broken" ]
}

# corrupted HOW EXPECTED: a view of task_stack.bpf.o broken HOW (see
# corrupt_btf.py) between two good views: apply and check report it with
# EXPECTED, do not crash (exit 1, not 128 + a signal) and apply the others.
corrupted() {
	python3 "$BATS_TEST_DIRNAME/corrupt_btf.py" "$1" "$TEST_OBJECTS/task_stack.bpf.o" "$CONF/broken.bpf.o"
	broken_between_good
	run -1 --separate-stderr timeout 60 "$BPFVIEWS" -C "$CONF" -r "$ROOT" apply
	echo "stdout: $output"
	echo "stderr: $stderr"
	[[ "$stderr" == *"10-views.conf:4: [broken] $CONF/broken.bpf.o: malformed BTF: "$2"; rebuild it with clang -g -target bpf"* ]]
	others_applied
	run -1 --separate-stderr timeout 60 "$BPFVIEWS" -C "$CONF" -r "$ROOT" check
	[[ "$stderr" == *"[broken] $CONF/broken.bpf.o: malformed BTF: "$2* ]]
	[[ "$output" == *"ok first"* && "$output" == *"ok last"* ]]
}

@test "an object whose BTF refers past its last type fails its view only: no crash, the others apply" {
	corrupted past-end "type \[16\] refers to type \[16776960\], past the last \[*\]"
}

@test "an object whose BTF typedefs loop fails its view only: no hang, the others apply" {
	corrupted loop "type \[*\] is a loop of typedefs or modifiers"
}

@test "an object whose static variables are named past the strings loads: its globals are just unnamed" {
	python3 "$BATS_TEST_DIRNAME/corrupt_btf.py" static-name "$TEST_OBJECTS/task_stack.bpf.o" "$CONF/broken.bpf.o"
	chmod 0644 "$CONF/broken.bpf.o"
	manifest 10-views.conf <<-EOF
	[broken]
	object = $CONF/broken.bpf.o
	program = dump_task_stack
	EOF
	run -0 bv apply
	[ "$(link_type_of broken)" = iter ]
}

@test "an object that crashes libbpf's load fails its view only: loaded in a child process first, the others apply" {
	cc -shared -fPIC -o "$BATS_TEST_TMPDIR/crash_load.so" "$BATS_TEST_DIRNAME/crash_load.c" -ldl -lbpf
	cp "$TEST_OBJECTS/task_stack.bpf.o" "$CONF/broken.bpf.o"
	broken_between_good
	# under SANITIZE=1 the ASan runtime is not first in the library list
	export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
	run -1 --separate-stderr env LD_PRELOAD="$BATS_TEST_TMPDIR/crash_load.so" "$BPFVIEWS" -C "$CONF" -r "$ROOT" apply
	echo "stdout: $output"
	echo "stderr: $stderr"
	[[ "$stderr" == *"10-views.conf:4: [broken] loading $CONF/broken.bpf.o crashed (Segmentation fault) in a child process: the object is malformed"* ]]
	others_applied
}

@test "300 views apply under ulimit -n 256, then a no-op apply finds all in sync" {
	many_views 300
	run -0 limited 256 apply
	[ "$(grep -c '^created v' <<< "$output")" -eq 300 ]
	[ "$(find "$ROOT" -mindepth 1 -maxdepth 1 -name 'v*' | wc -l)" -eq 300 ]
	run -0 --separate-stderr limited 256 -v apply
	[ -z "$output" ]
	[ "$(grep -c ': in sync$' <<< "$stderr")" -eq 300 ]
	run -0 limited 256 status
	[ "$(grep -c ' in-sync ' <<< "$output")" -eq 300 ]
}

@test "too few descriptors is not reported as a verifier rejection" {
	many_views 40
	run -1 --separate-stderr limited 12 apply
	echo "$stderr"
	[[ "$stderr" != *"verifier"* ]]
	[ "$(grep -c '\] not loaded: the descriptor limit (ulimit -n) is 12, loading needs 32$' <<< "$stderr")" -eq 40 ]
}

# Runs bpfviews ARGS in a mount namespace of its own with a fresh bpffs on
# /sys/fs/bpf (libbpf's pin root), then prints "exit N" and what that bpffs
# holds (the kernel's dotted files aside): where libbpf would have pinned,
# whether or not the host has a bpffs there, without touching the host's.
in_private_sysfs_bpf() {
	unshare -m --propagation private bash -c '
		mount -t bpf bpf /sys/fs/bpf || exit 99
		"$@" >&2
		echo "exit $?"
		find /sys/fs/bpf -mindepth 1 ! -name "*.*" -printf "%P %y\n" | sort' bash "$@"
}

# Runs bpfviews ARGS in a mount namespace of its own with a fresh bpffs on
# /sys/fs/bpf (libbpf's pin root), then prints "exit N" and what that bpffs
# holds (the kernel's dotted files aside): where libbpf would have pinned,
# whether or not the host has a bpffs there, without touching the host's.
in_private_sysfs_bpf() {
	unshare -m --propagation private bash -c '
		mount -t bpf bpf /sys/fs/bpf || exit 99
		"$@" >&2
		echo "exit $?"
		find /sys/fs/bpf -mindepth 1 ! -name "*.*" -printf "%P %y\n" | sort' bash "$@"
}

@test "an object with a map pinned by name is refused and pins nothing outside the root" {
	manifest 10-views.conf <<-EOF
	[tasks]
	program = tasks

	[pinner]
	object = $(obj pinned_map_iter.bpf.o)
	EOF
	run -0 --separate-stderr in_private_sysfs_bpf "$BPFVIEWS" -C "$CONF" -r "$ROOT" apply
	echo "$stderr"
	same "exit status and /sys/fs/bpf after apply" "exit 1" "$output"
	[[ "$stderr" == *"10-views.conf:4: [pinner] map 'bpfviews_test_seen' in $CONF/pinned_map_iter.bpf.o is pinned by name (LIBBPF_PIN_BY_NAME)"* ]]
	[[ "$stderr" == *"created tasks"* ]]
	for cmd in check status; do
		run -0 --separate-stderr in_private_sysfs_bpf "$BPFVIEWS" -C "$CONF" -r "$ROOT" $cmd
		same "exit status and /sys/fs/bpf after $cmd" "exit 1" "$output"
	done
	same "the root" "tasks f 400 root:root" "$(listing "$ROOT")"
}
