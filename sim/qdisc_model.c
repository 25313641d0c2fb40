// SPDX-License-Identifier: GPL-2.0
/* Qdisc model dispatch: a topology qdisc to its model. */
#include "qdisc.h"

int pl_sim_qdisc_create(const struct topo_qdisc *cfg, const struct sim_qdisc_opts *opts,
			struct sim_qdisc **out, char *err, int errlen)
{
	*out = NULL;
	if (!opts || !opts->pool)
		return pl_sim_errf(err, errlen, "no packet pool");
	switch (cfg->kind) {
	case TOPO_QDISC_PFIFO:
		return pl_sim_pfifo_create(cfg->pfifo_limit, opts, out, err, errlen);
	case TOPO_QDISC_TBF:
		return pl_sim_tbf_create(&cfg->tbf, opts, out, err, errlen);
	case TOPO_QDISC_HTB:
		return pl_sim_htb_create(&cfg->htb, opts, out, err, errlen);
	case TOPO_QDISC_NETEM:
		return pl_sim_netem_create(&cfg->netem, opts, out, err, errlen);
	default:
		return pl_sim_errf(err, errlen, "qdisc kind %d has no model", cfg->kind);
	}
}

void pl_sim_qdisc_destroy(struct sim_qdisc *q)
{
	if (q)
		q->ops->destroy(q);
}
