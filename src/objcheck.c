#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <bpf/libbpf.h>

#include "objcheck.h"

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
	/* Forked from a loader thread: another thread may have held the
	 * streams' locks at the fork, and none of them exists here. */
	__fsetlocking(stderr, FSETLOCKING_BYCALLER);
	__fsetlocking(stdout, FSETLOCKING_BYCALLER);
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

	if (WIFSIGNALED(status))
		snprintf(how, sizeof(how), "crashed (%s)", strsignal(WTERMSIG(status)));
	else
		snprintf(how, sizeof(how), "exited with status %d", WEXITSTATUS(status));
	snprintf(err, errlen, "%s:%d: [%s] libbpf %s %s %s: the object is malformed (its BTF or ELF); "
		 "rebuild it with clang -g -target bpf", v->file, v->line, v->name, how, doing, v->object);
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

int objcheck_pinned_maps(const struct view_conf *v, struct bpf_object *obj, char *err, size_t errlen)
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
