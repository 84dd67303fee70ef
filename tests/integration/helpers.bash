# Shared setup for the kernel integration tests: a private bpffs mount as the
# root, a private manifest directory, and cleanup of only what a test made.

BPFVIEWS=${BPFVIEWS:-$BATS_TEST_DIRNAME/../../build/bpfviews}
TEST_OBJECTS=${TEST_OBJECTS:-$BATS_TEST_DIRNAME/../../build/tests}

# Kernel tests need root, BTF and bpffs. Outside CI they are skipped without
# them; in CI (CI=true) a skipped kernel test fails the run.
require_kernel() {
	local why=
	[ "$(id -u)" -eq 0 ] || why="not root"
	[ -r /sys/kernel/btf/vmlinux ] || why="no /sys/kernel/btf/vmlinux"
	[ -z "$why" ] && return 0
	if [ "${CI:-}" = true ]; then
		echo "kernel test cannot run in CI: $why" >&2
		return 1
	fi
	skip "$why"
}

# A private bpffs mount and manifest directory for one test. No dots in the
# names: libbpf turns dots in pin paths into underscores.
setup_view_root() {
	require_kernel
	ROOT=$(mktemp -d /tmp/bpfviews-root-XXXXXX)
	mount -t bpf bpf "$ROOT"
	CONF=$(mktemp -d /tmp/bpfviews-conf-XXXXXX)
	chmod 0755 "$CONF"
	PIDS=()
	READ_ERRORS=$BATS_TEST_TMPDIR/read-errors
	rm -f "$READ_ERRORS"
}

teardown_view_root() {
	local pid
	for pid in "${PIDS[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	for pid in "${PIDS[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
	if [ -n "${ROOT:-}" ]; then
		if ! umount "$ROOT" 2>/dev/null; then
			echo "teardown: $ROOT busy, detached lazily" >&2
			umount -l "$ROOT" || true
		fi
		rmdir "$ROOT" 2>/dev/null || true
	fi
	[ -n "${CONF:-}" ] && rm -rf "$CONF"
	reads_ok
}

# rd NAME: view NAME of $ROOT on stdout.  A read inside "$(...)" cannot fail
# the test by itself, so a failed one is recorded in $READ_ERRORS, and the
# next `same` (or teardown) fails the test with it.
rd() {
	cat "$ROOT/$1" && return 0
	echo "reading $ROOT/$1 failed" >> "$READ_ERRORS"
	return 1
}

# Fails, showing them, if any read by rd failed.
reads_ok() {
	[ -s "${READ_ERRORS:-/nonexistent}" ] || return 0
	cat "$READ_ERRORS"
	return 1
}

# Writes stdin to $CONF/NAME (root-owned, 0644).
manifest() {
	cat > "$CONF/$1"
	chmod 0644 "$CONF/$1"
}

# views3 NAME PROGRAM [LINE...]: manifest sections NAME-table, NAME-csv and
# NAME-json for PROGRAM, each with the given parameter lines.
views3() {
	local name=$1 prog=$2 fmt line
	shift 2
	for fmt in table csv json; do
		printf '[%s-%s]\nprogram = %s\nformat = %s\n' "$name" "$fmt" "$prog" "$fmt"
		for line in "$@"; do printf '%s\n' "$line"; done
		printf '\n'
	done
}

# Copies a test object into $CONF (root-owned, 0644) and prints its path.
obj() {
	install -m 0644 -o root -g root "$TEST_OBJECTS/$1" "$CONF/$1"
	echo "$CONF/$1"
}

bv() {
	"$BPFVIEWS" -C "$CONF" -r "$ROOT" "$@"
}

# Starts a command in the background and remembers its pid for teardown.
spawn() {
	"$@" &
	PIDS+=("$!")
	LAST_PID=$!
}

# The link id of a pinned view (oracle: bpftool).
link_id() {
	bpftool -j link show pinned "$ROOT/$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])'
}

# same WHAT EXPECTED ACTUAL: equal, or both sides and a diff on stdout.
same() {
	reads_ok || return 1
	[ "$2" = "$3" ] && return 0
	echo "$1: differs"
	echo "--- expected (oracle)"
	printf '%s\n' "$2"
	echo "--- actual (view)"
	printf '%s\n' "$3"
	echo "--- diff"
	diff <(printf '%s\n' "$2") <(printf '%s\n' "$3") || true
	return 1
}
