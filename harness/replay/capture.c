// SPDX-License-Identifier: GPL-2.0
/* libpcap glue: filters, per-device output pcaps, expected frames. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <pcap/pcap.h>

#include "lib/escape.h"
#include "lib/log.h"
#include "replay/capture.h"

#define PL_SNAPLEN 65535

struct pl_filter {
	struct bpf_program prog;
};

int pl_filter_compile(const char *expr, struct pl_filter **out, char *err, size_t errlen)
{
	struct pl_filter *f;
	pcap_t *p;
	int ret = 0;

	*out = NULL;
	p = pcap_open_dead(DLT_EN10MB, PL_SNAPLEN);
	if (!p)
		return -ENOMEM;
	f = calloc(1, sizeof(*f));
	if (!f) {
		ret = -ENOMEM;
		goto out;
	}
	if (pcap_compile(p, &f->prog, expr, 1, PCAP_NETMASK_UNKNOWN)) {
		pl_oneline_str(err, errlen, pcap_geterr(p));
		free(f);
		ret = -EINVAL;
		goto out;
	}
	*out = f;
out:
	pcap_close(p);
	return ret;
}

bool pl_filter_match(const struct pl_filter *f, const uint8_t *frame, uint32_t len)
{
	struct pcap_pkthdr h = {.caplen = len, .len = len};

	return pcap_offline_filter(&f->prog, &h, frame) != 0;
}

void pl_filter_free(struct pl_filter *f)
{
	if (!f)
		return;
	pcap_freecode(&f->prog);
	free(f);
}

struct pl_pcap_dev {
	char name[64];
	pcap_dumper_t *d;
};

struct pl_pcap_out {
	char *dir;
	pcap_t *dead;
	struct pl_pcap_dev *devs;
	int ndevs;
};

int pl_pcap_out_open(const char *dir, struct pl_pcap_out **out)
{
	struct pl_pcap_out *po;

	*out = NULL;
	if (mkdir(dir, 0755) && errno != EEXIST)
		return pl_err_errno(-errno, "creating --pcap-out directory %s", dir);
	po = calloc(1, sizeof(*po));
	if (!po)
		return -ENOMEM;
	po->dir = strdup(dir);
	po->dead = pcap_open_dead(DLT_EN10MB, PL_SNAPLEN);
	if (!po->dir || !po->dead) {
		pl_pcap_out_close(po);
		return -ENOMEM;
	}
	*out = po;
	return 0;
}

static pcap_dumper_t *dumper(struct pl_pcap_out *po, const char *dev)
{
	struct pl_pcap_dev *devs;
	char path[4096];
	int i;

	for (i = 0; i < po->ndevs; i++)
		if (!strcmp(po->devs[i].name, dev))
			return po->devs[i].d;
	devs = realloc(po->devs, (po->ndevs + 1) * sizeof(*devs));
	if (!devs)
		return NULL;
	po->devs = devs;
	snprintf(path, sizeof(path), "%s/%s.pcap", po->dir, dev);
	devs[po->ndevs].d = pcap_dump_open(po->dead, path);
	if (!devs[po->ndevs].d) {
		pl_err("cannot write %s: %s", path, pcap_geterr(po->dead));
		return NULL;
	}
	snprintf(devs[po->ndevs].name, sizeof(devs[0].name), "%s", dev);
	return devs[po->ndevs++].d;
}

int pl_pcap_out_write(struct pl_pcap_out *po, const char *dev, const uint8_t *frame, uint32_t len)
{
	struct pcap_pkthdr h = {.caplen = len, .len = len};
	pcap_dumper_t *d;

	if (!po || !len)
		return 0;
	d = dumper(po, dev);
	if (!d)
		return -EIO;
	gettimeofday(&h.ts, NULL);
	pcap_dump((u_char *)d, &h, frame);
	return 0;
}

int pl_pcap_out_close(struct pl_pcap_out *po)
{
	int i, n;

	if (!po)
		return 0;
	n = po->ndevs;
	for (i = 0; i < po->ndevs; i++)
		pcap_dump_close(po->devs[i].d);
	if (po->dead)
		pcap_close(po->dead);
	free(po->devs);
	free(po->dir);
	free(po);
	return n;
}

int pl_frames_read(const char *path, struct pl_frames *out)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	pcap_t *p;
	int ret = 0, rc;

	memset(out, 0, sizeof(*out));
	p = pcap_open_offline(path, errbuf);
	if (!p) {
		pl_err("%s: %s", path, errbuf);
		return -EINVAL;
	}
	if (pcap_datalink(p) != DLT_EN10MB) {
		pl_err("%s: expected output pcaps must be Ethernet (link type %s)", path,
		       pcap_datalink_val_to_name(pcap_datalink(p)) ?: "?");
		ret = -EINVAL;
		goto out;
	}
	while ((rc = pcap_next_ex(p, &h, &data)) == 1) {
		void *d = realloc(out->data, (out->n + 1) * sizeof(*out->data));
		void *l = d ? realloc(out->len, (out->n + 1) * sizeof(*out->len)) : NULL;

		if (d)
			out->data = d;
		if (!l) {
			ret = -ENOMEM;
			goto out;
		}
		out->len = l;
		out->data[out->n] = malloc(h->caplen);
		if (!out->data[out->n]) {
			ret = -ENOMEM;
			goto out;
		}
		memcpy(out->data[out->n], data, h->caplen);
		out->len[out->n++] = h->caplen;
	}
	if (rc == PCAP_ERROR) {
		pl_err("%s: packet %d: %s", path, out->n + 1, pcap_geterr(p));
		ret = -EINVAL;
	}
out:
	if (ret)
		pl_frames_free(out);
	pcap_close(p);
	return ret;
}

void pl_frames_free(struct pl_frames *f)
{
	int i;

	for (i = 0; i < f->n; i++)
		free(f->data[i]);
	free(f->data);
	free(f->len);
	memset(f, 0, sizeof(*f));
}
