/* A session: the manifest's views opened and loaded, the root scanned, and
 * the plan between them. Every command that looks at views starts here. */
#ifndef BPFVIEWS_SESSION_H
#define BPFVIEWS_SESSION_H

#include <getopt.h>
#include <stdbool.h>

#include "bpffs.h"
#include "loader.h"
#include "manifest.h"
#include "plan.h"

/* The views named on the command line; none means every view. */
struct selection {
	char *const *names;
	int n;
};

struct session {
	struct selection only;
	struct manifest m;
	struct view_prog *progs;	/* per view */
	struct want *wants;		/* per view */
	char **errors;			/* per view: why it failed, or NULL */
	int manifest_errors;
	struct bpffs_root root;		/* closed when it does not exist */
	struct pins pins;
	struct view_state *pin_states;	/* per pin */
	struct plan plan;
};

/* Parses a command's options (LONGOPTS, flags only) and the global ones
 * (cli_options()) and takes the operands as the selection. */
int session_args(struct session *s, int argc, char **argv, const struct option *longopts);
bool session_selected(const struct session *s, const char *name);
/* Reads the manifest and opens the selected views: EXIT_OK or EXIT_USAGE. */
int session_open(struct session *s);
/* Called with each batch of loaded views [FROM, TO), before their objects
 * are released (apply pins them here). */
typedef void (*session_batch_fn)(struct session *s, int from, int to, void *arg);
/* Loads the views whose pins do not already match, on every CPU, a batch
 * at a time; DONE may be NULL. */
void session_load(struct session *s, session_batch_fn done, void *arg);
/* Reads what the root holds (nothing if it does not exist); 0 or -errno (reported). */
int session_scan(struct session *s);
int session_plan(struct session *s);
void session_free(struct session *s);

/* bpffs_open_root() into s->root, with its error reported; a root that does
 * not exist is no error unless CREATE. */
int session_open_root(struct session *s, bool create);

#endif
