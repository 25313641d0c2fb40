/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small SVG writer for time series: stacked charts sharing one x axis,
 * axes with ticks and units, a legend per chart. Self-contained output (no
 * scripts, no external fonts), and the same data gives the same bytes.
 */
#ifndef PL_SIM_SVG_H
#define PL_SIM_SVG_H

#include <stdio.h>

struct svg_series {
	const char *label;
	const double *y; /* n values at the chart's x; NAN = no value (a gap) */
	int dashed;
};

struct svg_chart {
	const char *title;
	const char *ylabel; /* with its unit: "throughput (Mbit/s)" */
	const struct svg_series *series;
	int nseries;
};

/* title: lines separated by '\n' (the first one larger). 0 or -EIO. */
int pl_svg_write_charts(FILE *f, const char *title, const char *xlabel, const double *x, int n,
			const struct svg_chart *charts, int ncharts);

#endif /* PL_SIM_SVG_H */
