/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Scenario parser internals shared by scenario.c (the file, inputs) and
 * scenario_expect.c (expect, counters): typed readers of YAML values whose
 * messages name the key ("key: what is wrong").
 */
#ifndef PL_REPLAY_SCENARIO_READ_H
#define PL_REPLAY_SCENARIO_READ_H

#include <stdint.h>

#include "lib/yaml_doc.h"
#include "replay/scenario.h"

struct scn_ctx {
	struct pl_yaml_doc y; /* messages go to stderr */
	char *dir;	      /* relative paths in the file are resolved against it */
	struct pl_scenario *s;
};

static inline struct pl_scn_pos scn_pos(const yaml_node_t *n)
{
	return (struct pl_scn_pos){pl_yaml_line(n), pl_yaml_col(n)};
}

int pl_scn_get_str(struct scn_ctx *c, const yaml_node_t *n, const char *key, char **out);
int pl_scn_get_u64(struct scn_ctx *c, const yaml_node_t *n, const char *key, uint64_t max,
		   uint64_t *out);
int pl_scn_get_ip(struct scn_ctx *c, const yaml_node_t *n, const char *key, uint32_t *out);
/* A path; a relative one is resolved against the scenario file's folder. */
int pl_scn_get_path(struct scn_ctx *c, const yaml_node_t *n, const char *key, char **out);

/* Walks a mapping, rejecting duplicate keys; fn handles one key. */
typedef int (*scn_key_fn)(struct scn_ctx *c, const char *key, yaml_node_t *k, yaml_node_t *v,
			  void *arg);
int pl_scn_each_key(struct scn_ctx *c, yaml_node_t *map, const char *what, scn_key_fn fn,
		    void *arg);

/* A number 0..max or a name that name(i) gives (case-insensitive); -1 when neither. */
int pl_scn_by_name(const char *s, const char *(*name)(unsigned), unsigned max);

/* One list entry of expect / counters into slot. */
int pl_scn_one_expect(struct scn_ctx *c, yaml_node_t *n, void *slot);
int pl_scn_one_counter(struct scn_ctx *c, yaml_node_t *n, void *slot);

#endif /* PL_REPLAY_SCENARIO_READ_H */
