// SPDX-License-Identifier: GPL-2.0
/* The `policies:` sections of tests/unit/test_policy.c's cases as seeds. */
#include "../../unit/test_policy.c"
#include "seedgen.h"

int pl_seed_policy(const char *dir)
{
	unsigned int i;
	int err = 0;

	for (i = 0; !err && i < sizeof(cases) / sizeof(cases[0]); i++)
		err = pl_seed_write(dir, "case", i, cases[i].policies, strlen(cases[i].policies));
	return err;
}
