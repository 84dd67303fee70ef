#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <limits.h>
#include <mntent.h>
#include <unistd.h>
#include <sys/stat.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "bpffs.h"
#include "builtin.h"
#include "builtin_facts.h"
#include "loader.h"
#include "log.h"
#include "maplayout.h"
#include "objcheck.h"
#include "params.h"
#include "taskfilter.h"
#include "text.h"
#include "trust.h"

/* ---- libbpf's messages ---- */

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (log_level >= LOG_DEBUG || (level == LIBBPF_WARN && log_level >= LOG_INFO))
		return vfprintf(stderr, fmt, ap);
	return 0;
}

void loader_setup_logging(void)
{
	libbpf_set_print(libbpf_print);
}

/* libbpf's text for its own error codes (LIBBPF_ERRNO__*) and errno's. */
static const char *libbpf_error(int err, char *buf, size_t len)
{
	if (libbpf_strerror(err, buf, len))
		snprintf(buf, len, "error %d", err < 0 ? -err : err);
	return buf;
}

/* The verifier's last words are usually the reason: the line before
 * "processed N insns" or the log's end. */
static void verifier_reason(const char *log, char *buf, size_t len)
{
	const char *p, *next, *last = NULL;

	buf[0] = '\0';
	for (p = log; *p; p = next) {
		size_t n = strcspn(p, "\n");

		next = p + n + (p[n] == '\n');
		if (!strncmp(p, "processed ", 10) || !strncmp(p, "verification time", 17))
			break;
		if (n)
			last = p;
	}
	if (last)
		snprintf(buf, len, "%.*s", (int)strcspn(last, "\n"), last);
}

/* ---- opening ---- */

#define view_err(v, line, err, errlen, fmt, ...)					\
	snprintf(err, errlen, "%s:%d: [%s] " fmt, (v)->file, line, (v)->name, ##__VA_ARGS__)

static int key_line(const struct view_conf *v, const char *key)
{
	for (int i = 0; i < v->nkeys; i++)
		if (!strcmp(v->keys[i].key, key))
			return v->keys[i].line;
	return v->line;
}

/* The most of a custom object that is read: kernel selftests' largest
 * objects are a few MB. */
#define OBJECT_MAX_SIZE (64u << 20)

/* The object's name as bpf_object__open_file() would give it: the file's
 * name up to its first dot (maps are named after it). */
static void object_name(const char *path, char *buf, size_t len)
{
	const char *base = strrchr(path, '/');

	base = base ? base + 1 : path;
	snprintf(buf, len, "%.*s", (int)strcspn(base, "."), base);
}

/* Opens the view's object. A built-in's stamp starts from its bytes. */
static int open_object(const struct view_conf *v, struct view_prog *vp, char *err, size_t errlen)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts);
	const struct builtin_object *b = NULL;
	char why[512], name[BPF_OBJ_NAME_LEN];
	size_t size;
	int rc;

	if (v->object) {
		/* libbpf is given the bytes that were checked, never the path */
		rc = trust_read(v->object, OBJECT_MAX_SIZE, &vp->obj_bytes, &size, why, sizeof(why));
		if (rc) {
			view_err(v, key_line(v, "object"), err, errlen, "object %s", why);
			return rc;
		}
		object_name(v->object, name, sizeof(name));
		opts.object_name = name;
		errno = LIBBPF_ERRNO__FORMAT;	/* libbpf says EINVAL of an empty file */
		vp->obj = size ? bpf_object__open_mem(vp->obj_bytes, size, &opts) : NULL;
	} else {
		b = builtin_find(v->program);
		if (!b) {
			view_err(v, key_line(v, "program"), err, errlen,
				 "no built-in program '%s' (see 'bpfviews programs')", v->program);
			vp->manifest_error = true;
			return -ENOENT;
		}
		opts.object_name = b->name;
		vp->obj = bpf_object__open_mem(b->data, b->size, &opts);
		vp->stamp = digest_bytes(DIGEST_INIT, b->data, b->size);
	}
	if (!vp->obj) {
		rc = errno ? -errno : -EINVAL;
		view_err(v, b ? v->line : key_line(v, "object"), err, errlen, "cannot open %s %s: %s",
			 b ? "built-in" : "object", b ? b->name : v->object, libbpf_error(rc, why, sizeof(why)));
		return rc;
	}
	return 0;
}

/* An iterator program, whatever its section is called (iter/, iter.s/). */
static bool is_iter(const struct bpf_program *p)
{
	return bpf_program__type(p) == BPF_PROG_TYPE_TRACING &&
	       bpf_program__expected_attach_type(p) == BPF_TRACE_ITER;
}

/* What it walks: libbpf attaches to bpf_iter_<the section name after '/'>. */
static const char *iter_target(const struct bpf_program *p)
{
	const char *slash = strchr(bpf_program__section_name(p), '/');

	return slash ? slash + 1 : "";
}

static void list_iter_programs(struct bpf_object *obj, char *buf, size_t len)
{
	struct bpf_program *p;
	size_t off = 0;

	buf[0] = '\0';
	bpf_object__for_each_program(p, obj)
		if (is_iter(p) && off < len)
			off += snprintf(buf + off, len - off, "%s%s", off ? ", " : "", bpf_program__name(p));
}

/*
 * A built-in's other programs, walks in chunks (bpf/walk.h) linked in its
 * place where they apply (pick_walk()): NAME_in_cgroup walks the cgroup
 * filter's own tasks, NAME_fdtable reads every process's descriptor table
 * itself.
 */
#define CGROUP_WALK_SUFFIX	"_in_cgroup"
#define FDTABLE_WALK_SUFFIX	"_fdtable"
#define WALK_CHUNKS		"walk_chunks"	/* the map they iterate */

static bool is_walk(const struct bpf_program *p)
{
	const char *name = bpf_program__name(p);

	return has_suffix(name, CGROUP_WALK_SUFFIX) || has_suffix(name, FDTABLE_WALK_SUFFIX);
}

/* Picks the iterator program and switches every other program off. */
static struct bpf_program *pick_program(const struct view_conf *v, struct bpf_object *obj,
					char *err, size_t errlen)
{
	const char *want = v->object ? v->program : NULL;
	struct bpf_program *p, *found = NULL;
	char names[256];
	int n = 0;

	bpf_object__for_each_program(p, obj) {
		if (!is_iter(p) || (want && strcmp(bpf_program__name(p), want)) ||
		    (!want && is_walk(p)))
			continue;
		found = p;
		n++;
	}
	list_iter_programs(obj, names, sizeof(names));
	if (!n) {
		if (want)
			view_err(v, key_line(v, "program"), err, errlen,
				 "no iterator program '%s' in %s (it has: %s)", want, v->object, names[0] ? names : "none");
		else
			view_err(v, v->line, err, errlen, "no iterator program (SEC(\"iter/...\")) in %s",
				 v->object ? v->object : v->program);
		return NULL;
	}
	if (n > 1) {
		view_err(v, v->line, err, errlen, "%s has several iterator programs (%s); choose one with 'program ='",
			 v->object, names);
		return NULL;
	}
	bpf_object__for_each_program(p, obj)
		bpf_program__set_autoload(p, p == found);
	return found;
}

/* A parameter in a writable section: the bytes to compare in the pinned
 * view (viewstate.h). */
static int record_range(struct view_prog *vp, const struct param_var *var)
{
	struct data_range *r;

	if (!strcmp(var->section, ".rodata"))
		return 0;
	if (vp->ranges.n == MAX_DATA_RANGES)
		return -E2BIG;
	r = &vp->ranges.r[vp->ranges.n++];
	snprintf(r->section, sizeof(r->section), "%s", var->section + 1);
	r->offset = var->offset;
	r->size = var->size;
	return 0;
}

static int set_params(const struct view_conf *v, struct view_prog *vp, char *err, size_t errlen)
{
	struct params_data d;
	struct param_var var;
	char why[512];
	int rc = 0;

	params_data_init(&d, vp->obj);
	for (int i = 0; !rc && i < v->nkeys; i++) {
		const struct manifest_key *k = &v->keys[i];

		if (manifest_key_is_own(k->key))
			continue;
		rc = params_data_set(&d, k->key, k->value, &var, why, sizeof(why));
		if (!rc && (rc = record_range(vp, &var)))
			snprintf(why, sizeof(why), "more than %d parameters in .data and .bss", MAX_DATA_RANGES);
		if (rc) {
			view_err(v, k->line, err, errlen, "%s: %s", k->key, why);
			vp->manifest_error = rc != -ENOMEM;
		}
	}
	if (!rc && (rc = params_data_apply(&d)))
		view_err(v, v->line, err, errlen, "cannot set the parameters: %s", libbpf_error(rc, why, sizeof(why)));
	params_data_free(&d);
	return rc;
}

/* ---- link parameters: checked against the iterator, resolved to ids ---- */

static bool walks_map(const char *target)
{
	return !strcmp(target, "bpf_map_elem") || !strcmp(target, "bpf_sk_storage_map") ||
	       !strcmp(target, "sockmap");
}

/* A link key that does not fit the iterator is the manifest's mistake. */
static int misplaced_key(const struct view_conf *v, struct view_prog *vp, char *err, size_t errlen)
{
	const char *key = NULL, *walks = "";
	bool task = !strncmp(vp->target, "task", 4), cgroup = !strcmp(vp->target, "cgroup");

	if ((v->pid || v->tid) && !task)
		key = v->pid ? "pid" : "tid", walks = "task iterators";
	else if ((v->cgroup && !cgroup && !task) || (v->order && !cgroup))
		key = v->order ? "order" : "cgroup", walks = v->order ? "the cgroup iterator" :
			"the cgroup iterator and task iterators";
	else if (v->map && !walks_map(vp->target))
		key = "map", walks = "map element iterators";
	if (key) {
		view_err(v, key_line(v, key), err, errlen, "%s applies to %s; '%s' walks %s", key, walks,
			 bpf_program__name(vp->prog), vp->target);
	} else if (!v->map && walks_map(vp->target)) {
		view_err(v, v->line, err, errlen, "'%s' walks the elements of a map: set map = /sys/fs/bpf/PINNED_MAP",
			 bpf_program__name(vp->prog));
	} else {
		return 0;
	}
	vp->manifest_error = true;
	return -EINVAL;
}

/* Where cgroup v2 is mounted: /sys/fs/cgroup, or /sys/fs/cgroup/unified on
 * hybrid systems. */
static const char *cgroup2_mount(char *buf, size_t len)
{
	FILE *f = setmntent("/proc/self/mounts", "re");
	struct mntent ent;
	char line[4096];

	snprintf(buf, len, "/sys/fs/cgroup");
	/* views load on several threads: getmntent()'s buffer is shared */
	while (f && getmntent_r(f, &ent, line, sizeof(line))) {
		if (!strcmp(ent.mnt_type, "cgroup2")) {
			snprintf(buf, len, "%s", ent.mnt_dir);
			break;
		}
	}
	if (f)
		endmntent(f);
	return buf;
}

static int resolve_cgroup(const struct view_conf *v, struct view_prog *vp, char *err, size_t errlen)
{
	char root[PATH_MAX];
	const char *path = v->cgroup ? v->cgroup : cgroup2_mount(root, sizeof(root));
	struct stat st;

	vp->link.order = v->order ? v->order : BPF_CGROUP_ITER_DESCENDANTS_PRE;
	if (path[0] != '/') {
		vp->link.cgroup_id = strtoull(path, NULL, 10);
		return 0;
	}
	vp->cgroup_fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (vp->cgroup_fd < 0 || fstat(vp->cgroup_fd, &st)) {
		int e = errno;

		view_err(v, key_line(v, "cgroup"), err, errlen, "cgroup %s: %s", path, strerror(e));
		return -e;
	}
	vp->link.cgroup_id = st.st_ino;	/* a cgroup v2 directory's inode is its id */
	return 0;
}

static int resolve_map(const struct view_conf *v, struct view_prog *vp, char *err, size_t errlen)
{
	struct bpf_map_info info = { 0 };
	__u32 len = sizeof(info);
	const char *kind;
	char why[512];

	vp->map_fd = bpffs_get_pin(v->map, why, sizeof(why));
	kind = vp->map_fd >= 0 ? bpf_fd_kind(vp->map_fd) : NULL;
	if (!kind || strcmp(kind, "map") || bpf_obj_get_info_by_fd(vp->map_fd, &info, &len)) {
		view_err(v, key_line(v, "map"), err, errlen, "map %s: %s", v->map,
			 vp->map_fd < 0 ? why : "not a pinned map");
		return -ENOENT;
	}
	vp->link.map_id = info.id;
	return 0;
}

static int resolve_link(const struct view_conf *v, struct view_prog *vp, char *err, size_t errlen)
{
	int rc = misplaced_key(v, vp, err, errlen);

	if (rc)
		return rc;
	vp->link.pid = v->pid;
	vp->link.tid = v->tid;
	if (!strcmp(vp->target, "cgroup"))
		return resolve_cgroup(v, vp, err, errlen);
	if (v->cgroup) {	/* a task iterator: the program filters */
		char mount[PATH_MAX];

		rc = task_filter_give(v, vp->obj, cgroup2_mount(mount, sizeof(mount)),
				      key_line(v, "cgroup"), err, errlen);
		vp->manifest_error = rc == -EINVAL;
		return rc;
	}
	if (v->map)
		return resolve_map(v, vp, err, errlen);
	return 0;
}

/* Programs that print map elements learn the map's layout from its BTF. */
static int set_map_layout(const struct view_conf *v, struct view_prog *vp, char *err, size_t errlen)
{
	char why[512];
	int rc = map_layout_fill(vp->obj, vp->map_fd, why, sizeof(why));

	if (rc)
		view_err(v, key_line(v, "map"), err, errlen, "map %s: %s", v->map, why);
	return rc;
}

/* Whether the program, as parameterised, prints kernel addresses: it names
 * the bool parameter that turns them on (VIEW_ADDRESSES in bpf/view.h). */
static bool prints_addresses(struct bpf_object *obj, const char **param)
{
	const struct btf *btf = bpf_object__btf(obj);
	struct param_var doc, flag;
	const char *on;

	if (params_find_static(btf, "view_addresses", &doc) || !(*param = params_var_data(obj, &doc)))
		return false;
	if (params_find(btf, *param, &flag) || !(on = params_var_data(obj, &flag)))
		return false;
	for (__u32 i = 0; i < flag.size; i++)
		if (on[i])
			return true;
	return false;
}

static int check_addresses(const struct view_conf *v, struct view_prog *vp, char *err, size_t errlen)
{
	const char *param;

	if (!(v->mode & S_IROTH) || v->expose_addresses || !prints_addresses(vp->obj, &param))
		return 0;
	view_err(v, key_line(v, "mode"), err, errlen,
		 "mode %04o lets every user read kernel addresses (%s = yes); use 0400 or 0440, "
		 "or set expose_addresses = yes", v->mode, param);
	vp->manifest_error = true;
	return -EPERM;
}

/* Whether the program's format parameter is set to prometheus. */
static bool format_prometheus(const struct view_prog *vp)
{
	const struct btf *btf = bpf_object__btf(vp->obj);
	struct param_var var;
	const void *val;
	char name[32];

	return !params_find(btf, "format", &var) && (val = params_var_data(vp->obj, &var)) &&
	       !params_format(btf, &var, val, name, sizeof(name)) && !strcmp(name, "prometheus");
}

/* format = prometheus only for the built-ins that print it: they list their
 * series (VIEW_METRICS in bpf/view.h). A custom object's format is its own. */
static int check_format(const struct view_conf *v, struct view_prog *vp, char *err, size_t errlen)
{
	const struct btf *btf = bpf_object__btf(vp->obj);
	struct param_var doc;

	if (!vp->stamp || !format_prometheus(vp) || !params_find_static(btf, "view_metrics", &doc))
		return 0;
	view_err(v, key_line(v, "format"), err, errlen,
		 "program '%s' has no prometheus format; use table, csv or json "
		 "(bpfviews-programs(7) lists the programs that have it)", bpf_program__name(vp->prog));
	vp->manifest_error = true;
	return -EINVAL;
}

/* The walk NAME + suffix of the view's built-in, if it has one and the
 * kernel has the iterators it needs. */
static struct bpf_program *find_walk(const struct view_prog *vp, const char *suffix,
				     enum fact_iter needs)
{
	char name[128];

	snprintf(name, sizeof(name), "%s%s", bpf_program__name(vp->prog), suffix);
	if (!bpf_object__find_map_by_name(vp->obj, WALK_CHUNKS) || !builtin_facts_iter(needs))
		return NULL;
	return bpf_object__find_program_by_name(vp->obj, name);
}

/*
 * A built-in's walk in chunks, in place of its program, for a view of every
 * task (not one process: the link parameters pid and tid, which were checked
 * against the program):
 *   NAME_in_cgroup  with the cgroup filter, walks the cgroup's own tasks
 *                   instead of every task (bpf/tasks.bpf.c); not with format
 *                   = prometheus, which counts over the task walk
 *   NAME_fdtable    reads each process's descriptor table itself, not one
 *                   descriptor per call of the task_file iterator
 *                   (bpf/sockets.bpf.c)
 */
static void pick_walk(const struct view_conf *v, struct view_prog *vp)
{
	struct bpf_program *walk = NULL;

	if (v->object || v->pid || v->tid)
		return;
	if (v->cgroup && !format_prometheus(vp))
		walk = find_walk(vp, CGROUP_WALK_SUFFIX, FACT_ITER_CSS);
	if (!walk)
		walk = find_walk(vp, FDTABLE_WALK_SUFFIX, FACT_ITER_NUM);
	if (!walk)
		return;
	bpf_program__set_autoload(vp->prog, false);
	bpf_program__set_autoload(walk, true);
	vp->prog = walk;
	vp->target = iter_target(walk);
	vp->chunk_walk = true;
}

/*
 * A built-in's stamp: the digest of its bytes, the program, the link
 * parameters and the initial data (the stamp variable still 0), written
 * into its .rodata variable STAMP_VAR, which the kernel keeps with the
 * program. A custom object has none: it is loaded and compared.
 */
static int stamp(const struct view_conf *v, struct view_prog *vp, char *err, size_t errlen)
{
	const char *version = "bpfviews stamp 2", *name = bpf_program__name(vp->prog);
	struct bpf_map *map;
	char why[128];
	__u64 h;
	int rc;

	if (!vp->stamp)
		return 0;
	h = digest_bytes(vp->stamp, version, strlen(version));
	h = digest_bytes(h, name, strlen(name));
	h = digest_bytes(h, &vp->link, sizeof(vp->link));
	bpf_object__for_each_map(map, vp->obj) {
		size_t size;
		const void *init = bpf_map__is_internal(map) ? bpf_map__initial_value(map, &size) : NULL;

		if (init)
			h = digest_bytes(h, init, size);
	}
	vp->stamp = h ? h : 1;
	rc = params_write_static(vp->obj, STAMP_VAR, &vp->stamp, sizeof(vp->stamp));
	if (rc)
		view_err(v, v->line, err, errlen, "cannot stamp built-in '%s' (" STAMP_VAR "): %s", name,
			 libbpf_error(rc, why, sizeof(why)));
	return rc;
}

bool view_prog_matches(const struct view_prog *vp, const struct view_state *pinned)
{
	struct link_params link = pinned->link;

	if (vp->chunk_walk)
		link.map_id = 0;	/* its own map, made anew at each load */
	return vp->stamp && pinned->stamp == vp->stamp && !memcmp(&link, &vp->link, sizeof(link)) &&
	       !strcmp(pinned->target, vp->target);
}

int view_prog_open(const struct view_conf *v, struct view_prog *vp, char *err, size_t errlen)
{
	int rc;

	view_prog_reset(vp);
	rc = objcheck_first(v, vp, view_prog_open, "opening", err, errlen);
	if (!rc)
		rc = open_object(v, vp, err, errlen);
	if (!rc)
		rc = objcheck_object(v, vp->obj, err, errlen);
	if (rc)
		return rc;
	vp->prog = pick_program(v, vp->obj, err, errlen);
	if (!vp->prog)
		return -ENOENT;
	vp->target = iter_target(vp->prog);
	rc = resolve_link(v, vp, err, errlen);
	if (!rc && vp->map_fd >= 0)
		rc = set_map_layout(v, vp, err, errlen);
	if (!rc)
		rc = builtin_facts_give(v, vp->obj, err, errlen);
	if (!rc)
		rc = set_params(v, vp, err, errlen);
	if (!rc)
		rc = check_addresses(v, vp, err, errlen);
	if (!rc)
		rc = check_format(v, vp, err, errlen);
	if (!rc)
		pick_walk(v, vp);
	return rc ? rc : stamp(v, vp, err, errlen);
}

/* ---- loading and linking ---- */

/* What the kernel lacks that the program needs, if anything: readable BTF
 * (libbpf finds the iterator's attach point in it) or the iterator itself. */
static bool kernel_lacks(const char *target, char *buf, size_t len)
{
	struct btf *vmlinux = btf__load_vmlinux_btf();
	char func[64];
	bool lacks;

	if (!vmlinux) {
		snprintf(buf, len, "the kernel's BTF (/sys/kernel/btf/vmlinux) is missing or unreadable; "
			 "iterators need a kernel built with CONFIG_DEBUG_INFO_BTF");
		return true;
	}
	snprintf(func, sizeof(func), "bpf_iter_%s", target);
	lacks = btf__find_by_name_kind(vmlinux, func, BTF_KIND_FUNC) < 0;
	if (lacks)
		snprintf(buf, len, "this kernel has no '%s' iterator", target);
	btf__free(vmlinux);
	return lacks;
}

/* Whatever the load's log holds is the verifier's: -v shows it whole. */
static void report_load(const struct view_conf *v, const struct view_prog *vp, int rc, const char *log,
			char *err, size_t errlen)
{
	const char *name = bpf_program__name(vp->prog);
	char why[512];

	/* out of descriptors, maybe after the verifier passed it: its log is no
	 * reason, and the kernel's BTF cannot be opened to look for one */
	if (rc == -EMFILE || rc == -ENFILE) {
		log = "";
	} else if (kernel_lacks(vp->target, why, sizeof(why))) {
		view_err(v, v->line, err, errlen, "%s", why);
		return;
	}
	verifier_reason(log, why, sizeof(why));
	if (!why[0]) {
		view_err(v, v->line, err, errlen, "cannot load '%s': %s", name, libbpf_error(rc, why, sizeof(why)));
		return;
	}
	view_err(v, v->line, err, errlen, "the verifier rejected '%s': %s%s", name, why,
		 log_level >= LOG_INFO ? "" : " (-v shows the log)");
	pr_info("[%s] '%s': -- BEGIN PROG LOAD LOG --\n%s-- END PROG LOAD LOG --", v->name, name, log);
}

/* Room for the verifier's log of a rejected program. The kernel (6.4 on)
 * keeps its end, where the reason is, when it does not fit. Untouched
 * unless a load fails. */
#define VERIFIER_LOG_SIZE (16u << 20)

int view_prog_load(const struct view_conf *v, struct view_prog *vp, char *err, size_t errlen)
{
	int rc = objcheck_first(v, vp, view_prog_load, "loading", err, errlen);
	char *log;

	if (rc)
		return rc;
	log = malloc(VERIFIER_LOG_SIZE);
	if (!log) {
		view_err(v, v->line, err, errlen, "cannot load '%s': out of memory", bpf_program__name(vp->prog));
		return -ENOMEM;
	}
	log[0] = '\0';
	rc = bpf_program__set_log_buf(vp->prog, log, VERIFIER_LOG_SIZE);
	if (!rc)
		rc = bpf_object__load(vp->obj);
	if (rc)
		report_load(v, vp, rc, log, err, errlen);
	free(log);
	return rc;
}

int view_prog_state(const struct view_prog *vp, struct view_state *st)
{
	memset(st, 0, sizeof(*st));
	snprintf(st->target, sizeof(st->target), "%s", vp->target);
	st->link = vp->link;
	return view_state_of_prog(bpf_program__fd(vp->prog), &vp->ranges, st);
}

struct bpf_link *view_prog_attach(const struct view_conf *v, const struct view_prog *vp,
				  char *err, size_t errlen)
{
	union bpf_iter_link_info info;
	struct bpf_link *link;
	char why[128];
	int rc;

	memset(&info, 0, sizeof(info));
	if (!strcmp(vp->target, "cgroup")) {
		info.cgroup.order = vp->link.order;
		info.cgroup.cgroup_fd = vp->cgroup_fd >= 0 ? vp->cgroup_fd : 0;
		info.cgroup.cgroup_id = vp->cgroup_fd >= 0 ? 0 : vp->link.cgroup_id;
	} else if (vp->chunk_walk) {
		info.map.map_fd = bpf_map__fd(bpf_object__find_map_by_name(vp->obj, WALK_CHUNKS));
	} else if (vp->map_fd >= 0) {
		info.map.map_fd = vp->map_fd;
	} else {
		info.task.pid = vp->link.pid;
		info.task.tid = vp->link.tid;
	}
	LIBBPF_OPTS(bpf_iter_attach_opts, opts, .link_info = &info, .link_info_len = sizeof(info));
	link = bpf_program__attach_iter(vp->prog, &opts);
	if (link)
		return link;
	rc = -errno;
	view_err(v, v->line, err, errlen, "cannot create the iterator link: %s%s", libbpf_error(rc, why, sizeof(why)),
		 rc == -ESRCH ? " (is the pid or tid running?)" : "");
	errno = -rc;
	return NULL;
}

void view_prog_reset(struct view_prog *vp)
{
	memset(vp, 0, sizeof(*vp));
	vp->cgroup_fd = vp->map_fd = -1;
}

void view_prog_close(struct view_prog *vp)
{
	if (vp->cgroup_fd >= 0)
		close(vp->cgroup_fd);
	if (vp->map_fd >= 0)
		close(vp->map_fd);
	bpf_object__close(vp->obj);
	free(vp->obj_bytes);
	view_prog_reset(vp);
}

void view_prog_release(struct view_prog *vp)
{
	struct view_prog keep = *vp;

	snprintf(keep.target_name, sizeof(keep.target_name), "%s", vp->target ? vp->target : "");
	view_prog_close(vp);
	vp->stamp = keep.stamp;
	vp->link = keep.link;
	vp->ranges = keep.ranges;
	vp->manifest_error = keep.manifest_error;
	vp->chunk_walk = keep.chunk_walk;
	memcpy(vp->target_name, keep.target_name, sizeof(vp->target_name));
	vp->target = vp->target_name;
}
