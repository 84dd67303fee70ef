#!/usr/bin/env bats
# The unix view and the kernel's unix iterator: how a view must be read to
# get every socket (README "Known limits", bpfviews-programs(7) unix).
#
# The kernel's iterator (net/unix/af_unix.c) loses the rest of a hash bucket
# whenever a read() ends inside it: bpf_iter_unix_seq_stop() releases the
# bucket's batch but leaves st_bucket_done set, so the next read's
# bpf_iter_unix_batch() starts at the next bucket.  A read ends when the
# reader's buffer is full or the kernel's own (32 KiB) is.  So a reader that
# takes the view in one read() larger than it gets every socket, as long as
# the view's output stays under 32 KiB; small reads (dd bs=1, a shell's
# `while read` on the file) lose sockets.  No program can change where a
# read ends.

load helpers

setup() {
	setup_view_root
	manifest unix.conf <<-EOF
	[u_table]
	program = unix
	[u_csv]
	program = unix
	format = csv
	[u_json]
	program = unix
	format = json
	EOF
	bv apply
}

teardown() {
	teardown_view_root
}

# Holds N bound abstract stream sockets in a fresh network namespace and runs
# READER on each view there, then lists /proc/net/unix's inodes (the oracle).
# Output: one file per view in $CONF, and $CONF/proc.inodes.
read_in_netns() {
	local n=$1 reader=$2
	unshare -n sh -ec '
		python3 -c "
import socket, sys, time
keep = []
for i in range(int(sys.argv[1])):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(\"\\0bpfviews-test-%d\" % i)
    s.listen()
    keep.append(s)
print(\"ready\", flush=True)
time.sleep(60)
" "$1" > "$3/ready" &
		holder=$!
		while ! grep -q ready "$3/ready" 2>/dev/null; do sleep 0.05; done
		for f in table csv json; do sh -c "$4" sh "$2/u_$f" > "$3/u_$f.out"; done
		awk "NR > 1 { print \$7 }" /proc/net/unix | sort -n > "$3/proc.inodes"
		kill $holder
	' sh "$n" "$ROOT" "$CONF" "$reader"
}

# The inodes a view's output lists, sorted.
view_inodes() {
	case $1 in
	table) awk 'NR > 1 { print $4 }' "$CONF/u_table.out" ;;
	csv) awk -F, 'NR > 1 { print $4 }' "$CONF/u_csv.out" ;;
	json) python3 -c 'import json,sys; [print(json.loads(l)["inode"]) for l in open(sys.argv[1])]' \
		"$CONF/u_json.out" ;;
	esac | sort -n
}

@test "unix: a view read whole (one read larger than it, under 32 KiB) lists every socket of /proc/net/unix" {
	# 300 sockets: about 20 KiB of table, spread over the kernel's 256 buckets
	read_in_netns 300 'cat "$1"'
	[ "$(wc -l < "$CONF/proc.inodes")" -eq 300 ]
	for f in table csv json; do
		same "unix $f, read by cat" "$(cat "$CONF/proc.inodes")" "$(view_inodes $f)"
	done
	read_in_netns 300 'dd if="$1" bs=64k status=none'
	for f in table csv json; do
		same "unix $f, read by dd bs=64k" "$(cat "$CONF/proc.inodes")" "$(view_inodes $f)"
	done
}

@test "unix: read whole, then split into lines (cat FILE | while read) keeps every socket" {
	read_in_netns 300 'cat "$1" | while IFS= read -r line; do printf "%s\n" "$line"; done'
	for f in table csv json; do
		same "unix $f, cat | while read" "$(cat "$CONF/proc.inodes")" "$(view_inodes $f)"
	done
}
