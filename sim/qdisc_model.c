// SPDX-License-Identifier: GPL-2.0
/* Qdisc model dispatch: a topology qdisc to its model. */
#include "qdisc.h"

int sim_qdisc_create(const struct topo_qdisc *cfg, const struct sim_qdisc_opts *opts,
		     struct sim_qdisc **out, char *err, int errlen)
{
	*out = NULL;
	if (!opts || !opts->pool)
		return sim_errf(err, errlen, "no packet pool");
	switch (cfg->kind) {
	case TOPO_QDISC_PFIFO:
		return sim_pfifo_create(cfg->pfifo_limit, opts, out, err, errlen);
	case TOPO_QDISC_TBF:
		return sim_tbf_create(&cfg->tbf, opts, out, err, errlen);
	case TOPO_QDISC_HTB:
		return sim_htb_create(&cfg->htb, opts, out, err, errlen);
	case TOPO_QDISC_NETEM:
		return sim_netem_create(&cfg->netem, opts, out, err, errlen);
	default:
		return sim_errf(err, errlen, "qdisc kind %d has no model", cfg->kind);
	}
}

void sim_qdisc_destroy(struct sim_qdisc *q)
{
	if (q)
		q->ops->destroy(q);
}
