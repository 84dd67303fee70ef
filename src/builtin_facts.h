/* Facts the built-in programs are given at load: what they cannot know
 * from the kernel's BTF alone (bpf/facts.h lists them). */
#ifndef BPFVIEWS_BUILTIN_FACTS_H
#define BPFVIEWS_BUILTIN_FACTS_H

#include <stdbool.h>
#include <stddef.h>

#include "facts.h"

struct btf;
struct bpf_object;
struct view_conf;

enum fact_kind { FACT_PROG, FACT_MAP, FACT_LINK };

/* Sets every fact the view's object declares (a static named in facts.h) in
 * its .rodata, before it is loaded. Returns 0, or -errno with err set. */
int builtin_facts_give(const struct view_conf *v, struct bpf_object *obj, char *err,
		       size_t errlen);

/* The open-coded iterators the built-ins' walks in chunks need (bpf/walk.h):
 * the css iterators (6.7), which the walk of a cgroup's own tasks needs
 * (bpf/tasks.bpf.c), and the numbers iterator (6.4), with which the sockets
 * walk reads the descriptor tables (bpf/sockets.bpf.c). */
enum fact_iter { FACT_ITER_CSS, FACT_ITER_NUM, FACT_ITERS };

/* Whether the kernel has them. */
bool builtin_facts_iter(enum fact_iter it);

/* The names of the types of one kind, indexed by number: libbpf's (those
 * bpftool prints), or for a type libbpf does not know the kernel's enumerator
 * in VMLINUX (may be NULL) without its common prefix, lowercase. */
void builtin_type_names(enum fact_kind kind, const struct btf *vmlinux,
			char names[FACT_TYPES][FACT_TYPE_NAME]);

#endif
