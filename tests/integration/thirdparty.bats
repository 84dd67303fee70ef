#!/usr/bin/env bats
# Kernel integration tests of objects written as other projects write them
# (externs libbpf fills in at load) and of how a failure inside libbpf is
# reported: in words, naming the view and, where the manifest can fix it,
# file:line. Also the stamp a built-in view carries, as bpftool shows it.
# Oracles: uname -r, the kernel's config, bpftool, strace.

bats_require_minimum_version 1.5.0

load helpers

setup() {
	setup_view_root
}

teardown() {
	teardown_view_root
}

# The running kernel's config, where libbpf reads it for __kconfig externs.
kernel_config() {
	if [ -r /proc/config.gz ]; then
		zcat /proc/config.gz
	elif [ -r "/boot/config-$(uname -r)" ]; then
		cat "/boot/config-$(uname -r)"
	else
		return 1
	fi
}

# 1 if CONFIG_$1 is y in the config on stdin, else 0 (as a __kconfig bool reads).
config_bool() {
	grep -qx "CONFIG_$1=y" && echo 1 || echo 0
}

# The id of the program behind a pinned view.
prog_id() {
	bpftool -j link show pinned "$ROOT/$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["prog_id"])'
}

# No message says what errno 0, an unnamed libbpf code or a misread errno says.
no_raw_errno() {
	local bad
	for bad in "Unknown error" "Success" "Cannot allocate memory" "No such process"; do
		if grep -qF "$bad" <<< "$1"; then
			echo "message with '$bad': $1"
			return 1
		fi
	done
}

@test "an object with __kconfig externs loads with the running kernel's version and config" {
	local config k version a b c
	config=$(kernel_config) || skip "no /proc/config.gz or /boot/config-$(uname -r): libbpf cannot fill CONFIG_ externs"
	k=$(obj kconfig_iter.bpf.o)
	manifest 10-k.conf <<-EOF
	[facts]
	object = $k
	EOF
	run -0 bv apply
	[ "$output" = "created facts" ]

	# libbpf's LINUX_KERNEL_VERSION: KERNEL_VERSION() of uname -r, patch at most 255
	IFS=.- read -r a b c _ <<< "$(uname -r)"
	c=${c%%[!0-9]*}
	version="$a.$b.$(( c > 255 ? 255 : c ))"
	same "kconfig facts" \
		"version=$version bpf_syscall=$(config_bool BPF_SYSCALL <<< "$config") kprobes=$(config_bool KPROBES <<< "$config")" \
		"$(rd facts)"

	# unchanged: compared after loading, kept
	local id
	id=$(link_id facts)
	run -0 bv apply
	[ "$output" = "" ]
	[ "$(link_id facts)" = "$id" ]
}

@test "a built-in view carries its stamp as bpf_metadata; unchanged, it is kept without loading; a parameter change replaces it" {
	manifest 10-t.conf <<-EOF
	[tasks]
	program = tasks
	EOF
	run -0 bv apply
	local stamp id
	stamp=$(bpftool -j prog show id "$(prog_id tasks)" |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["metadata"]["bpfviews_stamp"])')
	[[ "$stamp" =~ ^[1-9][0-9]*$ ]]
	id=$(link_id tasks)

	command -v strace > /dev/null || skip "needs strace to count program loads"
	strace -f -e trace=bpf -o "$BATS_TEST_TMPDIR/trace" "$BPFVIEWS" -C "$CONF" -r "$ROOT" apply
	[ "$(link_id tasks)" = "$id" ]
	run -1 grep -c BPF_PROG_LOAD "$BATS_TEST_TMPDIR/trace"
	[ "$output" = 0 ]

	manifest 10-t.conf <<-EOF
	[tasks]
	program = tasks
	comm = bash
	EOF
	run -0 bv apply
	[ "$output" = "replaced tasks (parameters)" ]
	[ "$(link_id tasks)" != "$id" ]
	[ "$(bpftool -j prog show id "$(prog_id tasks)" |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["metadata"]["bpfviews_stamp"])')" != "$stamp" ]
}

@test "an object libbpf cannot open is reported in words with file:line and the view" {
	mkdir -m 0755 "$CONF/dir.o"
	install -m 0644 /dev/null "$CONF/empty.o"
	echo "not an object" > "$CONF/text.o"
	chmod 0644 "$CONF/text.o"
	manifest 10-bad.conf <<-EOF
	[dir]
	object = $CONF/dir.o

	[empty]
	object = $CONF/empty.o

	[text]
	object = $CONF/text.o

	[good]
	program = tasks
	EOF
	run -1 --separate-stderr bv apply
	[ "$output" = "created good" ]
	[ "$(grep -c . <<< "$stderr")" = 3 ]
	grep -qxF "bpfviews: $CONF/10-bad.conf:2: [dir] object $CONF/dir.o: is a directory, not a regular file; only regular files are read" <<< "$stderr"
	grep -qxF "bpfviews: $CONF/10-bad.conf:5: [empty] cannot open object $CONF/empty.o: BPF object format invalid" <<< "$stderr"
	grep -qxF "bpfviews: $CONF/10-bad.conf:8: [text] cannot open object $CONF/text.o: BPF object format invalid" <<< "$stderr"
	no_raw_errno "$stderr"
}

@test "a kernel BTF libbpf cannot read is reported as such, naming each view" {
	local empty=$BATS_TEST_TMPDIR/vmlinux
	: > "$empty"
	manifest 10-t.conf <<-EOF
	[tasks]
	program = tasks

	[facts]
	object = $(obj kconfig_iter.bpf.o)
	EOF
	# a private mount namespace hides the kernel's BTF behind an empty file
	run -1 --separate-stderr unshare -m sh -c \
		'mount --bind "$1" /sys/kernel/btf/vmlinux && exec "$2" -C "$3" -r "$4" apply' \
		sh "$empty" "$BPFVIEWS" "$CONF" "$ROOT"
	[ "$output" = "" ]
	grep -qxF "bpfviews: $CONF/10-t.conf:1: [tasks] the kernel's BTF (/sys/kernel/btf/vmlinux) is missing or unreadable; iterators need a kernel built with CONFIG_DEBUG_INFO_BTF" <<< "$stderr"
	grep -qxF "bpfviews: $CONF/10-t.conf:4: [facts] the kernel's BTF (/sys/kernel/btf/vmlinux) is missing or unreadable; iterators need a kernel built with CONFIG_DEBUG_INFO_BTF" <<< "$stderr"
	no_raw_errno "$stderr"
	[ -z "$(find "$ROOT" -mindepth 1 ! -name '*.*')" ]
}

@test "the stamp is no parameter: a change of link parameters only is reported as that" {
	spawn sleep 600
	manifest 10-t.conf <<-EOF
	[tasks]
	program = tasks
	EOF
	run -0 bv apply
	manifest 10-t.conf <<-EOF
	[tasks]
	program = tasks
	pid = $LAST_PID
	EOF
	# the stamps differ, the program and its read-only data do not
	run -0 bv apply
	[ "$output" = "replaced tasks (link parameters)" ]
	[ "$(rd tasks | awk 'NR > 1 { print $1 }')" = "$LAST_PID" ]
}
