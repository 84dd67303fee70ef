/* The filters of the task views that the loader resolves (bpf/task_ns.h):
 * the manifest's cgroup key, given to the program as the cgroup's id and
 * level. */
#ifndef BPFVIEWS_TASKFILTER_H
#define BPFVIEWS_TASKFILTER_H

#include <stddef.h>

struct bpf_object;
struct view_conf;

/* Sets the program's cgroup filter from v->cgroup (a path relative to the
 * cgroup2 mount, the mount's own path, or an id); nothing without one.
 * mount is where cgroup v2 is mounted, line the cgroup key's.  Returns 0,
 * or -errno with err set (-EINVAL: the program has no cgroup filter). */
int task_filter_give(const struct view_conf *v, struct bpf_object *obj, const char *mount,
		     int line, char *err, size_t errlen);

#endif
