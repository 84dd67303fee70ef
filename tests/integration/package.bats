#!/usr/bin/env bats
# The Debian package: make deb builds it from a copy of the tree, lintian
# finds no error, it installs here, the installed bpfviews applies the
# installed manifest, and dpkg --purge leaves no file behind.

load helpers

REPO=$BATS_TEST_DIRNAME/../..

# Outside CI a missing tool or a machine that already has bpfviews skips;
# in CI it fails.
need() {
	if [ "${CI:-}" = true ]; then
		echo "package test cannot run in CI: $1" >&2
		return 1
	fi
	skip "$1"
}

setup_file() {
	export DEB_DIR=
	command -v dpkg-buildpackage >/dev/null && command -v dh >/dev/null || return 0
	DEB_DIR=$(mktemp -d /tmp/bpfviews-deb-XXXXXX)
	make -s -C "$REPO" deb DEB_DIR="$DEB_DIR" > "$DEB_DIR/build.log" 2>&1 || true
}

teardown_file() {
	[ -n "$DEB_DIR" ] && rm -rf "$DEB_DIR"
	return 0
}

setup() {
	command -v dpkg-buildpackage >/dev/null && command -v dh >/dev/null ||
		need "no dpkg-buildpackage or debhelper (apt-get install dpkg-dev debhelper)"
	DEB=$(ls "$DEB_DIR"/bpfviews_*.deb 2>/dev/null | head -1)
	[ -n "$DEB" ] || { tail -30 "$DEB_DIR/build.log"; false; }
}

teardown() {
	if [ -n "${INSTALLED:-}" ] && dpkg-query -W bpfviews >/dev/null 2>&1; then
		dpkg --purge bpfviews >/dev/null 2>&1 || true
	fi
	teardown_view_root
}

@test "make deb builds the binary, man pages, unit, boot script, completion and default manifest" {
	files=$(dpkg-deb -c "$DEB" | awk '{ print $6 }' | sed 's|^\./|/|')
	for f in /usr/sbin/bpfviews /usr/sbin/bpfviews-boot /lib/systemd/system/bpfviews.service \
		 /usr/share/man/man8/bpfviews.8.gz /usr/share/man/man5/bpfviews.conf.5.gz \
		 /usr/share/man/man7/bpfviews-programs.7.gz /usr/share/bash-completion/completions/bpfviews \
		 /usr/share/doc/bpfviews/copyright; do
		grep -qx "$f" <<<"$files" || { echo "the package lacks $f"; false; }
	done
	[ "$(grep '^/usr/lib/bpfviews/conf.d/.' <<<"$files" | xargs -n1 basename)" = "$(cd "$REPO/conf.d" && ls -- *.conf)" ]
	# the build tree is a copy: the worktree gets no debian/ build output
	[ ! -e "$REPO/debian/bpfviews" ] && [ ! -e "$REPO/debian/files" ]
	# the unit runs the packaged binary
	dpkg-deb --fsys-tarfile "$DEB" | tar -xO ./lib/systemd/system/bpfviews.service |
		grep -qx 'ExecStart=/usr/sbin/bpfviews apply'
	# Depends names the package of each library the binary links (oracle: readelf, ldd, dpkg -S)
	depends=$(dpkg-deb -f "$DEB" Depends)
	echo "Depends: $depends"
	bin=$BATS_TEST_TMPDIR/bpfviews
	dpkg-deb --fsys-tarfile "$DEB" | tar -xO ./usr/sbin/bpfviews > "$bin"
	chmod +x "$bin"
	needed=$(readelf -d "$bin" | sed -n 's/.*Shared library: \[\(.*\)\]$/\1/p')
	grep -q '^libbpf\.' <<<"$needed"
	for lib in $needed; do
		path=$(ldd "$bin" | awk -v l="$lib" '$1 == l && $3 ~ /^\// { print $3 }')
		[ -n "$path" ] || continue	# the dynamic loader itself
		pkg=$(dpkg -S "$(readlink -f "$path")" 2>/dev/null || dpkg -S "$path")
		pkg=${pkg%%:*}
		[[ ", $depends" == *", $pkg "* ]] || { echo "Depends lacks $pkg ($lib)"; false; }
	done
}

@test "lintian finds no error in the package" {
	command -v lintian >/dev/null || need "no lintian (apt-get install lintian)"
	run lintian --allow-root "$DEB_DIR"/bpfviews_*.changes
	echo "$output"
	[ -z "$(grep '^E: ' <<<"$output")" ]
}

@test "dpkg -i installs it; bpfviews apply with the installed manifest works; dpkg --purge leaves nothing" {
	require_kernel
	if dpkg-query -W -f='${Status}' bpfviews 2>/dev/null | grep -q installed; then
		need "a bpfviews package is installed already; not replacing it"
	fi
	for f in /usr/sbin/bpfviews /usr/lib/bpfviews /etc/bpfviews; do
		[ ! -e "$f" ] || need "$f exists (not from this test); not clobbering it"
	done
	setup_view_root
	INSTALLED=1
	run dpkg -i "$DEB"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(/usr/sbin/bpfviews --version)" = "bpfviews $(dpkg-deb -f "$DEB" Version)" ]
	# the installed manifest, read from where the binary looks by itself;
	# a private /run keeps runtime drop-ins (make run's) out of it
	run unshare -m sh -c 'mount -t tmpfs tmpfs /run && exec /usr/sbin/bpfviews -r "$1" apply' sh "$ROOT"
	echo "$output"
	[ "$status" -eq 0 ]
	views=$(/usr/sbin/bpfviews -C /usr/lib/bpfviews/conf.d cat-config | sed -n 's/^\[\(.*\)\]$/\1/p' | sort)
	[ -n "$views" ]
	[ "$(cd "$ROOT" && find . -type f ! -name '*.debug' | sed 's|^\./||' | sort)" = "$views" ]
	for v in $views; do
		rd "$v" > /dev/null
	done
	reads_ok
	# the tasks view has this shell (oracle: $$)
	rd tasks | awk -v pid=$$ '$1 == pid { found = 1 } END { exit !found }'
	/usr/sbin/bpfviews -r "$ROOT" remove --all > /dev/null
	# every file and directory of the package goes, unless another package owns it
	dpkg -L bpfviews > "$BATS_TEST_TMPDIR/files"
	run dpkg --purge bpfviews
	echo "$output"
	[ "$status" -eq 0 ]
	INSTALLED=
	left=
	while read -r f; do
		[ "$f" != /. ] && { [ -e "$f" ] || [ -L "$f" ]; } || continue
		[ -d "$f" ] && dpkg -S "$f" >/dev/null 2>&1 && continue
		left="$left $f"
	done < "$BATS_TEST_TMPDIR/files"
	[ -z "$left" ] || { echo "left after purge:$left"; false; }
	[ ! -e /etc/bpfviews ]
	# nor the systemd enablement (deb-systemd-helper's links and state)
	[ -z "$(find /etc/systemd /var/lib/systemd -name '*bpfviews*' 2>/dev/null)" ]
	run dpkg-query -W bpfviews
	[ "$status" -ne 0 ]
}
