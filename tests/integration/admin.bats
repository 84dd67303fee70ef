#!/usr/bin/env bats
# Administration: boot script, install, safe defaults for kernel addresses,
# and reads that stay whole however much one object prints.

load helpers

REPO=$BATS_TEST_DIRNAME/../..

setup() {
	setup_view_root
}

teardown() {
	teardown_view_root
	[ -n "${DEST:-}" ] && rm -rf "$DEST"
	return 0
}

# The view names of the shipped manifest, sorted.
default_views() {
	"$BPFVIEWS" -C "$REPO/conf.d" cat-config | sed -n 's/^\[\(.*\)\]$/\1/p' | sort
}

@test "the boot script on a fresh bpffs mount produces every default view" {
	run env BPFVIEWS="$BPFVIEWS" BPFVIEWS_OPTS="-C $REPO/conf.d" sh "$REPO/scripts/bpfviews-boot" "$ROOT/views"
	echo "$output"
	[ "$status" -eq 0 ]
	[ -n "$(default_views)" ]
	[ "$(cd "$ROOT/views" && find . -type f | sed 's|^\./||' | sort)" = "$(default_views)" ]
	run "$BPFVIEWS" -C "$REPO/conf.d" -r "$ROOT/views" status
	[ "$status" -eq 0 ]
}

@test "make install DESTDIR: the installed binary applies the installed manifest; uninstall removes it all" {
	DEST=$(mktemp -d /tmp/bpfviews-dest-XXXXXX)
	make -s -C "$REPO" O="$(dirname "$BPFVIEWS")" install DESTDIR="$DEST" >/dev/null
	for f in usr/local/sbin/bpfviews usr/local/sbin/bpfviews-boot usr/local/share/man/man8/bpfviews.8 \
		 usr/local/share/man/man5/bpfviews.conf.5 lib/systemd/system/bpfviews.service; do
		[ -s "$DEST/$f" ] || { echo "missing $f"; false; }
	done
	grep -q "^ExecStart=/usr/local/sbin/bpfviews apply$" "$DEST/lib/systemd/system/bpfviews.service"
	conf=$DEST/usr/local/lib/bpfviews/conf.d
	[ "$(ls "$conf")" = "$(cd "$REPO/conf.d" && ls -- *.conf)" ]
	run "$DEST/usr/local/sbin/bpfviews" -C "$conf" -r "$ROOT" apply
	[ "$status" -eq 0 ]
	[ "$(cd "$ROOT" && find . -type f ! -name '*.debug' | sed 's|^\./||' | sort)" = "$(default_views)" ]
	make -s -C "$REPO" O="$(dirname "$BPFVIEWS")" uninstall DESTDIR="$DEST" >/dev/null
	[ -z "$(find "$DEST" -type f)" ]
}

@test "a world-readable view that prints kernel addresses is refused unless expose_addresses = yes" {
	manifest k.conf <<EOF
[ksyms]
program = ksyms
addresses = yes
prefix = bpf_iter_task
mode = 0444
EOF
	run bv apply
	[ "$status" -eq 2 ]
	[[ "$output" == *"k.conf:5: [ksyms] mode 0444 lets every user read kernel addresses"* ]]
	[ ! -e "$ROOT/ksyms" ]
	echo "mode = 0440" >> "$CONF/k.conf"
	sed -i '/mode = 0444/d' "$CONF/k.conf"
	run bv apply
	[ "$status" -eq 0 ]
	[ "$(stat -c %a "$ROOT/ksyms")" = 440 ]
	sed -i 's/mode = 0440/mode = 0444\nexpose_addresses = yes/' "$CONF/k.conf"
	run bv apply
	[ "$status" -eq 0 ]
	[ "$(stat -c %a "$ROOT/ksyms")" = 444 ]
}

@test "a process with thousands of threads and 15000 fds: every read is whole, rows equal /proc" {
	python3 - "$CONF/ready" <<'EOF' &
import os, sys, threading, time
fds = [os.open("/dev/null", os.O_RDONLY) for _ in range(15000)]
for _ in range(3000):
    threading.Thread(target=time.sleep, args=(1000,), daemon=True).start()
open(sys.argv[1], "w").close()
time.sleep(1000)
EOF
	PIDS+=("$!")
	pid=$!
	for _ in $(seq 200); do [ -e "$CONF/ready" ] && break; sleep 0.1; done
	[ -e "$CONF/ready" ]
	manifest big.conf <<EOF
[threads]
program = tasks
threads = yes
pid = $pid
format = json

[files]
program = files
pid = $pid
format = csv

[stacks]
program = stacks
pid = $pid
format = json
EOF
	bv apply
	cat "$ROOT/threads" > "$CONF/threads.out"
	cat "$ROOT/files" > "$CONF/files.out"
	cat "$ROOT/stacks" > "$CONF/stacks.out"
	# every line parses, and the tids and fds are /proc's, each once
	python3 - "$CONF" "/proc/$pid" <<'EOF'
import csv, json, os, sys
conf, proc = sys.argv[1:]
tids = sorted(int(t) for t in os.listdir(proc + "/task"))
fds = sorted(int(f) for f in os.listdir(proc + "/fd"))
threads = [json.loads(l) for l in open(conf + "/threads.out")]
assert sorted(r["tid"] for r in threads) == tids, "threads"
files = list(csv.DictReader(open(conf + "/files.out")))
assert sorted(int(r["fd"]) for r in files) == fds, "files"
stacks = [json.loads(l) for l in open(conf + "/stacks.out")]
assert sorted({r["tid"] for r in stacks}) == tids, "stacks"
print(len(tids), "threads,", len(fds), "fds")
EOF
}

@test "a view whose iterator type the kernel lacks fails alone, saying so" {
	install -m 0644 "$TEST_OBJECTS/no_such_iter.bpf.o" "$CONF/no_such_iter.bpf.o"
	manifest lacks.conf <<EOF2
[missing]
object = $CONF/no_such_iter.bpf.o

[tasks]
program = tasks
EOF2
	run bv apply
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"lacks.conf:1: [missing] this kernel has no 'no_such_target' iterator"* ]]
	[ -e "$ROOT/tasks" ]
	[ ! -e "$ROOT/missing" ]
	run bv check
	[ "$status" -eq 1 ]
	[[ "$output" == *"ok tasks"* ]]
}

@test "a filter that matches none of a million open files reads whole in table, csv and json" {
	# 56 processes of 18,000 descriptors each: a million files to walk
	for i in $(seq 56); do
		python3 -c '
import os, sys, time
fd = os.open("/dev/null", os.O_RDONLY)
fds = [os.dup(fd) for _ in range(18000)]
open(sys.argv[1], "w").close()
time.sleep(1000)' "$CONF/ready$i" &
		PIDS+=("$!")
	done
	for _ in $(seq 600); do
		[ "$(ls "$CONF" | grep -c '^ready')" -eq 56 ] && break
		sleep 0.1
	done
	[ "$(ls "$CONF" | grep -c '^ready')" -eq 56 ]
	manifest none.conf <<EOF2
[none-csv]
program = files
comm = no-such-comm
format = csv

[none-table]
program = files
comm = no-such-comm

[none-json]
program = files
comm = no-such-comm
format = json
EOF2
	bv apply
	run cat "$ROOT/none-csv"
	[ "$status" -eq 0 ]
	[ "$output" = "pid,comm,fd,type,name" ]
	run cat "$ROOT/none-table"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "${lines[0]}" == *PID*FD*TYPE*NAME* ]]
	# json has no header: the kernel would give up (EAGAIN) after a million
	# silent objects but for the view's keep-alive space
	run cat "$ROOT/none-json"
	[ "$status" -eq 0 ]
	[ -z "${output//[[:space:]]/}" ]
	# a process started after them is found past the million others, and
	# every json line parses (the space opens a line, as white space)
	cp /bin/sleep "$CONF/bvlast"
	"$CONF/bvlast" 1000 </dev/null >/dev/null 2>&1 &
	PIDS+=("$!")
	local last=$!
	manifest last.conf <<EOF2
[last-json]
program = files
comm = bvlast
format = json
EOF2
	bv apply
	run cat "$ROOT/last-json"
	[ "$status" -eq 0 ]
	python3 -c '
import json, sys
rows = [json.loads(l) for l in sys.stdin.read().splitlines() if l.strip()]
assert {0, 1, 2} <= {r["fd"] for r in rows}, rows
assert all(r["pid"] == int(sys.argv[1]) for r in rows), rows' "$last" <<<"$output"
}
