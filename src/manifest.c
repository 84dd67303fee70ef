#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <ini.h>
#include <limits.h>
#include <stdint.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <linux/bpf.h>

#include "log.h"
#include "manifest.h"
#include "paths.h"
#include "trust.h"


static const char *const default_dirs[] = {
	LIBDIR "/bpfviews/conf.d",
	"/run/bpfviews/conf.d",
	SYSCONFDIR "/bpfviews/conf.d",
};

static const char *const own_keys[] = {
	"program", "object", "mode", "owner", "group", "expose_addresses",
	"pid", "tid", "cgroup", "order", "map",
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

int view_name_check(const char *name, char *err, size_t errlen)
{
	const char *part = name;

	if (!*name) {
		snprintf(err, errlen, "empty view name");
		return -EINVAL;
	}
	for (const char *p = name;; p++) {
		if (*p == '/' || !*p) {
			if (p == part) {
				snprintf(err, errlen, "view name '%s' has an empty path component", name);
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

static void file_set_put(struct file_set *s, const char *key, const char *path)
{
	for (int i = 0; i < s->n; i++) {
		if (strcmp(s->v[i].key, key))
			continue;
		free(s->v[i].path);
		s->v[i].path = path ? strdup(path) : NULL;
		return;
	}
	s->v = realloc(s->v, (s->n + 1) * sizeof(*s->v));
	s->v[s->n].key = strdup(key);
	s->v[s->n].path = path ? strdup(path) : NULL;
	s->n++;
}

static bool is_mask(const char *path)
{
	char target[PATH_MAX];

	return realpath(path, target) && !strcmp(target, "/dev/null");
}

static bool has_conf_suffix(const char *name)
{
	size_t len = strlen(name);

	return len > 5 && !strcmp(name + len - 5, ".conf");
}

/* A refused file or directory is reported and not read at all. */
static bool trusted(struct file_set *s, const char *path)
{
	char err[512];

	if (!trust_check(path, err, sizeof(err)))
		return true;
	pr_err("%s", err);
	s->errors++;
	return false;
}

static void add_dir(struct file_set *s, const char *dir, bool must_exist)
{
	struct dirent **ents;
	int n = scandir(dir, &ents, NULL, alphasort);
	bool dir_ok;

	if (n < 0) {
		if (must_exist || errno != ENOENT) {
			pr_err("%s: %s", dir, strerror(errno));
			s->errors++;
		}
		return;
	}
	dir_ok = trusted(s, dir);
	for (int i = 0; i < n; i++) {
		char path[PATH_MAX];

		if (dir_ok && has_conf_suffix(ents[i]->d_name)) {
			snprintf(path, sizeof(path), "%s/%s", dir, ents[i]->d_name);
			file_set_put(s, ents[i]->d_name, is_mask(path) ? NULL : path);
		}
		free(ents[i]);
	}
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
		} else {
			file_set_put(s, sources[i], sources[i]);
		}
	}
	qsort(s->v, s->n, sizeof(*s->v), by_basename);
}

/* ---- parsing: inih with a line-counting reader ---- */

struct parse_state {
	struct manifest *m;
	const char *file;
	FILE *stream;
	int line;		/* the line inih is working on */
	int section_line;	/* header line of the current section */
	int section_seq;	/* headers seen in this file */
	int view_seq;		/* section_seq the current view was created at */
	struct view_conf *view;
	char *section;		/* name in the current header, NULL if it has none */
	int errors;
};

#define parse_error(ps, line, fmt, ...)						\
	do {									\
		pr_err("%s:%d: " fmt, (ps)->file, (line), ##__VA_ARGS__);	\
		(ps)->errors++;							\
	} while (0)

static struct view_conf *view_new(struct parse_state *ps, const char *name)
{
	struct manifest *m = ps->m;
	const struct view_conf *old = manifest_find(m, name);
	struct view_conf *v;
	char err[256];

	if (old)
		parse_error(ps, ps->section_line, "view '%s' is already defined at %s:%d",
			    name, old->file, old->line);
	else if (view_name_check(name, err, sizeof(err)))
		parse_error(ps, ps->section_line, "%s", err);
	m->views = realloc(m->views, (m->nviews + 1) * sizeof(*m->views));
	v = &m->views[m->nviews++];
	memset(v, 0, sizeof(*v));
	v->name = strdup(name);
	v->file = ps->file;
	v->line = ps->section_line;
	v->mode = DEFAULT_MODE;
	return v;
}

/* inih calls the handler for keys only, so a section without keys would
 * vanish without a word; give it a view, to be checked like any other. */
static void end_section(struct parse_state *ps)
{
	if (ps->section && ps->view_seq != ps->section_seq) {
		ps->view = view_new(ps, ps->section);
		ps->view_seq = ps->section_seq;
	}
}

static void skip_line(FILE *f)
{
	int c;

	while ((c = fgetc(f)) != EOF && c != '\n')
		;
}

static char *counting_reader(char *str, int num, void *stream)
{
	struct parse_state *ps = stream;
	char *p = str, *end;

	if (!fgets(str, num, ps->stream)) {
		end_section(ps);
		return NULL;
	}
	ps->line++;
	if (!strchr(str, '\n') && !feof(ps->stream)) {
		/* inih's line buffer is fixed; a cut line would be read as two */
		parse_error(ps, ps->line, "%s%s%sline is longer than %d characters", ps->section ? "[" : "",
			    ps->section ? ps->section : "", ps->section ? "] " : "", num - 3);
		skip_line(ps->stream);
		snprintf(str, num, ";\n");
		return str;
	}
	if (ps->line == 1 && !strncmp(p, "\xEF\xBB\xBF", 3))
		p += 3;		/* inih skips a UTF-8 BOM too */
	for (; isspace((unsigned char)*p); p++)
		;
	if (*p == '[') {
		end_section(ps);
		ps->section_line = ps->line;
		ps->section_seq++;
		free(ps->section);
		end = strchr(p, ']');
		ps->section = end ? strndup(p + 1, end - p - 1) : NULL;
	}
	return str;
}

static int on_ini_key(void *user, const char *section, const char *key, const char *value)
{
	struct parse_state *ps = user;
	struct view_conf *v;

	if (!*section) {
		parse_error(ps, ps->line, "'%s' is outside any [view] section", key);
		return 1;
	}
	if (!ps->view || ps->view_seq != ps->section_seq) {
		ps->view = view_new(ps, section);
		ps->view_seq = ps->section_seq;
	}
	v = ps->view;
	for (int i = 0; i < v->nkeys; i++) {
		if (!strcmp(v->keys[i].key, key)) {
			parse_error(ps, ps->line, "[%s] '%s' is already set at line %d",
				    v->name, key, v->keys[i].line);
			return 1;
		}
	}
	v->keys = realloc(v->keys, (v->nkeys + 1) * sizeof(*v->keys));
	v->keys[v->nkeys++] = (struct manifest_key){ strdup(key), strdup(value), ps->line };
	return 1;
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

static int parse_user(const char *s, uid_t *out)
{
	struct passwd *pw;
	__u32 id;

	if (!parse_u32(s, &id)) {
		*out = id;
		return 0;
	}
	pw = getpwnam(s);
	if (!pw)
		return -ENOENT;
	*out = pw->pw_uid;
	return 0;
}

static int parse_group(const char *s, gid_t *out)
{
	struct group *gr;
	__u32 id;

	if (!parse_u32(s, &id)) {
		*out = id;
		return 0;
	}
	gr = getgrnam(s);
	if (!gr)
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
	else if (!strcmp(k->key, "object"))
		v->object = val;
	else if (!strcmp(k->key, "mode") && parse_mode(val, &v->mode))
		what = "an octal file mode up to 0777, like 0440";
	else if (!strcmp(k->key, "owner") && parse_user(val, &v->uid))
		what = "a user name or uid";
	else if (!strcmp(k->key, "group") && parse_group(val, &v->gid))
		what = "a group name or gid";
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

/* "[view] " for the section LINE is in, to name it in a syntax error. */
static const char *view_at_line(const struct manifest *m, const char *file, int first, int line)
{
	static char buf[300];
	const struct view_conf *in = NULL;

	for (int i = first; i < m->nviews; i++)
		if (m->views[i].file == file && m->views[i].line <= line)
			in = &m->views[i];
	if (!in)
		return "";
	snprintf(buf, sizeof(buf), "[%s] ", in->name);
	return buf;
}

static void parse_file(struct manifest *m, const char *path, int *errors)
{
	struct parse_state ps = { .m = m, .file = path };
	int first_view = m->nviews;
	int rc;

	ps.stream = fopen(path, "re");
	if (!ps.stream) {
		pr_err("%s: %s", path, strerror(errno));
		(*errors)++;
		return;
	}
	rc = ini_parse_stream(counting_reader, &ps, on_ini_key, &ps);
	fclose(ps.stream);
	free(ps.section);
	if (rc > 0)
		parse_error(&ps, rc, "%ssyntax error (expected [view] or key = value)",
			    view_at_line(m, path, first_view, rc));
	else if (rc < 0)
		parse_error(&ps, ps.line, "cannot parse (line too long?)");
	for (int i = first_view; i < m->nviews; i++)
		validate_view(&ps, &m->views[i]);
	*errors += ps.errors;
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

int manifest_load(struct manifest *m, char *const *sources, int nsources)
{
	struct file_set set = { 0 };
	int errors;

	memset(m, 0, sizeof(*m));
	ini_allow_multiline = false;
	ini_use_stack = false;
	ini_max_line = 4096;
	collect_files(&set, sources, nsources);
	for (int i = 0; i < set.n; i++) {
		if (set.v[i].path && trusted(&set, set.v[i].path)) {
			m->files = realloc(m->files, (m->nfiles + 1) * sizeof(*m->files));
			m->files[m->nfiles++] = set.v[i].path;
		} else {
			free(set.v[i].path);
		}
		free(set.v[i].key);
	}
	errors = set.errors;
	free(set.v);
	for (int i = 0; i < m->nfiles; i++)
		parse_file(m, m->files[i], &errors);
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
