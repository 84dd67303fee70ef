#!/usr/bin/env bats
# Kernel tests of textfile links (`textfile = DIR/NAME.prom`): apply makes,
# keeps and removes them, refuses what is not its own and directories it
# does not trust; then the path a fleet takes, with Debian's programs:
# node_exporter (not root) reads the view through the link, promtool accepts
# its output, and a Prometheus server scraping that node_exporter answers
# for the processes the test started.  node_exporter and Prometheus listen
# on loopback ports the test picks, with private directories, and are
# stopped by pid after each test.
#
# The view is the tasks program in the Prometheus format, filtered to the
# processes named $COMM, which the test starts.

bats_require_minimum_version 1.5.0
load helpers

setup() {
	setup_view_root
	TEXT=$(mktemp -d /tmp/bpfviews-text-XXXXXX)
	chmod 0755 "$TEXT"
	# a command name no other process has: the sleeper's file name
	COMM=bvne$$x$BATS_TEST_NUMBER
	SLEEPER=$BATS_TEST_TMPDIR/$COMM
	cp /bin/sleep "$SLEEPER"
	SERVICE_DIRS=()
}

teardown() {
	[ -n "${HIDDEN:-}" ] && umount "$HIDDEN/bpf" 2>/dev/null
	[ -n "${SHARED:-}" ] && umount "$SHARED" 2>/dev/null
	teardown_view_root
	rm -rf "$TEXT" "${SERVICE_DIRS[@]}"
}

# procs_view NAME [KEY = VALUE...]: a section for the test view.
procs_view() {
	local name=$1
	shift
	printf '[%s]\nprogram = tasks\nformat = prometheus\ncomm = %s\nmode = 0444\n' "$name" "$COMM"
	printf '%s\n' "$@"
}

# The link's target, or "none" when there is no symbolic link.
link_of() {
	if [ -L "$1" ]; then readlink "$1"; else echo none; fi
}

# status_of PATH: the STATE column of status's row for PATH (after `run bv status`).
status_of() {
	awk -v p="$1" '$1 == p { print $2 }' <<< "$output"
}

start_sleepers() {
	local i
	for ((i = 0; i < $1; i++)); do
		spawn "$SLEEPER" 1000
	done
}

# ---- apply, status, remove ----

@test "apply links the view; node_exporter's name reads it; a second apply changes nothing" {
	procs_view procs "textfile = $TEXT/bpfviews_procs.prom" | manifest 60-metrics.conf
	start_sleepers 2

	run -0 --separate-stderr bv apply
	[ "$output" = "created procs
linked $TEXT/bpfviews_procs.prom to procs" ]
	[ "$(link_of "$TEXT/bpfviews_procs.prom")" = "$ROOT/procs" ]
	[ "$(stat -c %U "$TEXT/bpfviews_procs.prom")" = root ]
	# the processes started, through the link
	grep -qxF "bpfviews_processes{comm=\"$COMM\"} 2" "$TEXT/bpfviews_procs.prom"
	# no temporary link left beside it
	[ "$(ls -A "$TEXT")" = bpfviews_procs.prom ]

	run -0 --separate-stderr bv status
	[ "$(status_of "$TEXT/bpfviews_procs.prom")" = in-sync ]
	local ino
	ino=$(stat -c %i "$TEXT/bpfviews_procs.prom")
	run -0 --separate-stderr bv apply
	[ "$output" = "" ]
	[ "$(stat -c %i "$TEXT/bpfviews_procs.prom")" = "$ino" ]

	run -0 --separate-stderr bv -j status
	python3 -c '
import json, sys
rows = json.loads(sys.argv[1])
link = [r for r in rows if r.get("textfile") == sys.argv[2]]
assert link == [{"textfile": sys.argv[2], "view": "procs", "state": "in-sync"}], rows
' "$output" "$TEXT/bpfviews_procs.prom"
}

@test "a link that is missing or points at another view shows in status, apply puts it back" {
	procs_view procs "textfile = $TEXT/bpfviews_procs.prom" | manifest 60-metrics.conf
	run -0 bv apply

	rm "$TEXT/bpfviews_procs.prom"
	run -1 --separate-stderr bv status
	[ "$(status_of "$TEXT/bpfviews_procs.prom")" = missing ]
	run -0 --separate-stderr bv apply --dry-run
	[ "$output" = "keep procs
link $TEXT/bpfviews_procs.prom to procs" ]
	[ "$(link_of "$TEXT/bpfviews_procs.prom")" = none ]
	run -0 --separate-stderr bv apply
	[ "$output" = "linked $TEXT/bpfviews_procs.prom to procs" ]
	[ "$(link_of "$TEXT/bpfviews_procs.prom")" = "$ROOT/procs" ]

	# bpfviews's link to another view of the root is repointed
	ln -sfn "$ROOT/other" "$TEXT/bpfviews_procs.prom"
	run -1 --separate-stderr bv status
	[ "$(status_of "$TEXT/bpfviews_procs.prom")" = changed ]
	run -0 --separate-stderr bv apply
	[ "$(link_of "$TEXT/bpfviews_procs.prom")" = "$ROOT/procs" ]
	run -0 bv status
}

@test "a file or another link at the textfile path is an error naming it and stays" {
	{
		procs_view procs "textfile = $TEXT/bpfviews_procs.prom"
		echo
		procs_view other "textfile = $TEXT/bpfviews_other.prom"
	} | manifest 60-metrics.conf
	echo 'node_custom_metric 1' > "$TEXT/bpfviews_procs.prom"
	ln -s /etc/hostname "$TEXT/bpfviews_other.prom"

	run -1 --separate-stderr bv apply
	# the views are pinned all the same
	[ "$output" = "created procs
created other" ]
	grep -qxF "bpfviews: [procs] $TEXT/bpfviews_procs.prom is not a link bpfviews made; remove it or name another textfile" <<< "$stderr"
	grep -qxF "bpfviews: [other] $TEXT/bpfviews_other.prom is not a link bpfviews made; remove it or name another textfile" <<< "$stderr"
	[ "$(cat "$TEXT/bpfviews_procs.prom")" = "node_custom_metric 1" ]
	[ "$(link_of "$TEXT/bpfviews_other.prom")" = /etc/hostname ]

	run -1 --separate-stderr bv status
	[ "$(status_of "$TEXT/bpfviews_procs.prom")" = taken ]
	[ "$(status_of "$TEXT/bpfviews_other.prom")" = taken ]

	# remove and apply never take them either
	run -0 bv remove procs other
	[ "$(cat "$TEXT/bpfviews_procs.prom")" = "node_custom_metric 1" ]
	[ "$(link_of "$TEXT/bpfviews_other.prom")" = /etc/hostname ]
	manifest 60-metrics.conf < /dev/null
	run -0 bv apply
	[ "$(cat "$TEXT/bpfviews_procs.prom")" = "node_custom_metric 1" ]
	[ "$(link_of "$TEXT/bpfviews_other.prom")" = /etc/hostname ]
	# nor does a temporary name someone else holds get replaced
	rm "$TEXT/bpfviews_procs.prom"
	echo theirs > "$TEXT/.bpfviews_procs.prom~bpfviews"
	procs_view procs "textfile = $TEXT/bpfviews_procs.prom" | manifest 60-metrics.conf
	run -1 --separate-stderr bv apply
	grep -qF "$TEXT/.bpfviews_procs.prom~bpfviews is not bpfviews's; remove it" <<< "$stderr"
	[ "$(cat "$TEXT/.bpfviews_procs.prom~bpfviews")" = theirs ]
	[ "$(link_of "$TEXT/bpfviews_procs.prom")" = none ]
	# a link into the root that another user made is theirs, not an orphan
	rm "$TEXT/.bpfviews_procs.prom~bpfviews"
	ln -s "$ROOT/procs" "$TEXT/theirs.prom"
	chown -h nobody "$TEXT/theirs.prom"
	run -0 bv apply
	[ "$(link_of "$TEXT/theirs.prom")" = "$ROOT/procs" ]
}

@test "links follow the view: renamed, key removed, view removed by apply or remove" {
	{
		procs_view procs "textfile = $TEXT/bpfviews_procs.prom"
		echo
		procs_view keep "textfile = $TEXT/bpfviews_keep.prom"
	} | manifest 60-metrics.conf
	run -0 bv apply

	# the view renamed: the link points at the new name
	{
		procs_view renamed "textfile = $TEXT/bpfviews_procs.prom"
		echo
		procs_view keep "textfile = $TEXT/bpfviews_keep.prom"
	} | manifest 60-metrics.conf
	run -0 --separate-stderr bv apply
	[ "$(link_of "$TEXT/bpfviews_procs.prom")" = "$ROOT/renamed" ]

	# the textfile key moved: the old link goes, the new one comes
	{
		procs_view renamed "textfile = $TEXT/bpfviews_moved.prom"
		echo
		procs_view keep "textfile = $TEXT/bpfviews_keep.prom"
	} | manifest 60-metrics.conf
	run -0 --separate-stderr bv apply
	[ "$output" = "linked $TEXT/bpfviews_moved.prom to renamed
removed link $TEXT/bpfviews_procs.prom" ]
	[ "$(link_of "$TEXT/bpfviews_procs.prom")" = none ]

	# the key removed: the view stays, its link goes
	{
		procs_view renamed
		echo
		procs_view keep "textfile = $TEXT/bpfviews_keep.prom"
	} | manifest 60-metrics.conf
	run -0 --separate-stderr bv apply
	[ "$output" = "removed link $TEXT/bpfviews_moved.prom" ]
	[ -e "$ROOT/renamed" ]
	[ "$(ls -A "$TEXT")" = bpfviews_keep.prom ]

	# a link no view wants is an orphan in status
	ln -s "$ROOT/renamed" "$TEXT/bpfviews_stray.prom"
	run -1 --separate-stderr bv status
	[ "$(status_of "$TEXT/bpfviews_stray.prom")" = orphan ]
	run -0 bv apply
	[ "$(link_of "$TEXT/bpfviews_stray.prom")" = none ]

	# remove VIEW takes its link
	run -0 --separate-stderr bv remove keep
	[ "$output" = "removed keep
removed link $TEXT/bpfviews_keep.prom" ]
	[ "$(ls -A "$TEXT")" = "" ]

	# a view apply removes (an orphan pin) takes its link
	run -0 bv apply
	[ "$(link_of "$TEXT/bpfviews_keep.prom")" = "$ROOT/keep" ]
	procs_view renamed "textfile = $TEXT/bpfviews_other.prom" | manifest 60-metrics.conf
	run -0 --separate-stderr bv apply
	[ "$(sort <<< "$output")" = "linked $TEXT/bpfviews_other.prom to renamed
removed keep
removed link $TEXT/bpfviews_keep.prom" ]
	[ "$(ls -A "$TEXT")" = bpfviews_other.prom ]
}

@test "a textfile directory that is not root's, writable by others or reached through a symlink is refused" {
	local dir=$TEXT/sub
	mkdir -m 0755 "$dir"
	procs_view procs "textfile = $dir/bpfviews_procs.prom" | manifest 60-metrics.conf

	chmod 0777 "$dir"
	run -1 --separate-stderr bv apply
	[ "$output" = "created procs" ]
	grep -qxF "bpfviews: [procs] textfile directory $dir: directory writable by group or others; links are made only in a directory that is root's and not writable by others (chown root:root, chmod go-w)" <<< "$stderr"
	[ "$(ls -A "$dir")" = "" ]
	run -1 --separate-stderr bv status
	[ "$(status_of "$dir/bpfviews_procs.prom")" = refused ]

	chmod 0755 "$dir"
	chown nobody "$dir"
	run -1 --separate-stderr bv apply
	grep -qF "textfile directory $dir: directory not owned by root" <<< "$stderr"
	[ "$(ls -A "$dir")" = "" ]

	# a sticky directory (like /tmp) is used: no one else can replace root's link there
	chown root "$dir"
	chmod 1777 "$dir"
	run -0 bv apply
	[ "$(link_of "$dir/bpfviews_procs.prom")" = "$ROOT/procs" ]
	rm "$dir/bpfviews_procs.prom"

	# a symlink on the way is not followed
	chmod 0755 "$dir"
	ln -s "$dir" "$TEXT/via"
	procs_view procs "textfile = $TEXT/via/bpfviews_procs.prom" | manifest 60-metrics.conf
	run -1 --separate-stderr bv apply
	grep -qxF "bpfviews: [procs] textfile directory $TEXT/via: a symbolic link; give the path without (readlink -f)" <<< "$stderr"
	[ "$(ls -A "$dir")" = "" ]

	procs_view procs "textfile = $TEXT/none/bpfviews_procs.prom" | manifest 60-metrics.conf
	run -1 --separate-stderr bv apply
	grep -qxF "bpfviews: [procs] textfile directory $TEXT/none: does not exist (apply does not create it)" <<< "$stderr"
	[ ! -e "$TEXT/none" ]
}

@test "a textfile must be an absolute NAME.prom path: file:line errors, nothing applied" {
	local bad
	for bad in relative/x.prom /x/bpfviews_tasks /x/.prom /x/../y.prom /x//y.prom /x/./y.prom; do
		procs_view procs "textfile = $bad" | manifest 60-metrics.conf
		run -2 --separate-stderr bv apply
		grep -qxF "bpfviews: $CONF/60-metrics.conf:6: [procs] textfile = '$bad' is not an absolute path of a file named NAME.prom, without '.' or '..' components" <<< "$stderr"
		[ ! -e "$ROOT/procs" ]
	done
	# two views cannot share one link
	{
		procs_view one "textfile = $TEXT/x.prom"
		echo
		procs_view two "textfile = $TEXT/x.prom"
	} | manifest 60-metrics.conf
	run -1 --separate-stderr bv apply
	grep -qxF "bpfviews: $CONF/60-metrics.conf:8: [two] textfile $TEXT/x.prom is [one]'s as well; not linked" <<< "$stderr"
	[ "$(link_of "$TEXT/x.prom")" = "$ROOT/one" ]
}

@test "a view a reader that is not root cannot reach through its link is warned about" {
	procs_view procs "textfile = $TEXT/bpfviews_procs.prom" | sed 's/^mode = 0444/mode = 0400/' |
		manifest 60-metrics.conf
	run -0 --separate-stderr bv apply
	[ "$(link_of "$TEXT/bpfviews_procs.prom")" = "$ROOT/procs" ]
	grep -qxF "bpfviews: [procs] textfile $TEXT/bpfviews_procs.prom: the view is mode 0400: a reader that is not root (node_exporter) cannot read it; set mode = 0444" <<< "$stderr"

	# a root under a directory others cannot search, as /sys/fs/bpf (0700)
	HIDDEN=$(mktemp -d /tmp/bpfviews-hidden-XXXXXX)
	SERVICE_DIRS+=("$HIDDEN")
	mkdir "$HIDDEN/bpf"
	mount -t bpf bpf "$HIDDEN/bpf"
	procs_view procs "textfile = $TEXT/bpfviews_hidden.prom" | manifest 60-metrics.conf
	run -0 --separate-stderr "$BPFVIEWS" -C "$CONF" -r "$HIDDEN/bpf/views" apply
	grep -qxF "bpfviews: [procs] textfile $TEXT/bpfviews_hidden.prom: $HIDDEN is mode 0700: a reader that is not root (node_exporter) cannot reach $HIDDEN/bpf/views/procs through the link; see \"Sharing views\" in bpfviews(8)" <<< "$stderr"
}

# ---- with Debian's node_exporter and Prometheus ----

require_programs() {
	local p missing=
	for p in prometheus-node-exporter prometheus promtool curl setpriv; do
		command -v "$p" > /dev/null || missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	if [ "${CI:-}" = true ]; then
		echo "missing:$missing (scripts/install-deps installs them)" >&2
		return 1
	fi
	skip "missing:$missing"
}

# A loopback TCP port nothing listens on.
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# The user the services run as, as Debian's units run them: not root.
service_user() {
	if id -u prometheus > /dev/null 2>&1; then echo prometheus; else echo nobody; fi
}

# as_service LOG CMD...: CMD in the background as the service user, its
# output in LOG; its pid (setpriv execs it) in LAST_PID, stopped in teardown.
as_service() {
	local log=$1 user
	shift
	user=$(service_user)
	spawn setpriv --reuid="$user" --regid="$user" --init-groups "$@" > "$log" 2>&1
}

# wait_http URL PID LOG: until URL answers, while PID lives.
wait_http() {
	local i
	for ((i = 0; i < 100; i++)); do
		curl -sf -o /dev/null "$1" && return 0
		if ! kill -0 "$2" 2>/dev/null; then
			echo "the server stopped:"; cat "$3"
			return 1
		fi
		sleep 0.2
	done
	echo "$1 did not answer in 20s:"; cat "$3"
	return 1
}

# node_exporter with the textfile collector alone, reading $TEXT.
start_node_exporter() {
	NE_PORT=$(free_port)
	NE_LOG=$BATS_TEST_TMPDIR/node_exporter.log
	as_service "$NE_LOG" prometheus-node-exporter --web.listen-address="127.0.0.1:$NE_PORT" \
		--collector.disable-defaults --collector.textfile --collector.textfile.directory="$TEXT"
	NE_PID=$LAST_PID
	wait_http "http://127.0.0.1:$NE_PORT/metrics" "$NE_PID" "$NE_LOG"
}

# A Prometheus server scraping that node_exporter every second, its
# configuration and storage in a private directory.
start_prometheus() {
	local user
	user=$(service_user)
	PROM_DIR=$(mktemp -d /tmp/bpfviews-prom-XXXXXX)
	SERVICE_DIRS+=("$PROM_DIR")
	cat > "$PROM_DIR/prometheus.yml" <<-EOF
	global:
	  scrape_interval: 1s
	  evaluation_interval: 1s
	scrape_configs:
	  - job_name: node
	    static_configs:
	      - targets: ['127.0.0.1:$NE_PORT']
	EOF
	mkdir "$PROM_DIR/data"
	chown -R "$user:" "$PROM_DIR"
	chmod 0755 "$PROM_DIR"
	PROM_PORT=$(free_port)
	as_service "$PROM_DIR/log" prometheus --config.file="$PROM_DIR/prometheus.yml" \
		--storage.tsdb.path="$PROM_DIR/data" --web.listen-address="127.0.0.1:$PROM_PORT"
	PROM_PID=$LAST_PID
	wait_http "http://127.0.0.1:$PROM_PORT/-/ready" "$PROM_PID" "$PROM_DIR/log"
}

# query EXPR: the value of the instant query's single sample, or "none".
query() {
	curl -sfG --data-urlencode "query=$1" "http://127.0.0.1:$PROM_PORT/api/v1/query" |
		python3 -c '
import json, sys
r = json.load(sys.stdin)
assert r["status"] == "success", r
v = r["data"]["result"]
print(v[0]["value"][1] if len(v) == 1 else "none")'
}

# wait_query EXPR VALUE: until the query answers VALUE (30s at most).
wait_query() {
	local i got
	for ((i = 0; i < 150; i++)); do
		got=$(query "$1")
		[ "$got" = "$2" ] && return 0
		sleep 0.2
	done
	echo "query $1: $got, expected $2"
	return 1
}

# scrape: node_exporter's /metrics.
scrape() {
	curl -sf "http://127.0.0.1:$NE_PORT/metrics"
}

# The services' pids, stopped in teardown: no process of theirs is left.
services_stopped() {
	local pid
	for pid in "$@"; do
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		! kill -0 "$pid" 2>/dev/null
	done
}

@test "node_exporter, not root, reads the view through the link: its samples, node_textfile_scrape_error 0" {
	require_programs
	procs_view procs "textfile = $TEXT/bpfviews_procs.prom" | manifest 60-metrics.conf
	start_sleepers 3
	local pids=("${PIDS[@]}")
	run -0 bv apply
	start_node_exporter
	[ "$(ps -o user= -p "$NE_PID")" = "$(service_user)" ]

	local metrics
	metrics=$(scrape)
	grep -qxF 'node_textfile_scrape_error 0' <<< "$metrics"
	grep -qxF '# TYPE bpfviews_processes gauge' <<< "$metrics"
	grep -qxF "bpfviews_processes{comm=\"$COMM\"} 3" <<< "$metrics"
	grep -qxF "bpfviews_threads{comm=\"$COMM\"} 3" <<< "$metrics"
	grep -qE "^bpfviews_cpu_seconds_total\{comm=\"$COMM\"\} [0-9.e+-]+$" <<< "$metrics"

	# the next scrape runs the iterator again: a process gone is gone
	kill "${pids[0]}"
	wait "${pids[0]}" || true
	metrics=$(scrape)
	grep -qxF "bpfviews_processes{comm=\"$COMM\"} 2" <<< "$metrics"

	# a view node_exporter's user cannot read is a scrape error, as it should be
	procs_view procs "textfile = $TEXT/bpfviews_procs.prom" | sed 's/^mode = 0444/mode = 0400/' |
		manifest 60-metrics.conf
	run -0 bv apply
	metrics=$(scrape)
	grep -qxF 'node_textfile_scrape_error 1' <<< "$metrics"

	services_stopped "$NE_PID"
}

@test "promtool check metrics accepts the view's output, filtered and whole" {
	require_programs
	{
		procs_view procs "textfile = $TEXT/bpfviews_procs.prom"
		printf '\n[all]\nprogram = tasks\nformat = prometheus\nmode = 0444\ntextfile = %s\n' "$TEXT/bpfviews_all.prom"
	} | manifest 60-metrics.conf
	start_sleepers 2
	run -0 bv apply
	run -0 promtool check metrics < "$TEXT/bpfviews_procs.prom"
	[ "$output" = "" ]
	# every process of the machine, kernel threads included
	run -0 promtool check metrics < "$TEXT/bpfviews_all.prom"
	[ "$output" = "" ]
	grep -q '^bpfviews_processes{comm="kthreadd"} 1$' "$TEXT/bpfviews_all.prom"
	# and refuses what the textfile collector would refuse
	run -1 promtool check metrics <<< 'bpfviews_processes{comm="x" 1'
}

@test "a Prometheus server scraping node_exporter answers for the processes the test started" {
	require_programs
	procs_view procs "textfile = $TEXT/bpfviews_procs.prom" | manifest 60-metrics.conf
	start_sleepers 3
	local pids=("${PIDS[@]}")
	run -0 bv apply
	start_node_exporter
	start_prometheus

	wait_query 'up{job="node"}' 1
	wait_query "bpfviews_processes{comm=\"$COMM\"}" 3
	wait_query "bpfviews_threads{comm=\"$COMM\"}" 3
	wait_query 'node_textfile_scrape_error{job="node"}' 0

	# one process stops: the next scrapes say so
	kill "${pids[1]}"
	wait "${pids[1]}" || true
	wait_query "bpfviews_processes{comm=\"$COMM\"}" 2
	# and none left: the series is gone
	kill "${pids[0]}" "${pids[2]}"
	wait "${pids[0]}" "${pids[2]}" || true
	wait_query "bpfviews_processes{comm=\"$COMM\"}" none

	services_stopped "$PROM_PID" "$NE_PID"
}

@test "the shipped metrics manifest: a bpffs of its own, node_exporter reads every view with no scrape error" {
	require_programs
	local repo=$BATS_TEST_DIRNAME/../.. shared views
	# as bpfviews(8) says: a bpffs of its own, mode 0755 (ROOT is one, 1777)
	SHARED=$(mktemp -d /tmp/bpfviews-shared-XXXXXX)
	SERVICE_DIRS+=("$SHARED")
	mount -t bpf -o mode=0755 bpf "$SHARED"
	# the manifest as shipped, with this test's textfile directory
	sed "s|/var/lib/prometheus/node-exporter/|$TEXT/|" "$repo"/conf.d/metrics/*.conf | manifest 60-metrics.conf
	start_sleepers 2
	run -0 --separate-stderr "$BPFVIEWS" -C "$CONF" -r "$SHARED" apply
	[ "$stderr" = "" ]

	# every view is linked, 0444, and in the Prometheus format
	views=$(sed -n 's/^\[\(.*\)\]$/\1/p' "$CONF/60-metrics.conf")
	[ -n "$views" ]
	local v
	for v in $views; do
		[ "$(stat -c %a "$SHARED/$v")" = 444 ]
		[ "$(link_of "$TEXT/bpfviews_$v.prom")" = "$SHARED/$v" ]
		run -0 promtool check metrics < "$TEXT/bpfviews_$v.prom"
		[ "$output" = "" ]
	done

	start_node_exporter
	local metrics
	metrics=$(scrape)
	grep -qxF 'node_textfile_scrape_error 0' <<< "$metrics"
	grep -qxF "bpfviews_processes{comm=\"$COMM\"} 2" <<< "$metrics"
	grep -q '^bpfviews_tcp_sockets{' <<< "$metrics"
	grep -q '^bpfviews_bpf_programs{' <<< "$metrics"
	grep -q '^bpfviews_bpf_maps{' <<< "$metrics"
	services_stopped "$NE_PID"
}
