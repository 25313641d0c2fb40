// SPDX-License-Identifier: GPL-2.0
/* Building a topology for a replay, and removing it after (harness/net runs). */
#include <errno.h>
#include <string.h>

#include "lib/log.h"
#include "net/run.h"
#include "replay/replay_run.h"

int pl_replay_run_up(const struct topo *t, char *run, size_t len)
{
	/* We keep ownership: if we die, `podlab down --stale` reaps the run. */
	struct pl_up_opts o = {.topology = t->file, .datapath = true, .keep_owner = true};
	char id[PL_RUN_ID_MAX];
	int err;

	err = pl_run_up(t, &o, id);
	if (err)
		return err;
	snprintf(run, len, "%s", id);
	return 0;
}

int pl_replay_run_down(const char *run)
{
	return pl_run_down(run);
}
