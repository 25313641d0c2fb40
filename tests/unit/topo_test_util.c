// SPDX-License-Identifier: GPL-2.0
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "test.h"
#include "topo_test_util.h"

const char *const topo_test_shipped_names[] = {
	"two-node-native.yaml",	   "two-node-vxlan.yaml", "two-node-legacy.yaml",
	"three-node-segment.yaml", "seed-tc.yaml",	  "seed-netem.yaml",
	"services.yaml",	   "two-node-l7.yaml",	  NULL,
};

int topo_test_parse(const char *text, struct topo **out, char **diag)
{
	size_t len = 0;
	FILE *f;
	int err;

	*diag = NULL;
	f = open_memstream(diag, &len);
	if (!f)
		return -1;
	err = pl_topo_parse_diag("t", text, f, out);
	fclose(f);
	return err;
}

/* The tests run from the source tree (make test) or from anywhere via the binary's path. */
const char *topo_test_shipped(const char *name)
{
	static char path[PATH_MAX + 64];
	char exe[PATH_MAX];
	ssize_t n;

	snprintf(path, sizeof(path), "topologies/%s", name);
	if (!access(path, R_OK))
		return path;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		*strrchr(exe, '/') = '\0';
		snprintf(path, sizeof(path), "%s/../../topologies/%s", exe, name);
	}
	return path;
}

uint32_t topo_test_ip(const char *s)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1) {
		fprintf(stderr, "bad IP in test: %s\n", s);
		abort();
	}
	return a.s_addr;
}

void topo_test_expect_broken(const char *text, const char *msg)
{
	struct topo *t = (struct topo *)1;
	char *diag;
	int err;

	err = topo_test_parse(text, &t, &diag);
	ASSERT_EQ(err, -EINVAL, "returns -EINVAL");
	ASSERT_TRUE(t == NULL, "nothing half-built");
	ASSERT_STRSTR(diag, msg, "message");
	/* One line: the message and its newline, nothing else. */
	ASSERT_TRUE(diag && strchr(diag, '\n') == diag + strlen(diag) - 1, "one line");
	free(diag);
}
