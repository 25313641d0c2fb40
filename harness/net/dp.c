// SPDX-License-Identifier: GPL-2.0
/* Datapath steps: podlab's datapath per node, users' programs, map programming. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "lib/files.h"
#include "lib/datapath.h"
#include "lib/log.h"
#include "net/dp.h"
#include "net/link.h"
#include "net/tc.h"
#include "net/user_watch.h"

struct pl_dp_node {
	struct pl_datapath *dp;
	uint32_t next_slot; /* the loaded node: slot of the next node added */
};

/* Every device of node a podlab program runs on (or a replay test-runs one on). */
static int bind_devices(struct pl_datapath *dp, const struct pl_plan *p, int node)
{
	uint32_t *ifx = calloc(PL_DP_MAX_DEVICES, sizeof(*ifx));
	int i, n, err = 0;

	if (!ifx)
		return -ENOMEM;
	n = pl_dp_devices(p, node, ifx, PL_DP_MAX_DEVICES);
	if (n < 0)
		err = n;
	for (i = 0; i < n && !err; i++)
		err = pl_datapath_bind(dp, ifx[i]);
	free(ifx);
	return err;
}

int pl_dp_load(const struct pl_plan *p, int node, struct pl_dp_node *loaded,
	       struct pl_dp_node **out)
{
	struct pl_datapath_opts o;
	struct pl_dp_node *d;
	char dir[192];
	int err;

	*out = NULL;
	pl_dp_pin_dir(p, node, dir, sizeof(dir));
	if ((err = pl_require_bpf_privileges()))
		return err;
	if ((err = pl_mkdir_p(dir, 0700)))
		return pl_err_errno(err, "creating pin directory %s", dir);
	pl_dp_opts(p, node, &o);
	o.pin_dir = dir;
	o.cluster_pin_dir = p->pin_dir; /* the run's ipcache and ipcache6, once */
	o.multi_node = true;
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	if (loaded)
		err = pl_datapath_add_node(loaded->dp, &o, loaded->next_slot, &d->dp);
	else
		err = pl_datapath_load(&o, &d->dp);
	if (err) {
		free(d);
		return pl_err_errno(err, "%s the datapath for node %s",
				    loaded ? "adding" : "loading", p->topo->nodes[node].name);
	}
	if (loaded)
		loaded->next_slot++;
	else
		d->next_slot = 1;
	if ((err = bind_devices(d->dp, p, node))) {
		pl_dp_free(d);
		return pl_err_errno(err, "binding the devices of node %s to its datapath",
				    p->topo->nodes[node].name);
	}
	*out = d;
	return 0;
}

int pl_dp_commit(struct pl_dp_node *loaded)
{
	return pl_datapath_commit(loaded->dp);
}

void pl_dp_free(struct pl_dp_node *d)
{
	if (!d)
		return;
	pl_datapath_destroy(d->dp);
	free(d);
}

/* A user's program: loaded from its object, pinned as <dir (its node's)>/user-<prog>/<prog>. */
static int user_prog_fd(const struct topo_program *u, const char *dir)
{
	struct bpf_object *obj;
	struct bpf_program *prog;
	char path[256];
	int fd, err;

	obj = bpf_object__open_file(u->object, NULL);
	if (!obj)
		return pl_err_errno(-errno, "opening BPF object %s", u->object);
	prog = bpf_object__find_program_by_name(obj, u->program);
	if (!prog) {
		pl_err("%s: no program named %s", u->object, u->program);
		err = -ENOENT;
		goto out;
	}
	if ((err = bpf_object__load(obj))) {
		pl_err_errno(err, "loading %s from %s (-v shows the verifier log)", u->program,
			     u->object);
		goto out;
	}
	if ((err = pl_mkdir_p(dir, 0700)))
		goto out;
	snprintf(path, sizeof(path), "%s/user-%s/%s", dir, u->program, u->program);
	if ((err = bpf_program__pin(prog, path))) {
		pl_err_errno(err, "pinning %s at %s", u->program, path);
		goto out;
	}
	fd = dup(bpf_program__fd(prog));
	err = fd < 0 ? -errno : fd;
out:
	bpf_object__close(obj);
	return err;
}

int pl_dp_attach(struct pl_dp_node *d, const struct pl_plan *p, const struct pl_step *s,
		 struct pl_nl *nl, int *watch_fd)
{
	const struct topo_program *u =
		s->attach.user >= 0 ? &p->topo->programs[s->attach.user] : NULL;
	const char *name;
	char w[96], dir[192];
	int fd, err;

	*watch_fd = -1;
	snprintf(w, sizeof(w), "%s in %s", s->dev, p->ns[s->ns].name);
	if (u) {
		if ((err = pl_require_bpf_privileges()))
			return err;
		pl_dp_pin_dir(p, s->attach.node, dir, sizeof(dir));
		fd = user_prog_fd(u, dir);
		if (fd < 0)
			return fd;
		name = u->program;
		/* watched before it is on the hook: no drop of it goes unseen */
		if ((err = pl_user_watch_attach(p, s, fd, dir, watch_fd))) {
			close(fd);
			return err;
		}
	} else {
		fd = dup(pl_datapath_prog_fd(d->dp, s->attach.prog));
		if (fd < 0)
			return pl_err_errno(-errno, "program %s", pl_prog_name(s->attach.prog));
		name = pl_prog_name(s->attach.prog);
	}
	switch (s->attach.hook) {
	case TOPO_HOOK_XDP:
		err = pl_link_xdp(nl, s->ifindex, fd, w);
		break;
	case TOPO_HOOK_TC_INGRESS:
	case TOPO_HOOK_TC_EGRESS:
		err = pl_tc_bpf_attach(nl, s->ifindex, s->attach.hook == TOPO_HOOK_TC_INGRESS, fd,
				       name, u ? PL_TC_PRIO_USER : PL_TC_PRIO_PODLAB, w);
		break;
	default:
		err = -EINVAL;
	}
	close(fd);
	return err;
}

int pl_dp_maps(struct pl_dp_node *d, const struct pl_plan *p, int node)
{
	struct pl_map_entry *e;
	int i, n, err;

	if ((err = pl_dp_map_entries(p, node, &e, &n)))
		return err;
	for (i = 0; i < n && !err; i++) {
		err = pl_datapath_map_update(d->dp, e[i].map, e[i].key, e[i].val);
		if (err == -ENOENT)
			pl_err("the datapath has no map %s", e[i].map);
		else if (err)
			pl_err_errno(err, "updating map %s of node %s", e[i].map,
				     p->topo->nodes[node].name);
	}
	free(e);
	return err;
}
