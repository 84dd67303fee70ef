#!/usr/bin/env bats
# The command line: options before or after the command, help, --version,
# the bash completion, and `bpfviews status` after `make run`.

load helpers

REPO=$BATS_TEST_DIRNAME/../..

teardown() {
	teardown_view_root
}

one_view() {
	manifest a.conf <<EOF
[tasks]
program = tasks

[threads]
program = tasks
threads = yes
EOF
}

# complete WORD...: the completions of the last WORD (the cursor's), one a line.
complete_line() {
	bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _bpfviews
		printf "%s\n" "${COMPREPLY[@]}"' complete "$REPO/scripts/bpfviews.bash-completion" "$@"
}

@test "global options go after the command as well as before it" {
	setup_view_root
	one_view
	run "$BPFVIEWS" apply -C "$CONF" -r "$ROOT" -q
	[ "$status" -eq 0 ]
	[ -r "$ROOT/tasks" ]
	# -v after the command: apply tells of the views in sync
	run "$BPFVIEWS" apply -C "$CONF" -r "$ROOT"
	[ -z "$output" ]
	run "$BPFVIEWS" apply -C "$CONF" -r "$ROOT" -v
	[[ $output == *"tasks: in sync"* ]]
	before=$("$BPFVIEWS" -j -C "$CONF" -r "$ROOT" status)
	run "$BPFVIEWS" status -j -C "$CONF" -r "$ROOT"
	[ "$status" -eq 0 ]
	[ "$output" = "$before" ]
	[[ $output == '[{"view":"tasks","state":"in-sync"'* ]]
	run "$BPFVIEWS" -C "$CONF" status tasks -r "$ROOT" --json
	[ "$status" -eq 0 ]
	[ "$output" = '[{"view":"tasks","state":"in-sync"}]' ]
	# -vv after the command reaches libbpf's log
	run "$BPFVIEWS" -C "$CONF" -r "$ROOT" check tasks -vv
	[ "$status" -eq 0 ]
	[[ $output == *"libbpf: "* ]]
	# errors in JSON when -j comes after the command
	run "$BPFVIEWS" status -j --bogus
	[ "$status" -eq 2 ]
	[ "$output" = '{"level":"error","message":"status: unknown option '"'--bogus'"'; see bpfviews help"}' ]
	# programs and cat-config too
	[ "$("$BPFVIEWS" programs tasks -j)" = "$("$BPFVIEWS" -j programs tasks)" ]
	[ "$("$BPFVIEWS" cat-config -C "$CONF")" = "$("$BPFVIEWS" -C "$CONF" cat-config)" ]
}

@test "each command keeps its own options, wherever they are, and only its own" {
	setup_view_root
	one_view
	run "$BPFVIEWS" apply tasks --dry-run -C "$CONF" -r "$ROOT"
	[ "$status" -eq 0 ]
	[ "$output" = "create tasks" ]
	[ -z "$(ls "$ROOT" | grep -v "\.debug$")" ]
	bv apply
	run "$BPFVIEWS" remove -r "$ROOT" --all -C "$CONF"
	[ "$status" -eq 0 ]
	[ -z "$(ls "$ROOT" | grep -v "\.debug$")" ]
	run "$BPFVIEWS" status --dry-run
	[ "$status" -eq 2 ]
	[ "$output" = "bpfviews: status: unknown option '--dry-run'; see bpfviews help" ]
	run "$BPFVIEWS" apply --all
	[ "$status" -eq 2 ]
	run "$BPFVIEWS" status -r
	[ "$status" -eq 2 ]
	[ "$output" = "bpfviews: status: option needs an argument: '-r'; see bpfviews help" ]
	run "$BPFVIEWS" -x status
	[ "$status" -eq 2 ]
	[ "$output" = "bpfviews: unknown option '-x'; see bpfviews help" ]
	# after "--" an operand that looks like an option is a view name
	run "$BPFVIEWS" -C "$CONF" -r "$ROOT" status -- -j
	[ "$status" -eq 2 ]
	[ "$output" = "bpfviews: view '-j' is not in the manifest (bpfviews cat-config lists it)" ]
}

@test "options after the command work under POSIXLY_CORRECT too" {
	setup_view_root
	one_view
	run env POSIXLY_CORRECT=1 "$BPFVIEWS" status tasks -j -C "$CONF" -r "$ROOT"
	[ "$status" -eq 1 ]
	[ "$output" = '[{"view":"tasks","state":"missing"}]' ]
}

@test "help lists every command; help COMMAND, -h and --help anywhere" {
	run "$BPFVIEWS" help
	[ "$status" -eq 0 ]
	for c in apply status check remove programs cat-config help; do
		grep -q "^  $c " <<<"$output" || { echo "help lacks $c"; false; }
	done
	[ "$("$BPFVIEWS" --help)" = "$output" ]
	[ "$("$BPFVIEWS" status -h)" = "$output" ]
	run "$BPFVIEWS" help apply
	[ "$status" -eq 0 ]
	[[ ${lines[0]} == "usage: bpfviews [OPTIONS] apply [--dry-run] [VIEW...]"* ]]
	[[ $output == *"-r ROOT"* ]]
	run "$BPFVIEWS" help nope
	[ "$status" -eq 2 ]
	[ "$output" = "bpfviews: unknown command 'nope' (bpfviews help lists them)" ]
	run "$BPFVIEWS"
	[ "$status" -eq 2 ]
	[[ ${lines[0]} == "usage: bpfviews "* ]]
}

@test "--version prints the version the Makefile compiled in" {
	paths=$(dirname "$BPFVIEWS")/paths.h
	[ -r "$paths" ] || skip "no $paths next to $BPFVIEWS"
	want=$(sed -n 's/^#define VERSION "\(.*\)"$/\1/p' "$paths")
	[ -n "$want" ]
	run "$BPFVIEWS" --version
	[ "$status" -eq 0 ]
	[ "$output" = "bpfviews $want" ]
	[ "$("$BPFVIEWS" status -V)" = "bpfviews $want" ]
	if git -C "$REPO" rev-parse --git-dir >/dev/null 2>&1; then
		[ "$want" != unknown ]
	fi
}

@test "completion: commands, options, view names of the -C manifest, program names" {
	run complete_line "$BPFVIEWS" st
	[ "$output" = status ]
	run complete_line "$BPFVIEWS" -r /tmp ""
	[ "$output" = "$(printf '%s\n' apply status check remove programs cat-config help)" ]
	run complete_line "$BPFVIEWS" -C "$REPO/conf.d" apply ""
	[ -n "$output" ]
	[ "$output" = "$("$BPFVIEWS" -C "$REPO/conf.d" cat-config | sed -n 's/^\[\(.*\)\]$/\1/p')" ]
	run complete_line "$BPFVIEWS" status -C "$REPO/conf.d" net/t
	[ "$output" = net/tcp ]
	run complete_line "$BPFVIEWS" apply --d
	[ "$output" = --dry-run ]
	run complete_line "$BPFVIEWS" remove --a
	[ "$output" = --all ]
	run complete_line "$BPFVIEWS" status --d
	[ -z "$output" ]
	run complete_line "$BPFVIEWS" status --j
	[ "$output" = --json ]
	run complete_line "$BPFVIEWS" programs ""
	[ "$output" = "$("$BPFVIEWS" programs | awk 'NR > 1 { print $1 }')" ]
	grep -qx tasks <<<"$output"
	run complete_line "$BPFVIEWS" -C "$REPO/con"
	[ "$output" = "$REPO/conf.d" ]
}

@test "completion of remove: the manifest's views and the ones pinned under -r, orphans too" {
	setup_view_root
	one_view
	bv apply
	mkdir "$ROOT/old"
	bpftool link pin id "$(link_id tasks)" "$ROOT/old/gone"
	run complete_line "$BPFVIEWS" remove -r "$ROOT" -C "$CONF" o
	[ "$output" = old/gone ]
	run complete_line "$BPFVIEWS" -r "$ROOT" remove -C "$CONF" ""
	[ "$(sort -u <<<"$output")" = "$(printf '%s\n' old/gone tasks threads)" ]
}

@test "status says which manifest it read when every pinned view is an orphan of it" {
	setup_view_root
	one_view
	bv apply
	other=$(mktemp -d /tmp/bpfviews-conf-XXXXXX)
	chmod 0755 "$other"
	printf '[x]\nprogram = tasks\n' > "$other/a.conf"
	run "$BPFVIEWS" -C "$other" -r "$ROOT" status
	rm -rf "$other"
	echo "$output"
	[ "$status" -eq 1 ]
	[ "${lines[-1]}" = "bpfviews: every view under $ROOT is an orphan of the manifest read ($other/a.conf): if they were applied from another one, give it with -C DIR" ]
	# one view of the manifest pinned: no hint
	run bv status
	[ "$status" -eq 0 ]
	[[ $output != *"is an orphan of the manifest"* ]]
}

# make run applies to the real /sys/fs/bpf/views: here in a mount namespace
# of its own, with a fresh bpffs on /sys/fs/bpf and empty /run and drop-in
# directories, so nothing outside the test sees it.
@test "after make run, a plain bpfviews status reads the manifest make run applied" {
	require_kernel
	command -v unshare >/dev/null || skip "no unshare"
	libdir=$(sed -n 's/^#define LIBDIR "\(.*\)"$/\1/p' "$(dirname "$BPFVIEWS")/paths.h")
	sysconfdir=$(sed -n 's/^#define SYSCONFDIR "\(.*\)"$/\1/p' "$(dirname "$BPFVIEWS")/paths.h")
	[ -n "$libdir" ] && [ -n "$sysconfdir" ]
	run unshare -m sh -ec '
		mount -t bpf bpf /sys/fs/bpf
		mount -t tmpfs tmpfs /run
		for d in "$1/bpfviews" "$2/bpfviews"; do
			[ ! -d "$d" ] || mount -t tmpfs tmpfs "$d"
		done
		cd "$3"
		BPFVIEWS=$4 scripts/run-default >/dev/null
		"$4" -j status' run "$libdir" "$sysconfdir" "$REPO" "$BPFVIEWS"
	echo "$output"
	[ "$status" -eq 0 ]
	n=$("$BPFVIEWS" -C "$REPO/conf.d" cat-config | grep -c '^\[')
	[ "$n" -gt 0 ]
	[ "$(grep -o '"state":"in-sync"' <<<"$output" | wc -l)" -eq "$n" ]
	[[ $output != *orphan* ]]
}
