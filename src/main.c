#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "bpffs.h"
#include "commands.h"
#include "loader.h"
#include "log.h"

struct options opts = { .root = DEFAULT_ROOT };

static const struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
} commands[] = {
	{ "apply", do_apply, "apply [--dry-run] [VIEW...]  make ROOT match the manifest" },
	{ "status", do_status, "status [VIEW...]             in sync, changed, missing, orphan, foreign, failed" },
	{ "check", do_check, "check [VIEW...]              parse and load in the kernel, pin nothing" },
	{ "remove", do_remove, "remove VIEW... | --all       unpin views this tool manages" },
	{ "programs", do_programs, "programs [NAME]              built-in programs: iterator, parameters, columns" },
	{ "cat-config", do_cat_config, "cat-config                   the merged manifest, each section with its file" },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: bpfviews [-C DIR|FILE]... [-r ROOT] [-v|-q] [-j] COMMAND [ARGS]\n\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %s\n", commands[i].help);
	fprintf(f, "\n  -C DIR|FILE  read the manifest from here instead of the standard drop-in directories\n"
		   "  -r ROOT      the bpffs directory views are pinned in (default %s)\n"
		   "  -v, -vv      more detail (the verifier log), libbpf debug output\n"
		   "  -q           errors only\n"
		   "  -j           JSON output for status, programs and errors\n"
		   "See bpfviews(8) and bpfviews.conf(5).\n", DEFAULT_ROOT);
}

static int parse_global(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' }, { "json", no_argument, NULL, 'j' }, { 0 } };
	int c;

	while ((c = getopt_long(argc, argv, "+C:r:vqjh", longopts, NULL)) != -1) {
		switch (c) {
		case 'C':
			opts.conf = realloc(opts.conf, (opts.nconf + 1) * sizeof(*opts.conf));
			opts.conf[opts.nconf++] = optarg;
			break;
		case 'r':
			opts.root = optarg;
			break;
		case 'v':
			log_level++;
			break;
		case 'q':
			log_level = LOG_QUIET;
			break;
		case 'j':
			opts.json = log_json = true;
			break;
		case 'h':
			usage(stdout);
			exit(EXIT_OK);
		default:
			usage(stderr);
			return -1;
		}
	}
	return optind;
}

/* A view being loaded holds descriptors (its program, maps and BTF), so
 * the soft limit (1024 under systemd) goes up to the hard one; the tool
 * uses no select(). */
static void raise_nofile_limit(void)
{
	struct rlimit rl;

	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

int main(int argc, char **argv)
{
	int first = parse_global(argc, argv);
	size_t len;

	if (first < 0)
		return EXIT_USAGE;
	if (first >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	len = strlen(opts.root);
	while (len > 1 && opts.root[len - 1] == '/')
		((char *)opts.root)[--len] = '\0';
	loader_setup_logging();
	raise_nofile_limit();
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[first], commands[i].name))
			return commands[i].fn(argc - first, argv + first);
	pr_err("unknown command '%s'", argv[first]);
	usage(stderr);
	return EXIT_USAGE;
}
