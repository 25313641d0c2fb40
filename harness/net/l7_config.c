// SPDX-License-Identifier: GPL-2.0
/* HAProxy configs from compiled L7 policy: ACLs on method, path_reg, hdr(host), headers, src. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "lib/pkt.h"
#include "net/l7_config.h"

int pl_l7_node_proxies(const struct topo *t, const struct policy_proxies *pp, int node, int *idx,
		       int n)
{
	int i, k = 0;

	for (i = 0; i < pp->n; i++) {
		if (t->pods[pp->p[i].pod].node != node)
			continue;
		if (idx && k < n)
			idx[k] = i;
		k++;
	}
	return k;
}

/* acl <name>_src src IP...: the pods a rule's peers select; false when it selects none. */
static bool print_src(FILE *f, const struct topo *t, const struct topo_rule *r, const char *name)
{
	char ip[PL_ADDR_STRLEN];
	int k, n = 0;

	for (k = 0; k < t->npods; k++) {
		if (!pl_policy_rule_has_peer(t, r, k))
			continue;
		if (!n++)
			fprintf(f, "\tacl %s_src src", name);
		fprintf(f, " %s", pl_ip4_str(t->pods[k].ip, ip));
	}
	if (n)
		fprintf(f, "\n");
	return n;
}

/* The ACLs of one http rule, then the names they go by in `if`. */
static void print_http(FILE *f, const struct topo_http_rule *h, const char *name, char *cond,
		       size_t len)
{
	size_t n = 0;
	int k;

#define COND(...)                                                                                  \
	do {                                                                                       \
		if (n < len)                                                                       \
			n += (size_t)snprintf(cond + n, len - n, __VA_ARGS__);                     \
	} while (0)
	cond[0] = '\0';
	if (h->method) {
		fprintf(f, "\tacl %s_method method -m reg '^(%s)$'\n", name, h->method);
		COND(" %s_method", name);
	}
	if (h->path) {
		fprintf(f, "\tacl %s_path path_reg '^(%s)$'\n", name, h->path);
		COND(" %s_path", name);
	}
	if (h->host) {
		fprintf(f, "\tacl %s_host hdr(host) -m reg '^(%s)$'\n", name, h->host);
		COND(" %s_host", name);
	}
	for (k = 0; k < h->nheaders; k++) {
		if (h->hdr_value[k])
			fprintf(f, "\tacl %s_hdr%d req.hdr(%s) -m str '%s'\n", name, k,
				h->hdr_name[k], h->hdr_value[k]);
		else
			fprintf(f, "\tacl %s_hdr%d req.hdr_cnt(%s) gt 0\n", name, k,
				h->hdr_name[k]);
		COND(" %s_hdr%d", name, k);
	}
#undef COND
}

static void print_frontend(FILE *f, const struct topo *t, const struct policy_proxy *px, int listen)
{
	const struct topo_pod *pod = &t->pods[px->pod];
	char ip[PL_ADDR_STRLEN], name[64], cond[512];
	int i, j;

	fprintf(f, "\nfrontend %s_%u\n", pod->name, px->port);
	fprintf(f, "\tbind :%u transparent\n", listen);
	for (i = 0; i < px->nrules; i++) {
		const struct policy_proxy_rule *pr = &px->rules[i];
		const struct topo_rule *r = &t->policies[pr->pol].rules[pr->rule];
		bool src;

		fprintf(f, "\t# policy '%s' rule %d (%s:%d:%d)\n", t->policies[pr->pol].name,
			pr->rule, t->file ? t->file : "-", r->pos.line, r->pos.col);
		snprintf(name, sizeof(name), "r%d", i);
		src = r->any_peer;
		if (!src && !print_src(f, t, r, name)) {
			fprintf(f, "\t# its peers select no pod\n");
			continue;
		}
		if (!pr->l7) {
			fprintf(f, "\thttp-request allow%s%s%s\n", r->any_peer ? "" : " if ",
				r->any_peer ? "" : name, r->any_peer ? "" : "_src");
			continue;
		}
		for (j = 0; j < pr->l7->nhttp; j++) {
			snprintf(name, sizeof(name), "r%d_h%d", i, j);
			print_http(f, &pr->l7->http[j], name, cond, sizeof(cond));
			fprintf(f, "\thttp-request allow");
			if (!r->any_peer || cond[0])
				fprintf(f, " if");
			if (!r->any_peer)
				fprintf(f, " r%d_src", i);
			fprintf(f, "%s\n", cond);
		}
	}
	fprintf(f, "\thttp-request deny deny_status 403\n");
	fprintf(f, "\tdefault_backend %s_%u\n", pod->name, px->port);
	fprintf(f, "\nbackend %s_%u\n", pod->name, px->port);
	fprintf(f, "\tserver %s %s:%u\n", pod->name, pl_ip4_str(pod->ip, ip), px->port);
}

int pl_l7_config(const struct topo *t, const struct policy_proxies *pp, int node, const char *dir,
		 char **out)
{
	const char *nn = t->nodes[node].name;
	size_t len = 0;
	int i;
	FILE *f;

	*out = NULL;
	if (!pl_l7_node_proxies(t, pp, node, NULL, 0))
		return -ENOENT;
	f = open_memstream(out, &len);
	if (!f)
		return -ENOMEM;
	fprintf(f, "# podlab: the L7 proxy of node %s (topology %s)\n", nn,
		t->name ? t->name : "-");
	fprintf(f, "global\n");
	fprintf(f, "\tpidfile %s/%s.pid\n", dir, nn);
	fprintf(f, "\tstats socket %s/%s.sock mode 600 level admin\n", dir, nn);
	/* bpf_sk_assign refuses SO_REUSEPORT listeners before Linux 6.5 (-ESOCKTNOSUPPORT). */
	fprintf(f, "\tnoreuseport\n");
	/* Request logs in a ring that `podlab observe` reads through the stats socket. */
	fprintf(f, "\nring %s\n", PL_L7_LOG_RING);
	fprintf(f, "\tformat rfc3164\n");
	fprintf(f, "\tsize 262144\n");
	fprintf(f, "\ndefaults\n");
	fprintf(f, "\tlog ring@%s local0\n", PL_L7_LOG_RING);
	fprintf(f, "\toption httplog\n");
	fprintf(f, "\tmode http\n");
	fprintf(f, "\ttimeout connect 5s\n");
	fprintf(f, "\ttimeout client 30s\n");
	fprintf(f, "\ttimeout server 30s\n");
	for (i = 0; i < pp->n; i++)
		if (t->pods[pp->p[i].pod].node == node)
			print_frontend(f, t, &pp->p[i],
				       pl_policy_proxy_listen(t, pp, pp->p[i].pod, pp->p[i].port));
	if (fclose(f)) {
		free(*out);
		*out = NULL;
		return -ENOMEM;
	}
	return 0;
}
