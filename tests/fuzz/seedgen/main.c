// SPDX-License-Identifier: GPL-2.0
/* seedgen KIND DIR: writes the unit tests' table of KIND (topo, scenario, policy, units) into DIR.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "seedgen.h"

int pl_seed_write(const char *dir, const char *prefix, int n, const char *text, size_t len)
{
	char path[4096];
	FILE *f;
	int err = 0;

	snprintf(path, sizeof(path), "%s/%s-%d", dir, prefix, n);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	if (fwrite(text, 1, len, f) != len)
		err = -EIO;
	if (fclose(f) && !err)
		err = -errno;
	return err;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *kind;
		int (*write)(const char *dir);
	} kinds[] = {
		{"topo", pl_seed_topo},
		{"scenario", pl_seed_scenario},
		{"policy", pl_seed_policy},
		{"units", pl_seed_units},
	};
	unsigned int i;
	int err;

	if (argc != 3) {
		fprintf(stderr, "usage: seedgen topo|scenario|policy|units DIR\n");
		return 2;
	}
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		if (strcmp(argv[1], kinds[i].kind))
			continue;
		err = kinds[i].write(argv[2]);
		if (err)
			fprintf(stderr, "seedgen: %s: %s\n", argv[2], strerror(-err));
		return err ? 1 : 0;
	}
	fprintf(stderr, "seedgen: unknown kind '%s'\n", argv[1]);
	return 2;
}
