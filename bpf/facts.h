/* SPDX-License-Identifier: GPL-2.0 */
/*
 * facts.h - what the loader tells a built-in program about the running
 * system before loading it (src/builtin_facts.c fills them; view.h declares
 * them for the views that ask).  Static variables in .rodata: the tool never
 * takes them for parameters, and they are part of the program's stamp.
 *
 *   fact_page_shift         __u32   log2 of the page size (sysconf)
 *   fact_prog_type_names    char[FACT_TYPES][FACT_TYPE_NAME]
 *   fact_map_type_names     the names bpftool prints for each BPF program,
 *   fact_link_type_names    map and link type, indexed by the type's number;
 *                           empty for a number neither libbpf nor the
 *                           kernel's BTF names
 */
#ifndef BPFVIEWS_FACTS_H
#define BPFVIEWS_FACTS_H

#define FACT_TYPES	64	/* type numbers named, a power of 2 */
#define FACT_TYPE_NAME	32	/* bytes of a name, NUL included */

#define FACT_PAGE_SHIFT_DEFAULT	12	/* 4 KiB, until the loader says */

#endif /* BPFVIEWS_FACTS_H */
