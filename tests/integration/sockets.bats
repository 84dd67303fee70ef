#!/usr/bin/env bats
# Kernel tests of the sockets view (every process's sockets, every network
# namespace), checked against ss -tanpe, -uanpe and -xape run inside each of
# two network namespaces the test creates, and against /proc/PID/fd and
# /proc/PID/ns/net of the processes that hold the sockets.  Only the test's
# own processes are compared, never the machine's.  The namespaces have
# only their loopback: no packet leaves them.

load helpers

# ---------------------------------------------------------------------------
# The socket holders: one python process each, with its own comm (prctl), in
# the namespace it was started in (ip netns exec).  It closes what it
# inherited, so that every socket it holds is one of the test's.
#   server DIR TAG: tcp v4, v6 and dual-stack listeners with a connection
#                   each (the v4 listener dup'ed: two descriptors), udp v4
#                   and v6 bound, a connected udp v6 pair, unix stream
#                   listener with a connection, a bound unix dgram socket
#                   with a connected client, an abstract unix listener
#   kinds DIR TAG:  netlink, raw v4 and v6, packet, ping, udplite and mptcp
#                   sockets, and DIR/kinds: the row of each as the view
#                   should show it (pid, fd, inode from fstat, family,
#                   protocol, type, state, local port)
#   many DIR TAG N: N unix socket pairs, and a thread with a descriptor
#                   table of its own (unshare(CLONE_FILES)) that holds two
#                   udp sockets of its own; DIR/tid: the thread's id
#   client DIR TAG OTHER: as nobody: a tcp connection to the server's v4
#                   listener, a unix connection to its stream listener
#                   (neither accepted); then it moves to namespace OTHER
#                   (setns) and binds a udp socket there
# ---------------------------------------------------------------------------
HOLDER=$(cat <<'PYEOF'
import ctypes, os, socket, sys, time
from socket import AF_INET, AF_INET6, AF_UNIX, SOCK_STREAM, SOCK_DGRAM
ready, comm, mode, d, tag = sys.argv[1:6]
other = sys.argv[6:]
os.closerange(3, 1 << 16)
ctypes.CDLL(None).prctl(15, comm.encode(), 0, 0, 0)    # PR_SET_NAME
keep = []

def sock(fam, typ):
    s = socket.socket(fam, typ)
    keep.append(s)
    return s

def listener(fam, addr, port, v6only=None):
    s = sock(fam, SOCK_STREAM)
    if v6only is not None:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, v6only)
    s.bind((addr, port))
    s.listen(8)
    return s

def connect(fam, typ, addr):
    s = sock(fam, typ)
    s.connect(addr)
    return s

if mode == "server":
    os.umask(0)                     # the client (nobody) connects to the unix ones
    l4 = listener(AF_INET, "127.0.0.1", 4001)
    keep.append(os.dup(l4.fileno()))
    connect(AF_INET, SOCK_STREAM, ("127.0.0.1", 4001)); keep.append(l4.accept()[0])
    l6 = listener(AF_INET6, "::1", 4002, v6only=1)
    connect(AF_INET6, SOCK_STREAM, ("::1", 4002)); keep.append(l6.accept()[0])
    ld = listener(AF_INET6, "::", 4003, v6only=0)
    connect(AF_INET, SOCK_STREAM, ("127.0.0.1", 4003)); keep.append(ld.accept()[0])
    sock(AF_INET, SOCK_DGRAM).bind(("127.0.0.1", 4004))
    sock(AF_INET6, SOCK_DGRAM).bind(("::1", 4005))
    c = sock(AF_INET6, SOCK_DGRAM); c.bind(("::1", 4006)); c.connect(("::1", 4005))
    lu = sock(AF_UNIX, SOCK_STREAM); lu.bind(d + "/" + tag + ".sock"); lu.listen(8)
    connect(AF_UNIX, SOCK_STREAM, d + "/" + tag + ".sock"); keep.append(lu.accept()[0])
    sock(AF_UNIX, SOCK_DGRAM).bind(d + "/" + tag + ".dgram")
    connect(AF_UNIX, SOCK_DGRAM, d + "/" + tag + ".dgram")
    la = sock(AF_UNIX, SOCK_STREAM); la.bind("\0" + tag + "-abs"); la.listen(1)
elif mode == "client":
    ns = os.open("/run/netns/" + other[0], os.O_RDONLY)
    os.setgroups([]); os.setgid(65534); os.setresuid(65534, 65534, 0)
    connect(AF_INET, SOCK_STREAM, ("127.0.0.1", 4001))
    connect(AF_UNIX, SOCK_STREAM, d + "/" + tag + ".sock")
    # into the other namespace, keeping the sockets made in this one
    os.seteuid(0)
    if ctypes.CDLL(None, use_errno=True).setns(ns, 0x40000000):     # CLONE_NEWNET
        sys.exit("setns: " + os.strerror(ctypes.get_errno()))
    os.close(ns)
    os.seteuid(65534)
    sock(AF_INET, SOCK_DGRAM).bind(("127.0.0.1", 4007))
elif mode == "kinds":
    # the other kinds, each with the row the view should give it
    import json
    rows = []
    for fam, typ, proto, bind, want in (
            (socket.AF_NETLINK, socket.SOCK_RAW, 0, (0, 0), "netlink netlink RAW UNCONN 0"),
            (AF_INET, socket.SOCK_RAW, 1, None, "ipv4 raw RAW UNCONN 1"),
            (AF_INET6, socket.SOCK_RAW, 58, None, "ipv6 raw RAW UNCONN 58"),
            (socket.AF_PACKET, socket.SOCK_RAW, 0, None, "packet packet RAW UNCONN 0"),
            (AF_INET, SOCK_DGRAM, 1, None, "ipv4 icmp DGRAM UNCONN 0"),
            (AF_INET, SOCK_DGRAM, 136, ("127.0.0.1", 4008), "ipv4 udplite DGRAM UNCONN 4008"),
            (AF_INET, SOCK_STREAM, 262, ("127.0.0.1", 4009), "ipv4 mptcp STREAM LISTEN 4009")):
        s = socket.socket(fam, typ, proto)
        keep.append(s)
        if bind:
            s.bind(bind)
        if typ == SOCK_STREAM:
            s.listen(1)
        rows.append([str(os.getpid()), str(s.fileno()), str(os.fstat(s.fileno()).st_ino)] +
                    want.split())
    with open(d + "/kinds", "w") as f:
        f.write("\n".join(sorted(json.dumps(r) for r in rows)) + "\n")
elif mode == "many":
    import resource, threading
    n = int(other[0])
    resource.setrlimit(resource.RLIMIT_NOFILE, (2 * n + 64, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))
    started = threading.Event()
    def own_table():
        # its sockets are in its table only: none is closed by another thread
        if ctypes.CDLL(None, use_errno=True).unshare(0x400):    # CLONE_FILES
            open(d + "/tid.err", "w").write(os.strerror(ctypes.get_errno()))
        else:
            sock(AF_INET, SOCK_DGRAM).bind(("127.0.0.1", 4010))
            sock(AF_INET6, SOCK_DGRAM)
            open(d + "/tid", "w").write(str(threading.get_native_id()))
        started.set()
        while True:
            time.sleep(1000)
    threading.Thread(target=own_table, daemon=True).start()
    started.wait()
    for _ in range(n):
        keep.extend(socket.socketpair())
else:
    sys.exit("unknown mode " + mode)

with open(ready + "~", "w") as f:
    f.write(str(os.getpid()))
os.rename(ready + "~", ready)
while True:
    time.sleep(1000)
PYEOF
)

# ---------------------------------------------------------------------------
# The checker.
#   view FMT FILE PIDS [options]   the view's rows of these pids, parsed
#                                  strictly (header once, csv module, json
#                                  keys in order, numbers as numbers)
#   oracle NS,... PIDS [options]   the same rows from ss -p in each
#                                  namespace, netns from /proc/PID/ns/net,
#                                  unix uids from stat of /proc/PID/fd/FD
#   fds PIDS                       [pid, fd, inode] of each socket link in
#                                  /proc/PID/fd; for PID/TID, in the
#                                  descriptor table of thread TID
#                                  (/proc/PID/task/TID/fd), still as PID
# PIDS is comma separated.  Rows print as sorted json lists.  Options:
#   --where EXPR   rows for which EXPR (python, the row is r) holds; oracle
#                  rows of unix sockets also have r["peer"], the peer's inode
#   --cols C,...   these columns only
# ---------------------------------------------------------------------------
SOCKPY=$(cat <<'PYEOF'
import csv, io, json, os, re, subprocess, sys

COLS = ["pid", "comm", "uid", "fd", "netns", "family", "protocol", "type", "state",
        "local_addr", "local_port", "remote_addr", "remote_port", "inode"]
INTS = {"pid", "uid", "fd", "netns", "local_port", "remote_port", "inode"}
HEADER = ("    PID COMM               UID    FD      NETNS FAMILY  PROTO   TYPE      "
          "STATE      LOCAL                        REMOTE                            INODE")
# after the pid and the 16-column comm
REST = re.compile(r"^ +(\d+) +(\d+) +(\d+) (\S+) +(\S+) +(\S+) +(\S+) +(\S+) +(\S+) +(\d+)$")

def die(msg):
    print(msg, file=sys.stderr)
    sys.exit(1)

def table_end(fam, s):
    """127.0.0.1:80, [::1]:80, 0.0.0.0:* (inet); a name or * (others)."""
    if fam not in ("ipv4", "ipv6"):
        return ("" if s == "*" else s), "0"
    if s.startswith("["):
        a, p = s[1:].split("]:", 1)
    else:
        a, p = s.rsplit(":", 1)
    return a, "0" if p == "*" else p

def parse(fmt, path):
    data = open(path, "rb").read()
    if data and not data.endswith(b"\n"):
        die("view output does not end with a newline: %r" % data[-80:])
    rows = []
    if fmt == "json":
        for n, line in enumerate(data.decode("utf-8").split("\n")[:-1], 1):
            obj = json.loads(line)
            if list(obj) != COLS:
                die("json line %d: keys %r, documented %r" % (n, list(obj), COLS))
            for c in COLS:
                if type(obj[c]) is not (int if c in INTS else str):
                    die("json line %d: %s is %r" % (n, c, obj[c]))
            rows.append({c: str(obj[c]) for c in COLS})
    elif fmt == "csv":
        recs = list(csv.reader(io.StringIO(data.decode("utf-8", "surrogateescape"),
                                           newline=""), strict=True))
        if not recs or recs[0] != COLS:
            die("csv header %r, documented %r" % (recs[:1], COLS))
        for n, r in enumerate(recs[1:], 2):
            if len(r) != len(COLS) or any(c in INTS and not r[i].isdigit()
                                          for i, c in enumerate(COLS)):
                die("csv record %d: %r" % (n, r))
            rows.append(dict(zip(COLS, r)))
    elif fmt == "table":
        lines = data.split(b"\n")[:-1]
        if not lines or lines[0].decode() != HEADER:
            die("table header %r, documented %r" % (lines[:1], HEADER))
        for n, line in enumerate(lines[1:], 2):
            m = REST.match(line[24:].decode("utf-8", "surrogateescape"))
            if not line[:7].strip().isdigit() or line[7:8] != b" " or not m:
                die("table line %d is not a sockets row: %r" % (n, line))
            g = m.groups()
            la, lp = table_end(g[3], g[7])
            ra, rp = table_end(g[3], g[8])
            rows.append(dict(zip(COLS, [line[:7].decode().strip(),
                                        line[8:24].decode("utf-8", "surrogateescape").rstrip()]
                                 + list(g[:7]) + [la, lp, ra, rp, g[9]])))
    else:
        die("unknown format " + fmt)
    return rows

def run(*cmd):
    return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout

def users(line, pids):
    return [(c, p, f) for c, p, f in re.findall(r'\("([^"]*)",pid=(\d+),fd=(\d+)\)', line)
            if p in pids]

def ss_end(s):
    """ss's Address:Port: [::1]:80, 127.0.0.1:80, *:80 (dual-stack ::), 0.0.0.0:*."""
    a, p = s.rsplit(":", 1)
    a = a.split("%")[0]
    if a.startswith("["):
        a = a[1:-1]
    return ("::" if a == "*" else a), ("0" if p == "*" else p)

def oracle(namespaces, pids):
    rows = []
    for ns in namespaces:
        ex = ["ip", "netns", "exec", ns]
        netns = run(*ex, "stat", "-L", "-c", "%i", "/proc/self/ns/net").strip()
        for proto, typ in (("tcp", "STREAM"), ("udp", "DGRAM")):
            for v in ("4", "6"):
                for line in run(*ex, "ss", "-%sanpeH%s" % (proto[0], v)).splitlines():
                    f = line.split()
                    la, lp = ss_end(f[3])
                    ra, rp = ss_end(f[4])
                    uid = re.search(r" uid:(\d+)", line)
                    ino = re.search(r" ino:(\d+)", line)[1]
                    for c, p, fd in users(line, pids):
                        rows.append(dict(pid=p, comm=c, uid=uid[1] if uid else "0", fd=fd,
                                         netns=netns, family="ipv" + v, protocol=proto,
                                         type=typ, state=f[0], local_addr=la, local_port=lp,
                                         remote_addr=ra, remote_port=rp, inode=ino))
        types = {"u_str": "STREAM", "u_dgr": "DGRAM", "u_seq": "SEQPACKET"}
        unix = [l.split() for l in run(*ex, "ss", "-xapeH").splitlines()]
        queued = {}
        names = {f[5]: ("" if f[4] == "*" else f[4]) for f in unix}
        # a connection not yet accepted: its peer (queued on a listener)
        # is listed with none of its own, but in the listener's peers:
        for f in unix:
            if "peers:" in f:
                for client in f[f.index("peers:") + 1:]:
                    queued[client] = names[f[5]]
        for f in unix:
            for c, p, fd in users(" ".join(f), pids):
                uid = str(os.stat("/proc/%s/fd/%s" % (p, fd)).st_uid)
                rows.append(dict(pid=p, comm=c, uid=uid, fd=fd, netns=netns, family="unix",
                                 peer=f[7],
                                 protocol="unix", type=types[f[0]], state=f[1],
                                 local_addr=names[f[5]], local_port="0",
                                 remote_addr=names.get(f[7], queued.get(f[5], "")),
                                 remote_port="0",
                                 inode=f[5]))
    return rows

def fds(pids):
    out = []
    for pid in pids:
        d = "/proc/%s/fd/" % pid if "/" not in pid else "/proc/%s/task/%s/fd/" % tuple(pid.split("/"))
        pid = pid.split("/")[0]
        for fd in os.listdir(d):
            m = re.fullmatch(r"socket:\[(\d+)\]", os.readlink(d + fd))
            if m:
                out.append(dict(pid=pid, fd=fd, inode=m[1]))
    return out

def select(rows, opts):
    if "where" in opts:
        rows = [r for r in rows if eval(opts["where"], {}, {"r": r})]
    cols = opts["cols"].split(",") if "cols" in opts else COLS
    for line in sorted(json.dumps([r[c] for c in cols]) for r in rows):
        print(line)

args, opts = [], {}
it = iter(sys.argv[1:])
for a in it:
    if a.startswith("--"):
        opts[a[2:]] = next(it)
    else:
        args.append(a)
cmd = args[0]
if cmd == "view":             # view FMT FILE PIDS
    pids = set(args[3].split(","))
    select([r for r in parse(args[1], args[2]) if r["pid"] in pids], opts)
elif cmd == "oracle":         # oracle NS,... PIDS
    select(oracle(args[1].split(","), set(args[2].split(","))), opts)
elif cmd == "fds":            # fds PIDS
    select(fds(args[1].split(",")), dict(opts, cols=opts.get("cols", "pid,fd,inode")))
else:
    die("unknown command " + cmd)
PYEOF
)

sk() {
	"$PYTHON" -c "$SOCKPY" "$@"
}

# has WHAT TEXT PATTERN...: TEXT contains each pattern (the oracle is not vacuous).
has() {
	local what=$1 text=$2 p
	shift 2
	for p in "$@"; do
		[[ $text == *"$p"* ]] || { echo "$what lacks $p:"; echo "$text"; return 1; }
	done
}

wait_for() {
	local i
	for ((i = 0; i < 200; i++)); do
		"$@" && return 0
		sleep 0.05
	done
	echo "timed out waiting for: $*"
	return 1
}

# holder NS COMM MODE [OTHER]: a socket holder in namespace NS; appends
# its pid to HPIDS.
holder() {
	local ready="$WORK/ready.$RANDOM"
	spawn ip netns exec "$1" "$PYTHON" -c "$HOLDER" "$ready" "$2" "$3" "$WORK" "$1" "${@:4}" \
		< /dev/null > /dev/null 2> "$WORK/$2.err"
	wait_for test -e "$ready" || { cat "$WORK/$2.err"; return 1; }
	[ "$(cat "$ready")" = "$LAST_PID" ] || { echo "holder pid $(cat "$ready") != $LAST_PID"; return 1; }
	HPIDS=${HPIDS:+$HPIDS,}$LAST_PID
}

# check3 NAME EXPECTED [OPTION...]: views NAME-{table,csv,json} give
# EXPECTED for the test's pids.
check3() {
	local name=$1 expected=$2 fmt actual
	shift 2
	for fmt in table csv json; do
		rd "$name-$fmt" > "$WORK/$name-$fmt.out"
		actual=$(sk view "$fmt" "$WORK/$name-$fmt.out" "$HPIDS" "$@") || return 1
		same "$name-$fmt" "$expected" "$actual" || return 1
	done
}

setup() {
	setup_view_root
	WORK=$(mktemp -d /tmp/bpfviews-sockets.XXXXXX)
	chmod 0777 "$WORK"	# the client (nobody) connects to unix sockets here
	PYTHON=$(python3 -c 'import os, sys; print(os.path.realpath(sys.executable))')
	NSA=bvsock$$a$RANDOM
	NSB=bvsock$$b$RANDOM
	ip netns add "$NSA"
	ip netns add "$NSB"
	ip -n "$NSA" link set lo up
	ip -n "$NSB" link set lo up
	HPIDS=
	holder "$NSA" bvsa-server server
	holder "$NSB" bvsb-server server
	SERVERS=$HPIDS
	holder "$NSA" bvsa-client client "$NSB"
	CLIENT=$LAST_PID
}

# The namespaces' names go first (their holders may still run: a
# namespace ends with its last process), then what helpers.bash made.
teardown() {
	[ -n "${NSA:-}" ] && ip netns del "$NSA" 2>/dev/null
	[ -n "${NSB:-}" ] && ip netns del "$NSB" 2>/dev/null
	teardown_view_root
	[ -n "${WORK:-}" ] && rm -rf "$WORK"
	return 0
}

@test "sockets: rows equal ss -tanpe, -uanpe and -xape in two network namespaces, fds and inodes those of /proc/PID/fd" {
	views3 all sockets | manifest s.conf
	bv apply

	local expected
	expected=$(sk oracle "$NSA,$NSB" "$HPIDS")
	# the oracle covers what the test made: both namespaces, the three
	# processes, nobody's sockets, v4, v6, dual-stack, udp, unix, abstract
	has oracle "$expected" '"bvsa-server"' '"bvsa-client"' '"bvsb-server"' '"65534"' \
		'"LISTEN"' '"ESTAB"' '"UNCONN"' '"::1"' '"::"' '"udp"' '"unix"' \
		"\"$WORK/$NSA.sock\"" "\"$WORK/$NSB.dgram\"" "\"@$NSA-abs\"" \
		"$(stat -L -c %i "/proc/${HPIDS%%,*}/ns/net")"
	# server: 13 inet descriptors (the dup'ed listener twice) and 6 unix;
	# client: 3, the last in the other namespace
	[ "$(echo "$expected" | wc -l)" -eq $((2 * (13 + 6) + 3)) ] || { echo "$expected"; false; }
	# a socket's namespace is the one it was made in: the client's last one
	# is in its own (/proc/PID/ns/net), the others are not
	has oracle "$expected" "[\"$CLIENT\", \"bvsa-client\", \"65534\", \"3\", \"$(stat -L -c %i "/proc/$CLIENT/ns/net")\""
	[ "$(stat -L -c %i "/proc/$CLIENT/ns/net")" = "$(stat -L -c %i "/run/netns/$NSB")" ]
	check3 all "$expected"

	# every socket descriptor of the holders, once, with its fd and inode
	expected=$(sk fds "$HPIDS")
	check3 all "$expected" --cols pid,fd,inode
	# and each server's namespace
	local pid want=
	for pid in ${SERVERS//,/ }; do
		want+="[\"$pid\", \"$(stat -L -c %i "/proc/$pid/ns/net")\"]"$'\n'
	done
	expected=$(sk fds "$SERVERS" | "$PYTHON" -c '
import json, sys
ns = dict(json.loads(l) for l in sys.argv[1].splitlines())
print("\n".join(sorted(json.dumps([p, ns[p]]) for p, _, _ in map(json.loads, sys.stdin))))' "$want")
	check3 all "$expected" --cols pid,netns --where "r['pid'] != '$CLIENT'"
}

# The oracle's side of state = listening: what the view documents.
LISTENING='r["state"] == "LISTEN" or (r["protocol"] == "udp" and r["state"] == "UNCONN" and r["local_port"] != "0") or (r["protocol"] == "unix" and r["type"] == "DGRAM" and r["local_addr"] != "" and r["peer"] == "0")'

@test "sockets: comm, protocol, state (listening too), sport, dport, family and pid narrow exactly, in all three formats" {
	{
		views3 comm sockets 'comm = bvsa-*'
		views3 proto sockets 'protocol = udp, unix'
		views3 listening sockets 'state = listening'
		views3 estab sockets 'state = estab'
		views3 sport sockets 'sport = 4001, 4005'
		views3 dport sockets 'dport = 4001'
		views3 v6 sockets 'family = ipv6'
		views3 tcp4listen sockets 'protocol = tcp' 'state = listen' 'family = ipv4'
		views3 client sockets "pid = $CLIENT"
	} | manifest s.conf
	bv apply

	local all expected
	all=$(sk oracle "$NSA,$NSB" "$HPIDS")
	t() {	# t VIEW WHERE: the view's rows are the oracle's for which WHERE holds
		expected=$(sk oracle "$NSA,$NSB" "$HPIDS" --where "$2")
		[ -n "$expected" ] && [ "$expected" != "$all" ] || { echo "$1: vacuous"; return 1; }
		check3 "$1" "$expected"
	}
	t comm 'r["comm"].startswith("bvsa-")'
	t proto 'r["protocol"] in ("udp", "unix")'
	t listening "$LISTENING"
	expected=$(sk oracle "$NSA,$NSB" "$HPIDS" --where "$LISTENING")
	# listeners, unconnected bound udp, the bound unix dgram socket that
	# has a client (ESTAB in the kernel), the client's udp in the other
	# namespace; no connection
	has listening "$expected" '"LISTEN"' '"4004"' '"4007"' ".dgram\", \"0\", \"\", \"0\"" '"@'
	[[ $expected != *'"ESTAB", "127.0.0.1"'* ]]
	t estab 'r["state"] == "ESTAB"'
	t sport 'r["local_port"] in ("4001", "4005")'
	t dport 'r["remote_port"] == "4001"'
	t v6 'r["family"] == "ipv6"'
	t tcp4listen 'r["protocol"] == "tcp" and r["state"] == "LISTEN" and r["family"] == "ipv4"'
	t client "r['pid'] == '$CLIENT'"
}

@test "sockets: the default manifest's net/listening shows who listens, in every namespace" {
	"$BPFVIEWS" -C "$BATS_TEST_DIRNAME/../../conf.d" -r "$ROOT" apply net/listening
	rd net/listening > "$WORK/listening"
	same net/listening "$(sk oracle "$NSA,$NSB" "$HPIDS" --where "$LISTENING")" \
		"$(sk view table "$WORK/listening" "$HPIDS")"
}

@test "sockets: netlink, raw, packet, ping, udplite and mptcp sockets: family, protocol, type, state and local port" {
	# ping sockets: for root in this namespace
	ip netns exec "$NSB" sysctl -qw net.ipv4.ping_group_range="0 0"
	holder "$NSB" bvsb-kinds kinds
	{
		views3 kinds sockets "pid = $LAST_PID"
		views3 rare sockets 'protocol = raw, icmp, netlink, packet, udplite, mptcp'
		views3 listening sockets 'state = listening'
	} | manifest s.conf
	bv apply

	local cols=pid,fd,inode,family,protocol,type,state,local_port expected
	expected=$(cat "$WORK/kinds")
	[ "$(echo "$expected" | wc -l)" -eq 7 ]
	check3 kinds "$expected" --cols "$cols"
	check3 rare "$expected" --cols "$cols"
	# listening: the udplite socket and the mptcp listener of these
	expected=$(grep -e udplite -e mptcp "$WORK/kinds")
	check3 listening "$expected" --cols "$cols" --where "r['pid'] == '$LAST_PID'"
}

@test "sockets: two processes of one name and uid each own their sockets (the row's memos)" {
	# ping sockets: for root in these namespaces
	ip netns exec "$NSA" sysctl -qw net.ipv4.ping_group_range="0 0"
	ip netns exec "$NSB" sysctl -qw net.ipv4.ping_group_range="0 0"
	holder "$NSA" bvsame kinds
	local first=$LAST_PID
	holder "$NSB" bvsame kinds
	views3 same sockets 'comm = bvsame' | manifest s.conf
	bv apply

	# consecutive rows of processes that differ only in pid: each row's
	# pid, fd and inode are those of /proc/PID/fd
	local expected
	expected=$(sk fds "$first,$LAST_PID")
	[ "$(echo "$expected" | wc -l)" -eq 14 ] || { echo "$expected"; false; }
	has oracle "$expected" "\"$first\"" "\"$LAST_PID\""
	check3 same "$expected" --cols pid,fd,inode
}

# pieces FILE SIZE: FILE read through two descriptors at once, SIZE bytes
# at a time from each in turn; fails unless both give the same bytes, which
# it prints.
pieces() {
	"$PYTHON" - "$@" <<'PYEOF'
import os, sys
path, size = sys.argv[1], int(sys.argv[2])
fds = [os.open(path, os.O_RDONLY), os.open(path, os.O_RDONLY)]
got, live = [b"", b""], [True, True]
while any(live):
    for i in (0, 1):
        if live[i]:
            b = os.read(fds[i], size)
            got[i] += b
            live[i] = bool(b)
if got[0] != got[1]:
    sys.exit("the two sessions differ: %d and %d bytes" % (len(got[0]), len(got[1])))
sys.stdout.buffer.write(got[0])
PYEOF
}

@test "sockets: many reads' worth of sockets in one process, and a thread's own descriptor table: every row, read whole or in pieces, as the one-process view" {
	holder "$NSA" bvmany many 1500
	local pid=$LAST_PID tid
	[ -e "$WORK/tid" ] || { cat "$WORK/tid.err"; false; }
	tid=$(cat "$WORK/tid")
	views3 many sockets 'comm = bvmany' | manifest s.conf
	views3 one sockets "pid = $pid" | manifest one.conf
	bv apply

	# the sockets of both tables, the thread's as the process's: 3002
	# rows, more than ten reads' buffers of the table and thirty of json
	local expected
	expected=$(sk fds "$pid,$pid/$tid")
	[ "$(echo "$expected" | wc -l)" -eq 3002 ] || { echo "$expected" | tail; false; }
	has oracle "$expected" "[\"$pid\", \"3\", " "[\"$pid\", \"3002\", "
	check3 many "$expected" --cols pid,fd,inode
	# the thread's udp socket: its own row (the thread's table only)
	rd many-table | grep -q " bvmany .* udp .*127.0.0.1:4010 " || { rd many-table | grep udp; false; }

	# two sessions at once, in pieces smaller than a row or than a read
	local fmt size actual
	for fmt in table json; do
		for size in 97 4096; do
			pieces "$ROOT/many-$fmt" "$size" > "$WORK/pieces.out"
			actual=$(sk view "$fmt" "$WORK/pieces.out" "$pid" --cols pid,fd,inode)
			same "many-$fmt in pieces of $size" "$expected" "$actual"
		done
	done

	# the one-process view (the task_file iterator) gives the same rows
	local one all
	for fmt in table csv json; do
		rd "one-$fmt" > "$WORK/one.out"
		rd "many-$fmt" > "$WORK/many.out"
		one=$(sk view "$fmt" "$WORK/one.out" "$pid")
		all=$(sk view "$fmt" "$WORK/many.out" "$pid")
		same "one-$fmt" "$all" "$one"
	done
}
