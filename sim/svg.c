// SPDX-License-Identifier: GPL-2.0
/* SVG line charts: nice axis ranges, ticks, polylines with gaps, legends. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "svg.h"

#define W   900
#define CH  300 /* chart height */
#define TOP 30	/* plus 18 per title line */
#define ML  80	/* margins: left, right, top per chart, bottom per chart */
#define MR  190
#define MT  30
#define MB  50

static const char *const colors[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e",
				     "#9467bd", "#8c564b", "#e377c2", "#17becf"};

/* Smallest "round" number (1, 1.2, 1.5, 2, ... 8 x 10^k) at or above v. */
static double nice_ceil(double v)
{
	static const double steps[] = {1, 2, 2.5, 5, 10};
	double p;
	int i;

	if (!(v > 0))
		return 1;
	p = pow(10, floor(log10(v)));
	for (i = 0; i < 11; i++)
		if (steps[i] * p >= v * (1 - 1e-9))
			return steps[i] * p;
	return 10 * p;
}

/* XML-escaped, at most max characters ("..." when cut). */
static void esc_n(FILE *f, const char *s, int max)
{
	int i;

	for (i = 0; s && *s && *s != '\n'; s++, i++) {
		if (i == max) {
			fputs("...", f);
			return;
		}
		if (*s == '<')
			fputs("&lt;", f);
		else if (*s == '>')
			fputs("&gt;", f);
		else if (*s == '&')
			fputs("&amp;", f);
		else
			fputc(*s, f);
	}
}

static void chart(FILE *f, int y0, const char *xlabel, const double *x, int n, double xmax,
		  const struct svg_chart *c, int *color)
{
	double ymax = 0, px, py, v;
	int i, s, pen, pw = W - ML - MR, ph = CH - MT - MB, top = y0 + MT;

	for (s = 0; s < c->nseries; s++)
		for (i = 0; i < n; i++)
			if (!isnan(c->series[s].y[i]) && c->series[s].y[i] > ymax)
				ymax = c->series[s].y[i];
	ymax = nice_ceil(ymax * 1.05);
	fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"14\" font-weight=\"bold\">", ML, top - 10);
	esc_n(f, c->title, 200);
	fprintf(f,
		"</text>\n<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" "
		"stroke=\"#444\"/>\n",
		ML, top, pw, ph);
	for (i = 0; i <= 5; i++) {
		v = ymax * i / 5;
		py = top + ph - ph * (double)i / 5;
		fprintf(f, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>\n",
			ML, py, ML + pw, py);
		fprintf(f,
			"<text x=\"%d\" y=\"%.1f\" font-size=\"11\" "
			"text-anchor=\"end\">%g</text>\n",
			ML - 6, py + 4, v);
		v = xmax * i / 5;
		px = ML + pw * (double)i / 5;
		fprintf(f, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#444\"/>\n",
			px, top + ph, px, top + ph + 5);
		fprintf(f,
			"<text x=\"%.1f\" y=\"%d\" font-size=\"11\" "
			"text-anchor=\"middle\">%g</text>\n",
			px, top + ph + 18, v);
	}
	fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\">", ML + pw / 2,
		top + ph + 36);
	esc_n(f, xlabel, 200);
	fprintf(f,
		"</text>\n<text x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\" "
		"transform=\"rotate(-90 %d %d)\">",
		20, top + ph / 2, 20, top + ph / 2);
	esc_n(f, c->ylabel, 200);
	fputs("</text>\n", f);
	for (s = 0; s < c->nseries; s++, (*color)++) {
		const char *col = colors[*color % 8];

		fprintf(f, "<path fill=\"none\" stroke=\"%s\" stroke-width=\"1.6\"%s d=\"", col,
			c->series[s].dashed ? " stroke-dasharray=\"5,3\"" : "");
		for (i = 0, pen = 0; i < n; i++) {
			v = c->series[s].y[i];
			if (isnan(v)) {
				pen = 0;
				continue;
			}
			px = ML + pw * x[i] / xmax;
			py = top + ph - ph * (v > ymax ? ymax : v) / ymax;
			fprintf(f, "%s%.1f %.1f", pen ? " L" : " M", px, py);
			pen = 1;
		}
		fputs("\"/>\n", f);
		py = top + 12 + 18 * s;
		fprintf(f,
			"<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\" "
			"stroke-width=\"2\"%s/>\n",
			ML + pw + 12, py, ML + pw + 36, py, col,
			c->series[s].dashed ? " stroke-dasharray=\"5,3\"" : "");
		fprintf(f, "<text x=\"%d\" y=\"%.1f\" font-size=\"11\">", ML + pw + 42, py + 4);
		esc_n(f, c->series[s].label, 28);
		fputs("</text>\n", f);
	}
}

int pl_svg_write_charts(FILE *f, const char *title, const char *xlabel, const double *x, int n,
			const struct svg_chart *charts, int ncharts)
{
	int i, color = 0, nlines = 1, top, h;
	double xmax = 0;
	const char *l;

	for (l = title; *l; l++)
		nlines += *l == '\n';
	top = TOP + 18 * nlines;
	h = top + CH * ncharts;
	for (i = 0; i < n; i++)
		if (x[i] > xmax)
			xmax = x[i];
	xmax = nice_ceil(xmax);
	fprintf(f,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		"viewBox=\"0 0 %d %d\" font-family=\"sans-serif\">\n"
		"<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
		W, h, W, h);
	for (i = 0, l = title; l; i++) {
		fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"%d\">", 20, 26 + 18 * i,
			i ? 12 : 15);
		esc_n(f, l, 150);
		fputs("</text>\n", f);
		l = strchr(l, '\n');
		l = l ? l + 1 : NULL;
	}
	for (i = 0; i < ncharts; i++)
		chart(f, top + CH * i, xlabel, x, n, xmax, &charts[i], &color);
	fputs("</svg>\n", f);
	return ferror(f) ? -EIO : 0;
}
