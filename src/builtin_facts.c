#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "builtin_facts.h"
#include "manifest.h"
#include "params.h"

static const struct {
	const char *var;	/* the program's static */
	const char *btf_enum;	/* the kernel's enum and its common prefix */
	const char *prefix;
} kinds[] = {
	[FACT_PROG] = { "fact_prog_type_names", "bpf_prog_type", "BPF_PROG_TYPE_" },
	[FACT_MAP] = { "fact_map_type_names", "bpf_map_type", "BPF_MAP_TYPE_" },
	[FACT_LINK] = { "fact_link_type_names", "bpf_link_type", "BPF_LINK_TYPE_" },
};

static const char *libbpf_name(enum fact_kind kind, int t)
{
	switch (kind) {
	case FACT_PROG:
		return libbpf_bpf_prog_type_str(t);
	case FACT_MAP:
		return libbpf_bpf_map_type_str(t);
	case FACT_LINK:
		return libbpf_bpf_link_type_str(t);
	}
	return NULL;
}

static void lower(char *dst, const char *src)
{
	size_t i;

	for (i = 0; src[i] && i < FACT_TYPE_NAME - 1; i++)
		dst[i] = tolower((unsigned char)src[i]);
	dst[i] = 0;
}

/* A type libbpf does not name: the enumerator of its value, the last one of
 * an alias (BPF_MAP_TYPE_CGROUP_STORAGE = ..._DEPRECATED). */
static void btf_names(enum fact_kind kind, const struct btf *vmlinux, const bool *named,
		      char names[FACT_TYPES][FACT_TYPE_NAME])
{
	size_t plen = strlen(kinds[kind].prefix);
	const struct btf_type *t;
	const struct btf_enum *e;
	__s32 id;

	id = vmlinux ? btf__find_by_name_kind(vmlinux, kinds[kind].btf_enum, BTF_KIND_ENUM) : -ENOENT;
	if (id < 0)
		return;
	t = btf__type_by_id(vmlinux, id);
	e = btf_enum(t);
	for (int i = 0; i < btf_vlen(t); i++, e++) {
		const char *name = btf__name_by_offset(vmlinux, e->name_off);

		if (e->val < 0 || e->val >= FACT_TYPES || named[e->val] || !name ||
		    strncmp(name, kinds[kind].prefix, plen) || !name[plen])
			continue;
		lower(names[e->val], name + plen);
	}
}

void builtin_type_names(enum fact_kind kind, const struct btf *vmlinux,
			char names[FACT_TYPES][FACT_TYPE_NAME])
{
	bool named[FACT_TYPES] = { false };

	memset(names, 0, FACT_TYPES * FACT_TYPE_NAME);
	for (int t = 0; t < FACT_TYPES; t++) {
		const char *s = libbpf_name(kind, t);

		if (s) {
			snprintf(names[t], FACT_TYPE_NAME, "%s", s);
			named[t] = true;
		}
	}
	btf_names(kind, vmlinux, named, names);
}

static struct {
	__u32 page_shift;
	char names[3][FACT_TYPES][FACT_TYPE_NAME];
	bool iters[FACT_ITERS];	/* the kernel has them */
} facts;

/* A kfunc of each: the css_task iterator needs the css one, so it stands for both. */
static const char *const iter_kfuncs[FACT_ITERS] = {
	[FACT_ITER_CSS] = "bpf_iter_css_task_new",
	[FACT_ITER_NUM] = "bpf_iter_num_new",
};
static pthread_once_t facts_once = PTHREAD_ONCE_INIT;

static void facts_init(void)
{
	struct btf *vmlinux = btf__load_vmlinux_btf();
	long page = sysconf(_SC_PAGESIZE);

	facts.page_shift = page > 0 ? __builtin_ctzl(page) : FACT_PAGE_SHIFT_DEFAULT;
	for (int k = FACT_PROG; k <= FACT_LINK; k++)
		builtin_type_names(k, vmlinux, facts.names[k]);
	for (int i = 0; i < FACT_ITERS; i++)
		facts.iters[i] = vmlinux && btf__find_by_name_kind(vmlinux, iter_kfuncs[i], BTF_KIND_FUNC) >= 0;
	btf__free(vmlinux);
}

/* A fact the program has no variable for is not given: not every built-in
 * needs every fact. */
static int give_fact(struct bpf_object *obj, const char *name, const void *value, size_t size)
{
	int rc = params_write_static(obj, name, value, size);

	return rc == -ENOENT ? 0 : rc;
}

bool builtin_facts_iter(enum fact_iter it)
{
	pthread_once(&facts_once, facts_init);
	return facts.iters[it];
}

int builtin_facts_give(const struct view_conf *v, struct bpf_object *obj, char *err,
		       size_t errlen)
{
	int rc;

	pthread_once(&facts_once, facts_init);
	rc = give_fact(obj, "fact_page_shift", &facts.page_shift, sizeof(facts.page_shift));
	for (int k = FACT_PROG; !rc && k <= FACT_LINK; k++)
		rc = give_fact(obj, kinds[k].var, facts.names[k], sizeof(facts.names[k]));
	if (rc)
		snprintf(err, errlen, "%s:%d: [%s] cannot give the program its facts (bpf/facts.h): %s",
			 v->file, v->line, v->name, strerror(-rc));
	return rc;
}
