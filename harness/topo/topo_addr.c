// SPDX-License-Identifier: GPL-2.0
/* Addresses and prefixes as the topology writes them: IPv4, and the ADDR/LEN split both families
 * use. */
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

int pl_topo_split_prefix(const char *s, char *addr, size_t cap, unsigned int max_len, uint8_t *plen,
			 int *has_len)
{
	unsigned long len = max_len;
	char *slash, *end;

	if (!s || strlen(s) >= cap)
		return -EINVAL;
	strcpy(addr, s);
	slash = strchr(addr, '/');
	*has_len = !!slash;
	if (slash) {
		*slash = '\0';
		if (slash[1] < '0' || slash[1] > '9')
			return -EINVAL;
		len = strtoul(slash + 1, &end, 10);
		if (*end || len > max_len)
			return -EINVAL;
	}
	*plen = (uint8_t)len;
	return 0;
}

int pl_topo_parse_cidr(const char *s, uint32_t *ip, uint8_t *plen, int *has_len)
{
	char buf[32];

	if (pl_topo_split_prefix(s, buf, sizeof(buf), 32, plen, has_len) ||
	    pl_topo_parse_ipv4(buf, ip))
		return -EINVAL;
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
