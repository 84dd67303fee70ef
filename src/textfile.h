/* Textfile links: `textfile = DIR/NAME.prom` makes DIR/NAME.prom a symbolic
 * link to the view, for node_exporter's textfile collector, which reads
 * only *.prom names (bpffs refuses dots in names).
 *
 * No state is kept: a link is bpfviews's when it is a symbolic link named
 * *.prom whose target is ROOT/VIEW, VIEW a valid view name. Apply finds its
 * links by reading the textfile directories the manifest names. Links are
 * made only in a directory that is root's and not writable by group or
 * others (unless sticky), reached without following a symlink; a file or a
 * link that is not bpfviews's is never replaced or removed. */
#ifndef BPFVIEWS_TEXTFILE_H
#define BPFVIEWS_TEXTFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "manifest.h"

#define TEXTFILE_SUFFIX ".prom"

enum link_state {
	LINK_IN_SYNC,	/* bpfviews's link, to the view */
	LINK_MISSING,	/* nothing by that name */
	LINK_STALE,	/* bpfviews's link, to another view */
	LINK_TAKEN,	/* a file, or a link bpfviews did not make */
	LINK_UNUSABLE,	/* the directory is missing or not trusted */
};

/* Whether PATH is a textfile's path: absolute, NAME.prom, no empty, '.' or
 * '..' component, short enough for the temporary name beside it. */
bool textfile_path_ok(const char *path);
/* ROOT as link targets name it: absolute, without '.' or repeated '/';
 * NULL and errno EINVAL for a relative ROOT. */
char *textfile_root(const char *root);
const char *link_state_name(enum link_state state);

/* The state of the link PATH for VIEW under ROOT (a textfile_root()). */
enum link_state textfile_state(const char *path, const char *root, const char *view, char *err,
			       size_t errlen);
/* Makes PATH a link to ROOT/VIEW, atomically, unless it is taken. */
int textfile_link(const char *path, const char *root, const char *view, char *err, size_t errlen);
/* Removes PATH if it is bpfviews's link (to ROOT/VIEW, or any view when VIEW
 * is NULL); 0 when there is nothing to remove. */
int textfile_unlink(const char *path, const char *root, const char *view, char *err, size_t errlen);

/* bpfviews's links in DIR (LEN bytes of it) into ROOT: FN(ARG, path, view)
 * for each. */
typedef void (*textfile_fn)(void *arg, const char *path, const char *view);
int textfile_scan(const char *dir, size_t len, const char *root, textfile_fn fn, void *arg, char *err,
		  size_t errlen);

/* Why a reader that is not root cannot read VIEW (mode MODE) under ROOT
 * through its link, into BUF; NULL when it can. */
const char *textfile_unreachable(const char *root, const char *view, unsigned mode, char *buf,
				 size_t len);

/* ---- the manifest's links ---- */

/* For each view (indexed as M's views) in what a command does. */
struct textfile_scope {
	const bool *selected;	/* the command names it, or names no view */
	const bool *pinned;	/* selected, and its pin exists */
	bool all;		/* no view named: every link of the root is in scope */
};

/* apply: makes the link of each pinned view, removes bpfviews's links in
 * the manifest's textfile directories that no pinned view wants; with
 * DRY_RUN says what it would do. Returns the number of failures. */
int textfiles_apply(const struct manifest *m, const char *root, const struct textfile_scope *sc,
		    bool dry_run);
/* status: FN(ARG, view index, path, state, detail) for each selected view's
 * link, then (view -1) for each link in scope that no view wants. */
typedef void (*textfile_status_fn)(void *arg, int view, const char *path, enum link_state state,
				   const char *detail);
void textfiles_status(const struct manifest *m, const char *root, const struct textfile_scope *sc,
		      textfile_status_fn fn, void *arg);
/* remove: the links to VIEW in the manifest's textfile directories. */
int textfiles_remove_view(const struct manifest *m, const char *root, const char *view);

#endif
