// SPDX-License-Identifier: GPL-2.0
/*
 * Topology files: libyaml's document API (every node keeps its mark, so each
 * message points at line:column), read strictly into struct topo, then
 * cross-checked by pl_topo_check(). Nothing half-built escapes: on error the
 * model is freed and *out stays NULL.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "lib/datapath.h"
#include "lib/files.h"
#include "topo/topo_addr.h"
#include "topo/topo_v6.h"
#include "topo/topo_yaml.h"

static const char *const top_keys[] = {
	"name",	    "routing",	   "ipFamilies",  "mtu",       "nodes",	    "underlay",
	"world",    "policies",	   "programs",	  "prefilter", "conntrack", "fabric",
	"ipipMode", "natOutgoing", "serviceCIDR", "services",  NULL};
static const char *const node_keys[] = {"name", "ip", "ipv6", "podCIDR", "podCIDRv6", "pods", NULL};
static const char *const pod_keys[] = {"name", "ip", "ipv6", "labels", "ready", "nginx", NULL};
static const char *const nginx_keys[] = {"port", NULL};

/* nginx: true | {port: N}: a web server podlab up starts in the pod (harness/net/nginx.c). */
static int parse_pod_nginx(struct topo_parser *p, const ynode *v, struct topo_pod *pod)
{
	uint32_t port = 80;
	int err;

	pod->nginx.pos = ty_pos(v);
	if (v->type == YAML_SCALAR_NODE) {
		err = pl_ty_bool(p, v, "nginx", &pod->nginx.on);
		pod->nginx.port = 80;
		return err;
	}
	err = pl_ty_check_map(p, v, "nginx", nginx_keys);
	if (!err && pl_yaml_get(&p->y, v, "port"))
		err = pl_ty_u32(p, pl_yaml_get(&p->y, v, "port"), "nginx port", 1, 65535, &port);
	pod->nginx.on = true;
	pod->nginx.port = (uint16_t)port;
	return err;
}
static const char *const world_keys[] = {"name", "ip", "node", NULL};
static const char *const program_keys[] = {"object", "program", "node", "device",
					   "hook",   "replace", NULL};

static int parse_pod(struct topo_parser *p, const ynode *n, int node)
{
	struct topo *t = p->t;
	struct topo_node *nd = &t->nodes[node];
	struct topo_pod *pod, *pods;
	int *idx, err;

	err = pl_ty_check_map(p, n, "a pod", pod_keys);
	if (err)
		return err;
	if (pl_yaml_is_null(n))
		return pl_yaml_error(&p->y, n, "a pod needs name and ip");
	pods = realloc(t->pods, (t->npods + 1) * sizeof(*pods));
	if (!pods)
		return -ENOMEM;
	t->pods = pods;
	idx = realloc(nd->pods, (nd->npods + 1) * sizeof(*idx));
	if (!idx)
		return -ENOMEM;
	nd->pods = idx;
	pod = &t->pods[t->npods];
	memset(pod, 0, sizeof(*pod));
	pod->node = node;
	pod->pos = ty_pos(n);
	nd->pods[nd->npods++] = t->npods++;
	if (!pl_yaml_get(&p->y, n, "name"))
		return pl_yaml_error(&p->y, n, "a pod needs a name");
	err = pl_ty_name(p, pl_yaml_get(&p->y, n, "name"), "pod name", TOPO_NAME_MAX - 1,
			 &pod->name);
	if (!err)
		err = pl_topo_check_ifname(p, pl_yaml_get(&p->y, n, "name"), "pod", pod->name,
					   "lxc", "node-side veth");
	if (!err)
		err = pl_topo_check_name(p, pl_yaml_get(&p->y, n, "name"), pod->name, -1,
					 t->npods - 1);
	if (err)
		return err;
	if (!pl_yaml_get(&p->y, n, "ip"))
		return pl_yaml_error(&p->y, n, "pod '%s' needs an ip", pod->name);
	err = pl_ty_ipv4(p, pl_yaml_get(&p->y, n, "ip"), "pod ip", &pod->ip);
	if (err)
		return err;
	pod->pos = ty_pos(pl_yaml_get(&p->y, n, "ip"));
	err = pl_topo_check_pod(p, t->npods - 1, pl_yaml_get(&p->y, n, "ip"));
	if (!err)
		err = pl_topo_parse_pod_v6(p, n, t->npods - 1);
	if (err)
		return err;
	pod->ready = true;
	if (pl_yaml_get(&p->y, n, "ready") &&
	    (err = pl_ty_bool(p, pl_yaml_get(&p->y, n, "ready"), "ready", &pod->ready)))
		return err;
	if (pl_yaml_get(&p->y, n, "nginx") &&
	    (err = parse_pod_nginx(p, pl_yaml_get(&p->y, n, "nginx"), pod)))
		return err;
	return pl_ty_labels(p, pl_yaml_get(&p->y, n, "labels"), "labels", &pod->labels,
			    &pod->nlabels);
}

static int parse_node_ip(struct topo_parser *p, const ynode *v, struct topo_node *nd)
{
	const char *s = NULL;
	int err, has_len;

	err = pl_ty_scalar(p, v, "node ip", &s);
	if (err)
		return err;
	if (pl_topo_parse_cidr(s, &nd->underlay_ip, &nd->underlay_plen, &has_len))
		return pl_yaml_error(&p->y, v,
				     "node ip '%s' is not an IPv4 address (a.b.c.d or a.b.c.d/len)",
				     s);
	if ((err = pl_topo_check_ipip_node(p, v, has_len)))
		return err;
	if (!has_len)
		nd->underlay_plen = 24;
	if (nd->underlay_plen < 8 || nd->underlay_plen > 30)
		return pl_yaml_error(&p->y, v, "node ip '%s': the underlay prefix must be /8../30",
				     s);
	return 0;
}

static int parse_node(struct topo_parser *p, const ynode *n)
{
	struct topo *t = p->t;
	struct topo_node *nd;
	const ynode *v;
	int i, len, err;

	err = pl_ty_check_map(p, n, "a node", node_keys);
	if (err)
		return err;
	nd = &t->nodes[t->nnodes++];
	nd->pos = ty_pos(n);
	v = pl_yaml_get(&p->y, n, "name");
	if (!v)
		return pl_yaml_error(&p->y, n, "a node needs a name");
	err = pl_ty_name(p, v, "node name", TOPO_NAME_MAX - 1, &nd->name);
	if (!err)
		err = pl_topo_check_ifname(p, v, "node", nd->name, "s-", "segment bridge port");
	if (!err)
		err = pl_topo_check_name(p, v, nd->name, t->nnodes - 1, -1);
	if (err)
		return err;
	v = pl_yaml_get(&p->y, n, "ip");
	if (!v)
		return pl_yaml_error(&p->y, n, "node '%s' needs an ip (its underlay address)",
				     nd->name);
	err = parse_node_ip(p, v, nd);
	if (err)
		return err;
	v = pl_yaml_get(&p->y, n, "podCIDR");
	if (!v)
		return pl_yaml_error(&p->y, n, "node '%s' needs a podCIDR", nd->name);
	err = pl_ty_cidr(p, v, "podCIDR", false, &nd->pod_cidr, &nd->pod_plen);
	if (err)
		return err;
	if (nd->pod_plen < 8 || nd->pod_plen > 30)
		return pl_yaml_error(&p->y, v, "podCIDR must be /8../30");
	err = pl_topo_check_node(p, t->nnodes - 1, pl_yaml_get(&p->y, n, "ip"), v);
	if (!err)
		err = pl_topo_parse_node_v6(p, n, t->nnodes - 1);
	if (err)
		return err;
	v = pl_yaml_get(&p->y, n, "pods");
	err = pl_ty_check_seq(p, v, "pods", &len);
	for (i = 0; !err && i < len; i++)
		err = parse_pod(p, pl_yaml_seq_item(&p->y, v, i), t->nnodes - 1);
	return err;
}

static int parse_routing(struct topo_parser *p, const ynode *v)
{
	const char *s = NULL;
	int err, mode;

	err = pl_ty_scalar(p, v, "routing", &s);
	if (err)
		return err;
	mode = pl_routing_mode_by_name(s);
	if (mode < 0)
		return pl_yaml_error(&p->y, v, "unknown routing mode '%s' (expected %s)", s,
				     pl_routing_mode_names());
	p->t->routing = mode;
	return 0;
}

static int parse_world(struct topo_parser *p, const ynode *n)
{
	struct topo_world *w = &p->t->world;
	const ynode *v;
	int err;

	err = pl_ty_check_map(p, n, "world", world_keys);
	if (err || pl_yaml_is_null(n))
		return err;
	w->present = true;
	w->pos = ty_pos(n);
	v = pl_yaml_get(&p->y, n, "name");
	if (v)
		err = pl_ty_name(p, v, "world name", TOPO_NAME_MAX - 1, &w->name);
	else
		w->name = strdup("world");
	if (err || !w->name)
		return err ? err : -ENOMEM;
	err = pl_topo_check_name(p, v ? v : n, w->name, -1, -1);
	if (err)
		return err;
	v = pl_yaml_get(&p->y, n, "ip");
	if (!v)
		return pl_yaml_error(&p->y, n,
				     "world needs an ip (in 192.0.2.0/24, 198.51.100.0/24 or "
				     "203.0.113.0/24)");
	err = pl_ty_ipv4(p, v, "world ip", &w->ip);
	if (err)
		return err;
	if (!pl_topo_cidr_contains(htonl(0xC0000200), 24, w->ip) &&
	    !pl_topo_cidr_contains(htonl(0xC6336400), 24, w->ip) &&
	    !pl_topo_cidr_contains(htonl(0xCB007100), 24, w->ip))
		return pl_yaml_error(
			&p->y, v,
			"world ip must be in a documentation range (192.0.2.0/24, "
			"198.51.100.0/24 or 203.0.113.0/24): podlab never routes to real "
			"networks");
	w->pos = ty_pos(v);
	for (int i = 0; i < p->t->nnodes; i++) {
		struct topo_node *nd = &p->t->nodes[i];

		if (pl_topo_cidr_contains(nd->pod_cidr, nd->pod_plen, w->ip) ||
		    pl_topo_cidr_contains(nd->underlay_ip, nd->underlay_plen, w->ip))
			return pl_yaml_error(
				&p->y, v, "world ip is inside the %s of node '%s'",
				pl_topo_cidr_contains(nd->pod_cidr, nd->pod_plen, w->ip)
					? "podCIDR"
					: "underlay network",
				nd->name);
	}
	v = pl_yaml_get(&p->y, n, "node");
	if (v)
		return pl_ty_node_ref(p, v, "world node", &w->node);
	return 0;
}

static int parse_hook(struct topo_parser *p, const ynode *v, enum topo_hook *hook)
{
	const char *s = NULL;
	int err;

	err = pl_ty_scalar(p, v, "hook", &s);
	if (err)
		return err;
	if (!strcmp(s, "xdp"))
		*hook = TOPO_HOOK_XDP;
	else if (!strcmp(s, "tc-ingress"))
		*hook = TOPO_HOOK_TC_INGRESS;
	else if (!strcmp(s, "tc-egress"))
		*hook = TOPO_HOOK_TC_EGRESS;
	else
		return pl_yaml_error(
			&p->y, v, "unknown hook '%s' (expected xdp, tc-ingress or tc-egress)", s);
	return 0;
}

/*
 * Relative to the topology's folder; a bare name not found there is one of podlab's own
 * objects (trivial.bpf.o), so shipped topologies work from the build and when installed.
 */
static int resolve_object(struct topo_parser *p, char **object)
{
	const char *slash = p->from_file ? strrchr(p->y.file, '/') : NULL;
	char *path = NULL, own[PATH_MAX];

	if (**object == '/')
		return 0;
	if (slash && asprintf(&path, "%.*s/%s", (int)(slash - p->y.file), p->y.file, *object) < 0)
		return -ENOMEM;
	if (!strchr(*object, '/') && access(path ? path : *object, F_OK) &&
	    !pl_bpf_object_path(*object, own, sizeof(own))) {
		free(path);
		path = strdup(own);
		if (!path)
			return -ENOMEM;
	}
	if (!path)
		return 0;
	free(*object);
	*object = path;
	return 0;
}

static int parse_program(struct topo_parser *p, const ynode *n)
{
	struct topo *t = p->t;
	struct topo_program *pr = &t->programs[t->nprograms++];
	const char *const required[] = {"object", "program", "node", "device", "hook"};
	const ynode *v;
	unsigned int i;
	int err;

	err = pl_ty_check_map(p, n, "a program", program_keys);
	if (err)
		return err;
	pr->pos = ty_pos(n);
	for (i = 0; i < sizeof(required) / sizeof(required[0]); i++)
		if (!pl_yaml_get(&p->y, n, required[i]))
			return pl_yaml_error(&p->y, n, "a program needs '%s'", required[i]);
	err = pl_ty_strdup(p, pl_yaml_get(&p->y, n, "object"), "object", &pr->object);
	if (!err)
		err = resolve_object(p, &pr->object);
	if (!err)
		err = pl_ty_strdup(p, pl_yaml_get(&p->y, n, "program"), "program", &pr->program);
	if (!err)
		err = pl_ty_node_ref(p, pl_yaml_get(&p->y, n, "node"), "program node", &pr->node);
	if (!err)
		err = pl_ty_strdup(p, pl_yaml_get(&p->y, n, "device"), "device", &pr->device);
	if (!err)
		err = parse_hook(p, pl_yaml_get(&p->y, n, "hook"), &pr->hook);
	if (err)
		return err;
	v = pl_yaml_get(&p->y, n, "device");
	if (strcmp(pr->device, "uplink") && strcmp(pr->device, "vxlan")) {
		i = pl_topo_pod_by_name(t, pr->device);
		if ((int)i < 0 || t->pods[i].node != pr->node)
			return pl_yaml_error(
				&p->y, v,
				"device '%s' is not 'uplink', 'vxlan' or a pod of node '%s'",
				pr->device, t->nodes[pr->node].name);
	} else if (!strcmp(pr->device, "vxlan") && t->routing != PL_ROUTING_VXLAN &&
		   t->routing != PL_ROUTING_LEGACY) {
		return pl_yaml_error(&p->y, v,
				     "device 'vxlan' exists only with routing vxlan or legacy");
	}
	v = pl_yaml_get(&p->y, n, "replace");
	return v ? pl_ty_bool(p, v, "replace", &pr->replace_podlab) : 0;
}

/* Sections in dependency order: nodes before the links, world and programs naming them. */
static int parse_root(struct topo_parser *p, const ynode *root)
{
	struct topo *t = p->t;
	const ynode *v;
	int i, len, err;

	if (!root)
		return pl_yaml_error_at(&p->y, 1, 1, "the file is empty");
	err = pl_ty_check_map(p, root, "the topology", top_keys);
	if (err)
		return err;
	v = pl_yaml_get(&p->y, root, "name");
	if (v)
		err = pl_ty_name(p, v, "topology name", TOPO_NAME_MAX - 1, &t->name);
	else
		t->name = strdup("topology");
	if (err || !t->name)
		return err ? err : -ENOMEM;
	v = pl_yaml_get(&p->y, root, "routing");
	if (v && (err = parse_routing(p, v)))
		return err;
	v = pl_yaml_get(&p->y, root, "ipFamilies");
	if (v && (err = pl_topo_parse_families(p, v)))
		return err;
	if ((err = pl_topo_parse_ipip(p, root)))
		return err;
	v = pl_yaml_get(&p->y, root, "mtu");
	if (v && (err = pl_ty_u32(p, v, "mtu", 576, 9216, &t->mtu)))
		return err;
	v = pl_yaml_get(&p->y, root, "conntrack");
	if (v && (err = pl_topo_parse_conntrack(p, v)))
		return err;
	v = pl_yaml_get(&p->y, root, "nodes");
	if (!v)
		return pl_yaml_error(&p->y, root, "the topology needs 'nodes'");
	err = pl_ty_check_seq(p, v, "nodes", &len);
	if (err)
		return err;
	if (!len)
		return pl_yaml_error(&p->y, v, "the topology needs at least one node");
	t->nodes = calloc(len, sizeof(*t->nodes));
	if (!t->nodes)
		return -ENOMEM;
	for (i = 0; !err && i < len; i++)
		err = parse_node(p, pl_yaml_seq_item(&p->y, v, i));
	if (err)
		return err;
	t->underlay = t->routing == PL_ROUTING_FABRIC ? TOPO_UNDERLAY_FABRIC
		      : t->nnodes == 2		      ? TOPO_UNDERLAY_P2P
						      : TOPO_UNDERLAY_SEGMENT;
	v = pl_yaml_get(&p->y, root, "underlay");
	if (v && (err = pl_topo_parse_underlay(p, v)))
		return err;
	v = pl_yaml_get(&p->y, root, "fabric");
	if (v && (err = pl_topo_parse_fabric(p, v)))
		return err;
	v = pl_yaml_get(&p->y, root, "world");
	if (v && (err = parse_world(p, v)))
		return err;
	v = pl_yaml_get(&p->y, root, "policies");
	if (v && (err = pl_topo_parse_policies(p, v)))
		return err;
	err = pl_topo_parse_service_cidr(p, pl_yaml_get(&p->y, root, "serviceCIDR"),
					 pl_yaml_get(&p->y, root, "services"));
	if (err)
		return err;
	v = pl_yaml_get(&p->y, root, "services");
	if (v && (err = pl_topo_parse_services(p, v)))
		return err;
	v = pl_yaml_get(&p->y, root, "prefilter");
	if (v && (err = pl_topo_parse_prefilter(p, v)))
		return err;
	v = pl_yaml_get(&p->y, root, "programs");
	err = pl_ty_check_seq(p, v, "programs", &len);
	if (err || !len)
		return err;
	t->programs = calloc(len, sizeof(*t->programs));
	if (!t->programs)
		return -ENOMEM;
	for (i = 0; !err && i < len; i++)
		err = parse_program(p, pl_yaml_seq_item(&p->y, v, i));
	return err;
}

static int syntax_error(struct topo_parser *p, yaml_parser_t *yp)
{
	int line = (int)yp->problem_mark.line + 1, col = (int)yp->problem_mark.column + 1;

	if (yp->error == YAML_MEMORY_ERROR)
		return -ENOMEM;
	if (yp->context)
		return pl_yaml_error_at(&p->y, line, col,
					"YAML syntax error: %s (%s started at line %zu)",
					yp->problem, yp->context, yp->context_mark.line + 1);
	return pl_yaml_error_at(&p->y, line, col, "YAML syntax error: %s",
				yp->problem ? yp->problem : "unreadable input");
}

static int parse_text(struct topo_parser *p, const char *text, size_t len)
{
	yaml_document_t extra;
	yaml_parser_t yp;
	int err = 0;

	if (!yaml_parser_initialize(&yp))
		return -ENOMEM;
	yaml_parser_set_input_string(&yp, (const unsigned char *)text, len);
	if (!yaml_parser_load(&yp, &p->y.doc)) {
		err = syntax_error(p, &yp);
		yaml_parser_delete(&yp);
		return err;
	}
	if (!yaml_parser_load(&yp, &extra)) {
		err = syntax_error(p, &yp);
	} else {
		if (yaml_document_get_root_node(&extra))
			err = pl_yaml_error_at(&p->y, (int)extra.start_mark.line + 1, 1,
					       "a topology file holds one YAML document");
		yaml_document_delete(&extra);
	}
	yaml_parser_delete(&yp);
	if (!err)
		err = parse_root(p, yaml_document_get_root_node(&p->y.doc));
	if (!err)
		err = pl_topo_check(p);
	yaml_document_delete(&p->y.doc);
	return err;
}

static int read_file(const char *file, char **text, size_t *len, FILE *diag)
{
	FILE *f = fopen(file, "r");
	size_t cap = 4096, n = 0, got;
	char *buf = NULL, *nb;
	int err = 0;

	if (!f) {
		err = -errno;
		fprintf(diag, "%s: cannot open: %s\n", file, strerror(-err));
		return err;
	}
	do {
		nb = realloc(buf, cap + 1);
		if (!nb) {
			err = -ENOMEM;
			goto out;
		}
		buf = nb;
		got = fread(buf + n, 1, cap - n, f);
		n += got;
		cap *= 2;
	} while (got && !ferror(f));
	if (ferror(f)) {
		err = -EIO;
		fprintf(diag, "%s: cannot read: %s\n", file, strerror(EIO));
		goto out;
	}
	buf[n] = '\0';
	*text = buf;
	*len = n;
	buf = NULL;
out:
	free(buf);
	fclose(f);
	return err;
}

/* The one path every form takes: text of len bytes (NULs included), named file. */
static int parse_mem(const char *file, const char *text, size_t len, bool from_file, FILE *diag,
		     struct topo **out)
{
	struct topo_parser p = {.y = {.file = file, .diag = diag ? diag : stderr}};
	char *warnings = NULL;
	size_t wlen = 0;
	int err;

	*out = NULL;
	p.from_file = from_file;
	p.t = calloc(1, sizeof(*p.t));
	if (!p.t)
		return -ENOMEM;
	p.t->file = strdup(file);
	p.t->routing = PL_ROUTING_NATIVE;
	p.t->families = TOPO_FAM_IPV4;
	p.t->mtu = 1500;
	p.t->vni_base = 1;
	p.t->ct_max = PL_CT_MAX_DEFAULT;
	p.t->svc_cidr = htonl(TOPO_SVC_CIDR_DEFAULT);
	p.t->svc_plen = TOPO_SVC_PLEN_DEFAULT;
	p.y.warn = open_memstream(&warnings, &wlen);
	err = p.t->file && p.y.warn ? parse_text(&p, text, len) : -ENOMEM;
	if (p.y.warn)
		fclose(p.y.warn);
	if (!err && warnings)
		fputs(warnings, p.y.diag);
	free(warnings);
	if (err == -ENOMEM)
		fprintf(p.y.diag, "%s: out of memory\n", file);
	if (err) {
		pl_topo_free(p.t);
		return err;
	}
	*out = p.t;
	return 0;
}

int pl_topo_parse_diag(const char *file, const char *text, FILE *diag, struct topo **out)
{
	char *owned = NULL;
	size_t len = 0;
	int err;

	*out = NULL;
	if (text)
		return parse_mem(file, text, strlen(text), false, diag, out);
	err = read_file(file, &owned, &len, diag ? diag : stderr);
	if (err)
		return err;
	err = parse_mem(file, owned, len, true, diag, out);
	free(owned);
	return err;
}

int pl_topo_parse_mem(const char *name, const char *text, size_t len, FILE *diag, struct topo **out)
{
	return parse_mem(name, text, len, false, diag, out);
}

int pl_topo_parse(const char *file, struct topo **out)
{
	return pl_topo_parse_diag(file, NULL, NULL, out);
}

int pl_topo_parse_string(const char *name, const char *text, struct topo **out)
{
	return pl_topo_parse_diag(name, text, NULL, out);
}
