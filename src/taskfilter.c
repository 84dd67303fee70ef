#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <linux/magic.h>
#include <bpf/libbpf.h>

#include "manifest.h"
#include "params.h"
#include "taskfilter.h"

struct cgroup_ref {
	__u64 id;	/* the directory's inode number */
	__u32 level;	/* directories below the mount */
};

/* The search for a cgroup by id (nftw has no context argument; apply
 * resolves views in parallel). */
static __thread struct cgroup_ref found;

static int match_id(const char *path, const struct stat *st, int type, struct FTW *f)
{
	(void)path;
	if (type != FTW_D || st->st_ino != found.id)
		return FTW_CONTINUE;
	found.level = f->level;
	return FTW_STOP;
}

static int by_id(const char *mount, __u64 id, struct cgroup_ref *ref)
{
	int rc;

	found.id = id;
	rc = nftw(mount, match_id, 16, FTW_PHYS | FTW_MOUNT | FTW_ACTIONRETVAL);
	if (rc < 0)
		return -errno;
	if (rc != FTW_STOP)
		return -ENOENT;
	*ref = found;
	return 0;
}

/* path: relative to the mount ("/system.slice"), or the mount's own. */
static int by_path(const char *mount, const char *path, struct cgroup_ref *ref)
{
	size_t mlen = strlen(mount);
	char full[PATH_MAX], real[PATH_MAX];
	struct statfs fs;
	struct stat st;
	const char *rest;

	if (!strncmp(path, mount, mlen) && (!path[mlen] || path[mlen] == '/'))
		path += mlen;
	if (snprintf(full, sizeof(full), "%s%s", mount, path) >= (int)sizeof(full))
		return -ENAMETOOLONG;
	if (!realpath(full, real) || stat(real, &st) || statfs(real, &fs))
		return -errno;
	rest = real + mlen;
	if (strncmp(real, mount, mlen) || (*rest && *rest != '/') ||
	    fs.f_type != CGROUP2_SUPER_MAGIC || !S_ISDIR(st.st_mode))
		return -ENOTDIR;
	ref->id = st.st_ino;	/* a cgroup v2 directory's inode is its id */
	ref->level = 0;
	for (; *rest; rest++)
		ref->level += *rest == '/';
	return 0;
}

int task_filter_give(const struct view_conf *v, struct bpf_object *obj, const char *mount,
		     int line, char *err, size_t errlen)
{
	struct cgroup_ref ref;
	struct param_var var;
	char *end;
	int rc;

	if (!v->cgroup)
		return 0;
	if (params_find_static(bpf_object__btf(obj), "task_cgroup_id", &var)) {
		snprintf(err, errlen, "%s:%d: [%s] cgroup: this program has no cgroup filter "
			 "(the built-in task views have: bpf/task_ns.h)", v->file, line, v->name);
		return -EINVAL;
	}
	if (v->cgroup[0] == '/') {
		rc = by_path(mount, v->cgroup, &ref);
	} else {
		errno = 0;
		ref.id = strtoull(v->cgroup, &end, 10);
		rc = errno || *end ? -EINVAL : by_id(mount, ref.id, &ref);
	}
	if (rc) {
		snprintf(err, errlen, "%s:%d: [%s] cgroup %s: %s", v->file, line, v->name, v->cgroup,
			 rc == -ENOTDIR ? "not a cgroup v2 directory" :
			 rc == -ENOENT ? "no such cgroup" : strerror(-rc));
		return rc;
	}
	rc = params_write_static(obj, "task_cgroup_id", &ref.id, sizeof(ref.id));
	if (!rc)
		rc = params_write_static(obj, "task_cgroup_level", &ref.level, sizeof(ref.level));
	if (rc)
		snprintf(err, errlen, "%s:%d: [%s] cannot set the cgroup filter: %s", v->file, line,
			 v->name, strerror(-rc));
	return rc;
}
