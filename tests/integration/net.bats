#!/usr/bin/env bats
# Kernel tests of the network views: tcp, udp, unix and netlink, in the three
# formats, checked against ss, /proc/net/* and the sockets' own inodes
# (/proc/PID/fd) for sockets each test makes itself.  Everything stays in the
# machine's own network namespace, on loopback: no packet leaves the host
# (the "non-local" IPv6 listeners of one test are bound with IP_FREEBIND and
# never send anything).  Ports are chosen per test below the ephemeral range.

load helpers

# ---------------------------------------------------------------------------
# The sockets, made by one python script in several modes.  Each mode waits
# until its sockets are in the states the test expects (data acknowledged,
# FIN handshakes done, datagrams queued) before it writes its ready file, so
# that the view and the oracles read the same, stable state.
# ---------------------------------------------------------------------------
SOCKS=$(cat <<'PYEOF'
import fcntl, os, select, signal, socket, struct, sys, time
from socket import AF_INET, AF_INET6, AF_UNIX, AF_NETLINK, SOCK_STREAM, SOCK_DGRAM
ready, mode, args = sys.argv[1], sys.argv[2], sys.argv[3:]
keep = []

if mode.startswith("--uid="):
    # the sockets of another user: a child that drops to that uid makes
    # them; the parent (the process the test kills) kills it on SIGTERM.
    # (The child cannot import anything more: the interpreter may live
    # where that user cannot read.)
    uid, mode = int(mode[6:]), args.pop(0)
    child = os.fork()
    if child:
        signal.signal(signal.SIGTERM, lambda *a: (os.kill(child, signal.SIGTERM),
                                                  os.waitpid(child, 0), os._exit(0)))
        while True:
            time.sleep(1000)
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)

def bye(*_):
    # killed by the test: reset the connections instead of closing them,
    # so that they leave no TIME-WAIT sockets behind
    for s in keep:
        try:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
    os._exit(0)

signal.signal(signal.SIGTERM, bye)

def until(cond):
    # bounded by the test's wait for the ready file
    while not cond():
        time.sleep(0.01)

def ioctl_int(s, req):
    return struct.unpack("i", fcntl.ioctl(s, req, b"\0" * 4))[0]

def outq(s): return ioctl_int(s, 0x5411)     # SIOCOUTQ: sent, not acknowledged
def inq(s): return ioctl_int(s, 0x541B)      # SIOCINQ: received, not read
def tcp_state(s): return s.getsockopt(socket.IPPROTO_TCP, 11, 8)[0]  # TCP_INFO

def proc_tcp(port):
    """(state, rx_queue) of each TCP socket with this local or remote port."""
    out = []
    for fn in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in open(fn).read().splitlines()[1:]:
            f = line.split()
            if port in (int(f[1].split(":")[1], 16), int(f[2].split(":")[1], 16)):
                out.append((int(f[3], 16), int(f[4].split(":")[1], 16)))
    return sorted(out)

def tcp_listener(fam, addr, port, backlog=8, v6only=None, freebind=False):
    s = socket.socket(fam, SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if v6only is not None:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, v6only)
    if freebind:
        s.setsockopt(socket.SOL_IP, 15, 1)   # IP_FREEBIND
    s.bind((addr, port))
    s.listen(backlog)
    keep.append(s)
    return s

def tcp_pair(l, fam, addr, port):
    c = socket.socket(fam, SOCK_STREAM)
    c.connect((addr, port))
    a, _ = l.accept()
    keep.extend([c, a])
    return c, a

def udp(fam, addr, port, v6only=None):
    s = socket.socket(fam, SOCK_DGRAM)
    if v6only is not None:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, v6only)
    s.bind((addr, port))
    keep.append(s)
    return s

if mode == "tcp":
    P = int(args[0])
    # P: IPv4 listener and a connection with unread data both ways
    l = tcp_listener(AF_INET, "127.0.0.1", P)
    c, a = tcp_pair(l, AF_INET, "127.0.0.1", P)
    c.send(b"x" * 100)
    a.send(b"y" * 7)
    # P+1: IPv6 on ::1
    l = tcp_listener(AF_INET6, "::1", P + 1, v6only=1)
    c6, a6 = tcp_pair(l, AF_INET6, "::1", P + 1)
    c6.send(b"z" * 33)
    # P+2: dual-stack wildcard listener; an IPv4 client (v4-mapped server side)
    l = tcp_listener(AF_INET6, "::", P + 2, v6only=0)
    tcp_pair(l, AF_INET, "127.0.0.1", P + 2)
    # P+3: half closed: client FIN-WAIT-2, server CLOSE-WAIT
    l = tcp_listener(AF_INET, "127.0.0.1", P + 3)
    ch, ah = tcp_pair(l, AF_INET, "127.0.0.1", P + 3)
    ch.shutdown(socket.SHUT_WR)
    # P+4: the client closes first: it stays in TIME-WAIT
    l = tcp_listener(AF_INET, "127.0.0.1", P + 4)
    ct, at = tcp_pair(l, AF_INET, "127.0.0.1", P + 4)
    keep.remove(ct); keep.remove(at)
    ct.close(); at.recv(1); at.close()
    # P+5: backlog 1 holds two connections; the third stays in SYN-SENT
    l = tcp_listener(AF_INET, "127.0.0.1", P + 5, backlog=1)
    for _ in range(2):
        q = socket.socket(AF_INET, SOCK_STREAM); q.connect(("127.0.0.1", P + 5)); keep.append(q)
    until(lambda: (10, 2) in proc_tcp(P + 5))
    q = socket.socket(AF_INET, SOCK_STREAM); q.setblocking(False); keep.append(q)
    try:
        q.connect(("127.0.0.1", P + 5))
    except BlockingIOError:
        pass
    until(lambda: outq(c) == 0 and outq(a) == 0 and outq(c6) == 0)
    until(lambda: inq(a) == 100 and inq(c) == 7 and inq(a6) == 33)
    until(lambda: tcp_state(ch) == 5 and tcp_state(ah) == 8)
    until(lambda: [s for s, _ in proc_tcp(P + 4)] == [6, 10])
    until(lambda: tcp_state(q) == 2)
elif mode == "synrecv":
    # connection requests that stay in SYN-RECV, v4 on P, v6 on P+1: with
    # TCP_DEFER_ACCEPT the server drops the client's bare ACK (tcp_check_req)
    # and keeps the request, not re-sending its SYN-ACK, until data comes or
    # about a minute has passed; the client is ESTAB meanwhile
    P = int(args[0])
    for fam, addr, port in ((AF_INET, "127.0.0.1", P), (AF_INET6, "::1", P + 1)):
        l = tcp_listener(fam, addr, port)
        l.setsockopt(socket.IPPROTO_TCP, socket.TCP_DEFER_ACCEPT, 60)
        c = socket.socket(fam, SOCK_STREAM); c.connect((addr, port)); keep.append(c)
        until(lambda: tcp_state(c) == 1 and (3, 0) in proc_tcp(port))
elif mode == "v6text":
    # listeners on addresses that test each rule of the text form
    P = int(args[0])
    for addr in args[1:]:
        tcp_listener(AF_INET6, addr, P, backlog=1, freebind=True)
elif mode == "owned":
    # run as another user: a TCP connection, a UDP socket, a netlink socket
    P = int(args[0])
    l = tcp_listener(AF_INET, "127.0.0.1", P)
    tcp_pair(l, AF_INET, "127.0.0.1", P)
    udp(AF_INET, "127.0.0.1", P + 1)
    n = socket.socket(AF_NETLINK, socket.SOCK_RAW, 0)
    n.bind((0, 0)); keep.append(n)
elif mode == "udp":
    P = int(args[0])
    s = udp(AF_INET, "127.0.0.1", P)                  # unconnected, 1 datagram queued
    c = udp(AF_INET, "127.0.0.1", P + 1)              # connected to it
    c.connect(("127.0.0.1", P)); c.send(b"a" * 100)
    s6 = udp(AF_INET6, "::1", P + 2, v6only=1)
    c6 = udp(AF_INET6, "::1", P + 3, v6only=1)
    c6.connect(("::1", P + 2)); c6.send(b"b" * 50)
    m = udp(AF_INET6, "::", P + 4, v6only=0)          # dual stack, then v4-mapped connected
    m.connect(("::ffff:127.0.0.1", P))
    udp(AF_INET, "0.0.0.0", P + 5)                    # IPv4 wildcard
    until(lambda: select.select([s, s6], [], [], 0)[0] == [s, s6])
elif mode == "unix":
    d, tag = args[0], args[1]
    def u(t):
        s = socket.socket(AF_UNIX, t); keep.append(s); return s
    l = u(SOCK_STREAM); l.bind(d + "/str.sock"); l.listen(4)
    c = u(SOCK_STREAM); c.connect(d + "/str.sock")
    a, _ = l.accept(); keep.append(a)
    s = u(SOCK_DGRAM); s.bind(d + "/dgr.sock")
    u(SOCK_DGRAM).connect(d + "/dgr.sock")
    u(SOCK_DGRAM).bind(d + '/we,"ird.sock')           # csv and json must quote it
    u(SOCK_DGRAM).bind(d + "/str.sock.old")           # not matched by an exact str.sock
    u(SOCK_STREAM).bind("\0" + tag + "-abs")
    keep[-1].listen(1)
    u(SOCK_DGRAM).bind(b"\0" + tag.encode() + b"=n\0ul")  # a NUL inside the name
    keep.extend(socket.socketpair(AF_UNIX, socket.SOCK_SEQPACKET))
    keep.extend(socket.socketpair(AF_UNIX, SOCK_STREAM))
    u(SOCK_STREAM)                                    # unbound, unconnected
elif mode == "netlink":
    # only bound netlink sockets are in the kernel's table (and listed)
    r = socket.socket(AF_NETLINK, socket.SOCK_RAW, 0)     # route, groups LINK|IPV4_IFADDR
    r.bind((0, 0x11)); keep.append(r)
    g = socket.socket(AF_NETLINK, socket.SOCK_RAW, 16)    # generic
    g.bind((0, 0)); keep.append(g)
    d = socket.socket(AF_NETLINK, socket.SOCK_RAW, 4)     # sock_diag
    d.bind((0, 0)); keep.append(d)
    keep.append(socket.socket(AF_NETLINK, socket.SOCK_RAW, 0))  # unbound: not listed
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
# The checker: parses a view's output strictly (documented header exactly
# once, csv through the csv module, every json line through json with the
# documented keys in order and numbers as numbers) into rows, and reads the
# same rows from the oracles.  Rows are printed as sorted json lists, so two
# sides compare as strings.  Selection options, for both:
#   --ports A-B     rows whose local or remote port is in A..B
#   --inodes I,...  rows whose inode is one of these
#   --where EXPR    rows for which EXPR (python, the row is r) holds
#   --cols C,...    these columns only
#   --every EXPR    (views) fail unless EXPR holds for every row of the view
# ---------------------------------------------------------------------------
NETPY=$(cat <<'PYEOF'
import csv, io, json, os, re, socket, subprocess, sys

INET = ["state", "recv_q", "send_q", "local_addr", "local_port", "remote_addr",
        "remote_port", "uid", "inode"]
COLS = {"tcp": INET, "udp": INET,
        "unix": ["type", "state", "uid", "inode", "peer", "path"],
        "netlink": ["protocol", "name", "portid", "groups", "uid", "inode"]}
HEADER = {
    "tcp": "STATE      RECV-Q SEND-Q LOCAL                        REMOTE                         UID      INODE",
    "unix": "TYPE      STATE        UID      INODE       PEER PATH",
    "netlink": "PROTOCOL NAME               PORTID   GROUPS   UID      INODE",
}
HEADER["udp"] = HEADER["tcp"]
INTS = {"recv_q", "send_q", "local_port", "remote_port", "uid", "inode", "peer",
        "protocol", "portid"}
ROW = {
    "tcp": re.compile(r"^(\S+) +(\d+) +(\d+) (\S+) +(\S+) +(\d+) +(\d+)$"),
    "unix": re.compile(r"^(\S+) +(\S+) +(\d+) +(\d+) +(\d+) (.*)$", re.S),
    "netlink": re.compile(r"^ *(\d+) (\S+) +(\d+) ([0-9a-f]{8}) +(\d+) +(\d+)$"),
}
ROW["udp"] = ROW["tcp"]
STATES = {1: "ESTAB", 2: "SYN-SENT", 3: "SYN-RECV", 4: "FIN-WAIT-1", 5: "FIN-WAIT-2",
          6: "TIME-WAIT", 7: "UNCONN", 8: "CLOSE-WAIT", 9: "LAST-ACK", 10: "LISTEN",
          11: "CLOSING"}
UNIX_TYPES = {1: "STREAM", 2: "DGRAM", 5: "SEQPACKET"}

def die(msg):
    print(msg, file=sys.stderr)
    sys.exit(1)

def table_end(s):
    """127.0.0.1:80, [::1]:80, 0.0.0.0:* -> (address, port)."""
    if s.startswith("["):
        a, p = s[1:].split("]:", 1)
    else:
        a, p = s.rsplit(":", 1)
    return a, "0" if p == "*" else p

def parse(prog, fmt, path):
    data = open(path, "rb").read()
    cols = COLS[prog]
    if data and not data.endswith(b"\n"):
        die("view output does not end with a newline: %r" % data[-80:])
    text = data.decode("utf-8", "surrogateescape")
    rows = []
    if fmt == "json":
        for n, line in enumerate(data.decode("utf-8").split("\n")[:-1], 1):
            try:
                obj = json.loads(line)
            except ValueError as e:
                die("json line %d does not parse (%s): %r" % (n, e, line))
            if not isinstance(obj, dict) or list(obj) != cols:
                die("json line %d: keys %r, documented %r" % (n, list(obj), cols))
            for c in cols:
                if type(obj[c]) is not (int if c in INTS else str):
                    die("json line %d: %s is %r" % (n, c, obj[c]))
            rows.append({c: str(obj[c]) for c in cols})
    elif fmt == "csv":
        recs = list(csv.reader(io.StringIO(text, newline=""), strict=True))
        if not recs or recs[0] != cols:
            die("csv header %r, documented %r" % (recs[:1], cols))
        for n, r in enumerate(recs[1:], 2):
            if len(r) != len(cols):
                die("csv record %d has %d fields: %r" % (n, len(r), r))
            for c, v in zip(cols, r):
                if c in INTS and not re.fullmatch(r"\d+", v):
                    die("csv record %d: %s is %r" % (n, c, v))
            rows.append(dict(zip(cols, r)))
    elif fmt == "table":
        lines = text.split("\n")[:-1]
        if not lines or lines[0] != HEADER[prog]:
            die("table header %r, documented %r" % (lines[:1], HEADER[prog]))
        for n, line in enumerate(lines[1:], 2):
            m = ROW[prog].match(line)
            if not m:
                die("table line %d is not a %s row: %r" % (n, prog, line))
            g = list(m.groups())
            if prog in ("tcp", "udp"):
                g = g[:3] + list(table_end(g[3])) + list(table_end(g[4])) + g[5:]
            rows.append(dict(zip(cols, g)))
    else:
        die("unknown format " + fmt)
    return rows

def run(*cmd):
    return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout

def ss_end(s):
    """ss's Address:Port: [::1]:80, 127.0.0.1:80, *:80 (dual-stack ::), 0.0.0.0:*."""
    a, p = s.rsplit(":", 1)
    a = a.split("%")[0]
    if a.startswith("["):
        a = a[1:-1]
    return ("::" if a == "*" else a), ("0" if p == "*" else p)

def ss_inet(proto):
    rows = []
    for line in run("ss", "-%sanHe" % proto).splitlines():
        f = line.split()
        la, lp = ss_end(f[3])
        ra, rp = ss_end(f[4])
        uid = re.search(r" uid:(\d+)", line)
        ino = re.search(r" ino:(\d+)", line)
        rows.append(dict(state=f[0], recv_q=f[1], send_q=f[2], local_addr=la,
                         local_port=lp, remote_addr=ra, remote_port=rp,
                         uid=uid[1] if uid else "0", inode=ino[1] if ino else "0"))
    return rows

def proc_addr(h):
    b = bytes.fromhex(h)
    if len(b) == 4:
        return socket.inet_ntop(socket.AF_INET, b[::-1])
    return socket.inet_ntop(socket.AF_INET6, b"".join(b[i:i + 4][::-1] for i in range(0, 16, 4)))

def proc_inet(name):
    """/proc/net/NAME and NAME6; its tx_queue of a listener is not ss's send-q."""
    rows = []
    for fn in (name, name + "6"):
        for line in open("/proc/net/" + fn).read().splitlines()[1:]:
            f = line.split()
            la, lp = f[1].split(":")
            ra, rp = f[2].split(":")
            tx, rx = f[4].split(":")
            rows.append(dict(state=STATES[int(f[3], 16)], recv_q=str(int(rx, 16)),
                             send_q=str(int(tx, 16)), local_addr=proc_addr(la),
                             local_port=str(int(lp, 16)), remote_addr=proc_addr(ra),
                             remote_port=str(int(rp, 16)), uid=f[7], inode=f[9]))
    return rows

def ss_unix():
    types = {"u_str": "STREAM", "u_dgr": "DGRAM", "u_seq": "SEQPACKET"}
    rows = []
    for line in run("ss", "-xaH").splitlines():
        f = line.split()
        rows.append(dict(type=types[f[0]], state=f[1], inode=f[5], peer=f[7],
                         path="" if f[4] == "*" else f[4]))
    return rows

def proc_unix():
    rows = []
    for line in open("/proc/net/unix").read().splitlines()[1:]:
        f = line.split(None, 7)
        st = "LISTEN" if int(f[3], 16) & 0x10000 else "ESTAB" if f[5] == "03" else "UNCONN"
        rows.append(dict(type=UNIX_TYPES[int(f[4], 16)], state=st, inode=f[6],
                         path=f[7] if len(f) > 7 else ""))
    return rows

def netlink_names():
    """Protocol names from the uapi header: NETLINK_ROUTE 0 -> route."""
    names = {}
    for line in open("/usr/include/linux/netlink.h"):
        if line.startswith("#define MAX_LINKS"):
            break
        m = re.match(r"#define NETLINK_(\w+)\s+(\d+)\b", line)
        if m and m[1] != "UNUSED":
            names[m[2]] = m[1].lower()
    return names

def proc_netlink():
    names = netlink_names()
    rows = []
    for line in open("/proc/net/netlink").read().splitlines()[1:]:
        f = line.split()
        rows.append(dict(protocol=f[1], name=names.get(f[1], "?"), portid=f[2],
                         groups=f[3], inode=f[9]))
    return rows

def fd_sockets(pids):
    """The sockets the processes hold: inode and owner (stat of the socket)."""
    rows = []
    for pid in pids:
        d = "/proc/%s/fd/" % pid
        for fd in os.listdir(d):
            m = re.fullmatch(r"socket:\[(\d+)\]", os.readlink(d + fd))
            if m:
                rows.append(dict(inode=m[1], uid=str(os.stat(d + fd).st_uid)))
    return rows

ORACLES = {"ss-tcp": lambda a: ss_inet("t"), "ss-udp": lambda a: ss_inet("u"),
           "proc-tcp": lambda a: proc_inet("tcp"), "proc-udp": lambda a: proc_inet("udp"),
           "ss-unix": lambda a: ss_unix(), "proc-unix": lambda a: proc_unix(),
           "proc-netlink": lambda a: proc_netlink(),
           "fd": lambda a: fd_sockets(a)}

def select_rows(rows, opts):
    if "ports" in opts:
        lo, hi = map(int, opts["ports"].split("-"))
        rows = [r for r in rows if lo <= int(r["local_port"]) <= hi or
                lo <= int(r["remote_port"]) <= hi]
    if "inodes" in opts:
        want = set(opts["inodes"].split(","))
        rows = [r for r in rows if r["inode"] in want]
    if "where" in opts:
        rows = [r for r in rows if eval(opts["where"], {}, {"r": r})]
    cols = opts["cols"].split(",") if "cols" in opts else None
    out = [[r[c] for c in cols] if cols else list(r.values()) for r in rows]
    for line in sorted(json.dumps(x) for x in out):
        print(line)

def options(args):
    opts, rest = {}, []
    while args:
        a = args.pop(0)
        if a.startswith("--"):
            opts[a[2:]] = args.pop(0)
        else:
            rest.append(a)
    return opts, rest

cmd, (opts, rest) = sys.argv[1], options(sys.argv[2:])
if cmd == "parse":            # parse PROG FMT FILE [options]
    rows = parse(*rest)
    if "every" in opts:
        bad = [r for r in rows if not eval(opts["every"], {}, {"r": r})]
        if bad:
            die("rows that the filter should have left out: %r" % bad[:5])
    select_rows(rows, opts)
elif cmd == "oracle":         # oracle NAME [ARGS] [options]
    select_rows(ORACLES[rest[0]](rest[1:]), opts)
elif cmd == "free":           # free P: no TCP or UDP socket uses a port in P..P+9
    p = int(rest[0])
    rows = ss_inet("t") + ss_inet("u")
    sys.exit(any(p <= int(r[k]) <= p + 9 for r in rows for k in ("local_port", "remote_port")))
elif cmd == "inodes":         # inodes PID...: the socket inodes, comma separated
    print(",".join(r["inode"] for r in fd_sockets(rest)))
else:
    die("unknown command " + cmd)
PYEOF
)

nh() {
	"$PYTHON" -c "$NETPY" "$@"
}

# has WHAT TEXT PATTERN...: TEXT contains each pattern (the oracle is not vacuous).
has() {
	local what=$1 text=$2 p
	shift 2
	for p in "$@"; do
		[[ $text == *"$p"* ]] || { echo "$what lacks $p:"; echo "$text"; return 1; }
	done
}

# wait_for CMD...: poll up to 10 s until CMD succeeds.
wait_for() {
	local i
	for ((i = 0; i < 200; i++)); do
		"$@" && return 0
		sleep 0.05
	done
	echo "timed out waiting for: $*"
	return 1
}

# socks [--uid=UID] MODE ARG...: the socket script in MODE (as UID); waits
# for its sockets; SOCKS_PID is the pid of the process that holds them.
socks() {
	local ready="$WORK/ready.$RANDOM"
	spawn "$PYTHON" -c "$SOCKS" "$ready" "$@" 3>&-
	wait_for test -e "$ready"
	SOCKS_PID=$(cat "$ready")
}

# view NAME: its contents in a file (read once: views are not seekable).
view() {
	rd "$1" > "$WORK/$1.out"
	echo "$WORK/$1.out"
}

# check3 PROG NAME EXPECTED [OPTION...]: the three views NAME-{table,csv,json}
# give EXPECTED with the options (selection and --every, see NETPY).
check3() {
	local prog=$1 name=$2 expected=$3 fmt actual
	shift 3
	for fmt in table csv json; do
		actual=$(nh parse "$prog" "$fmt" "$(view "$name-$fmt")" "$@") || return 1
		same "$name-$fmt" "$expected" "$actual" || return 1
	done
}

# A base port below the ephemeral range (ip_local_port_range starts at
# 32768) with ten ports that no TCP or UDP socket uses (an earlier test's
# time-wait socket, say).
pick_port() {
	local p i
	for ((i = 0; i < 50; i++)); do
		p=$((20000 + (RANDOM % 1200) * 10))
		nh free "$p" && { echo "$p"; return 0; }
	done
	return 1
}

setup() {
	setup_view_root
	WORK=$(mktemp -d /tmp/bpfviews-net.XXXXXX)
	chmod 0777 "$WORK"	# sockets made as nobody write their ready file here
	# the interpreter itself, not a wrapper script that finds it (faster)
	PYTHON=$(python3 -c 'import os, sys; print(os.path.realpath(sys.executable))')
	P=$(pick_port)
	TAG=bvnet$RANDOM
}

teardown() {
	teardown_view_root
	[ -n "${WORK:-}" ] && rm -rf "$WORK"
	return 0
}

# ---------------------------------------------------------------------------
# tcp
# ---------------------------------------------------------------------------

@test "tcp: rows equal ss -tan and /proc/net/tcp{,6} for listeners, connections, half-closed, time-wait and syn-sent sockets, v4 and v6" {
	socks tcp "$P"
	views3 all tcp | manifest net.conf
	bv apply

	local ports="$P-$((P + 5))" expected
	expected=$(nh oracle ss-tcp --ports "$ports")
	has "ss -tan" "$expected" '"LISTEN"' '"ESTAB"' '"FIN-WAIT-2"' '"CLOSE-WAIT"' \
		'"TIME-WAIT"' '"SYN-SENT"' '"::1"' '"::ffff:127.0.0.1"' '"100"' '"33"'
	# 6 listeners, 3 connections (6 sockets), half-closed pair, time-wait,
	# 2 queued connections (4 sockets) and the syn-sent socket
	[ "$(echo "$expected" | wc -l)" -eq 20 ] || { echo "$expected"; false; }
	check3 tcp all "$expected" --ports "$ports"

	# /proc/net/tcp{,6}: all but send-q (which /proc gives as 0 for listeners)
	local cols=state,recv_q,local_addr,local_port,remote_addr,remote_port,uid,inode
	expected=$(nh oracle proc-tcp --ports "$ports" --cols "$cols")
	check3 tcp all "$expected" --ports "$ports" --cols "$cols"
	# and send-q where it means the same
	expected=$(nh oracle proc-tcp --ports "$ports" --where 'r["state"] != "LISTEN"' --cols send_q,inode)
	has /proc/net/tcp "$expected" '["1", '
	check3 tcp all "$expected" --ports "$ports" --where 'r["state"] != "LISTEN"' --cols send_q,inode
}

@test "tcp: a connection request not yet accepted shows SYN-RECV as ss does, v4 and v6; state = syn_recv selects it" {
	socks synrecv "$P"
	{
		views3 all tcp
		views3 syn tcp "state = syn_recv"
	} | manifest net.conf
	bv apply

	local ports="$P-$((P + 1))" expected
	expected=$(nh oracle ss-tcp --ports "$ports")
	# per family: the listener, the client (ESTAB), the server's request
	has "ss -tan" "$expected" "[\"SYN-RECV\", \"0\", \"0\", \"127.0.0.1\", \"$P\"," \
		"[\"SYN-RECV\", \"0\", \"0\", \"::1\", \"$((P + 1))\","
	[ "$(echo "$expected" | wc -l)" -eq 6 ] || { echo "$expected"; false; }
	check3 tcp all "$expected" --ports "$ports"
	expected=$(nh oracle proc-tcp --ports "$ports" --where 'r["state"] == "SYN-RECV"')
	[ "$(echo "$expected" | wc -l)" -eq 2 ] || { echo "$expected"; false; }
	check3 tcp syn "$expected" --ports "$ports" --every 'r["state"] == "SYN-RECV"'
}

@test "tcp: inode and uid are those of the socket (another user's, by stat of its descriptors)" {
	socks --uid=65534 owned "$P"
	views3 own tcp | manifest net.conf
	bv apply

	# the listener and both ends of its connection, by ss -e
	local expected inodes
	expected=$(nh oracle ss-tcp --ports "$P-$P" --cols inode,uid)
	[ "$(echo "$expected" | grep -c '"65534"\]')" -eq 3 ] || { echo "$expected"; false; }
	check3 tcp own "$expected" --ports "$P-$P" --cols inode,uid
	# by the owner of the descriptors' inodes
	inodes=$(nh oracle ss-tcp --ports "$P-$P" --cols inode | tr -d '[]"' | paste -sd,)
	expected=$(nh oracle fd "$SOCKS_PID" --inodes "$inodes" --cols inode,uid)
	[ "$(echo "$expected" | grep -c '"65534"\]')" -eq 3 ] || { echo "$expected"; false; }
	check3 tcp own "$expected" --ports "$P-$P" --cols inode,uid
}

@test "tcp: IPv6 addresses are written as ss writes them (RFC 5952 compressed, dotted v4 tails)" {
	local addrs=(2001:db8::1:0:0:1 2001:db8:0:1:1:1:1:1 1:: 0:2:3:4:5:6:7:8 ::1.2.3.4
		     ::ffff:1.2.3.4 2001:db8:abcd:12::ff00:42 1:0:0:2::3 ::2:3:4:5:6:7
		     2001:DB8:0:0:0:0:0:FFFF)
	socks v6text "$P" "${addrs[@]}"
	views3 text tcp "sport = $P" | manifest net.conf
	bv apply

	local expected
	expected=$(nh oracle ss-tcp --ports "$P-$P" --cols local_addr,local_port,remote_addr,remote_port,inode)
	[ "$(echo "$expected" | wc -l)" -eq "${#addrs[@]}" ]
	has "ss" "$expected" '"2001:db8::1:0:0:1"' '"0:2:3:4:5:6:7:8"' '"::ffff:1.2.3.4"' '"2001:db8::ffff"'
	check3 tcp text "$expected" --cols local_addr,local_port,remote_addr,remote_port,inode
}

@test "tcp: state, sport, dport, family, src and dst filters narrow exactly, in all three formats" {
	socks tcp "$P"
	local q=$((P + 1)) h=$((P + 3)) b=$((P + 5))
	{
		views3 listen tcp "state = listen"
		views3 estfin tcp "state = estab, fin_wait_2"
		views3 twsyn tcp "state = TIME_WAIT, syn_sent"
		views3 sport tcp "sport = $P, $q"
		views3 dport tcp "dport = $h, $b"
		views3 v6 tcp "family = ipv6"
		views3 v4none tcp "family = ipv4" "sport = $((P + 2))"
		views3 src tcp "src = ::1"
		views3 dst tcp "dst = ::ffff:127.0.0.*"
		views3 both tcp "src = 127.0.0.1" "dport = $P" "state = estab"
	} | manifest net.conf
	bv apply

	local ports="$P-$((P + 5))" name where expected n
	while IFS='|' read -r name n where; do
		expected=$(nh oracle ss-tcp --ports "$ports" --where "$where")
		[ "$(printf '%s' "$expected" | grep -c .)" -eq "$n" ] ||
			{ echo "$name: the oracle has not $n rows: $expected"; false; }
		check3 tcp "$name" "$expected" --ports "$ports" --every "$where"
	done <<-EOF
	listen|6|r["state"] == "LISTEN"
	estfin|11|r["state"] in ("ESTAB", "FIN-WAIT-2")
	twsyn|2|r["state"] in ("TIME-WAIT", "SYN-SENT")
	sport|4|r["local_port"] in ("$P", "$q")
	dport|4|r["remote_port"] in ("$h", "$b")
	v6|5|":" in r["local_addr"]
	v4none|0|"." in r["local_addr"] and ":" not in r["local_addr"] and r["local_port"] == "$((P + 2))"
	src|3|r["local_addr"] == "::1"
	dst|1|r["remote_addr"].startswith("::ffff:127.0.0.")
	both|1|r["local_addr"] == "127.0.0.1" and r["remote_port"] == "$P" and r["state"] == "ESTAB"
	EOF
}

@test "tcp, udp, unix, netlink: a filter that matches nothing gives the header alone (table, csv) or nothing (json)" {
	{
		views3 tcp tcp "sport = 1" "dport = 1"
		views3 udp udp "sport = 1" "dport = 1"
		views3 unix unix "path = /nonexistent/bpfviews-$TAG"
		views3 netlink netlink "protocol = dnrtmsg"
	} | manifest net.conf
	bv apply

	local inet="state,recv_q,send_q,local_addr,local_port,remote_addr,remote_port,uid,inode"
	local tcph="STATE      RECV-Q SEND-Q LOCAL                        REMOTE                         UID      INODE"
	same tcp-table "$tcph" "$(rd "tcp-table")"
	same tcp-csv "$inet" "$(rd "tcp-csv")"
	same udp-table "$tcph" "$(rd "udp-table")"
	same udp-csv "$inet" "$(rd "udp-csv")"
	same unix-table "TYPE      STATE        UID      INODE       PEER PATH" "$(rd "unix-table")"
	same unix-csv "type,state,uid,inode,peer,path" "$(rd "unix-csv")"
	same netlink-table "PROTOCOL NAME               PORTID   GROUPS   UID      INODE" "$(rd "netlink-table")"
	same netlink-csv "protocol,name,portid,groups,uid,inode" "$(rd "netlink-csv")"
	local p
	for p in tcp udp unix netlink; do
		same "$p-json, nothing matches" "" "$(rd "$p-json")"
	done
}

# ---------------------------------------------------------------------------
# udp
# ---------------------------------------------------------------------------

@test "udp: rows equal ss -uan and /proc/net/udp{,6}: bound, connected, v4, v6, v4-mapped, queued datagrams" {
	socks udp "$P"
	views3 all udp | manifest net.conf
	bv apply

	local ports="$P-$((P + 5))" expected
	expected=$(nh oracle ss-udp --ports "$ports")
	has "ss -uan" "$expected" '"UNCONN"' '"ESTAB"' '"::1"' '"::ffff:127.0.0.1"' '"0.0.0.0"' '"::"'
	[ "$(echo "$expected" | wc -l)" -eq 6 ]
	# the two receivers hold a datagram each
	[ "$(nh oracle ss-udp --ports "$ports" --where 'r["recv_q"] != "0"' | wc -l)" -eq 2 ]
	check3 udp all "$expected" --ports "$ports"
	expected=$(nh oracle proc-udp --ports "$ports")
	check3 udp all "$expected" --ports "$ports"
	# the owner: root here (the uid test below has another user's socket)
	expected=$(nh oracle fd "$SOCKS_PID" --cols inode,uid)
	check3 udp all "$expected" --ports "$ports" --cols inode,uid
}

@test "udp: state, sport, dport, family, src and dst filters narrow exactly; another user's socket shows its uid" {
	socks udp "$P"
	local o=$((P + 7))
	socks --uid=65534 owned "$((o - 1))"
	{
		views3 unconn udp "state = unconn"
		views3 estab udp "state = estab"
		views3 sport udp "sport = $P, $((P + 2))"
		views3 dport udp "dport = $P"
		views3 v4 udp "family = ipv4"
		views3 v6 udp "family = ipv6"
		views3 src udp "src = ::1, 0.0.0.0"
		views3 dst udp "dst = 127.*"
		views3 owned udp "sport = $o"
	} | manifest net.conf
	bv apply

	local ports="$P-$o" name where expected n
	while IFS='|' read -r name n where; do
		expected=$(nh oracle ss-udp --ports "$ports" --where "$where")
		[ "$(printf '%s' "$expected" | grep -c .)" -eq "$n" ] ||
			{ echo "$name: the oracle has not $n rows: $expected"; false; }
		check3 udp "$name" "$expected" --ports "$ports" --every "$where"
	done <<-EOF
	unconn|4|r["state"] == "UNCONN"
	estab|3|r["state"] == "ESTAB"
	sport|2|r["local_port"] in ("$P", "$((P + 2))")
	dport|2|r["remote_port"] == "$P"
	v4|4|"." in r["local_addr"] and ":" not in r["local_addr"]
	v6|3|":" in r["local_addr"]
	src|3|r["local_addr"] in ("::1", "0.0.0.0")
	dst|1|r["remote_addr"].startswith("127.")
	owned|1|r["local_port"] == "$o" and r["uid"] == "65534"
	EOF
}

# ---------------------------------------------------------------------------
# unix
# ---------------------------------------------------------------------------

@test "unix: rows equal ss -xa and /proc/net/unix: stream, dgram, seqpacket; path, abstract, unnamed; peers" {
	socks unix "$WORK" "$TAG"
	views3 all unix | manifest net.conf
	bv apply

	local inodes expected
	inodes=$(nh inodes "$SOCKS_PID")
	[ "$(echo "$inodes" | tr , '\n' | wc -l)" -eq 14 ]

	expected=$(nh oracle proc-unix --inodes "$inodes" --cols type,state,inode,path)
	[ "$(echo "$expected" | wc -l)" -eq 14 ]
	has /proc/net/unix "$expected" '"STREAM"' '"DGRAM"' '"SEQPACKET"' '"LISTEN"' '"ESTAB"' \
		'"UNCONN"' "\"$WORK/str.sock\"" "\"@$TAG-abs\"" "\"@$TAG=n@ul\"" 'we,\"ird.sock"' '""]'
	check3 unix all "$expected" --inodes "$inodes" --cols type,state,inode,path

	# ss: peers too; ss shows an abstract name up to its first NUL, and
	# that socket's name is compared with /proc above
	expected=$(nh oracle ss-unix --inodes "$inodes" --where '"=n" not in r["path"]')
	[ "$(echo "$expected" | wc -l)" -eq 13 ]
	local peered
	peered=$(nh oracle ss-unix --inodes "$inodes" --where 'r["peer"] != "0"' | wc -l)
	[ "$peered" -eq 7 ]	# stream pair, accepted pair, seqpair, dgram client
	check3 unix all "$expected" --inodes "$inodes" --where '"=n" not in r["path"]' \
		--cols type,state,inode,peer,path

	expected=$(nh oracle fd "$SOCKS_PID" --cols inode,uid)
	check3 unix all "$expected" --inodes "$inodes" --cols inode,uid
}

@test "unix: type, state and path filters narrow exactly, in all three formats" {
	socks unix "$WORK" "$TAG"
	{
		views3 dgram unix "type = dgram"
		views3 seqstr unix "type = seqpacket, stream" "state = estab"
		views3 listen unix "state = listen"
		views3 exact unix "path = $WORK/str.sock"
		views3 prefix unix "path = $WORK/*"
		views3 abstract unix "path = @$TAG*, $WORK/dgr.sock" "type = dgram"
	} | manifest net.conf
	bv apply

	local inodes name where expected n
	inodes=$(nh inodes "$SOCKS_PID")
	while IFS='|' read -r name n where; do
		expected=$(nh oracle proc-unix --inodes "$inodes" --where "$where" --cols type,state,inode,path)
		[ "$(printf '%s' "$expected" | grep -c .)" -eq "$n" ] ||
			{ echo "$name: the oracle has not $n rows: $expected"; false; }
		check3 unix "$name" "$expected" --inodes "$inodes" --where "$where" --every "$where" \
			--cols type,state,inode,path
	done <<-EOF
	dgram|5|r["type"] == "DGRAM"
	seqstr|6|r["type"] in ("SEQPACKET", "STREAM") and r["state"] == "ESTAB"
	listen|2|r["state"] == "LISTEN"
	exact|2|r["path"] == "$WORK/str.sock"
	prefix|5|r["path"].startswith("$WORK/")
	abstract|2|r["type"] == "DGRAM" and (r["path"].startswith("@$TAG") or r["path"] == "$WORK/dgr.sock")
	EOF
}

# ---------------------------------------------------------------------------
# netlink
# ---------------------------------------------------------------------------

@test "netlink: rows equal /proc/net/netlink (protocol, port id, groups, inode), names from the uapi header, uid from the socket" {
	socks netlink
	local mine=$SOCKS_PID
	socks --uid=65534 owned "$P"
	views3 all netlink | manifest net.conf
	bv apply

	local inodes expected cols=protocol,name,portid,groups,inode
	inodes=$(nh inodes "$mine" "$SOCKS_PID")
	inodes=$(nh oracle proc-netlink --inodes "$inodes" --cols inode | tr -d '[]"' | paste -sd,)
	expected=$(nh oracle proc-netlink --inodes "$inodes" --cols "$cols")
	[ "$(echo "$expected" | wc -l)" -eq 4 ]
	has /proc/net/netlink "$expected" '["0", "route"' '"00000011"' '["16", "generic"' '"sock_diag"'
	check3 netlink all "$expected" --inodes "$inodes" --cols "$cols"
	expected=$(nh oracle fd "$mine" "$SOCKS_PID" --inodes "$inodes" --cols inode,uid)
	has "the descriptors" "$expected" '"65534"' '"0"]'
	check3 netlink all "$expected" --inodes "$inodes" --cols inode,uid
	# the kernel's own sockets are there too: port id 0, in /proc as well
	expected=$(nh oracle proc-netlink --where 'r["portid"] == "0" and r["protocol"] == "0"' --cols "$cols" | head -1)
	[ -n "$expected" ]
	nh parse netlink csv "$(view all-csv)" --cols "$cols" | grep -qxF "$expected"
}

@test "netlink: the protocol filter narrows exactly; names only, numbers are refused" {
	socks netlink
	views3 some netlink "protocol = generic, sock_diag" | manifest net.conf
	bv apply

	local where='r["protocol"] in ("16", "4")' expected
	expected=$(nh oracle proc-netlink --where "$where" --cols protocol,name,portid,groups,inode)
	has /proc/net/netlink "$expected" '"generic"' '"sock_diag"'
	check3 netlink some "$expected" --every "$where" --cols protocol,name,portid,groups,inode

	views3 bad netlink "protocol = 0" | manifest net.conf
	run bv apply
	[ "$status" -eq 2 ]
	[[ $output == *"unknown value '0'"*"route"* ]] || { echo "$output"; false; }
}

@test "network views: bad filter values are refused, naming the valid ones" {
	local key value msg
	while IFS='|' read -r key value msg; do
		printf '[bad]\nprogram = tcp\n%s = %s\n' "$key" "$value" | manifest net.conf
		run bv apply
		[ "$status" -eq 2 ] || { echo "$key = $value: status $status: $output"; false; }
		[[ $output == *"$msg"* ]] || { echo "$key = $value: $output"; false; }
	done <<-'EOF'
	state|established|estab, syn_sent, syn_recv, fin_wait_1
	family|ipv5|any, ipv4, ipv6
	sport|65536|out of range
	dport|1,2,3,4,5,6,7,8,9|too many
	comm|sshd|comm
	EOF
}
