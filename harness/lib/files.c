// SPDX-License-Identifier: GPL-2.0
/* Small file helpers (files.h). */
#include <errno.h>
#include <stdbool.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "lib/files.h"

int pl_write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "we");
	int err = 0;

	if (!f)
		return -errno;
	if (fputs(text, f) < 0)
		err = -EIO;
	if (fclose(f) && !err)
		err = -errno;
	return err;
}

int pl_mkdir_p(const char *path, mode_t mode)
{
	char tmp[PATH_MAX], *c;
	bool parent_failed;
	int tries;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s", path) >= sizeof(tmp))
		return -ENAMETOOLONG;
	for (tries = 0; tries < 8; tries++) {
		snprintf(tmp, sizeof(tmp), "%s", path);
		parent_failed = false;
		for (c = tmp + 1; *c && !parent_failed; c++) {
			if (*c != '/')
				continue;
			*c = '\0';
			parent_failed = mkdir(tmp, mode) && errno != EEXIST;
			*c = '/';
		}
		if (!parent_failed && (!mkdir(tmp, mode) || errno == EEXIST))
			return 0;
		if (errno != ENOENT)
			return -errno;
	}
	return -ENOENT;
}

/* An installed podlab: BIN/../lib/podlab/bpf/NAME, resolved; 0 when it is there. */
static int installed_object(const char *bindir, const char *name, char *buf, size_t len)
{
	char path[PATH_MAX], real[PATH_MAX];

	if ((size_t)snprintf(path, sizeof(path), "%s/../lib/podlab/bpf/%s", bindir, name) >=
		    sizeof(path) ||
	    access(path, R_OK) || !realpath(path, real))
		return -ENOENT;
	return (size_t)snprintf(buf, len, "%s", real) < len ? 0 : -ENAMETOOLONG;
}

int pl_bpf_object_path(const char *name, char *buf, size_t len)
{
	const char *dir = getenv("PODLAB_BPF_DIR");
	char exe[PATH_MAX - 32];
	ssize_t n;
	char *slash;
	int up;

	if (dir && *dir) {
		snprintf(buf, len, "%s/%s", dir, name);
		return access(buf, R_OK) ? -ENOENT : 0;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		goto fallback;
	exe[n] = '\0';
	for (up = 0; up < 3 && (slash = strrchr(exe, '/')); up++) {
		*slash = '\0';
		if (up == 0 && !installed_object(exe, name, buf, len))
			return 0;
		if ((size_t)snprintf(buf, len, "%s/bpf/%s", exe, name) < len && !access(buf, R_OK))
			return 0;
	}
fallback:
	snprintf(buf, len, "build/bpf/%s", name);
	return access(buf, R_OK) ? -ENOENT : 0;
}
