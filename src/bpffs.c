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
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <linux/magic.h>
#include <bpf/bpf.h>

#include "bpffs.h"
#include "log.h"
#include "text.h"

#define BPFFS_MOUNT "/sys/fs/bpf"
#define DIR_FLAGS (O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
#define DIR_HINT "remove it, or make it root's: chown root:root, chmod go-w"
#define LINK_HINT "give the path without symbolic links (readlink -f)"
#define STR_(x) #x
#define STR(x) STR_(x)

/* ---- the bpf() calls, by directory descriptor ---- */

/* The part of union bpf_attr that BPF_OBJ_PIN and BPF_OBJ_GET read, with
 * path_fd (Linux 6.5), which the installed linux/bpf.h may not have yet. */
struct obj_attr {
	__aligned_u64 pathname;
	__u32 bpf_fd;
	__u32 file_flags;
	__s32 path_fd;
};

#define OBJ_F_PATH_FD (1U << 14)	/* BPF_F_PATH_FD: pathname is relative to path_fd */

static int obj_path_fd(int cmd, int dirfd, const char *name, int bpf_fd)
{
	struct obj_attr attr;
	long rc;

	memset(&attr, 0, sizeof(attr));
	attr.pathname = (__u64)(unsigned long)name;
	attr.bpf_fd = cmd == BPF_OBJ_PIN ? (__u32)bpf_fd : 0;
	attr.file_flags = OBJ_F_PATH_FD;
	attr.path_fd = dirfd;
	rc = syscall(__NR_bpf, cmd, &attr, sizeof(attr));
	return rc < 0 ? -errno : (int)rc;
}

/* Kernels before 6.5 resolve a pin's path from the working directory: the
 * same single name, looked up in the same checked directory. */
static int obj_cwd(int cmd, int dirfd, const char *name, int bpf_fd)
{
	int cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC), rc;

	if (cwd < 0)
		return -errno;
	if (fchdir(dirfd))
		rc = -errno;
	else
		rc = cmd == BPF_OBJ_PIN ? bpf_obj_pin(bpf_fd, name) : bpf_obj_get(name);
	if (fchdir(cwd))
		rc = -errno;
	close(cwd);
	return rc;
}

/* BPF_OBJ_PIN or BPF_OBJ_GET of NAME, one entry of the directory DIRFD.
 * The kernel creates NAME without following anything; BPF_OBJ_GET follows a
 * symlink at NAME, so callers look at the entry first (lstat-like). */
static int obj_at(int cmd, int dirfd, const char *name, int bpf_fd)
{
	static int path_fd_works = -1;	/* not known yet */
	int rc;

	if (strchr(name, '/'))
		return -EINVAL;
	if (!path_fd_works)
		return obj_cwd(cmd, dirfd, name, bpf_fd);
	rc = obj_path_fd(cmd, dirfd, name, bpf_fd);
	if (rc != -EINVAL || path_fd_works == 1)
		return rc;
	/* Without BPF_F_PATH_FD the flag itself is invalid; with it an empty
	 * name is merely not found. */
	path_fd_works = obj_path_fd(BPF_OBJ_GET, dirfd, "", -1) != -EINVAL;
	return path_fd_works ? rc : obj_cwd(cmd, dirfd, name, bpf_fd);
}

static bool is_iter_link_at(int dirfd, const char *name)
{
	struct stat st;
	bool iter;
	int fd;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) || !S_ISREG(st.st_mode))
		return false;
	fd = obj_at(BPF_OBJ_GET, dirfd, name, -1);
	if (fd < 0)
		return false;
	iter = link_is_iter(fd);
	close(fd);
	return iter;
}

/* ---- checked directories ---- */

/* Why the directory ST is not to be used, or NULL. With STICKY_OK a
 * directory writable by others is used if it is sticky: there only root can
 * rename or remove root's entries (a fresh bpffs is 1777). */
static const char *dir_refusal(const struct stat *st, bool sticky_ok, dev_t dev)
{
	if (!S_ISDIR(st->st_mode))
		return "not a directory";
	if (st->st_uid != 0)
		return "directory not owned by root";
	if ((st->st_mode & (S_IWGRP | S_IWOTH)) && !(sticky_ok && (st->st_mode & S_ISVTX)))
		return "directory writable by group or others";
	if (dev && st->st_dev != dev)
		return "directory of another file system";
	return NULL;
}

/* Opens the directory NAME in DIRFD and checks it; if it cannot be used,
 * -errno and the reason in *WHY. */
static int open_checked(int dirfd, const char *name, bool sticky_ok, dev_t dev, const char **why)
{
	struct stat st;
	int fd = openat(dirfd, name, DIR_FLAGS);

	*why = NULL;
	if (fd < 0) {
		int e = errno;

		if (!fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) && !S_ISDIR(st.st_mode))
			*why = S_ISLNK(st.st_mode) ? "symbolic link" : "not a directory";
		else
			*why = strerror(e);
		return -e;
	}
	if (fstat(fd, &st))
		*why = strerror(errno);
	else
		*why = dir_refusal(&st, sticky_ok, dev);
	if (*why) {
		close(fd);
		return -EPERM;
	}
	return fd;
}

/* Opens the directory NAME in DIRFD, creating it 0755 root:root if it does
 * not exist and CREATE is set. What is opened is checked either way: a
 * directory someone else made first is refused. */
static int open_or_create(int dirfd, const char *name, bool create, bool sticky_ok, dev_t dev,
			  const char **why)
{
	int fd = open_checked(dirfd, name, sticky_ok, dev, why);
	bool made;

	if (fd != -ENOENT || !create)
		return fd;
	made = !mkdirat(dirfd, name, 0755);
	if (!made && errno != EEXIST) {	/* EEXIST: a concurrent apply made it first */
		*why = strerror(errno);
		return -errno;
	}
	fd = open_checked(dirfd, name, sticky_ok, dev, why);
	if (fd >= 0 && made && fchmod(fd, 0755)) {	/* whatever the umask */
		int e = errno;

		*why = strerror(e);
		close(fd);
		return -e;
	}
	return fd;
}

/* ---- the root ---- */

static bool fd_on_bpffs(int fd)
{
	struct statfs st;

	return !fstatfs(fd, &st) && st.f_type == BPF_FS_MAGIC;
}

static int mount_default(const char *root, char *err, size_t errlen)
{
	struct statfs st;

	if (strcmp(root, DEFAULT_ROOT) || (!statfs(BPFFS_MOUNT, &st) && st.f_type == BPF_FS_MAGIC))
		return 0;
	if (mount("bpf", BPFFS_MOUNT, "bpf", 0, "mode=0700")) {
		snprintf(err, errlen, "cannot mount bpffs on %s: %s", BPFFS_MOUNT, strerror(errno));
		return -errno;
	}
	pr_info("mounted bpffs on %s", BPFFS_MOUNT);
	return 0;
}

/* Opens the last component of ROOT in DIRFD (its parent), creating it in a
 * bpffs parent with CREATE. */
static int open_root_dir(int dirfd, const char *root, const char *name, bool create, char *err,
			 size_t errlen)
{
	const char *why;
	int fd = open_or_create(dirfd, name, create && fd_on_bpffs(dirfd), true, 0, &why);

	if (fd >= 0 || (fd == -ENOENT && !create))
		return fd;
	if (fd == -ENOENT)
		snprintf(err, errlen, "cannot create %s: its parent is not on a bpffs (mount -t bpf bpf DIR)",
			 root);
	else if (fd == -EPERM || fd == -ELOOP || fd == -ENOTDIR)
		snprintf(err, errlen, "%s: %s; refusing it as the root (%s)", root, why,
			 fd == -EPERM ? DIR_HINT : LINK_HINT);
	else
		snprintf(err, errlen, "cannot open %s: %s", root, why);
	return fd;
}

static void above_root_error(const char *root, int len, int rc, bool create, const char *why, char *err,
			     size_t errlen)
{
	if (rc == -ENOENT && create)
		snprintf(err, errlen, "cannot create %s: %.*s does not exist (apply creates the root, not its parents)",
			 root, len, root);
	else if (rc != -ENOENT)
		snprintf(err, errlen, "%.*s: %s; refusing a root under it (%s)", len, root, why,
			 rc == -EPERM ? DIR_HINT : LINK_HINT);
}

/* Opens ROOT one component at a time from / (or the working directory),
 * each directory above it checked like the root itself. */
static int open_root_path(const char *root, bool create, char *err, size_t errlen)
{
	size_t len = strlen(root);
	char *copy = malloc(len + 1), *comp, *next;
	int dirfd = open(*root == '/' ? "/" : ".", DIR_FLAGS), fd = dirfd;
	const char *why = NULL;
	struct stat st;

	if (!copy || dirfd < 0 || fstat(dirfd, &st) || (why = dir_refusal(&st, true, 0))) {
		snprintf(err, errlen, "cannot open %s: %s", root, why ? why : strerror(errno));
		fd = -EPERM;
		goto out;
	}
	memcpy(copy, root, len + 1);
	for (comp = copy; comp; comp = next) {
		next = strchr(comp, '/');
		if (next)
			*next++ = '\0';
		if (!*comp || !strcmp(comp, "."))
			continue;
		if (!strcmp(comp, "..")) {
			snprintf(err, errlen, "%s: '..' in the root's path; give it without", root);
			fd = -EINVAL;
			break;
		}
		if (next && *next)
			fd = open_checked(dirfd, comp, true, 0, &why);
		else
			fd = open_root_dir(dirfd, root, comp, create, err, errlen);
		if (fd < 0 && next && *next)
			above_root_error(root, (int)(comp - copy + strlen(comp)), fd, create, why, err, errlen);
		close(dirfd);
		dirfd = fd;
		if (fd < 0)
			break;
	}
out:
	if (fd < 0 && dirfd >= 0)
		close(dirfd);
	free(copy);
	return fd;
}

int bpffs_get_pin(const char *path, char *err, size_t errlen)
{
	const char *slash = strrchr(path, '/'), *name = slash ? slash + 1 : NULL;
	char *dir = slash && *name ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : NULL;
	struct stat st;
	int dirfd, fd;

	*err = '\0';
	if (!dir) {
		snprintf(err, errlen, "%s", slash && *name ? strerror(ENOMEM) : "not the path of a pin");
		return slash && *name ? -ENOMEM : -EINVAL;
	}
	dirfd = open_root_path(dir, false, err, errlen);
	free(dir);
	if (dirfd < 0) {
		if (!*err)
			snprintf(err, errlen, "%s", strerror(-dirfd));
		return dirfd;
	}
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW)) {
		fd = -errno;
		snprintf(err, errlen, "%s", strerror(-fd));
	} else if (!S_ISREG(st.st_mode) || st.st_uid != 0) {
		fd = -EPERM;
		snprintf(err, errlen, "%s; only a pin of root's is used (%s)",
			 S_ISLNK(st.st_mode) ? "a symbolic link" : !S_ISREG(st.st_mode) ? "not a pin" :
			 "owned by another user", S_ISLNK(st.st_mode) ? LINK_HINT : DIR_HINT);
	} else if ((fd = obj_at(BPF_OBJ_GET, dirfd, name, -1)) < 0) {
		snprintf(err, errlen, "%s", strerror(-fd));
	}
	close(dirfd);
	return fd;
}

int bpffs_open_root(struct bpffs_root *r, const char *root, bool create, char *err, size_t errlen)
{
	struct stat st;
	int fd, rc = create ? mount_default(root, err, errlen) : 0;

	r->path = NULL;
	r->fd = -1;
	if (rc)
		return rc;
	fd = open_root_path(root, create, err, errlen);
	if (fd < 0)
		return fd;
	if (!fd_on_bpffs(fd) || fstat(fd, &st)) {
		snprintf(err, errlen, "%s is not on a bpffs; mount one there first (mount -t bpf bpf %s)", root, root);
		close(fd);
		return -EINVAL;
	}
	*r = (struct bpffs_root){ .path = root, .fd = fd, .dev = st.st_dev };
	return 0;
}

void bpffs_close_root(struct bpffs_root *r)
{
	if (r->path)
		close(r->fd);
	*r = (struct bpffs_root){ .fd = -1 };
}

int bpffs_lock(const struct bpffs_root *r, bool wait)
{
	return flock(r->fd, LOCK_EX | (wait ? 0 : LOCK_NB)) ? -errno : 0;
}

/* ---- walking to a view's directory ---- */

/* The directories from the root to a view's parent, each opened and checked. */
struct walk {
	char *comps;				/* the view's name, '\0' between components */
	const char *comp[BPFFS_MAX_DEPTH + 1];	/* comp[i]: the name of fd[i] in fd[i - 1] */
	int fd[BPFFS_MAX_DEPTH + 1];		/* fd[0]: the root's, not owned */
	int depth;				/* directories opened below the root */
	const char *last;			/* the view's own entry in fd[depth] */
};

static void walk_close(struct walk *w)
{
	for (int i = 1; i <= w->depth; i++)
		close(w->fd[i]);
	free(w->comps);
	w->comps = NULL;
	w->depth = 0;
}

/* Opens the directories of NAME below the root, creating missing ones with
 * CREATE; a directory that is not root's, not a directory or too deep is an
 * error that names it. */
static int walk_open(const struct bpffs_root *r, const char *name, bool create, struct walk *w, char *err,
		     size_t errlen)
{
	const char *why = NULL;
	char *p, *slash;
	int fd;

	memset(w, 0, sizeof(*w));
	w->fd[0] = r->fd;
	w->comps = strdup(name);
	if (!w->comps) {
		snprintf(err, errlen, "%s/%s: %s", r->path, name, strerror(ENOMEM));
		return -ENOMEM;
	}
	for (p = w->comps; (slash = strchr(p, '/')); p = slash + 1) {
		*slash = '\0';
		if (w->depth == BPFFS_MAX_DEPTH) {
			snprintf(err, errlen, "%s/%s: deeper than %d directories", r->path, name, BPFFS_MAX_DEPTH);
			walk_close(w);
			return -ENAMETOOLONG;
		}
		fd = open_or_create(w->fd[w->depth], p, create, false, r->dev, &why);
		if (fd < 0) {
			snprintf(err, errlen, "%s/%.*s: %s; not used (%s)", r->path, (int)(slash - w->comps), name,
				 why, DIR_HINT);
			walk_close(w);
			return fd;
		}
		w->fd[++w->depth] = fd;
		w->comp[w->depth] = p;
	}
	w->last = p;
	return 0;
}

/* ---- scanning ---- */

static __u32 link_id_of(int fd)
{
	struct bpf_link_info info = { 0 };
	__u32 len = sizeof(info);

	return bpf_obj_get_info_by_fd(fd, &info, &len) ? 0 : info.id;
}

struct scan {
	const struct bpffs_root *r;
	struct pins *pins;
	int err;
};

/* Adds NAME (taken over) as a pin with the attributes of ST. */
static struct pin *add_pin(struct scan *s, char *name, const struct stat *st, const char *what)
{
	struct pins *pins = s->pins;
	struct pin *p;

	if (name && pins->n >= 8 && !(pins->n & (pins->n - 1))) {
		p = realloc(pins->v, 2 * pins->n * sizeof(*pins->v));
		if (p)
			pins->v = p;
		else
			name = (free(name), NULL);
	}
	if (!name) {
		s->err = -ENOMEM;
		return NULL;
	}
	p = &pins->v[pins->n++];
	*p = (struct pin){ .name = name, .kind = PIN_FOREIGN, .what = what, .mode = st->st_mode & 07777,
			   .uid = st->st_uid, .gid = st->st_gid };
	return p;
}

static void classify(struct pin *p, int dirfd, const char *entry)
{
	int fd = obj_at(BPF_OBJ_GET, dirfd, entry, -1);
	const char *kind = fd >= 0 ? bpf_fd_kind(fd) : NULL;

	if (kind && !strcmp(kind, "link") && link_is_iter(fd)) {
		p->kind = has_suffix(p->name, STAGING_SUFFIX) ? PIN_STAGING : PIN_VIEW;
		p->link_id = link_id_of(fd);
	} else {
		p->kind = PIN_FOREIGN;
		p->what = !kind ? "unknown object" : !strcmp(kind, "link") ? "link (not an iterator)" :
			  !strcmp(kind, "prog") ? "program" : "map";
	}
	/* the id, not a descriptor: a root holds thousands of views */
	if (fd >= 0)
		close(fd);
}

static char *join(const char *rel, const char *entry)
{
	char *name;

	return asprintf(&name, "%s%s%s", rel, *rel ? "/" : "", entry) < 0 ? NULL : name;
}

static int by_name(const void *a, const void *b)
{
	return strcoll(*(char *const *)a, *(char *const *)b);
}

/* The entries of the directory D, sorted, in *OUT; names with a dot are
 * the kernel's own (maps.debug, progs.debug; bpffs refuses dots in names). */
static int read_entries(DIR *d, char ***out, int *n)
{
	char **v = NULL, **grown;
	struct dirent *e;
	int cap = 0;

	*n = 0;
	while ((e = readdir(d))) {
		if (strchr(e->d_name, '.'))
			continue;
		if (*n == cap) {
			cap = cap ? 2 * cap : 16;
			grown = realloc(v, cap * sizeof(*v));
			if (!grown)
				goto fail;
			v = grown;
		}
		v[*n] = strdup(e->d_name);
		if (!v[(*n)++])
			goto fail;
	}
	if (*n)
		qsort(v, *n, sizeof(*v), by_name);
	*out = v;
	return 0;
fail:
	while (*n > 0)
		free(v[--*n]);
	free(v);
	*out = NULL;
	return -ENOMEM;
}

static void scan_dir(struct scan *s, int dirfd, const char *rel, int depth);

/* A directory under the root: read if it is root's and not too deep,
 * otherwise reported as foreign and left unread. */
static void scan_subdir(struct scan *s, int dirfd, const char *entry, char *name, const struct stat *st,
			int depth)
{
	const char *why = "directory deeper than " STR(BPFFS_MAX_DEPTH) " levels";
	struct pin *p;
	int fd = -1;

	if (depth < BPFFS_MAX_DEPTH)
		fd = open_checked(dirfd, entry, false, s->r->dev, &why);
	if (fd >= 0) {
		scan_dir(s, fd, name, depth + 1);
		free(name);
		return;
	}
	p = add_pin(s, name, st, why);
	if (p)
		p->is_dir = p->refused = true;
}

static void scan_entry(struct scan *s, int dirfd, const char *rel, const char *entry, int depth)
{
	char *name = join(rel, entry);
	struct stat st;
	struct pin *p;

	if (!name) {
		s->err = -ENOMEM;
		return;
	}
	if (fstatat(dirfd, entry, &st, AT_SYMLINK_NOFOLLOW)) {
		free(name);
	} else if (S_ISDIR(st.st_mode)) {
		scan_subdir(s, dirfd, entry, name, &st, depth);
	} else if (S_ISREG(st.st_mode)) {
		p = add_pin(s, name, &st, NULL);
		if (p)
			classify(p, dirfd, entry);
	} else {
		add_pin(s, name, &st, S_ISLNK(st.st_mode) ? "symbolic link" : "not a bpf object");
	}
}

/* Reads the checked directory DIRFD (taken over), REL below the root. */
static void scan_dir(struct scan *s, int dirfd, const char *rel, int depth)
{
	char **entries = NULL;
	DIR *d = fdopendir(dirfd);
	int n = 0, before = s->pins->n, rc = d ? read_entries(d, &entries, &n) : -errno;
	struct stat st;
	struct pin *p;

	if (rc)
		s->err = rc;
	for (int i = 0; i < n; i++) {
		scan_entry(s, dirfd, rel, entries[i], depth);
		free(entries[i]);
	}
	free(entries);
	/* A directory with nothing in it is not structure for views. */
	if (*rel && s->pins->n == before && !fstat(dirfd, &st)) {
		p = add_pin(s, strdup(rel), &st, "directory");
		if (p)
			p->is_dir = true;
	}
	if (d)
		closedir(d);
	else
		close(dirfd);
}

int bpffs_scan(const struct bpffs_root *r, struct pins *pins)
{
	struct scan s = { .r = r, .pins = pins };
	int fd = openat(r->fd, ".", DIR_FLAGS);

	memset(pins, 0, sizeof(*pins));
	pins->v = malloc(8 * sizeof(*pins->v));
	if (!pins->v || fd < 0) {
		s.err = -errno;
		if (fd >= 0)
			close(fd);
		return s.err;
	}
	scan_dir(&s, fd, "", 0);
	return s.err;
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
	for (int i = 0; i < pins->n; i++)
		free(pins->v[i].name);
	free(pins->v);
	memset(pins, 0, sizeof(*pins));
}

/* ---- changing ---- */

#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452
#endif

/* chmod of NAME in DIRFD, never through a symlink: fchmodat2 (Linux 6.6)
 * refuses one; glibc's fallback changes the inode it opened with O_PATH. */
static int chmod_at(int dirfd, const char *name, mode_t mode)
{
	if (!syscall(SYS_fchmodat2, dirfd, name, mode, AT_SYMLINK_NOFOLLOW))
		return 0;
	if (errno == ENOSYS && !fchmodat(dirfd, name, mode, AT_SYMLINK_NOFOLLOW))
		return 0;
	return -errno;
}

static int set_attrs_at(int dirfd, const char *name, mode_t mode, uid_t uid, gid_t gid)
{
	struct stat st;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW))
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EPERM;
	if (fchownat(dirfd, name, uid, gid, AT_SYMLINK_NOFOLLOW))
		return -errno;
	return chmod_at(dirfd, name, mode);
}

int bpffs_set_attrs(const struct bpffs_root *r, const char *name, mode_t mode, uid_t uid, gid_t gid,
		    char *err, size_t errlen)
{
	struct walk w;
	int rc = walk_open(r, name, false, &w, err, errlen);

	if (rc)
		return rc;
	rc = set_attrs_at(w.fd[w.depth], w.last, mode, uid, gid);
	if (rc)
		snprintf(err, errlen, "cannot set the mode and owner of %s/%s: %s", r->path, name,
			 rc == -EPERM ? "not a pin" : strerror(-rc));
	walk_close(&w);
	return rc;
}

/* A staging pin left by an interrupted apply goes; anything else by that
 * name is not ours and stays. */
static int clear_staging(int dirfd, const char *staging)
{
	struct stat st;

	if (fstatat(dirfd, staging, &st, AT_SYMLINK_NOFOLLOW))
		return errno == ENOENT ? 0 : -errno;
	if (!is_iter_link_at(dirfd, staging))
		return -EEXIST;
	return unlinkat(dirfd, staging, 0) ? -errno : 0;
}

/* Renames STAGING over NAME if NAME is free or a view; never over anything else. */
static int put_in_place(int dirfd, const char *staging, const char *name)
{
	if (!renameat2(dirfd, staging, dirfd, name, RENAME_NOREPLACE))
		return 0;
	if (errno != EEXIST)
		return -errno;
	if (!is_iter_link_at(dirfd, name))
		return -EEXIST;
	return renameat(dirfd, staging, dirfd, name) ? -errno : 0;
}

static int pin_in(int link_fd, int dirfd, const char *name, mode_t mode, uid_t uid, gid_t gid,
		  const char **what)
{
	char staging[NAME_MAX + 1];
	int rc;

	*what = "cannot pin";
	if ((size_t)snprintf(staging, sizeof(staging), "%s%s", name, STAGING_SUFFIX) >= sizeof(staging))
		return -ENAMETOOLONG;
	rc = clear_staging(dirfd, staging);
	if (!rc)
		rc = obj_at(BPF_OBJ_PIN, dirfd, staging, link_fd);
	if (rc)
		return rc == -EEXIST ? -EADDRINUSE : rc;
	*what = "cannot set the mode and owner of";
	rc = set_attrs_at(dirfd, staging, mode, uid, gid);
	if (!rc) {
		*what = "cannot put in place";
		rc = put_in_place(dirfd, staging, name);
	}
	if (rc)
		unlinkat(dirfd, staging, 0);
	return rc;
}

int bpffs_pin(int link_fd, const struct bpffs_root *r, const char *name, mode_t mode, uid_t uid,
	      gid_t gid, char *err, size_t errlen)
{
	const char *what;
	struct walk w;
	int rc = walk_open(r, name, true, &w, err, errlen);

	if (rc)
		return rc;
	rc = pin_in(link_fd, w.fd[w.depth], w.last, mode, uid, gid, &what);
	if (rc == -EADDRINUSE)
		snprintf(err, errlen, "%s %s/%s: %s%s is taken by something bpfviews does not manage; remove it",
			 what, r->path, name, name, STAGING_SUFFIX);
	else if (rc == -EEXIST)
		snprintf(err, errlen, "%s %s/%s: it is taken by something bpfviews does not manage; remove it",
			 what, r->path, name);
	else if (rc)
		snprintf(err, errlen, "%s %s/%s: %s", what, r->path, name, strerror(-rc));
	walk_close(&w);
	return rc;
}

int bpffs_unpin(const struct bpffs_root *r, const char *name, char *err, size_t errlen)
{
	struct walk w;
	struct stat st;
	int rc = walk_open(r, name, false, &w, err, errlen);

	if (rc)
		return rc;
	if (fstatat(w.fd[w.depth], w.last, &st, AT_SYMLINK_NOFOLLOW))
		rc = -errno;
	else if (!S_ISREG(st.st_mode))
		rc = -EPERM;
	else if (unlinkat(w.fd[w.depth], w.last, 0))
		rc = -errno;
	if (rc)
		snprintf(err, errlen, "cannot remove %s/%s: %s", r->path, name,
			 rc == -EPERM ? "not a pin" : strerror(-rc));
	for (int i = w.depth; !rc && i > 0; i--)
		if (unlinkat(w.fd[i - 1], w.comp[i], AT_REMOVEDIR))
			break;
	walk_close(&w);
	return rc;
}

const char *bpffs_dir_refusal(const struct stat *st)
{
	return dir_refusal(st, true, 0);
}
