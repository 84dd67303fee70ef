// SPDX-License-Identifier: GPL-2.0
/*
 * elfbtf - add a type to the .BTF section of an ELF BPF object in memory.
 *
 * A type added to an opened object's BTF (btf__add_*() on
 * bpf_object__btf()) makes libbpf copy the BTF and free the original, which
 * the names of the object's externs point into: libbpf reads them again at
 * load.  So the type goes into the bytes libbpf opens instead: libelf
 * rewrites the object with the larger section (it lays the sections out
 * again) into a memory file, which is read back.
 */
#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <bpf/btf.h>

#include "elfbtf.h"

static int write_all(int fd, const void *data, size_t size)
{
	const char *p = data;

	while (size) {
		ssize_t n = write(fd, p, size);

		if (n < 0)
			return -errno;
		p += n;
		size -= n;
	}
	return 0;
}

static Elf_Scn *find_section(Elf *e, const char *want)
{
	Elf_Scn *scn = NULL;
	size_t shstrndx;
	GElf_Shdr sh;

	if (elf_getshdrstrndx(e, &shstrndx))
		return NULL;
	while ((scn = elf_nextscn(e, scn))) {
		const char *name = gelf_getshdr(scn, &sh) ? elf_strptr(e, shstrndx, sh.sh_name) : NULL;

		if (name && !strcmp(name, want))
			return scn;
	}
	return NULL;
}

/* The section's BTF with the int added, rewritten in place in the file. */
static int rewrite(int fd, const char *name)
{
	Elf *e = elf_begin(fd, ELF_C_RDWR, NULL);
	Elf_Scn *scn = e ? find_section(e, ".BTF") : NULL;
	Elf_Data *d = scn ? elf_getdata(scn, NULL) : NULL;
	struct btf *btf = d ? btf__new(d->d_buf, d->d_size) : NULL;
	const void *raw = NULL;
	__u32 len = 0;
	int err = -EINVAL;

	if (btf && btf__add_int(btf, name, 1, 0) > 0)
		raw = btf__raw_data(btf, &len);
	if (raw) {
		d->d_buf = (void *)raw;
		d->d_size = len;
		elf_flagdata(d, ELF_C_SET, ELF_F_DIRTY);
		if (elf_update(e, ELF_C_WRITE) >= 0)
			err = 0;
	}
	if (e)
		elf_end(e);
	btf__free(btf);
	return err;
}

static int read_back(int fd, void **out, size_t *out_size)
{
	off_t size = lseek(fd, 0, SEEK_END);
	char *buf = size > 0 ? malloc(size) : NULL;

	if (!buf)
		return -ENOMEM;
	if (pread(fd, buf, size, 0) != size) {
		free(buf);
		return -EIO;
	}
	*out = buf;
	*out_size = size;
	return 0;
}

int elf_btf_add_int(const void *data, size_t size, const char *name, void **out, size_t *out_size)
{
	int fd = memfd_create("bpfviews-object", MFD_CLOEXEC);
	int err;

	if (fd < 0)
		return -errno;
	if (elf_version(EV_CURRENT) == EV_NONE)
		err = -EINVAL;
	else
		err = write_all(fd, data, size);
	if (!err)
		err = rewrite(fd, name);
	if (!err)
		err = read_back(fd, out, out_size);
	close(fd);
	return err;
}
