#!/usr/bin/env python3
"""corrupt_btf.py HOW IN OUT: writes a copy of the BPF object IN with its
.BTF section broken in a way libbpf 1.1 does not check (the ELF layout is
untouched):

  past-end  every member of struct task_struct refers to a type id past
            the last type: libbpf segfaults in bpf_object__load (CO-RE)
  loop      every typedef names itself: libbpf loops forever in
            bpf_object__load (CO-RE)
  static-name  every static variable's name is past the end of the
            strings: libbpf opens the object and names the variable NULL,
            which the parameter lookup (params.c) must skip
"""
import struct
import sys

BTF_KIND_STRUCT, BTF_KIND_TYPEDEF, BTF_KIND_VAR = 4, 8, 14
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


def main(how, src, dst):
    elf = bytearray(open(src, "rb").read())
    off = next(o for name, o, _ in sections(elf) if name == ".BTF")
    hdr_len, type_off, type_len, str_off = struct.unpack_from("<IIII", elf, off + 4)
    types, strs = off + hdr_len + type_off, off + hdr_len + str_off
    name_of = lambda o: elf[strs + o:elf.index(b"\0", strs + o)].decode()
    p, end, tid, hits = types, types + type_len, 0, 0
    while p < end:
        tid += 1
        name_off, info, _ = struct.unpack_from("<III", elf, p)
        kind, vlen = (info >> 24) & 0x1f, info & 0xffff
        if how == "past-end" and kind == BTF_KIND_STRUCT and name_of(name_off) == "task_struct":
            for m in range(vlen):
                struct.pack_into("<I", elf, p + 12 + m * 12 + 4, 0x00ffff00)
                hits += 1
        elif how == "loop" and kind == BTF_KIND_TYPEDEF:
            struct.pack_into("<I", elf, p + 8, tid)
            hits += 1
        elif how == "static-name" and kind == BTF_KIND_VAR and not struct.unpack_from("<I", elf, p + 12)[0]:
            struct.pack_into("<I", elf, p, 0x00ffff00)
            hits += 1
        p += 12 + FIXED.get(kind, 0) + ITEM.get(kind, 0) * vlen
    if not hits:
        sys.exit(f"{src}: nothing to break ({how}) in its BTF")
    open(dst, "wb").write(elf)


if __name__ == "__main__":
    main(*sys.argv[1:])
