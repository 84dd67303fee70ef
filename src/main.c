#include <errno.h>
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
#include "paths.h"

struct options opts = { .root = DEFAULT_ROOT };

static int do_help(int argc, char **argv);

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
	{ "help", do_help, "help [COMMAND]               this text, or one command's" },
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static const char global_help[] =
	"  -C DIR|FILE  read the manifest from here instead of the standard drop-in directories\n"
	"  -r ROOT      the bpffs directory views are pinned in (default " DEFAULT_ROOT ")\n"
	"  -v, -vv      more detail (the verifier log), libbpf debug output\n"
	"  -q           errors only\n"
	"  -j, --json   JSON output for status, programs and errors\n"
	"  -h, --help   this text; -V, --version the version\n"
	"Options go before or after the command. See bpfviews(8) and bpfviews.conf(5).\n";

static void usage(FILE *f)
{
	fprintf(f, "usage: bpfviews [-C DIR|FILE]... [-r ROOT] [-v|-q] [-j] COMMAND [ARGS]\n\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %s\n", commands[i].help);
	fprintf(f, "\n%s", global_help);
}

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!strcmp(name, commands[i].name))
			return &commands[i];
	return NULL;
}

static int do_help(int argc, char **argv)
{
	const struct command *cmd;

	if (cli_options(argc, argv, NULL) < 0)
		return EXIT_USAGE;
	if (argc > 2) {
		pr_err("help takes at most one COMMAND");
		return EXIT_USAGE;
	}
	if (argc < 2) {
		usage(stdout);
		return EXIT_OK;
	}
	cmd = find_command(argv[1]);
	if (!cmd) {
		pr_err("unknown command '%s' (bpfviews help lists them)", argv[1]);
		return EXIT_USAGE;
	}
	printf("usage: bpfviews [OPTIONS] %s\n\n%s", cmd->help, global_help);
	return EXIT_OK;
}

static int add_conf(char *path)
{
	char **conf = realloc(opts.conf, (opts.nconf + 1) * sizeof(*opts.conf));

	if (!conf) {
		pr_err("out of memory");
		return -ENOMEM;
	}
	opts.conf = conf;
	opts.conf[opts.nconf++] = path;
	return 0;
}

/* -r ROOT, without the trailing slashes that would make "views/" and
 * "views" two roots. */
static void set_root(char *root)
{
	size_t len = strlen(root);

	while (len > 1 && root[len - 1] == '/')
		root[--len] = '\0';
	opts.root = root;
}

#define MAX_LONGOPTS 16

static const struct option global_longopts[] = {
	{ "help", no_argument, NULL, 'h' }, { "json", no_argument, NULL, 'j' },
	{ "version", no_argument, NULL, 'V' }, { 0 } };

/* The global long options, then the command's CMDOPTS. */
static int merge_longopts(struct option *all, const struct option *cmdopts)
{
	size_t n = 0;

	for (const struct option *o = global_longopts; o->name; o++)
		all[n++] = *o;
	for (const struct option *o = cmdopts; o && o->name; o++) {
		if (n + 1 >= MAX_LONGOPTS) {
			pr_err("too many options");
			return -E2BIG;
		}
		all[n++] = *o;
	}
	all[n] = (struct option){ 0 };
	return 0;
}

/* C is getopt's answer for ARG, an option of command CMD (NULL: before the command). */
static void bad_option(const char *cmd, int c, const char *arg)
{
	char opt[3] = { '-', (char)optopt, '\0' };

	if (c != ':' && optopt && optopt != '?')
		arg = opt;
	pr_err("%s%s%s '%s'; see bpfviews help", cmd ? cmd : "", cmd ? ": " : "",
	       c == ':' ? "option needs an argument:" : "unknown option", arg);
}

/* One getopt_long pass over ARGV: global options and CMDOPTS (flags that
 * getopt sets). SHORTOPTS starts with '+' to stop at the first operand, or
 * '-' to go on past operands (even under POSIXLY_CORRECT), each moved to
 * ARGV[(*NOPS)++]. Returns optind, or -1 when reported. */
static int parse_options(int argc, char **argv, const struct option *cmdopts, const char *shortopts,
			 int *nops)
{
	struct option longopts[MAX_LONGOPTS];
	int c;

	if (merge_longopts(longopts, cmdopts))
		return -1;
	optind = 0;	/* a full reset: SHORTOPTS changes between passes */
	opterr = 0;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		switch (c) {
		case 0:
			break;
		case 1:
			argv[(*nops)++] = optarg;	/* a slot getopt has passed */
			break;
		case 'C':
			if (add_conf(optarg))
				return -1;
			break;
		case 'r':
			set_root(optarg);
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
		case 'V':
			printf("bpfviews %s\n", VERSION);
			exit(EXIT_OK);
		default:
			bad_option(nops ? argv[0] : NULL, c, argv[optind - 1]);
			return -1;
		}
	}
	return optind;
}

int cli_options(int argc, char **argv, const struct option *cmdopts)
{
	int n = 1, end = parse_options(argc, argv, cmdopts, "-:C:r:vqjhV", &n);

	if (end < 0)
		return -1;
	while (end < argc)	/* the operands after "--" */
		argv[n++] = argv[end++];
	return n;
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
	int first = parse_options(argc, argv, NULL, "+:C:r:vqjhV", NULL);
	const struct command *cmd;

	if (first < 0)
		return EXIT_USAGE;
	if (first >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	cmd = find_command(argv[first]);
	if (!cmd) {
		pr_err("unknown command '%s'", argv[first]);
		usage(stderr);
		return EXIT_USAGE;
	}
	loader_setup_logging();
	raise_nofile_limit();
	return cmd->fn(argc - first, argv + first);
}
