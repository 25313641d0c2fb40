// SPDX-License-Identifier: GPL-2.0
/*
 * The `podlab sim qdisc --example` specs and loads (sim/qdisc_spec.c's table,
 * compiled in here: this file stands for that object when seedgen links).
 */
#include "../../../sim/qdisc_spec.c"
#include "seedgen.h"

int pl_seed_units(const char *dir)
{
	unsigned int i, j;
	int err = 0, n = 0;

	for (i = 0; !err && i < sizeof(examples) / sizeof(examples[0]); i++) {
		err = pl_seed_write(dir, "example", n++, examples[i].spec,
				    strlen(examples[i].spec));
		for (j = 0; !err && j < 3 && examples[i].loads[j]; j++)
			err = pl_seed_write(dir, "example", n++, examples[i].loads[j],
					    strlen(examples[i].loads[j]));
	}
	return err;
}
