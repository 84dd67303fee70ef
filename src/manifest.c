#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <stdint.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/bpf.h>

#include "log.h"
#include "manifest.h"
#include "params.h"
#include "paths.h"
#include "textfile.h"
#include "trust.h"
#include "text.h"


static const char *const default_dirs[] = {
	LIBDIR "/bpfviews/conf.d",
	"/run/bpfviews/conf.d",
	SYSCONFDIR "/bpfviews/conf.d",
};

static const char *const own_keys[] = {
	"program", "object", "mode", "owner", "group", "expose_addresses",
	"pid", "tid", "cgroup", "order", "map", "textfile",
};

/* Walk orders of the cgroup iterator, indexed by enum bpf_cgroup_iter_order. */
static const char *const cgroup_orders[] = {
	[BPF_CGROUP_ITER_SELF_ONLY] = "self",
	[BPF_CGROUP_ITER_DESCENDANTS_PRE] = "descendants-pre",
	[BPF_CGROUP_ITER_DESCENDANTS_POST] = "descendants-post",
	[BPF_CGROUP_ITER_ANCESTORS_UP] = "ancestors-up",
};

#define DEFAULT_MODE 0400

bool manifest_key_is_own(const char *key)
{
	for (size_t i = 0; i < sizeof(own_keys) / sizeof(own_keys[0]); i++)
		if (!strcmp(key, own_keys[i]))
			return true;
	return false;
}

const char *manifest_param_key(const char *name, char *buf, size_t len)
{
	if (!manifest_key_is_own(name))
		return name;
	snprintf(buf, len, "%s%s", PARAMS_GLOBAL_PREFIX, name);
	return buf;
}

int view_name_check(const char *name, char *err, size_t errlen)
{
	const char *part = name;

	if (!*name) {
		snprintf(err, errlen, "empty view name");
		return -EINVAL;
	}
	if (strlen(name) > VIEW_NAME_MAX) {
		snprintf(err, errlen, "view name '%.40s...' is %zu characters long; at most %d",
			 name, strlen(name), VIEW_NAME_MAX);
		return -EINVAL;
	}
	for (const char *p = name;; p++) {
		if (*p == '/' || !*p) {
			if (p == part) {
				snprintf(err, errlen, "view name '%s' has an empty path component", name);
				return -EINVAL;
			}
			if (p - part > VIEW_PART_MAX) {
				snprintf(err, errlen,
					 "view name '%.40s...' has a component of %zu characters; at most %d",
					 name, (size_t)(p - part), VIEW_PART_MAX);
				return -EINVAL;
			}
			if (!*p)
				return 0;
			part = p + 1;
		} else if (!isalnum((unsigned char)*p) && *p != '_' && *p != '-') {
			snprintf(err, errlen,
				 "view name '%s' has '%c'; use letters, digits, '_', '-' and '/' (bpffs refuses dots)",
				 name, *p);
			return -EINVAL;
		}
	}
}

/* ---- which files: drop-in directories, overrides and masks ---- */

struct conf_file {
	char *key;	/* basename for drop-ins, full path for explicit files */
	char *path;	/* NULL when masked */
};

struct file_set {
	struct conf_file *v;
	int n;
	int errors;
};

static int file_set_put(struct file_set *s, const char *key, const char *path)
{
	struct conf_file *v, *f = NULL;
	char *copy = NULL;

	if (path && !(copy = strdup(path)))
		return -ENOMEM;
	for (int i = 0; i < s->n && !f; i++)
		if (!strcmp(s->v[i].key, key))
			f = &s->v[i];
	if (!f) {
		v = realloc(s->v, (s->n + 1) * sizeof(*s->v));
		if (!v || !(v[s->n].key = strdup(key))) {
			s->v = v ? v : s->v;
			free(copy);
			return -ENOMEM;
		}
		s->v = v;
		f = &s->v[s->n++];
		f->path = NULL;
	}
	free(f->path);
	f->path = copy;
	return 0;
}

static bool is_mask(const char *path)
{
	char target[PATH_MAX];

	return realpath(path, target) && !strcmp(target, "/dev/null");
}

/* A descriptor of DIR if it is root's alone; else reported, and -1. */
static int open_dir(struct file_set *s, const char *dir, bool must_exist)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	char err[512];
	struct stat st;

	if (fd < 0 && !must_exist && errno == ENOENT)
		return -1;
	if (fd < 0 || fstat(fd, &st))
		snprintf(err, sizeof(err), "%s: %s", dir, strerror(errno));
	else if (!trust_check_stat(&st, dir, err, sizeof(err)))
		return fd;
	pr_err("%s", err);
	s->errors++;
	if (fd >= 0)
		close(fd);
	return -1;
}

static void add_dir(struct file_set *s, const char *dir, bool must_exist)
{
	struct dirent **ents;
	int fd = open_dir(s, dir, must_exist), n;

	if (fd < 0)
		return;
	n = scandirat(fd, ".", &ents, NULL, alphasort);
	close(fd);
	if (n < 0) {
		pr_err("%s: %s", dir, strerror(errno));
		s->errors++;
	}
	for (int i = 0; i < n; i++) {
		char path[PATH_MAX];

		if (has_suffix(ents[i]->d_name, ".conf")) {
			snprintf(path, sizeof(path), "%s/%s", dir, ents[i]->d_name);
			if (file_set_put(s, ents[i]->d_name, is_mask(path) ? NULL : path))
				s->errors++;
		}
		free(ents[i]);
	}
	if (n >= 0)
		free(ents);
}

static int by_basename(const void *a, const void *b)
{
	const struct conf_file *x = a, *y = b;
	const char *bx = strrchr(x->key, '/'), *by = strrchr(y->key, '/');

	int c = strcmp(bx ? bx + 1 : x->key, by ? by + 1 : y->key);

	return c ? c : strcmp(x->key, y->key);
}

static void collect_files(struct file_set *s, char *const *sources, int nsources)
{
	struct stat st;

	if (!nsources) {
		for (size_t i = 0; i < sizeof(default_dirs) / sizeof(default_dirs[0]); i++)
			add_dir(s, default_dirs[i], false);
	}
	for (int i = 0; i < nsources; i++) {
		if (stat(sources[i], &st)) {
			pr_err("%s: %s", sources[i], strerror(errno));
			s->errors++;
		} else if (S_ISDIR(st.st_mode)) {
			add_dir(s, sources[i], true);
		} else if (file_set_put(s, sources[i], is_mask(sources[i]) ? NULL : sources[i])) {
			s->errors++;
		}
	}
	if (s->n)	/* qsort's array is nonnull even for no items */
		qsort(s->v, s->n, sizeof(*s->v), by_basename);
}

/* ---- parsing: whole lines of a file read whole ---- */

struct parse_state {
	struct manifest *m;
	const char *file;
	int line;
	struct view_conf *view;	/* of the current section; NULL before any */
	bool bad_header;	/* the current header could not be read */
	int errors;
};

#define parse_error(ps, line, fmt, ...)						\
	do {									\
		pr_err("%s:%d: " fmt, (ps)->file, (line), ##__VA_ARGS__);	\
		(ps)->errors++;							\
	} while (0)

/* "[view] " for the section being read, to name it in an error. */
#define IN_VIEW(ps) (ps)->view ? "[" : "", (ps)->view ? (ps)->view->name : "", (ps)->view ? "] " : ""

static int view_new(struct parse_state *ps, const char *name)
{
	struct manifest *m = ps->m;
	const struct view_conf *old = manifest_find(m, name);
	struct view_conf *views, *v;
	char err[256];

	if (old)
		parse_error(ps, ps->line, "view '%s' is already defined at %s:%d",
			    name, old->file, old->line);
	else if (view_name_check(name, err, sizeof(err)))
		parse_error(ps, ps->line, "%s", err);
	views = realloc(m->views, (m->nviews + 1) * sizeof(*m->views));
	if (!views)
		return -ENOMEM;
	m->views = views;
	v = &m->views[m->nviews];
	memset(v, 0, sizeof(*v));
	v->name = strdup(name);
	if (!v->name)
		return -ENOMEM;
	m->nviews++;
	v->file = ps->file;
	v->line = ps->line;
	v->mode = DEFAULT_MODE;
	ps->view = v;
	return 0;
}

/* A program global may be written "global.NAME"; it is the same key as
 * "NAME" unless NAME is one of the tool's own keys. */
static const char *param_of(const char *key)
{
	if (!strncmp(key, PARAMS_GLOBAL_PREFIX, strlen(PARAMS_GLOBAL_PREFIX)))
		return key + strlen(PARAMS_GLOBAL_PREFIX);
	return manifest_key_is_own(key) ? NULL : key;
}

static bool same_key(const char *a, const char *b)
{
	const char *pa = param_of(a), *pb = param_of(b);

	return pa && pb ? !strcmp(pa, pb) : !strcmp(a, b);
}

static int key_new(struct parse_state *ps, const char *key, const char *value)
{
	struct view_conf *v = ps->view;
	struct manifest_key *keys;
	char *k, *val;

	if (!v) {
		if (!ps->bad_header)
			parse_error(ps, ps->line, "'%s' is outside any [view] section", key);
		return 0;
	}
	for (int i = 0; i < v->nkeys; i++) {
		if (same_key(v->keys[i].key, key)) {
			parse_error(ps, ps->line, "[%s] '%s' is already set at line %d",
				    v->name, key, v->keys[i].line);
			return 0;
		}
	}
	keys = realloc(v->keys, (v->nkeys + 1) * sizeof(*v->keys));
	if (!keys)
		return -ENOMEM;
	v->keys = keys;
	k = strdup(key);
	val = strdup(value);
	if (!k || !val) {
		free(k);
		free(val);
		return -ENOMEM;
	}
	v->keys[v->nkeys++] = (struct manifest_key){ k, val, ps->line };
	return 0;
}

static char *skip_space(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	return s;
}

static char *trim_end(char *s)
{
	char *end = s + strlen(s);

	while (end > s && isspace((unsigned char)end[-1]))
		end--;
	*end = '\0';
	return s;
}

/* The first of CHARS in S, or the ';' of an inline comment (one that follows
 * a space or a tab), or the end of S. */
static char *find_or_comment(char *s, const char *chars)
{
	bool after_space = false;

	for (; *s; s++) {
		if (strchr(chars, *s) || (*s == ';' && after_space))
			break;
		after_space = *s == ' ' || *s == '\t';
	}
	return s;
}

static int parse_line(struct parse_state *ps, char *line)
{
	char *s = skip_space(trim_end(line)), *end, *value;

	if (!*s || *s == ';' || *s == '#')
		return 0;
	if (*s == '[') {
		end = find_or_comment(s + 1, "]");
		ps->view = NULL;
		ps->bad_header = *end != ']';
		if (ps->bad_header) {
			parse_error(ps, ps->line, "syntax error: '[' without ']'");
			return 0;
		}
		*end = '\0';
		return view_new(ps, s + 1);
	}
	end = find_or_comment(s, "=:");
	if ((*end != '=' && *end != ':') || end == s) {
		parse_error(ps, ps->line, "%s%s%ssyntax error (expected [view] or key = value)", IN_VIEW(ps));
		return 0;
	}
	value = skip_space(end + 1);
	*find_or_comment(value, "") = '\0';
	*end = '\0';
	return key_new(ps, trim_end(s), trim_end(value));
}

static int parse_text(struct parse_state *ps, char *text, size_t len)
{
	char *p = text, *end = text + len, *eol;
	int rc = 0;

	if (len >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3))
		p += 3;
	for (; !rc && p < end; p = eol + 1) {
		eol = memchr(p, '\n', end - p);
		if (!eol)
			eol = end;	/* the buffer has a byte to spare after the text */
		*eol = '\0';
		ps->line++;
		if (strlen(p) != (size_t)(eol - p))
			parse_error(ps, ps->line, "%s%s%sNUL byte in the line", IN_VIEW(ps));
		else if (eol - p > MANIFEST_MAX_LINE)
			parse_error(ps, ps->line, "%s%s%sline is longer than %d characters",
				    IN_VIEW(ps), MANIFEST_MAX_LINE);
		else
			rc = parse_line(ps, p);
	}
	return rc;
}

/* Reads PATH whole, checked as files that decide what runs in the kernel. */
static int read_whole(const char *path, char **text, size_t *len)
{
	char err[512];
	int rc = trust_read(path, MANIFEST_MAX_SIZE, (void **)text, len, err, sizeof(err));

	if (rc)
		pr_err("%s", err);
	return rc;
}

/* ---- the tool's own keys ---- */

static int parse_u32(const char *s, __u32 *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end || v > UINT32_MAX || *s == '-')
		return -EINVAL;
	*out = v;
	return 0;
}

static int parse_mode(const char *s, mode_t *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 8);
	if (errno || end == s || *end || v > 0777 || *s == '-')
		return -EINVAL;
	*out = v;
	return 0;
}

/* (uid_t)-1 is chown's "leave it", never an owner. */
#define ID_MAX (UINT32_MAX - 1)

static int parse_id(const char *s, __u32 *out)
{
	return parse_u32(s, out) || *out > ID_MAX ? -EINVAL : 0;
}

static int parse_user(const char *s, uid_t *out)
{
	struct passwd *pw;
	__u32 id;

	if (!parse_id(s, &id)) {
		*out = id;
		return 0;
	}
	pw = getpwnam(s);
	if (!pw || pw->pw_uid > ID_MAX)
		return -ENOENT;
	*out = pw->pw_uid;
	return 0;
}

static int parse_group(const char *s, gid_t *out)
{
	struct group *gr;
	__u32 id;

	if (!parse_id(s, &id)) {
		*out = id;
		return 0;
	}
	gr = getgrnam(s);
	if (!gr || gr->gr_gid > ID_MAX)
		return -ENOENT;
	*out = gr->gr_gid;
	return 0;
}

static int parse_yes_no(const char *s, bool *out)
{
	if (!strcasecmp(s, "yes") || !strcasecmp(s, "true") || !strcmp(s, "1"))
		*out = true;
	else if (!strcasecmp(s, "no") || !strcasecmp(s, "false") || !strcmp(s, "0"))
		*out = false;
	else
		return -EINVAL;
	return 0;
}

static int parse_order(const char *s, __u32 *out)
{
	for (__u32 i = 1; i < sizeof(cgroup_orders) / sizeof(cgroup_orders[0]); i++) {
		if (!strcmp(s, cgroup_orders[i])) {
			*out = i;
			return 0;
		}
	}
	return -EINVAL;
}

static bool is_cgroup_ref(const char *s)
{
	__u32 id;

	return s[0] == '/' || (!parse_u32(s, &id) && id);
}

static void own_key(struct parse_state *ps, struct view_conf *v, const struct manifest_key *k)
{
	const char *val = k->value;
	const char *what = NULL;

	if (!strcmp(k->key, "program"))
		v->program = val;
	else if (!strcmp(k->key, "object") && (v->object = val)[0] != '/' && *val)
		what = "an absolute path";
	else if (!strcmp(k->key, "mode") && parse_mode(val, &v->mode))
		what = "an octal file mode up to 0777, like 0440";
	else if (!strcmp(k->key, "owner") && parse_user(val, &v->uid))
		what = "a user name or uid (0 to 4294967294)";
	else if (!strcmp(k->key, "group") && parse_group(val, &v->gid))
		what = "a group name or gid (0 to 4294967294)";
	else if (!strcmp(k->key, "pid") && (parse_u32(val, &v->pid) || !v->pid))
		what = "a process id";
	else if (!strcmp(k->key, "tid") && (parse_u32(val, &v->tid) || !v->tid))
		what = "a thread id";
	else if (!strcmp(k->key, "expose_addresses") && parse_yes_no(val, &v->expose_addresses))
		what = "yes or no";
	else if (!strcmp(k->key, "cgroup") && !is_cgroup_ref((v->cgroup = val)))
		what = "a cgroup: an absolute path under /sys/fs/cgroup or a cgroup id";
	else if (!strcmp(k->key, "order") && parse_order(val, &v->order))
		what = "a walk order: self, descendants-pre, descendants-post or ancestors-up";
	else if (!strcmp(k->key, "map") && (v->map = val)[0] != '/')
		what = "the absolute path of a pinned map";
	else if (!strcmp(k->key, "textfile") && !textfile_path_ok((v->textfile = val)))
		what = "an absolute path of a file named NAME.prom, without '.' or '..' components";
	if (what)
		parse_error(ps, k->line, "[%s] %s = '%s' is not %s", v->name, k->key, val, what);
	if (!*val && (!strcmp(k->key, "program") || !strcmp(k->key, "object")))
		parse_error(ps, k->line, "[%s] %s is empty", v->name, k->key);
}

static void validate_view(struct parse_state *ps, struct view_conf *v)
{
	for (int i = 0; i < v->nkeys; i++)
		if (manifest_key_is_own(v->keys[i].key))
			own_key(ps, v, &v->keys[i]);
	if (v->pid && v->tid)
		parse_error(ps, v->line, "[%s] set pid or tid, not both", v->name);
	if (!v->program && !v->object)
		parse_error(ps, v->line, "[%s] needs 'program =' (a built-in, see 'bpfviews programs') or 'object ='",
			    v->name);
}

/* Returns -errno if PATH could not be read; its own errors count in ERRORS. */
static int parse_file(struct manifest *m, const char *path, int *errors)
{
	struct parse_state ps = { .m = m, .file = path };
	int first_view = m->nviews;
	size_t len;
	char *text;
	int rc;

	rc = read_whole(path, &text, &len);
	if (rc) {
		(*errors)++;
		return rc;
	}
	if (parse_text(&ps, text, len))
		parse_error(&ps, ps.line, "out of memory");
	free(text);
	for (int i = first_view; i < m->nviews; i++)
		validate_view(&ps, &m->views[i]);
	*errors += ps.errors;
	return 0;
}

/* A view is a file, so no other view may live under its name as a directory. */
static int check_nesting(const struct manifest *m)
{
	int errors = 0;

	for (int i = 0; i < m->nviews; i++) {
		const struct view_conf *a = &m->views[i];
		size_t len = strlen(a->name);

		for (int j = 0; j < m->nviews; j++) {
			const struct view_conf *b = &m->views[j];

			if (strncmp(b->name, a->name, len) || b->name[len] != '/')
				continue;
			pr_err("%s:%d: view '%s' would be inside view '%s' (%s:%d), which is a file",
			       b->file, b->line, b->name, a->name, a->file, a->line);
			errors++;
		}
	}
	return errors;
}

/* No file at all is not an empty manifest: a directory that vanished or a
 * mistyped -C must not unpin every view. */
static void no_files(char *const *sources, int nsources)
{
	char dirs[1024] = "";
	size_t n = sizeof(default_dirs) / sizeof(default_dirs[0]);
	const char *const *names = nsources ? (const char *const *)sources : default_dirs;

	if (nsources)
		n = nsources;
	for (size_t i = 0; i < n; i++)
		snprintf(dirs + strlen(dirs), sizeof(dirs) - strlen(dirs), "%s%s",
			 i ? (i + 1 == n ? " or " : ", ") : "", names[i]);
	pr_err("no manifest file (*.conf) in %s; nothing is changed (a manifest file with no "
	       "views empties the root on purpose, as does 'bpfviews remove --all')", dirs);
}

int manifest_load(struct manifest *m, char *const *sources, int nsources)
{
	struct file_set set = { 0 };
	char **files;
	int errors;

	memset(m, 0, sizeof(*m));
	collect_files(&set, sources, nsources);
	errors = set.errors;
	if (!set.n && !errors) {
		no_files(sources, nsources);
		errors++;
	}
	files = calloc(set.n + 1, sizeof(*files));
	m->files = files;
	for (int i = 0; i < set.n; i++) {
		/* a file that cannot be read is reported and left out */
		if (files && set.v[i].path && !parse_file(m, set.v[i].path, &errors))
			files[m->nfiles++] = set.v[i].path;
		else
			free(set.v[i].path);
		free(set.v[i].key);
	}
	free(set.v);
	if (!files) {
		pr_err("out of memory");
		return -ENOMEM;
	}
	errors += check_nesting(m);
	return errors ? -EINVAL : 0;
}

const struct view_conf *manifest_find(const struct manifest *m, const char *name)
{
	for (int i = 0; i < m->nviews; i++)
		if (!strcmp(m->views[i].name, name))
			return &m->views[i];
	return NULL;
}

void manifest_free(struct manifest *m)
{
	for (int i = 0; i < m->nviews; i++) {
		struct view_conf *v = &m->views[i];

		for (int k = 0; k < v->nkeys; k++) {
			free(v->keys[k].key);
			free(v->keys[k].value);
		}
		free(v->keys);
		free(v->name);
	}
	for (int i = 0; i < m->nfiles; i++)
		free(m->files[i]);
	free(m->views);
	free(m->files);
	memset(m, 0, sizeof(*m));
}
