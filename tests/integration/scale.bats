#!/usr/bin/env bats
# Failure isolation for broken objects, and objects that would pin maps
# outside the root.  Oracles: the exit
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

# Copies a test object into $CONF (root-owned, 0644) and prints its path.
obj() {
	install -m 0644 -o root -g root "$TEST_OBJECTS/$1" "$CONF/$1"
	echo "$CONF/$1"
}

# The link type bpftool reports for a pin.
link_type_of() {
	bpftool -j link show pinned "$ROOT/$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["type"])'
}

# Every entry under DIR with its type, mode and owner.
listing() {
	find "$1" -mindepth 1 ! -name '*.*' -printf '%P %y %m %u:%g\n' | sort
}

@test "an object with corrupted BTF fails its view only: no crash, the others apply" {
	python3 "$BATS_TEST_DIRNAME/corrupt_btf.py" "$TEST_OBJECTS/task_stack.bpf.o" "$CONF/broken.bpf.o"
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
	run -1 --separate-stderr bv apply
	echo "stdout: $output"
	echo "stderr: $stderr"
	[[ "$stderr" == *"10-views.conf:4: [broken] libbpf crashed (Segmentation fault) loading $CONF/broken.bpf.o: the object is malformed"* ]]
	[[ "$output" == *"created first"* && "$output" == *"created last"* ]]
	[ "$(link_type_of first)" = iter ]
	[ "$(link_type_of last)" = iter ]
	[ ! -e "$ROOT/broken" ]
	run -1 --separate-stderr bv check
	[[ "$stderr" == *"[broken] libbpf crashed (Segmentation fault)"* ]]
	[[ "$output" == *"ok first"* && "$output" == *"ok last"* ]]
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
