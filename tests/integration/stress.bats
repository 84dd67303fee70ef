#!/usr/bin/env bats
# Views never break: readers hammer every view while apply replaces them,
# and an apply killed at any point loses nothing.

load helpers

setup() {
	setup_view_root
}

teardown() {
	teardown_view_root
}

# Writes the manifest for configuration $1 (0..5): formats, filters and
# threads change from one to the next, so every apply replaces views.
config() {
	local formats=(table csv json csv table json) threads=(no yes no yes yes no)
	local comms=("" "bash, sleep" "sle*" "" "bash" "ba*, sl*")
	manifest views.conf <<EOF
[tasks]
program = tasks
format = ${formats[$1]}
threads = ${threads[$1]}
comm = ${comms[$1]}
mode = 0444

[net/files]
program = files
format = ${formats[$(( ($1 + 1) % 6 ))]}
comm = ${comms[$(( ($1 + 2) % 6 ))]}

[sub/dir/threads]
program = tasks
threads = yes
format = ${formats[$(( ($1 + 2) % 6 ))]}
EOF
}

@test "8 readers see no error and no torn file while apply replaces every view" {
	# every comm filter of config() matches something: a sleep, and a sleep
	# named bash (a real bash would leave its child behind when killed)
	spawn sleep 1000
	cp "$(command -v sleep)" "$BATS_TEST_TMPDIR/bash"
	spawn "$BATS_TEST_TMPDIR/bash" 1000
	config 0
	bv apply
	stop=$CONF/stop
	readers=()
	for i in 1 2 3 4 5 6 7 8; do
		"$BATS_TEST_DIRNAME/read_views.py" "$stop" "$ROOT/tasks" "$ROOT/net/files" "$ROOT/sub/dir/threads" \
			> "$CONF/reader$i" &
		readers+=("$!")
		PIDS+=("$!")
	done
	replaced=0
	for round in $(seq 1 30); do
		config $((round % 6))
		out=$(bv apply)
		replaced=$((replaced + $(grep -c '^replaced' <<< "$out")))
	done
	touch "$stop"
	for pid in "${readers[@]}"; do wait "$pid"; done
	cat "$CONF"/reader*
	echo "replaced: $replaced"
	[ "$replaced" -ge 60 ]
	for i in 1 2 3 4 5 6 7 8; do
		read -r _ reads _ errors < <(head -1 "$CONF/reader$i")
		[ "$reads" -gt 0 ]
		[ "$errors" -eq 0 ]
	done
	run bv status
	[ "$status" -eq 0 ]
}

@test "apply killed with SIGKILL at any point: the next apply leaves every view in sync, no staging pins" {
	config 0
	bv apply
	local delays=(0 0.001 0.003 0.005 0.01 0.02 0.04 0.08)
	for i in "${!delays[@]}"; do
		delay=${delays[$i]}
		config $(( i % 5 + 1 ))
		bv apply >/dev/null 2>&1 &
		pid=$!
		sleep "$delay"
		kill -9 "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		# whatever the kill left, every view (each config has all three)
		# is still there and readable
		for v in tasks net/files sub/dir/threads; do
			cat "$ROOT/$v" > /dev/null
		done
		run bv apply
		[ "$status" -eq 0 ]
		run bv status
		echo "$output"
		[ "$status" -eq 0 ]
		[ -z "$(find "$ROOT" -name '*~staging')" ]
	done
}

@test "a staging pin left by a killed apply is reported by status and cleaned by apply" {
	config 0
	bv apply
	bpftool iter pin "$(dirname "$BPFVIEWS")/bpf/tasks.bpf.o" "$ROOT/tasks~staging"
	run bv status
	[ "$status" -eq 1 ]
	[[ "$output" == *"tasks~staging"*"staging"* ]]
	run bv apply
	[ "$status" -eq 0 ]
	[[ "$output" == *"removed staging pin tasks~staging"* ]]
	[ ! -e "$ROOT/tasks~staging" ]
}

@test "two applies at once serialise: both succeed, views in sync, each created once" {
	config 1
	bv apply > "$CONF/a1" 2>&1 &
	p1=$!
	bv apply > "$CONF/a2" 2>&1 &
	p2=$!
	wait "$p1"
	wait "$p2"
	cat "$CONF/a1" "$CONF/a2"
	[ "$(cat "$CONF/a1" "$CONF/a2" | grep -c '^created tasks$')" -eq 1 ]
	run bv status
	[ "$status" -eq 0 ]
}
