// SPDX-License-Identifier: GPL-2.0
/* IPv4 addresses and prefixes as the topology writes them. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "topo/topo_addr.h"

int pl_topo_parse_ipv4(const char *s, uint32_t *ip)
{
	struct in_addr a;

	/* inet_pton accepts exactly four decimal octets. */
	if (!s || inet_pton(AF_INET, s, &a) != 1)
		return -EINVAL;
	*ip = a.s_addr;
	return 0;
}

int pl_topo_parse_cidr(const char *s, uint32_t *ip, uint8_t *plen, int *has_len)
{
	char buf[32], *slash, *end;
	unsigned long len = 32;

	if (!s || strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	*has_len = !!slash;
	if (slash) {
		*slash = '\0';
		if (slash[1] < '0' || slash[1] > '9')
			return -EINVAL;
		len = strtoul(slash + 1, &end, 10);
		if (*end || len > 32)
			return -EINVAL;
	}
	if (pl_topo_parse_ipv4(buf, ip))
		return -EINVAL;
	*plen = (uint8_t)len;
	return 0;
}

int pl_topo_cidr_contains(uint32_t net, uint8_t plen, uint32_t ip)
{
	uint32_t m = topo_mask(plen);

	return (ntohl(net) & m) == (ntohl(ip) & m);
}

int pl_topo_cidr_within(uint32_t a, uint8_t alen, uint32_t b, uint8_t blen)
{
	return alen >= blen && pl_topo_cidr_contains(b, blen, a);
}
