/* The manifest: drop-in files of INI sections, one section per view. */
#ifndef BPFVIEWS_MANIFEST_H
#define BPFVIEWS_MANIFEST_H

#include <stdbool.h>
#include <sys/types.h>
#include <linux/types.h>

/* A manifest file is read whole: at most this many bytes, in lines of at most
 * MANIFEST_MAX_LINE characters, the newline not counted. */
#define MANIFEST_MAX_SIZE (1024 * 1024)
#define MANIFEST_MAX_LINE 4096
/* A view name, and each of its components: NAME~staging must fit bpffs's
 * 255-byte names. */
#define VIEW_NAME_MAX 1024
#define VIEW_PART_MAX 247

struct manifest_key {
	char *key;
	char *value;
	int line;
};

struct view_conf {
	char *name;		/* path under the root, e.g. "net/tcp" */
	const char *file;	/* the manifest file the section is in */
	int line;		/* line of the section header */
	struct manifest_key *keys;	/* every key as written, in order */
	int nkeys;
	/* the tool's own keys, validated */
	const char *program;
	const char *object;
	mode_t mode;
	bool expose_addresses;	/* a world-readable view may print kernel addresses */
	uid_t uid;
	gid_t gid;
	/* link parameters: which objects the kernel walks */
	__u32 pid;
	__u32 tid;
	const char *cgroup;	/* a cgroup v2 path or id */
	__u32 order;		/* enum bpf_cgroup_iter_order; 0: unset */
	const char *map;	/* a pinned map, for map element iterators */
	const char *textfile;	/* a link to the view for node_exporter (textfile.h) */
};

struct manifest {
	char **files;		/* in the order they were read */
	int nfiles;
	struct view_conf *views;
	int nviews;
};

/* Reads SOURCES (files or directories from -C), or the standard drop-in
 * directories when nsources is 0. Reports each error as FILE:LINE and goes on;
 * returns 0, or -EINVAL if any error was found. Finding no manifest file at
 * all (masks count as files) is an error: only a file can say "no views". */
int manifest_load(struct manifest *m, char *const *sources, int nsources);
void manifest_free(struct manifest *m);

const struct view_conf *manifest_find(const struct manifest *m, const char *name);
/* True for the keys the tool owns; every other key is a program parameter. */
bool manifest_key_is_own(const char *key);
/* The key that sets program global NAME: NAME itself, or "global.NAME" when
 * NAME is also one of the tool's keys (a pid filter of the program). */
const char *manifest_param_key(const char *name, char *buf, size_t len);
/* Checks a view name: components of [A-Za-z0-9_-], no dots, no empty parts. */
int view_name_check(const char *name, char *err, size_t errlen);

#endif
