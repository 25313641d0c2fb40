// SPDX-License-Identifier: GPL-2.0
/* Interval statistics of a qdisc run and their text, JSON and SVG forms. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lib/escape.h"
#include "qdisc_report.h"
#include "svg.h"

struct u64vec {
	uint64_t *v;
	size_t n, cap;
};

struct interval {
	uint64_t *flow_bytes;  /* [nloads] */
	uint64_t *class_bytes; /* [nclasses] */
	uint64_t drops;
	uint32_t qlen; /* after the last event in it */
	bool qlen_set;
	size_t d0, d1;	   /* its queueing delays: delays.v[d0..d1) */
	uint64_t p50, p99; /* UINT64_MAX: no packet left in it */
};

struct sim_report {
	struct sim_report_cfg cfg;
	int nint;
	struct interval *iv;
	int nclasses;
	uint16_t *classes;	    /* distinct flow classes, by minor */
	struct u64vec delays;	    /* all, in dequeue order */
	struct u64vec *flow_delays; /* per flow */
	uint64_t *arr_pkts, *arr_bytes, *drop_pkts, *deq_bytes; /* per flow */
	uint64_t drops_by[SIM_DROP__MAX];
	int err;
	bool finished;
};

static int push(struct u64vec *v, uint64_t x)
{
	uint64_t *n;

	if (v->n == v->cap) {
		n = realloc(v->v, (v->cap ? 2 * v->cap : 1024) * sizeof(*n));
		if (!n)
			return -ENOMEM;
		v->v = n;
		v->cap = v->cap ? 2 * v->cap : 1024;
	}
	v->v[v->n++] = x;
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of sorted v[0..n). */
static uint64_t pct(const uint64_t *v, size_t n, double p)
{
	size_t k;

	if (!n)
		return UINT64_MAX;
	k = (size_t)ceil(p * n);
	return v[k ? k - 1 : 0];
}

int pl_sim_report_new(const struct sim_report_cfg *cfg, struct sim_report **out)
{
	struct sim_report *r;
	int i, j, k, nl = cfg->nloads;

	*out = NULL;
	if (!cfg->interval_ns || !cfg->duration_ns)
		return -EINVAL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->cfg = *cfg;
	r->nint = (int)((cfg->duration_ns + cfg->interval_ns - 1) / cfg->interval_ns);
	r->iv = calloc(r->nint, sizeof(*r->iv));
	r->classes = calloc(nl + 1, sizeof(*r->classes));
	r->flow_delays = calloc(nl + 1, sizeof(*r->flow_delays));
	r->arr_pkts = calloc(4 * (nl + 1), sizeof(uint64_t));
	if (!r->iv || !r->classes || !r->flow_delays || !r->arr_pkts)
		goto nomem;
	r->arr_bytes = r->arr_pkts + (nl + 1);
	r->drop_pkts = r->arr_bytes + (nl + 1);
	r->deq_bytes = r->drop_pkts + (nl + 1);
	for (i = 0; cfg->flow_class && i < nl; i++) {
		for (j = 0; j < r->nclasses && r->classes[j] < cfg->flow_class[i]; j++)
			;
		if (j < r->nclasses && r->classes[j] == cfg->flow_class[i])
			continue;
		for (k = r->nclasses++; k > j; k--)
			r->classes[k] = r->classes[k - 1];
		r->classes[j] = cfg->flow_class[i];
	}
	for (i = 0; i < r->nint; i++) {
		r->iv[i].flow_bytes = calloc(nl + r->nclasses + 1, sizeof(uint64_t));
		if (!r->iv[i].flow_bytes)
			goto nomem;
		r->iv[i].class_bytes = r->iv[i].flow_bytes + nl;
	}
	*out = r;
	return 0;
nomem:
	pl_sim_report_free(r);
	return -ENOMEM;
}

void pl_sim_report_free(struct sim_report *r)
{
	int i;

	if (!r)
		return;
	for (i = 0; r->iv && i < r->nint; i++)
		free(r->iv[i].flow_bytes);
	for (i = 0; r->flow_delays && i < r->cfg.nloads; i++)
		free(r->flow_delays[i].v);
	free(r->flow_delays);
	free(r->iv);
	free(r->classes);
	free(r->arr_pkts);
	free(r->delays.v);
	free(r);
}

int pl_sim_report_error(const struct sim_report *r)
{
	return r->err;
}

static int class_col(const struct sim_report *r, uint16_t minor)
{
	int i;

	for (i = 0; i < r->nclasses; i++)
		if (r->classes[i] == minor)
			return i;
	return -1;
}

void pl_sim_report_trace(void *ctx, enum sim_trace_kind kind, const struct sim_pkt *p,
			 enum sim_drop reason, uint64_t t, const struct sim_qdisc *q)
{
	struct sim_report *r = ctx;
	struct interval *iv;
	uint64_t idx = t / r->cfg.interval_ns;
	int c, f = (int)p->flow;

	if (kind == SIM_TRACE_DELIVER || idx >= (uint64_t)r->nint || f >= r->cfg.nloads)
		return;
	iv = &r->iv[idx];
	iv->qlen = q->qlen;
	iv->qlen_set = true;
	switch (kind) {
	case SIM_TRACE_DROP:
		iv->drops++;
		r->drops_by[reason]++;
		r->drop_pkts[f]++;
		/* fall through */
	case SIM_TRACE_ENQUEUE:
		r->arr_pkts[f]++;
		r->arr_bytes[f] += p->len;
		break;
	case SIM_TRACE_DEQUEUE:
		iv->flow_bytes[f] += p->len;
		r->deq_bytes[f] += p->len;
		c = class_col(r, p->cls);
		if (c >= 0)
			iv->class_bytes[c] += p->len;
		if (!iv->d1)
			iv->d0 = r->delays.n;
		if (push(&r->delays, t - p->t_enq) || push(&r->flow_delays[f], t - p->t_enq))
			r->err = -ENOMEM;
		iv->d1 = r->delays.n;
		break;
	default:
		break;
	}
}

/* Interval percentiles, then sorts everything for the totals. */
static void finish(struct sim_report *r)
{
	struct interval *iv;
	uint32_t qlen = 0;
	int i;

	if (r->finished)
		return;
	r->finished = true;
	for (i = 0; i < r->nint; i++) {
		iv = &r->iv[i];
		if (iv->qlen_set)
			qlen = iv->qlen;
		iv->qlen = qlen;
		qsort(r->delays.v + iv->d0, iv->d1 - iv->d0, sizeof(uint64_t), cmp_u64);
		iv->p50 = pct(r->delays.v + iv->d0, iv->d1 - iv->d0, 0.50);
		iv->p99 = pct(r->delays.v + iv->d0, iv->d1 - iv->d0, 0.99);
	}
	qsort(r->delays.v, r->delays.n, sizeof(uint64_t), cmp_u64);
	for (i = 0; i < r->cfg.nloads; i++)
		qsort(r->flow_delays[i].v, r->flow_delays[i].n, sizeof(uint64_t), cmp_u64);
}

/* The time a flow offers load, for its offered rate. */
static double active_s(const struct sim_report *r, int f)
{
	const struct sim_load *l = &r->cfg.loads[f];
	uint64_t stop =
		l->stop_ns && l->stop_ns < r->cfg.duration_ns ? l->stop_ns : r->cfg.duration_ns;

	if (l->kind == SIM_LOAD_BURST || stop <= l->start_ns)
		return r->cfg.duration_ns / 1e9;
	return (stop - l->start_ns) / 1e9;
}

void pl_sim_report_totals(struct sim_report *r, int f, struct sim_report_totals *t)
{
	const struct u64vec *d = f < 0 ? &r->delays : &r->flow_delays[f];
	double dur = r->cfg.duration_ns / 1e9, sum = 0;
	int i, lo = f < 0 ? 0 : f, hi = f < 0 ? r->cfg.nloads : f + 1;
	size_t k;

	finish(r);
	memset(t, 0, sizeof(*t));
	for (i = lo; i < hi; i++) {
		t->throughput += r->deq_bytes[i] * 8.0 / (f < 0 ? dur : active_s(r, i));
		t->offered += r->arr_bytes[i] * 8.0 / (f < 0 ? dur : active_s(r, i));
		t->arrivals += r->arr_pkts[i];
		t->drops += r->drop_pkts[i];
	}
	for (k = 0; k < d->n; k++)
		sum += d->v[k];
	t->delay_mean = d->n ? sum / d->n : NAN;
	t->delay_p50 = pct(d->v, d->n, 0.50);
	t->delay_p99 = pct(d->v, d->n, 0.99);
}

double pl_sim_report_rate(const struct sim_report *r, int flow, uint64_t t0_ns, uint64_t t1_ns)
{
	uint64_t i0 = t0_ns / r->cfg.interval_ns, i1 = t1_ns / r->cfg.interval_ns, i, b = 0;

	if (i1 > (uint64_t)r->nint)
		i1 = r->nint;
	if (flow < 0 || flow >= r->cfg.nloads || i1 <= i0)
		return NAN;
	for (i = i0; i < i1; i++)
		b += r->iv[i].flow_bytes[flow];
	return b * 8.0 / ((i1 - i0) * r->cfg.interval_ns / 1e9);
}

static double ms(uint64_t ns)
{
	return ns == UINT64_MAX ? NAN : ns / 1e6;
}

static double mbit(uint64_t bytes, uint64_t ns)
{
	return bytes * 8.0 / (ns / 1e9) / 1e6;
}

static void class_name(char *buf, size_t len, uint16_t minor)
{
	if (minor)
		snprintf(buf, len, "1:%x", minor);
	else
		snprintf(buf, len, "direct");
}

static void fmt_ms(FILE *f, double v, int width)
{
	if (isnan(v))
		fprintf(f, " %*s", width, "-");
	else
		fprintf(f, " %*.3f", width, v);
}

void pl_sim_report_text(struct sim_report *r, FILE *f)
{
	struct sim_report_totals t;
	char name[16];
	int i, j;

	finish(r);
	fprintf(f, "# podlab sim qdisc: %s\n", r->cfg.qdisc_desc);
	fprintf(f, "# link %s; duration %.3f s, interval %.3f s, seed %llu\n", r->cfg.link_desc,
		r->cfg.duration_ns / 1e9, r->cfg.interval_ns / 1e9,
		(unsigned long long)r->cfg.seed);
	for (i = 0; i < r->cfg.nloads; i++) {
		fprintf(f, "# f%d: %s", i, r->cfg.load_text[i]);
		if (r->cfg.flow_class) {
			class_name(name, sizeof(name), r->cfg.flow_class[i]);
			fprintf(f, " -> class %s", name);
		}
		fputc('\n', f);
	}
	fprintf(f, "%8s", "t_s");
	for (i = 0; i < r->cfg.nloads; i++)
		fprintf(f, " %9s%d", "Mbit/s f", i);
	for (j = 0; j < r->nclasses; j++) {
		class_name(name, sizeof(name), r->classes[j]);
		fprintf(f, " %10s", name);
	}
	fprintf(f, " %6s %6s %9s %9s\n", "drops", "qlen", "p50_ms", "p99_ms");
	for (i = 0; i < r->nint; i++) {
		struct interval *iv = &r->iv[i];
		uint64_t len = i == r->nint - 1 ? r->cfg.duration_ns - i * r->cfg.interval_ns
						: r->cfg.interval_ns;

		fprintf(f, "%8.3f", i * r->cfg.interval_ns / 1e9);
		for (j = 0; j < r->cfg.nloads; j++)
			fprintf(f, " %10.3f", mbit(iv->flow_bytes[j], len));
		for (j = 0; j < r->nclasses; j++)
			fprintf(f, " %10.3f", mbit(iv->class_bytes[j], len));
		fprintf(f, " %6llu %6u", (unsigned long long)iv->drops, iv->qlen);
		fmt_ms(f, ms(iv->p50), 9);
		fmt_ms(f, ms(iv->p99), 9);
		fputc('\n', f);
	}
	pl_sim_report_totals(r, -1, &t);
	fprintf(f,
		"totals: offered %.3f Mbit/s, throughput %.3f Mbit/s, dropped %llu of %llu "
		"(%.2f%%), queueing delay mean %.3f ms p50 %.3f ms p99 %.3f ms\n",
		t.offered / 1e6, t.throughput / 1e6, (unsigned long long)t.drops,
		(unsigned long long)t.arrivals, t.arrivals ? 100.0 * t.drops / t.arrivals : 0,
		t.delay_mean / 1e6, ms(t.delay_p50), ms(t.delay_p99));
	fputs("drops by reason:", f);
	for (i = 1; i < SIM_DROP__MAX; i++)
		fprintf(f, " %s %llu", pl_sim_drop_name(i), (unsigned long long)r->drops_by[i]);
	fputc('\n', f);
	for (i = 0; i < r->cfg.nloads; i++) {
		pl_sim_report_totals(r, i, &t);
		fprintf(f,
			"flow f%d (active %.3f s): offered %.3f Mbit/s, throughput %.3f Mbit/s, "
			"dropped %llu of %llu (%.2f%%), delay mean %.3f ms p99 %.3f ms\n",
			i, active_s(r, i), t.offered / 1e6, t.throughput / 1e6,
			(unsigned long long)t.drops, (unsigned long long)t.arrivals,
			t.arrivals ? 100.0 * t.drops / t.arrivals : 0, t.delay_mean / 1e6,
			ms(t.delay_p99));
	}
}

static void json_num(FILE *f, double v)
{
	if (isnan(v))
		fputs("null", f);
	else
		fprintf(f, "%.6g", v);
}

static void json_totals(FILE *f, const struct sim_report_totals *t)
{
	fprintf(f,
		"\"offered_bps\": %.0f, \"throughput_bps\": %.0f, \"arrivals\": %llu, "
		"\"drops\": %llu, \"delay_mean_ms\": ",
		t->offered, t->throughput, (unsigned long long)t->arrivals,
		(unsigned long long)t->drops);
	json_num(f, t->delay_mean / 1e6);
	fputs(", \"delay_p50_ms\": ", f);
	json_num(f, ms(t->delay_p50));
	fputs(", \"delay_p99_ms\": ", f);
	json_num(f, ms(t->delay_p99));
}

void pl_sim_report_json(struct sim_report *r, FILE *f)
{
	struct sim_report_totals t;
	char name[16];
	int i, j;

	finish(r);
	fputs("{\"qdisc\": ", f);
	pl_json_string(f, r->cfg.qdisc_desc);
	fputs(", \"link\": ", f);
	pl_json_string(f, r->cfg.link_desc);
	fprintf(f, ", \"duration_s\": %.9g, \"interval_s\": %.9g, \"seed\": %llu,\n \"flows\": [",
		r->cfg.duration_ns / 1e9, r->cfg.interval_ns / 1e9,
		(unsigned long long)r->cfg.seed);
	for (i = 0; i < r->cfg.nloads; i++) {
		pl_sim_report_totals(r, i, &t);
		fprintf(f, "%s\n  {\"name\": \"f%d\", \"load\": ", i ? "," : "", i);
		pl_json_string(f, r->cfg.load_text[i]);
		if (r->cfg.flow_class) {
			class_name(name, sizeof(name), r->cfg.flow_class[i]);
			fprintf(f, ", \"class\": \"%s\"", name);
		}
		fputs(", ", f);
		json_totals(f, &t);
		fputc('}', f);
	}
	pl_sim_report_totals(r, -1, &t);
	fputs("],\n \"totals\": {", f);
	json_totals(f, &t);
	fputs(", \"drops_by_reason\": {", f);
	for (i = 1; i < SIM_DROP__MAX; i++)
		fprintf(f, "%s\"%s\": %llu", i > 1 ? ", " : "", pl_sim_drop_name(i),
			(unsigned long long)r->drops_by[i]);
	fputs("}},\n \"intervals\": [", f);
	for (i = 0; i < r->nint; i++) {
		struct interval *iv = &r->iv[i];
		uint64_t len = i == r->nint - 1 ? r->cfg.duration_ns - i * r->cfg.interval_ns
						: r->cfg.interval_ns;

		fprintf(f, "%s\n  {\"t_s\": %.9g, \"flows_mbps\": [", i ? "," : "",
			i * r->cfg.interval_ns / 1e9);
		for (j = 0; j < r->cfg.nloads; j++)
			fprintf(f, "%s%.6g", j ? ", " : "", mbit(iv->flow_bytes[j], len));
		fputs("], \"classes_mbps\": {", f);
		for (j = 0; j < r->nclasses; j++) {
			class_name(name, sizeof(name), r->classes[j]);
			fprintf(f, "%s\"%s\": %.6g", j ? ", " : "", name,
				mbit(iv->class_bytes[j], len));
		}
		fprintf(f, "}, \"drops\": %llu, \"qlen\": %u, \"delay_p50_ms\": ",
			(unsigned long long)iv->drops, iv->qlen);
		json_num(f, ms(iv->p50));
		fputs(", \"delay_p99_ms\": ", f);
		json_num(f, ms(iv->p99));
		fputc('}', f);
	}
	fputs("]}\n", f);
}

int pl_sim_report_svg(struct sim_report *r, const char *path, const char *title)
{
	int n = r->nint, ns = r->cfg.nloads + r->nclasses, i, j, ret = -ENOMEM;
	struct svg_series *tp = calloc(ns, sizeof(*tp)), dl[2];
	struct svg_chart charts[2];
	double *x = calloc((size_t)n * (ns + 3), sizeof(double)), *y;
	char(*names)[64] = calloc(ns, sizeof(*names));
	FILE *f = NULL;

	finish(r);
	if (!tp || !x || !names)
		goto out;
	for (i = 0; i < n; i++)
		x[i] = (i + 0.5) * r->cfg.interval_ns / 1e9;
	y = x + n;
	for (j = 0; j < ns; j++, y += n) {
		bool cls = j >= r->cfg.nloads;
		int k = cls ? j - r->cfg.nloads : j;

		for (i = 0; i < n; i++) {
			uint64_t b = cls ? r->iv[i].class_bytes[k] : r->iv[i].flow_bytes[k];
			uint64_t len = i == n - 1 ? r->cfg.duration_ns - i * r->cfg.interval_ns
						  : r->cfg.interval_ns;

			y[i] = mbit(b, len);
		}
		if (cls) {
			char cn[16];

			class_name(cn, sizeof(cn), r->classes[k]);
			snprintf(names[j], sizeof(names[j]), "class %s", cn);
		} else {
			snprintf(names[j], sizeof(names[j]), "f%d %.36s", k, r->cfg.load_text[k]);
		}
		tp[j] = (struct svg_series){names[j], y, cls};
	}
	for (i = 0; i < n; i++) {
		y[i] = ms(r->iv[i].p50);
		y[n + i] = ms(r->iv[i].p99);
	}
	dl[0] = (struct svg_series){"p50", y, 0};
	dl[1] = (struct svg_series){"p99", y + n, 1};
	charts[0] =
		(struct svg_chart){"throughput per flow and class", "throughput (Mbit/s)", tp, ns};
	charts[1] = (struct svg_chart){"queueing delay (time in the qdisc)", "delay (ms)", dl, 2};
	f = fopen(path, "w");
	if (!f) {
		ret = -errno;
		goto out;
	}
	ret = pl_svg_write_charts(f, title, "time (s)", x, n, charts, 2);
	if (fclose(f) && !ret)
		ret = -errno;
out:
	free(tp);
	free(x);
	free(names);
	return ret;
}
