// SPDX-License-Identifier: GPL-2.0
/* The broken scenario files of tests/unit/test_scenario.c as seeds. */
#include "../../unit/test_scenario.c"
#include "seedgen.h"

int pl_seed_scenario(const char *dir)
{
	unsigned int i;
	int err = 0;

	for (i = 0; !err && i < sizeof(bad) / sizeof(bad[0]); i++)
		err = pl_seed_write(dir, "broken", i, bad[i].text, strlen(bad[i].text));
	return err;
}
