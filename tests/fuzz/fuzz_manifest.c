/* libFuzzer target: manifest loading, as `bpfviews -C FILE...` does it.
 *
 * The input is up to MAX_FILES manifest files separated by form feeds ('\f'),
 * so that duplicates and nesting across files are reached too. Each is
 * written to a private root-owned 0700 directory (on tmpfs when there is one)
 * and the files are given to manifest_load() as explicit sources.
 *
 * Besides the sanitizers, the oracle is the manifest's promise: a load that
 * returns 0 has only views that apply could pin (a valid, unique name, not
 * inside another view, a program or an object).
 */
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "manifest.h"

#define MAX_FILES 3

static char dir[PATH_MAX];
static char paths[MAX_FILES][PATH_MAX];

static void remove_dir(void)
{
	for (int i = 0; i < MAX_FILES; i++)
		unlink(paths[i]);
	rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char *const bases[] = { "/dev/shm", "/tmp" };

	(void)argc;
	(void)argv;
	for (size_t i = 0; i < sizeof(bases) / sizeof(bases[0]) && !dir[0]; i++) {
		snprintf(dir, sizeof(dir), "%s/fuzz_manifest.XXXXXX", bases[i]);
		if (!mkdtemp(dir))
			dir[0] = '\0';
	}
	if (!dir[0]) {
		perror("fuzz_manifest: mkdtemp");
		exit(1);
	}
	for (int i = 0; i < MAX_FILES; i++)
		snprintf(paths[i], sizeof(paths[i]), "%s/%d.conf", dir, i);
	atexit(remove_dir);
	return 0;
}

static void write_file(const char *path, const uint8_t *data, size_t size)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0 || write(fd, data, size) != (ssize_t)size || close(fd)) {
		perror(path);
		abort();
	}
}

static bool inside(const char *outer, const char *inner)
{
	size_t len = strlen(outer);

	return !strncmp(inner, outer, len) && inner[len] == '/';
}

/* What a successful load promises about every view it returns. */
static void check_views(const struct manifest *m)
{
	char err[512];

	for (int i = 0; i < m->nviews; i++) {
		const struct view_conf *v = &m->views[i];

		if (view_name_check(v->name, err, sizeof(err)) || (!v->program && !v->object))
			abort();
		for (int j = 0; j < m->nviews; j++)
			if (j != i && (!strcmp(v->name, m->views[j].name) || inside(v->name, m->views[j].name)))
				abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *end = data + size;
	char *sources[MAX_FILES];
	struct manifest m;
	int n = 0;

	while (n < MAX_FILES) {
		const uint8_t *ff = n < MAX_FILES - 1 ? memchr(data, '\f', end - data) : NULL;
		const uint8_t *stop = ff ? ff : end;

		write_file(paths[n], data, stop - data);
		sources[n] = paths[n];
		n++;
		if (!ff)
			break;
		data = ff + 1;
	}
	if (!manifest_load(&m, sources, n))
		check_views(&m);
	manifest_free(&m);
	return 0;
}
