/* bpffs: the root directory, what is pinned under it, and atomic pinning. */
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

enum pin_kind {
	PIN_VIEW,	/* an iterator link: ours to manage */
	PIN_STAGING,	/* an iterator link left by an interrupted apply */
	PIN_FOREIGN,	/* anything else: reported, never touched */
};

struct pin {
	char *name;		/* relative to the root */
	enum pin_kind kind;
	const char *what;	/* for foreign pins: "map", "program", "link", ... */
	bool is_dir;		/* an empty directory */
	mode_t mode;
	uid_t uid;
	gid_t gid;
	int fd;			/* the link, for views and staging pins; else -1 */
};

struct pins {
	struct pin *v;
	int n;
};

/* Makes ROOT exist on a bpffs; mounts bpffs on /sys/fs/bpf first when the
 * default root is wanted and nothing is mounted there. */
int bpffs_prepare_root(const char *root, bool create, char *err, size_t errlen);
/* Serialises applies on the root directory; returns the lock fd. */
int bpffs_lock(const char *root, bool wait);
int bpffs_scan(const char *root, struct pins *pins);
void pins_free(struct pins *pins);
const struct pin *pins_find(const struct pins *pins, const char *name);

/* Pins LINK_FD as ROOT/NAME with MODE and owner, atomically replacing any old pin. */
int bpffs_pin(int link_fd, const char *root, const char *name, mode_t mode, uid_t uid, gid_t gid,
	      char *err, size_t errlen);
int bpffs_set_attrs(const char *root, const char *name, mode_t mode, uid_t uid, gid_t gid);
/* Unpins ROOT/NAME and removes the directories that leaves empty. */
int bpffs_unpin(const char *root, const char *name);

#endif
