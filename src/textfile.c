#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bpffs.h"
#include "log.h"
#include "textfile.h"
#include "text.h"

#define DIR_FLAGS (O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
/* The link is made under this name beside it, then renamed into place; the
 * textfile collector reads only *.prom names, so it never sees it. */
#define TEMP_PREFIX "."
#define TEMP_SUFFIX "~bpfviews"
#define NAME_ROOM (NAME_MAX - (sizeof(TEMP_PREFIX TEMP_SUFFIX) - 1))

bool textfile_path_ok(const char *path)
{
	size_t len = strlen(path), sfx = strlen(TEXTFILE_SUFFIX);
	const char *p = path, *end, *base = strrchr(path, '/');

	if (*path != '/' || len >= PATH_MAX || len <= sfx || strcmp(path + len - sfx, TEXTFILE_SUFFIX))
		return false;
	if (strlen(base + 1) <= sfx || strlen(base + 1) > NAME_ROOM)
		return false;
	for (p = path + 1; *p; p = *end ? end + 1 : end) {
		end = strchrnul(p, '/');
		if (end == p || (end - p == 1 && *p == '.') || (end - p == 2 && !strncmp(p, "..", 2)))
			return false;
	}
	return p[-1] != '/';
}

char *textfile_root(const char *root)
{
	size_t len = strlen(root);
	char *out = malloc(len + 2), *o = out;
	const char *p, *end;

	if (!out)
		return NULL;
	if (*root != '/') {
		free(out);
		errno = EINVAL;
		return NULL;
	}
	for (p = root; *p; p = end) {
		while (*p == '/')
			p++;
		end = strchrnul(p, '/');
		if (end == p || (end - p == 1 && *p == '.'))
			continue;
		*o++ = '/';
		memcpy(o, p, end - p);
		o += end - p;
	}
	if (o == out)
		*o++ = '/';
	*o = '\0';
	return out;
}

const char *link_state_name(enum link_state state)
{
	static const char *const names[] = {
		[LINK_IN_SYNC] = "in-sync", [LINK_MISSING] = "missing", [LINK_STALE] = "changed",
		[LINK_TAKEN] = "taken", [LINK_UNUSABLE] = "refused",
	};

	return names[state];
}

/* ---- the directory of a link ---- */

/* Opens the first LEN bytes of DIR, a component at a time from /, following
 * no symlink. The directories above may be someone else's (Debian's
 * /var/lib/prometheus is prometheus's): the last one is what is written in,
 * and it must be root's and not writable by group or others unless sticky. */
static int open_dir(const char *dir, size_t len, char *err, size_t errlen)
{
	char comp[NAME_MAX + 1];
	const char *p = dir, *end = dir + len, *slash, *why;
	struct stat st;
	int fd = open("/", DIR_FLAGS), next;

	while (fd >= 0 && p < end) {
		while (p < end && *p == '/')
			p++;
		slash = memchr(p, '/', end - p);
		slash = slash ? slash : end;
		if (slash == p)
			break;
		if ((size_t)(slash - p) > NAME_MAX) {
			close(fd);
			snprintf(err, errlen, "%.*s: name too long", (int)(slash - dir), dir);
			return -ENAMETOOLONG;
		}
		memcpy(comp, p, slash - p);
		comp[slash - p] = '\0';
		next = openat(fd, comp, DIR_FLAGS);
		if (next < 0) {
			int e = errno;

			if (!fstatat(fd, comp, &st, AT_SYMLINK_NOFOLLOW) && S_ISLNK(st.st_mode))
				e = ELOOP;
			close(fd);
			snprintf(err, errlen, "textfile directory %.*s: %s", (int)(slash - dir), dir,
				 e == ELOOP ? "a symbolic link; give the path without (readlink -f)" :
				 e == ENOENT ? "does not exist (apply does not create it)" : strerror(e));
			return -e;
		}
		close(fd);
		fd = next;
		p = slash;
	}
	if (fd < 0) {
		int e = errno;

		snprintf(err, errlen, "cannot open /: %s", strerror(e));
		return -e;
	}
	if (fstat(fd, &st))
		why = strerror(errno);
	else
		why = bpffs_dir_refusal(&st);
	if (why) {
		snprintf(err, errlen, "textfile directory %.*s: %s; links are made only in a directory that "
			 "is root's and not writable by others (chown root:root, chmod go-w)", (int)len ? (int)len : 1,
			 len ? dir : "/", why);
		close(fd);
		return -EPERM;
	}
	return fd;
}

static int open_dir_of(const char *path, const char **base, char *err, size_t errlen)
{
	*base = strrchr(path, '/') + 1;
	return open_dir(path, *base - 1 - path, err, errlen);
}

/* ---- one link ---- */

/* The view ROOT/VIEW a symlink's target TARGET names when it is one of
 * bpfviews's links into ROOT; NULL otherwise. */
static const char *view_of(const char *target, const char *root)
{
	size_t len = strlen(root);
	char err[64];

	if (len == 1)
		len = 0;
	if (strncmp(target, root, len) || target[len] != '/')
		return NULL;
	return view_name_check(target + len + 1, err, sizeof(err)) ? NULL : target + len + 1;
}

/* The state of NAME in DIRFD; TARGET (PATH_MAX bytes) gets a link's target. */
static enum link_state state_at(int dirfd, const char *name, const char *root, const char *view,
				char *target)
{
	const char *linked;
	struct stat st;
	ssize_t n;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW))
		return errno == ENOENT ? LINK_MISSING : LINK_UNUSABLE;
	/* a link someone else made (a sticky directory lets them) is theirs */
	if (!S_ISLNK(st.st_mode) || st.st_uid != 0)
		return LINK_TAKEN;
	n = readlinkat(dirfd, name, target, PATH_MAX - 1);
	if (n < 0)
		return LINK_UNUSABLE;
	target[n] = '\0';
	linked = view_of(target, root);
	if (!linked)
		return LINK_TAKEN;
	return view && !strcmp(linked, view) ? LINK_IN_SYNC : LINK_STALE;
}

enum link_state textfile_state(const char *path, const char *root, const char *view, char *err,
			       size_t errlen)
{
	char target[PATH_MAX];
	enum link_state state;
	const char *base;
	int fd = open_dir_of(path, &base, err, errlen);

	if (fd < 0)
		return LINK_UNUSABLE;
	state = state_at(fd, base, root, view, target);
	if (state == LINK_TAKEN)
		snprintf(err, errlen, "%s is not a link bpfviews made; remove it or name another textfile", path);
	else if (state == LINK_UNUSABLE)
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
	close(fd);
	return state;
}

/* A temporary link an interrupted apply left is bpfviews's and goes;
 * anything else by that name stays. */
static int clear_temp(int dirfd, const char *temp, const char *root)
{
	char target[PATH_MAX];
	enum link_state state = state_at(dirfd, temp, root, NULL, target);

	if (state == LINK_MISSING)
		return 0;
	if (state != LINK_STALE)
		return -EEXIST;
	return unlinkat(dirfd, temp, 0) ? -errno : 0;
}

static int link_in(int dirfd, const char *base, const char *root, const char *view, const char **what)
{
	char temp[NAME_MAX + 1], target[PATH_MAX];
	enum link_state state = state_at(dirfd, base, root, view, target);
	int rc;

	*what = "cannot link";
	if (state == LINK_IN_SYNC)
		return 0;
	if (state == LINK_TAKEN)
		return -EEXIST;
	if (state == LINK_UNUSABLE)
		return -errno;
	snprintf(temp, sizeof(temp), TEMP_PREFIX "%s" TEMP_SUFFIX, base);
	snprintf(target, sizeof(target), "%s/%s", strcmp(root, "/") ? root : "", view);
	rc = clear_temp(dirfd, temp, root);
	if (rc) {
		*what = "cannot make the temporary link for";
		return rc == -EEXIST ? -EADDRINUSE : rc;
	}
	if (symlinkat(target, dirfd, temp))
		return -errno;
	if (state == LINK_MISSING)
		rc = renameat2(dirfd, temp, dirfd, base, RENAME_NOREPLACE) ? -errno : 0;
	else
		rc = renameat(dirfd, temp, dirfd, base) ? -errno : 0;
	if (rc)
		unlinkat(dirfd, temp, 0);
	return rc;
}

int textfile_link(const char *path, const char *root, const char *view, char *err, size_t errlen)
{
	const char *base, *what;
	int fd = open_dir_of(path, &base, err, errlen), rc;

	if (fd < 0)
		return fd;
	rc = link_in(fd, base, root, view, &what);
	if (rc == -EEXIST)
		snprintf(err, errlen, "%s is not a link bpfviews made; remove it or name another textfile", path);
	else if (rc == -EADDRINUSE)
		snprintf(err, errlen, "%s %s: %.*s" TEMP_PREFIX "%s" TEMP_SUFFIX " is not bpfviews's; remove it",
			 what, path, (int)(base - path), path, base);
	else if (rc)
		snprintf(err, errlen, "%s %s: %s", what, path, strerror(-rc));
	close(fd);
	return rc;
}

int textfile_unlink(const char *path, const char *root, const char *view, char *err, size_t errlen)
{
	char target[PATH_MAX];
	enum link_state state;
	const char *base;
	int fd = open_dir_of(path, &base, err, errlen), rc = 0;

	if (fd < 0)
		return fd == -ENOENT ? 0 : fd;
	state = state_at(fd, base, root, view, target);
	if ((state == LINK_IN_SYNC || (state == LINK_STALE && !view)) && unlinkat(fd, base, 0))
		rc = -errno;
	if (rc)
		snprintf(err, errlen, "cannot remove %s: %s", path, strerror(-rc));
	close(fd);
	return rc;
}

/* ---- a directory's links ---- */

int textfile_scan(const char *dir, size_t len, const char *root, textfile_fn fn, void *arg, char *err,
		  size_t errlen)
{
	char target[PATH_MAX], path[PATH_MAX];
	int fd = open_dir(dir, len, err, errlen);
	struct dirent *e;
	DIR *d;

	if (fd < 0)
		return fd;
	d = fdopendir(fd);
	if (!d) {
		int rc = -errno;

		snprintf(err, errlen, "cannot read %.*s: %s", (int)len, dir, strerror(-rc));
		close(fd);
		return rc;
	}
	while ((e = readdir(d))) {
		if (!has_suffix(e->d_name, TEXTFILE_SUFFIX) || state_at(fd, e->d_name, root, NULL, target) != LINK_STALE)
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%.*s/%s", (int)len, dir, e->d_name) < sizeof(path))
			fn(arg, path, view_of(target, root));
	}
	closedir(d);
	return 0;
}

/* ---- who can read through the link ---- */

const char *textfile_unreachable(const char *root, const char *view, unsigned mode, char *buf,
				 size_t len)
{
	char dir[PATH_MAX];
	struct stat st;
	size_t n = strlen(root);

	if (!(mode & S_IROTH)) {
		snprintf(buf, len, "the view is mode %04o: a reader that is not root (node_exporter) cannot "
			 "read it; set mode = 0444", mode);
		return buf;
	}
	if (n >= sizeof(dir))
		return NULL;
	memcpy(dir, root, n + 1);
	/* the root and each directory above it; bpfviews makes those below 0755 */
	for (char *slash = dir + n; slash; slash = strrchr(dir, '/')) {
		*slash = '\0';
		if (!stat(*dir ? dir : "/", &st) && !(st.st_mode & S_IXOTH)) {
			snprintf(buf, len, "%s is mode %04o: a reader that is not root (node_exporter) cannot "
				 "reach %s/%s through the link; see \"Sharing views\" in bpfviews(8)",
				 *dir ? dir : "/", st.st_mode & 07777, root, view);
			return buf;
		}
		if (slash == dir)
			break;
	}
	return NULL;
}

/* ---- the manifest's links ---- */

/* Debian's textfile directory is read as well: after the last `textfile =`
 * naming it goes, apply still finds the links it made there. */
#define DEBIAN_TEXTFILE_DIR "/var/lib/prometheus/node-exporter"

static size_t dir_len(const char *path)
{
	return strrchr(path, '/') - path;
}

static bool same_dir(const char *a, const char *b)
{
	return a && dir_len(a) == dir_len(b) && !strncmp(a, b, dir_len(b));
}

/* FN for each of bpfviews's links in the textfile directories M names
 * (each once) and in Debian's. */
static void scan_dirs(const struct manifest *m, const char *root, textfile_fn fn, void *arg)
{
	const char *debian = DEBIAN_TEXTFILE_DIR "/x";
	bool debian_seen = false;
	char err[512];

	for (int i = 0; i < m->nviews; i++) {
		const char *t = m->views[i].textfile;
		bool seen = false;

		if (!t)
			continue;
		for (int j = 0; j < i && !seen; j++)
			seen = same_dir(m->views[j].textfile, t);
		debian_seen |= same_dir(debian, t);
		if (!seen)
			textfile_scan(t, dir_len(t), root, fn, arg, err, sizeof(err));
	}
	if (!debian_seen)
		textfile_scan(debian, dir_len(debian), root, fn, arg, err, sizeof(err));
}

static int view_wanting(const struct manifest *m, const char *path)
{
	for (int i = 0; i < m->nviews; i++)
		if (m->views[i].textfile && !strcmp(m->views[i].textfile, path))
			return i;
	return -1;
}

/* Whether the link PATH to VIEW is in the command's scope and no pinned
 * view wants it: then it goes (a link to no view is of no use to anyone). */
static bool unwanted(const struct manifest *m, const struct textfile_scope *sc, const char *path,
		     const char *view)
{
	int k = view_wanting(m, path);
	const struct view_conf *v;

	if (k >= 0)
		return sc->selected[k] && !sc->pinned[k];
	if (sc->all)
		return true;
	v = manifest_find(m, view);
	return v && sc->selected[v - m->views];
}

#define RELATIVE_ROOT "links need an absolute root (-r)"

/* Another view before view I that wants the same link, or NULL. */
static const struct view_conf *taken_by(const struct manifest *m, int i)
{
	int k = view_wanting(m, m->views[i].textfile);

	return k < i ? &m->views[k] : NULL;
}

struct apply_links {
	const struct manifest *m;
	const char *root;
	const struct textfile_scope *sc;
	bool dry_run;
	int failed;
};

static void link_view(struct apply_links *a, int i)
{
	const struct view_conf *v = &a->m->views[i], *other = taken_by(a->m, i);
	char err[PATH_MAX + 256], why[PATH_MAX + 256];
	enum link_state state;

	if (other) {
		pr_err("%s:%d: [%s] textfile %s is [%s]'s as well; not linked", v->file, v->line, v->name,
		       v->textfile, other->name);
		a->failed++;
		return;
	}
	if (textfile_unreachable(a->root, v->name, v->mode, why, sizeof(why)))
		pr_warn("[%s] textfile %s: %s", v->name, v->textfile, why);
	state = textfile_state(v->textfile, a->root, v->name, err, sizeof(err));
	if (state == LINK_IN_SYNC) {
		pr_info("%s: link %s in sync", v->name, v->textfile);
	} else if (state == LINK_TAKEN || state == LINK_UNUSABLE) {
		pr_err("[%s] %s", v->name, err);
		a->failed++;
	} else if (a->dry_run) {
		printf("link %s to %s\n", v->textfile, v->name);
	} else if (textfile_link(v->textfile, a->root, v->name, err, sizeof(err))) {
		pr_err("[%s] %s", v->name, err);
		a->failed++;
	} else {
		printf("linked %s to %s\n", v->textfile, v->name);
	}
}

static void unlink_unwanted(void *arg, const char *path, const char *view)
{
	struct apply_links *a = arg;
	char err[PATH_MAX + 64];

	if (!unwanted(a->m, a->sc, path, view))
		return;
	if (a->dry_run) {
		printf("remove link %s\n", path);
	} else if (textfile_unlink(path, a->root, NULL, err, sizeof(err))) {
		pr_err("%s", err);
		a->failed++;
	} else {
		printf("removed link %s\n", path);
	}
}

int textfiles_apply(const struct manifest *m, const char *root, const struct textfile_scope *sc,
		    bool dry_run)
{
	struct apply_links a = { .m = m, .sc = sc, .dry_run = dry_run };
	char *r = textfile_root(root);

	a.root = r;
	for (int i = 0; i < m->nviews; i++) {
		const struct view_conf *v = &m->views[i];

		if (!v->textfile || !sc->pinned[i])
			continue;
		if (r) {
			link_view(&a, i);
		} else {
			pr_err("%s:%d: [%s] not linked to %s: " RELATIVE_ROOT, v->file, v->line, v->name, v->textfile);
			a.failed++;
		}
	}
	if (!r)
		return a.failed;
	scan_dirs(m, r, unlink_unwanted, &a);
	free(r);
	return a.failed;
}

struct status_links {
	const struct manifest *m;
	const struct textfile_scope *sc;
	textfile_status_fn fn;
	void *arg;
};

static void unwanted_status(void *arg, const char *path, const char *view)
{
	struct status_links *st = arg;
	char detail[PATH_MAX + 16];

	snprintf(detail, sizeof(detail), "link to %s", view);
	if (unwanted(st->m, st->sc, path, view) && view_wanting(st->m, path) < 0)
		st->fn(st->arg, -1, path, LINK_STALE, detail);
}

/* The state of view V's link under R (NULL: a relative root), and what a
 * reader should know of it in DETAIL. */
static enum link_state view_link_state(const struct view_conf *v, const char *r, char *detail, size_t len)
{
	enum link_state state;

	*detail = '\0';
	if (!r) {
		snprintf(detail, len, RELATIVE_ROOT);
		return LINK_UNUSABLE;
	}
	state = textfile_state(v->textfile, r, v->name, detail, len);
	if (state != LINK_TAKEN && state != LINK_UNUSABLE)
		textfile_unreachable(r, v->name, v->mode, detail, len);
	return state;
}

void textfiles_status(const struct manifest *m, const char *root, const struct textfile_scope *sc,
		      textfile_status_fn fn, void *arg)
{
	struct status_links st = { .m = m, .sc = sc, .fn = fn, .arg = arg };
	char detail[PATH_MAX + 256];
	enum link_state state;
	char *r = textfile_root(root);

	for (int i = 0; i < m->nviews; i++) {
		const struct view_conf *v = &m->views[i];

		if (!v->textfile || !sc->selected[i])
			continue;
		state = view_link_state(v, r, detail, sizeof(detail));
		fn(arg, i, v->textfile, state, detail);
	}
	if (r)
		scan_dirs(m, r, unwanted_status, &st);
	free(r);
}

struct remove_links {
	const char *root;
	const char *view;
	int failed;
};

static void unlink_view(void *arg, const char *path, const char *view)
{
	struct remove_links *rl = arg;
	char err[PATH_MAX + 64];

	if (strcmp(view, rl->view))
		return;
	if (textfile_unlink(path, rl->root, view, err, sizeof(err))) {
		pr_err("%s", err);
		rl->failed++;
	} else {
		printf("removed link %s\n", path);
	}
}

int textfiles_remove_view(const struct manifest *m, const char *root, const char *view)
{
	struct remove_links rl = { .view = view };
	char *r = textfile_root(root);

	if (!r)
		return 0;
	rl.root = r;
	scan_dirs(m, r, unlink_view, &rl);
	free(r);
	return rl.failed;
}
