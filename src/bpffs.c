#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>
#include <linux/magic.h>
#include <bpf/bpf.h>

#include "bpffs.h"
#include "log.h"

#define BPFFS_MOUNT "/sys/fs/bpf"

static bool on_bpffs(const char *path)
{
	struct statfs st;

	return !statfs(path, &st) && st.f_type == BPF_FS_MAGIC;
}

/* mkdir -p for PATH's components after BASE (BASE must exist). */
static int mkdirs(const char *path, size_t base_len)
{
	char buf[PATH_MAX];

	if (strlen(path) <= base_len)
		return 0;
	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = buf + base_len + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, 0755) && errno != EEXIST)
		return -errno;
	return 0;
}

int bpffs_prepare_root(const char *root, bool create, char *err, size_t errlen)
{
	bool is_default = !strcmp(root, DEFAULT_ROOT);

	if (is_default && !on_bpffs(BPFFS_MOUNT)) {
		if (!create)
			return -ENOENT;
		if (mount("bpf", BPFFS_MOUNT, "bpf", 0, "mode=0700")) {
			snprintf(err, errlen, "cannot mount bpffs on %s: %s", BPFFS_MOUNT, strerror(errno));
			return -errno;
		}
		pr_info("mounted bpffs on %s", BPFFS_MOUNT);
	}
	if (access(root, F_OK)) {
		char parent[PATH_MAX];
		char *slash;

		if (!create)
			return -ENOENT;
		snprintf(parent, sizeof(parent), "%s", root);
		slash = strrchr(parent, '/');
		if (slash && slash != parent)
			*slash = '\0';
		/* EEXIST: a concurrent apply made it first */
		if (!on_bpffs(parent) || (mkdir(root, 0755) && errno != EEXIST)) {
			snprintf(err, errlen, "cannot create %s: %s", root,
				 on_bpffs(parent) ? strerror(errno) : "its parent is not on a bpffs (mount -t bpf bpf DIR)");
			return -EINVAL;
		}
	}
	if (!on_bpffs(root)) {
		snprintf(err, errlen, "%s is not on a bpffs; mount one there first (mount -t bpf bpf %s)", root, root);
		return -EINVAL;
	}
	return 0;
}

int bpffs_lock(const char *root, bool wait)
{
	int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB))) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

/* ---- scanning ---- */

static bool is_staging(const char *name)
{
	size_t len = strlen(name), sfx = strlen(STAGING_SUFFIX);

	return len > sfx && !strcmp(name + len - sfx, STAGING_SUFFIX);
}

static void classify(struct pin *p, const char *path)
{
	int fd = bpf_obj_get(path);
	const char *kind = fd >= 0 ? bpf_fd_kind(fd) : NULL;

	p->fd = -1;
	if (kind && !strcmp(kind, "link") && link_is_iter(fd)) {
		p->kind = is_staging(p->name) ? PIN_STAGING : PIN_VIEW;
		p->fd = fd;
		return;
	}
	p->kind = PIN_FOREIGN;
	p->what = !kind ? "unknown object" : !strcmp(kind, "link") ? "link (not an iterator)" :
		  !strcmp(kind, "prog") ? "program" : "map";
	if (fd >= 0)
		close(fd);
}

static void add_pin(struct pins *pins, const char *name, const struct stat *st)
{
	struct pin *p;

	pins->v = realloc(pins->v, (pins->n + 1) * sizeof(*pins->v));
	p = &pins->v[pins->n++];
	memset(p, 0, sizeof(*p));
	p->name = strdup(name);
	p->mode = st->st_mode & 07777;
	p->uid = st->st_uid;
	p->gid = st->st_gid;
	p->fd = -1;
}

static int scan_dir(const char *root, const char *rel, struct pins *pins)
{
	char path[2 * PATH_MAX], name[PATH_MAX];
	struct dirent **ents;
	int n, before = pins->n;
	struct stat st;

	snprintf(path, sizeof(path), "%s%s%s", root, *rel ? "/" : "", rel);
	n = scandir(path, &ents, NULL, alphasort);
	if (n < 0)
		return -errno;
	for (int i = 0; i < n; i++) {
		const char *e = ents[i]->d_name;

		snprintf(name, sizeof(name), "%s%s%s", rel, *rel ? "/" : "", e);
		snprintf(path, sizeof(path), "%s/%s", root, name);
		/* bpffs refuses dots in pinned names: a dotted entry is the
		 * kernel's own (maps.debug, progs.debug), never ours. */
		if (strchr(e, '.') || lstat(path, &st)) {
			free(ents[i]);
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			scan_dir(root, name, pins);
		} else {
			add_pin(pins, name, &st);
			classify(&pins->v[pins->n - 1], path);
		}
		free(ents[i]);
	}
	free(ents);
	/* A directory with nothing in it is not structure for views. */
	if (*rel && pins->n == before) {
		snprintf(path, sizeof(path), "%s/%s", root, rel);
		if (!lstat(path, &st)) {
			add_pin(pins, rel, &st);
			pins->v[pins->n - 1].kind = PIN_FOREIGN;
			pins->v[pins->n - 1].what = "directory";
			pins->v[pins->n - 1].is_dir = true;
		}
	}
	return 0;
}

int bpffs_scan(const char *root, struct pins *pins)
{
	memset(pins, 0, sizeof(*pins));
	return scan_dir(root, "", pins);
}

const struct pin *pins_find(const struct pins *pins, const char *name)
{
	for (int i = 0; i < pins->n; i++)
		if (!strcmp(pins->v[i].name, name))
			return &pins->v[i];
	return NULL;
}

void pins_free(struct pins *pins)
{
	for (int i = 0; i < pins->n; i++) {
		if (pins->v[i].fd >= 0)
			close(pins->v[i].fd);
		free(pins->v[i].name);
	}
	free(pins->v);
	memset(pins, 0, sizeof(*pins));
}

/* ---- changing ---- */

static int set_attrs(const char *path, mode_t mode, uid_t uid, gid_t gid)
{
	if (chown(path, uid, gid) || chmod(path, mode))
		return -errno;
	return 0;
}

int bpffs_set_attrs(const char *root, const char *name, mode_t mode, uid_t uid, gid_t gid)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", root, name);
	return set_attrs(path, mode, uid, gid);
}

int bpffs_pin(int link_fd, const char *root, const char *name, mode_t mode, uid_t uid, gid_t gid,
	      char *err, size_t errlen)
{
	char path[PATH_MAX], staging[PATH_MAX + 16], *slash;
	int rc;

	snprintf(path, sizeof(path), "%s/%s", root, name);
	snprintf(staging, sizeof(staging), "%s%s", path, STAGING_SUFFIX);
	slash = strrchr(path, '/');
	*slash = '\0';
	rc = mkdirs(path, strlen(root));
	*slash = '/';
	if (rc) {
		snprintf(err, errlen, "cannot create the directory for %s: %s", path, strerror(-rc));
		return rc;
	}
	unlink(staging);
	if (bpf_obj_pin(link_fd, staging)) {
		rc = -errno;
		snprintf(err, errlen, "cannot pin %s: %s", staging, strerror(errno));
		return rc;
	}
	rc = set_attrs(staging, mode, uid, gid);
	if (!rc && rename(staging, path))
		rc = -errno;
	if (rc) {
		snprintf(err, errlen, "cannot put %s in place: %s", path, strerror(-rc));
		unlink(staging);
	}
	return rc;
}

int bpffs_unpin(const char *root, const char *name)
{
	char path[PATH_MAX], *slash;
	size_t root_len = strlen(root);

	snprintf(path, sizeof(path), "%s/%s", root, name);
	if (unlink(path))
		return -errno;
	while ((slash = strrchr(path, '/')) && (size_t)(slash - path) > root_len) {
		*slash = '\0';
		if (rmdir(path))
			break;
	}
	return 0;
}
