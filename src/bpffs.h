/* bpffs: the root directory, what is pinned under it, and atomic pinning.
 *
 * Nothing under the root is trusted: a fresh bpffs is mode 1777. Every
 * change goes through directory descriptors opened one component at a time
 * with O_NOFOLLOW and checked with fstat (owned by root, not writable by
 * group or others), and names one entry of such a directory; no path is
 * handed to the kernel to resolve again, and no symlink is followed. */
#ifndef BPFVIEWS_BPFFS_H
#define BPFVIEWS_BPFFS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "viewstate.h"

#define DEFAULT_ROOT "/sys/fs/bpf/views"
/* A changed view is pinned as NAME~staging, then renamed over NAME; view
 * names cannot contain '~', so a staging pin is never mistaken for a view. */
#define STAGING_SUFFIX "~staging"
/* Directories below the root that scan reads and pin creates: views are a
 * few levels deep; a deeper directory is reported, not read. */
#define BPFFS_MAX_DEPTH 16

enum pin_kind {
	PIN_VIEW,	/* an iterator link: ours to manage */
	PIN_STAGING,	/* an iterator link left by an interrupted apply */
	PIN_FOREIGN,	/* anything else: reported, never touched */
};

struct pin {
	char *name;		/* relative to the root */
	enum pin_kind kind;
	const char *what;	/* for foreign pins: "map", "program", "link", ... */
	bool is_dir;		/* an empty directory, or one that is not used */
	bool refused;		/* a directory bpfviews does not trust: never read or used */
	mode_t mode;
	uid_t uid;
	gid_t gid;
	__u32 link_id;		/* the link, for views and staging pins; else 0 */
};

struct pins {
	struct pin *v;
	int n;
};

/* The root: its path (for messages) and a checked descriptor of it; PATH
 * is NULL while it is not open (a zeroed struct is a closed root). */
struct bpffs_root {
	const char *path;
	int fd;
	dev_t dev;
};

/* Opens ROOT, checked: on a bpffs, owned by root, not writable by group or
 * others unless sticky, reached through directories of the same kind without
 * symlinks. With CREATE it mounts bpffs on /sys/fs/bpf first when the default
 * root is wanted and nothing is mounted there, and creates ROOT 0755 root:root
 * in a bpffs parent. -ENOENT (no message) when ROOT does not exist and CREATE
 * is false. */
int bpffs_open_root(struct bpffs_root *r, const char *root, bool create, char *err, size_t errlen);
/* The object pinned at PATH, reached as the root is: every directory on
 * the way checked, the pin itself root's and no symbolic link (a bpffs can
 * be anyone's to write). An fd, or -errno and why in err. */
int bpffs_get_pin(const char *path, char *err, size_t errlen);
void bpffs_close_root(struct bpffs_root *r);
/* Serialises applies on the root directory; held until the root is closed. */
int bpffs_lock(const struct bpffs_root *r, bool wait);
int bpffs_scan(const struct bpffs_root *r, struct pins *pins);
void pins_free(struct pins *pins);
const struct pin *pins_find(const struct pins *pins, const char *name);

/* Pins LINK_FD as ROOT/NAME with MODE and owner, atomically replacing the
 * iterator link pinned there, if any. */
int bpffs_pin(int link_fd, const struct bpffs_root *r, const char *name, mode_t mode, uid_t uid,
	      gid_t gid, char *err, size_t errlen);
int bpffs_set_attrs(const struct bpffs_root *r, const char *name, mode_t mode, uid_t uid, gid_t gid,
		    char *err, size_t errlen);
/* Unpins ROOT/NAME and removes the directories that leaves empty. */
int bpffs_unpin(const struct bpffs_root *r, const char *name, char *err, size_t errlen);

struct stat;
/* Why bpfviews does not write in the directory ST, by the root's rules
 * (root's, not writable by group or others unless sticky), or NULL. */
const char *bpffs_dir_refusal(const struct stat *st);

#endif
