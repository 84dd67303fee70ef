#!/usr/bin/env bats
# A hostile root: what an unprivileged user can put into a world-writable
# bpffs (a fresh mount is 1777) before and while apply runs, and roots that
# are not what they should be. Every file outside the views must stay as it
# was, the other views must apply, and nothing may crash. The oracles are
# stat(1) on files outside the root, the exit status and the messages.

bats_require_minimum_version 1.5.0

load helpers

setup() {
	setup_view_root
	OUT=
	# the attacker's target: a root-only file outside the root
	SECRET=$(mktemp /tmp/bpfviews-secret-XXXXXX)
	chmod 0600 "$SECRET"
}

teardown() {
	rm -f "$SECRET"
	if [ -n "$OUT" ]; then
		umount "$OUT" || umount -l "$OUT"
		rmdir "$OUT"
	fi
	teardown_view_root
}

# Runs a command as nobody, the attacker.
as_nobody() {
	setpriv --reuid nobody --regid nogroup --clear-groups "$@"
}

# A tree d/d/d/... DEPTH deep in DIR, made by USER (nobody or root); the
# system python, which nobody can run.
deep_tree() {
	local user=$1 dir=$2 depth=$3
	local cmd=(/usr/bin/python3 -c '
import os, sys
os.chdir(sys.argv[1])
for _ in range(int(sys.argv[2])):
    os.mkdir("d")
    os.chdir("d")' "$dir" "$depth")
	if [ "$user" = nobody ]; then as_nobody "${cmd[@]}"; else "${cmd[@]}"; fi
}

# Swaps NAME~staging for a symlink to TARGET and removes NAME, as fast as
# it can, in the directory DIR the attacker owns. It replaces the shell that
# spawn started, so that teardown stops it.
symlink_racer() {
	exec setpriv --reuid nobody --regid nogroup --clear-groups /usr/bin/python3 -c '
import os, sys
d, target = sys.argv[1], sys.argv[2]
staging, view, spare = (os.path.join(d, n) for n in ("tasks~staging", "tasks", "spare"))
while True:
    for op in (lambda: os.symlink(target, spare), lambda: os.rename(spare, staging),
               lambda: os.unlink(view)):
        try:
            op()
        except OSError:
            pass' "$1" "$2"
}

# apply with every chown and chmod delayed 20 ms, so that a racer has all
# the time it needs between pinning and chmod.
slow_apply() {
	strace -f -qq -o /dev/null -e trace=chown,lchown,fchownat,chmod,fchmodat \
		-e inject=chown,lchown,fchownat,chmod,fchmodat:delay_enter=20000 \
		"$BPFVIEWS" -C "$CONF" -r "$ROOT" apply
}

@test "a user's directory in a 1777 root is refused by name; a symlink racer during 60 applies changes no file outside the root" {
	[ "$(stat -c %a "$ROOT")" = 1777 ]
	manifest 10-views.conf <<-EOF
	[web/tasks]
	program = tasks
	mode = 0444

	[tasks]
	program = tasks
	EOF
	as_nobody mkdir "$ROOT/web"
	spawn symlink_racer "$ROOT/web" "$SECRET"
	local i
	for i in $(seq 60); do
		run -1 --separate-stderr slow_apply
		grep -qF "$ROOT/web is taken by something bpfviews does not manage (directory not owned by root)" <<< "$stderr"
		[ "$(stat -c '%a %u:%g' "$SECRET")" = "600 0:0" ]
	done
	# the other view is applied, and nothing of root's is in the user's directory
	[ "$(link_id tasks)" -gt 0 ]
	[ -z "$(find "$ROOT/web" -user root)" ]
	run -1 bv status
	grep -q '^web/tasks  *blocked  *directory not owned by root$' <<< "$output"
	grep -q '^web  *foreign  *directory not owned by root$' <<< "$output"
}

@test "a root owned by another user, writable by others without the sticky bit or a symlink is refused; a new root is 0755 root:root" {
	manifest 10-views.conf <<-EOF
	[tasks]
	program = tasks
	EOF
	as_nobody mkdir "$ROOT/theirs"
	run -1 --separate-stderr "$BPFVIEWS" -C "$CONF" -r "$ROOT/theirs" apply
	grep -qF "$ROOT/theirs: directory not owned by root; refusing it as the root" <<< "$stderr"
	[ -z "$(ls -A "$ROOT/theirs")" ]
	# a root below someone else's directory is refused as well
	run -1 --separate-stderr "$BPFVIEWS" -C "$CONF" -r "$ROOT/theirs/v" apply
	grep -qF "$ROOT/theirs: directory not owned by root; refusing a root under it" <<< "$stderr"
	[ -z "$(ls -A "$ROOT/theirs")" ]

	mkdir -m 0777 "$ROOT/open"
	chmod 0777 "$ROOT/open"
	run -1 --separate-stderr "$BPFVIEWS" -C "$CONF" -r "$ROOT/open" apply
	grep -qF "$ROOT/open: directory writable by group or others; refusing it as the root" <<< "$stderr"
	[ -z "$(ls -A "$ROOT/open")" ]

	mkdir "$ROOT/real"
	ln -s "$ROOT/real" "$ROOT/link"
	run -1 --separate-stderr "$BPFVIEWS" -C "$CONF" -r "$ROOT/link" apply
	grep -qF "$ROOT/link: symbolic link; refusing it as the root" <<< "$stderr"
	[ -z "$(ls -A "$ROOT/real")" ]

	# what apply creates is root's and readable whatever the umask
	run -0 bash -c 'umask 077; "$@"' - "$BPFVIEWS" -C "$CONF" -r "$ROOT/new" apply
	[ "$(stat -c '%a %u:%g' "$ROOT/new")" = "755 0:0" ]
}

@test "a symlink at a view path is not followed: a pin outside the root keeps its mode" {
	OUT=$(mktemp -d /tmp/bpfviews-out-XXXXXX)
	mount -t bpf bpf "$OUT"
	manifest 10-views.conf <<-EOF
	[tasks]
	program = tasks
	mode = 0444
	EOF
	printf '[tasks]\nprogram = tasks\nmode = 0400\n' > "$BATS_TEST_TMPDIR/out.conf"
	"$BPFVIEWS" -C "$BATS_TEST_TMPDIR/out.conf" -r "$OUT" apply
	[ "$(stat -c '%a %u:%g' "$OUT/tasks")" = "400 0:0" ]
	as_nobody ln -s "$OUT/tasks" "$ROOT/tasks"
	as_nobody ln -s "$SECRET" "$ROOT/other"

	run -1 --separate-stderr bv apply
	grep -qF "$ROOT/tasks is taken by something bpfviews does not manage (symbolic link)" <<< "$stderr"
	[ "$(stat -c '%a %u:%g' "$OUT/tasks")" = "400 0:0" ]
	[ "$(stat -c '%a %u:%g' "$SECRET")" = "600 0:0" ]
	[ -L "$ROOT/tasks" ] && [ -L "$ROOT/other" ]
	run -1 bv status
	grep -q '^tasks  *blocked  *symbolic link$' <<< "$output"
	grep -q '^other  *foreign  *symbolic link$' <<< "$output"
	run -0 bv remove --all
	[ -L "$ROOT/tasks" ] && [ -L "$ROOT/other" ]
	[ "$(stat -c '%a %u:%g' "$OUT/tasks")" = "400 0:0" ]
}

@test "a 1500-deep tree crashes neither status, apply nor remove, and the other views apply" {
	manifest 10-views.conf <<-EOF
	[tasks]
	program = tasks

	[net/tcp]
	program = tcp
	EOF
	deep_tree nobody "$ROOT" 1500
	mkdir "$ROOT/mine"
	deep_tree root "$ROOT/mine" 1500
	run -1 bv status
	grep -q '^tasks  *missing' <<< "$output"
	grep -q '^d  *foreign  *directory not owned by root$' <<< "$output"
	grep -q '^mine/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d  *foreign  *directory deeper than 16 levels$' <<< "$output"
	run -0 --separate-stderr bv apply
	[ "$output" = "created tasks
created net/tcp" ]
	run -0 bv status
	run -0 --separate-stderr bv remove --all
	[ "$output" = "removed net/tcp
removed tasks" ]
	# the trees are left alone
	[ -d "$ROOT/d/d/d/d" ] && [ -d "$ROOT/mine/d/d/d/d" ]
}

@test "apply --dry-run and status on a root that is not on a bpffs exit 1 and read nothing under it" {
	manifest 10-views.conf <<-EOF
	[tasks]
	program = tasks
	EOF
	local plain=$BATS_TEST_TMPDIR/notbpf
	mkdir -p "$plain/sub"
	touch "$plain/canary"
	run -1 --separate-stderr "$BPFVIEWS" -C "$CONF" -r "$plain" apply --dry-run
	grep -qF "$plain is not on a bpffs" <<< "$stderr"
	[ -z "$output" ]
	run -1 --separate-stderr "$BPFVIEWS" -C "$CONF" -r "$plain" status
	grep -qF "$plain is not on a bpffs" <<< "$stderr"
	[ -z "$output" ]
	# -r / reads neither /proc nor /sys: it fails at once
	run -1 --separate-stderr timeout 20 "$BPFVIEWS" -C "$CONF" -r / apply --dry-run
	grep -qF "/ is not on a bpffs" <<< "$stderr"
	[ -z "$output" ]
}

@test "with /proc unmounted, views are told apart from other objects: in sync, orphans removed" {
	manifest 10-views.conf <<-EOF
	[tasks]
	program = tasks

	[old]
	program = tasks
	EOF
	bv apply
	bpftool map create "$ROOT/amap" type array key 4 value 4 entries 1 name amap
	manifest 10-views.conf <<-EOF
	[tasks]
	program = tasks

	[new]
	program = tcp
	EOF
	run -0 --separate-stderr unshare -m sh -c 'umount -l /proc && ! [ -e /proc/self ] && "$@"' - \
		"$BPFVIEWS" -C "$CONF" -r "$ROOT" apply
	[ "$output" = "created new
removed old" ]
	run -0 --separate-stderr unshare -m sh -c 'umount -l /proc && "$@"' - \
		"$BPFVIEWS" -C "$CONF" -r "$ROOT" status
	[ "$(awk 'NR > 1 { print $1 ":" $2 ":" $3 }' <<< "$output")" = "tasks:in-sync:
new:in-sync:
amap:foreign:map" ]
}
