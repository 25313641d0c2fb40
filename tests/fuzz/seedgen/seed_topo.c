// SPDX-License-Identifier: GPL-2.0
/* The broken topology files of tests/unit/test_topo_parse.c as seeds. */
#include "../../unit/test_topo_parse.c"
#include "seedgen.h"

int pl_seed_topo(const char *dir)
{
	unsigned int i;
	int err = 0;

	for (i = 0; !err && i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++)
		err = pl_seed_write(dir, "broken", i, bad_cases[i].text, strlen(bad_cases[i].text));
	return err;
}
