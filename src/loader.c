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

#include "builtin.h"
#include "elfbtf.h"
#include "loader.h"
#include "log.h"
#include "maplayout.h"
#include "objcheck.h"
#include "params.h"
#include "trust.h"

/* ---- libbpf's messages ---- */

/* per thread: views load in parallel (reconcile.c) */
static __thread char *capture;
static __thread size_t capture_len;

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char *msg;
	int n;

	/* the verifier log arrives as one message of any length */
	n = vasprintf(&msg, fmt, ap);
	if (n < 0)
		return 0;
	if (log_level >= LOG_DEBUG || (level == LIBBPF_WARN && log_level >= LOG_INFO))
		fputs(msg, stderr);
	capture = realloc(capture, capture_len + n + 1);
	memcpy(capture + capture_len, msg, n + 1);
	capture_len += n;
	free(msg);
	return n;
}

void loader_setup_logging(void)
{
	libbpf_set_print(libbpf_print);
}

static void capture_reset(void)
{
	capture_len = 0;
	if (capture)
		capture[0] = '\0';
}

const char *loader_last_log(void)
{
	return capture ? capture : "";
}

void loader_thread_done(void)
{
	free(capture);
	capture = NULL;
	capture_len = 0;
}

/* The verifier's last words are usually the reason: the line before
 * "processed N insns" or the log's end. */
static void verifier_reason(char *buf, size_t len)
{
	const char *log = loader_last_log();
	const char *begin = strstr(log, "-- BEGIN PROG LOAD LOG --");
	const char *end = begin ? strstr(begin, "-- END PROG LOAD LOG --") : NULL;
	const char *p, *last = NULL;

	buf[0] = '\0';
	if (!begin || !end)
		return;
	for (p = strchr(begin, '\n') + 1; p < end; p = strchr(p, '\n') + 1) {
		if (!strncmp(p, "processed ", 10) || !strncmp(p, "verification time", 17))
			break;
		if (*p != '\n')
			last = p;
	}
	if (last)
		snprintf(buf, len, "%.*s", (int)(strcspn(last, "\n")), last);
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

/* Reads a custom object whole: its bytes are both what libbpf opens and
 * part of the view's stamp. */
static void *read_object(const char *path, size_t *size)
{
	FILE *f = fopen(path, "re");
	void *data = NULL;
	long len;

	if (f && !fseek(f, 0, SEEK_END) && (len = ftell(f)) > 0 && !fseek(f, 0, SEEK_SET)) {
		data = malloc(len);
		if (data && fread(data, 1, len, f) != (size_t)len) {
			free(data);
			data = NULL;
			errno = EIO;
		}
		*size = len;
	}
	if (f)
		fclose(f);
	return data;
}

/* The name libbpf would give the object: the file name up to its first dot. */
static void object_name(const char *path, char *buf, size_t len)
{
	const char *base = strrchr(path, '/');

	snprintf(buf, len, "%s", base ? base + 1 : path);
	buf[strcspn(buf, ".")] = '\0';
}

/* Opens the object; *data and *size are its bytes. */
static int open_object(const struct view_conf *v, struct view_prog *vp, const void **data,
		       size_t *size, char *err, size_t errlen)
{
	const struct builtin_object *b = NULL;
	char why[512], name[64];

	if (v->object) {
		if (trust_check(v->object, why, sizeof(why))) {
			view_err(v, key_line(v, "object"), err, errlen, "object %s", why);
			return -EPERM;
		}
		*data = vp->file_data = read_object(v->object, size);
		object_name(v->object, name, sizeof(name));
	} else {
		b = builtin_find(v->program);
		if (!b) {
			view_err(v, key_line(v, "program"), err, errlen,
				 "no built-in program '%s' (see 'bpfviews programs')", v->program);
			vp->manifest_error = true;
			return -ENOENT;
		}
		*data = b->data;
		*size = b->size;
		snprintf(name, sizeof(name), "%s", b->name);
	}
	LIBBPF_OPTS(bpf_object_open_opts, opts, .object_name = name);
	vp->obj = *data ? bpf_object__open_mem(*data, *size, &opts) : NULL;
	if (!vp->obj) {
		view_err(v, b ? v->line : key_line(v, "object"), err, errlen, "cannot open %s %s: %s",
			 b ? "built-in" : "object", b ? b->name : v->object, strerror(errno));
		return errno ? -errno : -EINVAL;
	}
	vp->stamp = digest_bytes(DIGEST_INIT, *data, *size);
	return 0;
}

static bool is_iter(const struct bpf_program *p)
{
	return !strncmp(bpf_program__section_name(p), "iter/", 5) ||
	       !strncmp(bpf_program__section_name(p), "iter.s/", 7);
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

/* Picks the iterator program and switches every other program off. */
static struct bpf_program *pick_program(const struct view_conf *v, struct bpf_object *obj,
					char *err, size_t errlen)
{
	const char *want = v->object ? v->program : NULL;
	struct bpf_program *p, *found = NULL;
	char names[256];
	int n = 0;

	bpf_object__for_each_program(p, obj) {
		if (!is_iter(p) || (want && strcmp(bpf_program__name(p), want)))
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

static int record_range(struct view_prog *vp, const struct bpf_object *obj, const char *key)
{
	struct param_var var;
	struct data_range *r;

	if (params_find(bpf_object__btf(obj), key, &var) || !strcmp(var.section, ".rodata"))
		return 0;
	if (vp->ranges.n == MAX_DATA_RANGES)
		return -E2BIG;
	r = &vp->ranges.r[vp->ranges.n++];
	snprintf(r->section, sizeof(r->section), "%s", var.section + 1);
	r->offset = var.offset;
	r->size = var.size;
	return 0;
}

static int set_params(const struct view_conf *v, struct view_prog *vp, char *err, size_t errlen)
{
	char why[512];

	for (int i = 0; i < v->nkeys; i++) {
		const struct manifest_key *k = &v->keys[i];
		int rc;

		if (manifest_key_is_own(k->key))
			continue;
		rc = params_set(vp->obj, k->key, k->value, why, sizeof(why));
		if (!rc)
			rc = record_range(vp, vp->obj, k->key);
		if (rc) {
			view_err(v, k->line, err, errlen, "%s: %s", k->key, why);
			vp->manifest_error = true;
			return rc;
		}
	}
	return 0;
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
	else if ((v->cgroup || v->order) && !cgroup)
		key = v->cgroup ? "cgroup" : "order", walks = "the cgroup iterator";
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
	struct mntent *m;

	snprintf(buf, len, "/sys/fs/cgroup");
	while (f && (m = getmntent(f))) {
		if (!strcmp(m->mnt_type, "cgroup2")) {
			snprintf(buf, len, "%s", m->mnt_dir);
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
		view_err(v, key_line(v, "cgroup"), err, errlen, "cgroup %s: %s", path, strerror(errno));
		return -errno;
	}
	vp->link.cgroup_id = st.st_ino;	/* a cgroup v2 directory's inode is its id */
	return 0;
}

static int resolve_map(const struct view_conf *v, struct view_prog *vp, char *err, size_t errlen)
{
	struct bpf_map_info info = { 0 };
	__u32 len = sizeof(info);
	const char *kind;

	vp->map_fd = bpf_obj_get(v->map);
	kind = vp->map_fd >= 0 ? bpf_fd_kind(vp->map_fd) : NULL;
	if (!kind || strcmp(kind, "map") || bpf_obj_get_info_by_fd(vp->map_fd, &info, &len)) {
		view_err(v, key_line(v, "map"), err, errlen, "map %s: %s", v->map,
			 vp->map_fd < 0 ? strerror(errno) : "not a pinned map");
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

/*
 * Opens the object again from its bytes with the stamp in its BTF (see
 * elfbtf.c for why not into the opened object's), with the first one's
 * initial data (the parameters set) and program choice.
 */
static int reopen_stamped(const struct view_conf *v, struct view_prog *vp, const void *data,
			  size_t size, const char *stamp_name)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .object_name = bpf_object__name(vp->obj));
	struct bpf_object *obj = NULL;
	struct bpf_program *prog = NULL;
	struct bpf_map *map;
	char ignored[256];
	void *stamped;
	size_t len, n;

	if (elf_btf_add_int(data, size, stamp_name, &stamped, &len))
		return -EINVAL;
	obj = bpf_object__open_mem(stamped, len, &opts);
	if (!obj)
		goto fail;
	bpf_object__for_each_map(map, obj) {
		struct bpf_map *from = bpf_object__find_map_by_name(vp->obj, bpf_map__name(map));
		const void *init = from && bpf_map__is_internal(map) ? bpf_map__initial_value(from, &n) : NULL;

		if (init && bpf_map__set_initial_value(map, init, n))
			goto fail;
	}
	/* the same choice as in the first: it succeeded there */
	prog = pick_program(v, obj, ignored, sizeof(ignored));
	if (!prog)
		goto fail;
	bpf_object__close(vp->obj);
	free(vp->file_data);
	vp->obj = obj;
	vp->file_data = stamped;
	vp->prog = prog;
	vp->target = strchr(bpf_program__section_name(prog), '/') + 1;
	return 0;
fail:
	bpf_object__close(obj);
	free(stamped);
	return -EINVAL;
}

/* Completes the stamp with the program, its initial data and link
 * parameters, and writes it into the object's BTF, which the kernel keeps
 * with the program. */
static int stamp(const struct view_conf *v, struct view_prog *vp, const void *data, size_t len,
		 char *err, size_t errlen)
{
	const char *version = "bpfviews stamp 1";
	struct bpf_map *map;
	char name[64];
	__u64 h = digest_bytes(vp->stamp, version, strlen(version));

	h = digest_bytes(h, bpf_program__name(vp->prog), strlen(bpf_program__name(vp->prog)));
	h = digest_bytes(h, &vp->link, sizeof(vp->link));
	bpf_object__for_each_map(map, vp->obj) {
		size_t size;
		const void *init = bpf_map__is_internal(map) ? bpf_map__initial_value(map, &size) : NULL;

		if (init)
			h = digest_bytes(h, init, size);
	}
	vp->stamp = h ? h : 1;
	snprintf(name, sizeof(name), STAMP_PREFIX "%016llx", (unsigned long long)vp->stamp);
	if (reopen_stamped(v, vp, data, len, name)) {
		snprintf(err, errlen, "cannot stamp the program's BTF");
		return -EINVAL;
	}
	return 0;
}

bool view_prog_matches(const struct view_prog *vp, const struct view_state *pinned)
{
	return pinned->stamp == vp->stamp && !memcmp(&pinned->link, &vp->link, sizeof(vp->link)) &&
	       !strcmp(pinned->target, vp->target);
}

int view_prog_open(const struct view_conf *v, struct view_prog *vp, char *err, size_t errlen)
{
	const void *data = NULL;
	size_t size = 0;
	int rc;

	view_prog_reset(vp);
	capture_reset();
	rc = objcheck_first(v, vp, view_prog_open, "opening", err, errlen);
	if (!rc)
		rc = open_object(v, vp, &data, &size, err, errlen);
	if (!rc)
		rc = objcheck_pinned_maps(v, vp->obj, err, errlen);
	if (rc)
		return rc;
	vp->prog = pick_program(v, vp->obj, err, errlen);
	if (!vp->prog)
		return -ENOENT;
	vp->target = strchr(bpf_program__section_name(vp->prog), '/') + 1;
	rc = resolve_link(v, vp, err, errlen);
	if (!rc && vp->map_fd >= 0)
		rc = set_map_layout(v, vp, err, errlen);
	if (!rc)
		rc = set_params(v, vp, err, errlen);
	if (!rc)
		rc = check_addresses(v, vp, err, errlen);
	return rc ? rc : stamp(v, vp, data, size, err, errlen);
}

/* ---- loading and linking ---- */

static bool kernel_has_iter(const char *target)
{
	struct btf *vmlinux = btf__load_vmlinux_btf();
	char func[64];
	bool found;

	if (!vmlinux)
		return true;	/* cannot tell; let the load error speak */
	snprintf(func, sizeof(func), "bpf_iter_%s", target);
	found = btf__find_by_name_kind(vmlinux, func, BTF_KIND_FUNC) > 0;
	btf__free(vmlinux);
	return found;
}

int view_prog_load(const struct view_conf *v, struct view_prog *vp, char *err, size_t errlen)
{
	char reason[256];
	int rc;

	capture_reset();
	rc = objcheck_first(v, vp, view_prog_load, "loading", err, errlen);
	if (rc)
		return rc;
	rc = bpf_object__load(vp->obj);
	if (!rc)
		return 0;
	if (!kernel_has_iter(vp->target)) {
		view_err(v, v->line, err, errlen, "this kernel has no '%s' iterator", vp->target);
		return -EOPNOTSUPP;
	}
	/* out of descriptors after the verifier passed it: its log is no reason */
	reason[0] = '\0';
	if (rc != -EMFILE && rc != -ENFILE)
		verifier_reason(reason, sizeof(reason));
	if (reason[0])
		view_err(v, v->line, err, errlen, "the verifier rejected '%s': %s%s", bpf_program__name(vp->prog),
			 reason, log_level >= LOG_INFO ? "" : " (-v shows the log)");
	else
		view_err(v, v->line, err, errlen, "cannot load '%s': %s", bpf_program__name(vp->prog), strerror(-rc));
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

	memset(&info, 0, sizeof(info));
	if (!strcmp(vp->target, "cgroup")) {
		info.cgroup.order = vp->link.order;
		info.cgroup.cgroup_fd = vp->cgroup_fd >= 0 ? vp->cgroup_fd : 0;
		info.cgroup.cgroup_id = vp->cgroup_fd >= 0 ? 0 : vp->link.cgroup_id;
	} else if (vp->map_fd >= 0) {
		info.map.map_fd = vp->map_fd;
	} else {
		info.task.pid = vp->link.pid;
		info.task.tid = vp->link.tid;
	}
	LIBBPF_OPTS(bpf_iter_attach_opts, opts, .link_info = &info, .link_info_len = sizeof(info));
	link = bpf_program__attach_iter(vp->prog, &opts);
	if (!link)
		view_err(v, v->line, err, errlen, "cannot create the iterator link: %s%s", strerror(errno),
			 errno == ESRCH ? " (no such process)" : "");
	return link;
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
	free(vp->file_data);
	view_prog_reset(vp);
}
