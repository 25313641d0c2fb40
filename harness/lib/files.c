// SPDX-License-Identifier: GPL-2.0
/* Small file helpers (files.h). */
#include <errno.h>
#include <stdio.h>

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
