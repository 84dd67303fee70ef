#!/usr/bin/env python3
"""Pins small BPF objects that are not iterator links, through the bpf()
syscall itself (bpftool 7.1 pins no other links), for tests of the views of
BPF objects and of what apply leaves alone:
  socket_filter NAME PIN        a program (socket filter, returns 0)
  raw_tp NAME TRACEPOINT PIN    a raw_tracepoint link of a program
  cgroup_skb NAME CGROUP PIN    a cgroup link (ingress, allows all)
x86_64 only (the syscall number)."""
import ctypes
import os
import struct
import sys


def die(msg):
    print("bpfpin: " + msg, file=sys.stderr)
    sys.exit(1)


def bpf(cmd, attr):
    libc = ctypes.CDLL(None, use_errno=True)
    buf = ctypes.create_string_buffer(bytes(attr), 128)
    r = libc.syscall(321, cmd, buf, 128)	# __NR_bpf (x86_64)
    if r < 0:
        die("bpf(%d): %s" % (cmd, os.strerror(ctypes.get_errno())))
    return r


def load_prog(prog_type, name, r0, attach_type=0):
    """A program of prog_type that returns r0 (r0 = r0; exit); its fd."""
    insns = ctypes.create_string_buffer(struct.pack("<BBhiBBhi", 0xb7, 0, 0, r0, 0x95, 0, 0, 0))
    lic = ctypes.create_string_buffer(b"GPL")
    attr = struct.pack("<IIQQIIQII16sII", prog_type, 2, ctypes.addressof(insns),
                       ctypes.addressof(lic), 0, 0, 0, 0, 0, name.encode(), 0, attach_type)
    return bpf(5, attr)				# BPF_PROG_LOAD


def pin(fd, path):
    p = ctypes.create_string_buffer(path.encode())
    bpf(6, struct.pack("<QII", ctypes.addressof(p), fd, 0))	# BPF_OBJ_PIN
    os.close(fd)


def socket_filter(name, path):
    pin(load_prog(1, name, 0), path)


def raw_tp(name, tp, path):
    prog = load_prog(17, name, 0)
    tpname = ctypes.create_string_buffer(tp.encode())
    link = bpf(17, struct.pack("<QI", ctypes.addressof(tpname), prog))	# BPF_RAW_TRACEPOINT_OPEN
    os.close(prog)
    pin(link, path)


def cgroup_skb(name, cgroup, path):
    prog = load_prog(8, name, 1)		# BPF_PROG_TYPE_CGROUP_SKB
    cg = os.open(cgroup, os.O_RDONLY | os.O_DIRECTORY)
    link = bpf(28, struct.pack("<IIII", prog, cg, 0, 0))	# BPF_LINK_CREATE, BPF_CGROUP_INET_INGRESS
    os.close(prog)
    os.close(cg)
    pin(link, path)


COMMANDS = {"socket_filter": socket_filter, "raw_tp": raw_tp, "cgroup_skb": cgroup_skb}

if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
    die("usage: bpfpin.py {%s} ARG..." % " | ".join(COMMANDS))
COMMANDS[sys.argv[1]](*sys.argv[2:])
