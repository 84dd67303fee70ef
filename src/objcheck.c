#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "objcheck.h"

/* A child that has not finished by then is stuck (a type loop libbpf
 * follows forever, say): loading the largest program takes seconds. */
#define CHILD_SECONDS 120
/* libbpf follows typedefs and modifiers this deep at most */
#define MAX_TYPE_CHAIN 32

static bool in_child;

/* What the child leaves for the parent, in memory they share. */
struct outcome {
	bool done;
	bool manifest_error;
	int rc;
	char err[];
};

static void run_child(const struct view_conf *v, struct view_prog *vp, view_step_fn fn,
		      struct outcome *out, size_t errlen)
{
	in_child = true;
	/* A crash is reported by the parent; no core file for it. */
	prctl(PR_SET_DUMPABLE, 0);
	alarm(CHILD_SECONDS);
	out->rc = fn(v, vp, out->err, errlen);
	out->manifest_error = vp->manifest_error;
	out->done = true;
	_exit(0);
}

static int wait_child(pid_t pid, int *status)
{
	while (waitpid(pid, status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return 0;
}

/* The child ended without an outcome: it crashed, or exited inside libbpf. */
static int child_died(const struct view_conf *v, int status, const char *doing, char *err, size_t errlen)
{
	char how[64];

	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
		snprintf(how, sizeof(how), "did not finish in %d s", CHILD_SECONDS);
	else if (WIFSIGNALED(status))
		snprintf(how, sizeof(how), "crashed (%s)", strsignal(WTERMSIG(status)));
	else
		snprintf(how, sizeof(how), "exited with status %d", WEXITSTATUS(status));
	snprintf(err, errlen, "%s:%d: [%s] %s %s %s in a child process: the object is malformed (its BTF "
		 "or ELF); rebuild it with clang -g -target bpf", v->file, v->line, v->name, doing, v->object, how);
	return -EINVAL;
}

int objcheck_first(const struct view_conf *v, struct view_prog *vp, view_step_fn fn,
		   const char *doing, char *err, size_t errlen)
{
	size_t size = sizeof(struct outcome) + errlen;
	struct outcome *out;
	int rc, status;
	pid_t pid;

	if (!v->object || in_child)
		return 0;
	out = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (out == MAP_FAILED)
		return -errno;
	fflush(stdout);
	pid = fork();
	if (pid == 0)
		run_child(v, vp, fn, out, errlen);
	rc = pid < 0 ? -errno : wait_child(pid, &status);
	if (rc)
		snprintf(err, errlen, "%s:%d: [%s] cannot check %s in a child process: %s", v->file, v->line,
			 v->name, v->object, strerror(-rc));
	else if (!out->done)
		rc = child_died(v, status, doing, err, errlen);
	else if ((rc = out->rc)) {
		snprintf(err, errlen, "%s", out->err);
		vp->manifest_error = out->manifest_error;
	}
	munmap(out, size);
	return rc;
}

static bool is_chain(const struct btf_type *t)
{
	return btf_is_mod(t) || btf_is_typedef(t);
}

static __u32 past(__u32 id, __u32 count)
{
	return id >= count ? id : 0;
}

/* A type id T refers to that is not below COUNT, or 0 (void: none). */
static __u32 bad_ref(const struct btf_type *t, __u32 count)
{
	__u32 bad = 0;

	switch (btf_kind(t)) {
	case BTF_KIND_PTR: case BTF_KIND_TYPEDEF: case BTF_KIND_VOLATILE: case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT: case BTF_KIND_TYPE_TAG: case BTF_KIND_FUNC: case BTF_KIND_VAR:
	case BTF_KIND_DECL_TAG: case BTF_KIND_FUNC_PROTO:
		bad = past(t->type, count);
		break;
	case BTF_KIND_ARRAY:
		bad = past(btf_array(t)->type, count) ?: past(btf_array(t)->index_type, count);
		break;
	}
	for (int i = 0; !bad && i < btf_vlen(t); i++) {
		if (btf_is_composite(t))
			bad = past(btf_members(t)[i].type, count);
		else if (btf_is_func_proto(t))
			bad = past(btf_params(t)[i].type, count);
		else if (btf_is_datasec(t))
			bad = past(btf_var_secinfos(t)[i].type, count);
	}
	return bad;
}

/* libbpf 1.1 follows the object's type references unchecked: one past the
 * last type is a segfault, a typedef that names itself a loop forever. */
static int check_btf(const struct btf *btf, char *why, size_t len)
{
	__u32 count = btf__type_cnt(btf), bad;

	for (__u32 id = 1; id < count; id++) {
		bad = bad_ref(btf__type_by_id(btf, id), count);
		if (bad) {
			snprintf(why, len, "type [%u] refers to type [%u], past the last [%u]", id, bad, count - 1);
			return -EINVAL;
		}
	}
	/* every reference is in range: the chains can be followed */
	for (__u32 id = 1; id < count; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		int depth = 0;

		for (; is_chain(t) && depth <= MAX_TYPE_CHAIN; depth++)
			t = btf__type_by_id(btf, t->type);
		if (depth > MAX_TYPE_CHAIN) {
			snprintf(why, len, "type [%u] is a loop of typedefs or modifiers", id);
			return -ELOOP;
		}
	}
	return 0;
}

static int check_pinned_maps(const struct view_conf *v, struct bpf_object *obj, char *err, size_t errlen)
{
	struct bpf_map *map;

	bpf_object__for_each_map(map, obj) {
		if (!bpf_map__pin_path(map))
			continue;
		snprintf(err, errlen, "%s:%d: [%s] map '%s' in %s is pinned by name (LIBBPF_PIN_BY_NAME): libbpf "
			 "would pin it at %s, outside the views' root; bpfviews pins no maps: drop the map's "
			 "pinning attribute", v->file, v->line, v->name, bpf_map__name(map), v->object ? v->object : v->program,
			 bpf_map__pin_path(map));
		return -EPERM;
	}
	return 0;
}

int objcheck_object(const struct view_conf *v, struct bpf_object *obj, char *err, size_t errlen)
{
	const struct btf *btf = bpf_object__btf(obj);
	char why[256];
	int rc = btf ? check_btf(btf, why, sizeof(why)) : -ENOENT;

	if (rc == -ENOENT)
		snprintf(why, sizeof(why), "no BTF that libbpf could read (a .BTF section)");
	if (rc) {
		snprintf(err, errlen, "%s:%d: [%s] %s: %s%s; rebuild it with clang -g -target bpf", v->file, v->line,
			 v->name, v->object ? v->object : v->program, rc == -ENOENT ? "" : "malformed BTF: ", why);
		return rc;
	}
	return check_pinned_maps(v, obj, err, errlen);
}
