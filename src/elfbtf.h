/* An ELF BPF object in memory, with a type added to its .BTF section. */
#ifndef BPFVIEWS_ELFBTF_H
#define BPFVIEWS_ELFBTF_H

#include <stddef.h>

/* Writes to *out (malloc'd, *out_size bytes) the object data[0..size) with
 * an int type named name added to its BTF. 0, or -errno. */
int elf_btf_add_int(const void *data, size_t size, const char *name, void **out, size_t *out_size);

#endif
