/* The commands, each parsing its own arguments (main.c has the table). */
#ifndef BPFVIEWS_COMMANDS_H
#define BPFVIEWS_COMMANDS_H

#include <getopt.h>
#include <stdbool.h>

/* Exit status: 0 all good, 1 a view failed or is not in sync, 2 usage or manifest error. */
enum { EXIT_OK = 0, EXIT_VIEW = 1, EXIT_USAGE = 2 };

struct options {
	char **conf;		/* -C, in order; none means the standard locations */
	int nconf;
	const char *root;
	bool json;
};

extern struct options opts;

/* Parses the global options and CMDOPTS (the command's flags, may be NULL)
 * wherever they are in ARGV, ARGV[0] being the command; leaves the operands
 * in order in ARGV[1...] and returns their number plus one (the new argc),
 * or -1 when reported. */
int cli_options(int argc, char **argv, const struct option *cmdopts);

int do_apply(int argc, char **argv);
int do_status(int argc, char **argv);
int do_check(int argc, char **argv);
int do_remove(int argc, char **argv);
int do_programs(int argc, char **argv);
int do_cat_config(int argc, char **argv);

#endif
