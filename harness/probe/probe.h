/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Live probes between namespaces, no external tools: ICMP echo, TCP connect
 * and UDP from a source netns to a destination IP, with an optional server in
 * the destination netns that records the source address its sockets saw
 * (the NAT-free evidence). Every probe carries a token so the server can tell
 * which probe it saw. IPv4 addresses are network order, ports host order;
 * IPv6 (a request with v6): ICMPv6 echo (proto IPPROTO_ICMPV6), TCP, UDP.
 */
#ifndef PL_PROBE_H
#define PL_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PL_PROBE_TIMEOUT_MS 1000
#define PL_PROBE_HDR_LEN    16 /* magic + token at the start of every probe payload */
/* TCP probes through an L7 proxy: an HTTP request carrying the token in this header */
#define PL_PROBE_HTTP_HEADER "X-Podlab-Probe"
#define PL_PROBE_HTTP_MAX    1024 /* bytes of a request's head the server reads */

enum pl_probe_status {
	PL_PROBE_DELIVERED = 0, /* reply came back (echo reply, handshake, UDP echo) */
	PL_PROBE_TIMEOUT,	/* nothing came back within the timeout */
	PL_PROBE_REFUSED,	/* RST or ICMP port unreachable */
	PL_PROBE_UNREACHABLE,	/* no route, ICMP host/net unreachable */
	PL_PROBE_TOO_BIG,	/* DF packet larger than the (path) MTU: EMSGSIZE */
	PL_PROBE_ERROR,		/* anything else: see err */
};

struct pl_probe_server;

struct pl_probe_sighting {
	uint8_t proto; /* IPPROTO_ICMP/ICMPV6/TCP/UDP */
	bool v6;       /* seen on an IPv6 socket: the source is peer_ip6 */
	uint64_t token;
	uint32_t peer_ip; /* the source address the destination saw */
	uint8_t peer_ip6[16];
	uint16_t peer_port; /* TCP/UDP source port seen; ICMP: echo id */
	uint16_t local_port;
	uint32_t len; /* payload bytes (UDP/ICMP) */
};

#define PL_PROBE_SRV_ICMP 1u /* a raw ICMP socket records echo requests */
#define PL_PROBE_SRV_IPV6 2u /* IPv6 sockets too (ICMPv6 with PL_PROBE_SRV_ICMP) */
/*
 * Starts a server inside netns: TCP listeners and UDP sockets on the given
 * ports (any address) and, with PL_PROBE_SRV_ICMP in flags, a raw ICMP socket
 * that records echo requests; with PL_PROBE_SRV_IPV6 the same again on IPv6.
 * UDP probes get a PL_PROBE_HDR_LEN echo back. Runs in its own thread until
 * pl_probe_server_stop().
 */
int pl_probe_server_start(const char *netns, const uint16_t *tcp_ports, int ntcp,
			  const uint16_t *udp_ports, int nudp, unsigned int flags,
			  struct pl_probe_server **out);
void pl_probe_server_stop(struct pl_probe_server *srv);
/* Waits up to timeout_ms for the probe with this token; 0 and *out, or -ETIMEDOUT. */
int pl_probe_server_find(struct pl_probe_server *srv, uint8_t proto, uint64_t token, int timeout_ms,
			 struct pl_probe_sighting *out);

struct pl_probe_req {
	const char *src_netns;
	uint8_t proto; /* IPPROTO_ICMP (IPv4), IPPROTO_ICMPV6 (IPv6), IPPROTO_TCP, IPPROTO_UDP */
	bool v6;       /* to dst_ip6 over IPv6 */
	uint32_t dst_ip;
	uint8_t dst_ip6[16];
	uint16_t dport;	    /* TCP/UDP */
	int timeout_ms;	    /* 0 = PL_PROBE_TIMEOUT_MS */
	size_t payload;	    /* UDP/ICMP payload bytes, >= PL_PROBE_HDR_LEN; 0 = minimum */
	bool dont_fragment; /* IP_PMTUDISC_DO */
	struct pl_probe_server *server; /* destination's server, NULL = client view only */
};

struct pl_probe_result {
	enum pl_probe_status status;
	int err; /* errno for TOO_BIG/UNREACHABLE/ERROR */
	uint32_t rtt_us;
	uint64_t token;
	uint32_t local_ip; /* the source address the prober used (IPv6: local_ip6) */
	uint8_t local_ip6[16];
	uint16_t local_port;
	bool seen; /* the destination server recorded this probe */
	struct pl_probe_sighting sighting;
};

/* Runs one probe; returns 0 with *res filled (whatever the outcome), -errno on setup failure. */
int pl_probe(const struct pl_probe_req *req, struct pl_probe_result *res);
/* connect() of a non-blocking fd, waited for up to timeout_ms: 0 or -errno (-ETIMEDOUT). */
struct sockaddr_in;
int pl_probe_connect(int fd, const struct sockaddr_in *sa, int timeout_ms);
const char *pl_probe_status_name(enum pl_probe_status st); /* "delivered", ... */

/* An HTTP request from src_netns to dst_ip:dport (IPv4), its token in PL_PROBE_HTTP_HEADER. */
struct pl_probe_http {
	const char *src_netns;
	uint32_t dst_ip; /* network order */
	uint16_t dport;
	const char *method, *path;
	const char *host; /* NULL: no Host header */
	const char *const *hdr_name, *const *hdr_value;
	int nheaders;
	int timeout_ms;			/* 0 = PL_PROBE_TIMEOUT_MS */
	struct pl_probe_server *server; /* the destination's: res->seen says it arrived */
	char *resp;			/* if set: the whole response, up to EOF, terminated */
	size_t resp_len;
};

/*
 * The HTTP status answered (> 0), or -errno (-EPROTO: no status came back); res filled
 * (local_port: the source port used).
 */
int pl_probe_http(const struct pl_probe_http *q, struct pl_probe_result *res);

/*
 * Largest don't-fragment UDP payload that reaches the server from src_netns
 * (binary search; non-delivery counts as too big, since a BPF datapath with
 * BPF_F_DONT_FRAGMENT drops silently). 0 and *payload, or -errno.
 */
int pl_probe_mtu(const char *src_netns, uint32_t dst_ip, const uint8_t *dst_ip6, uint16_t dport,
		 struct pl_probe_server *srv, int timeout_ms, uint32_t *payload);

#endif /* PL_PROBE_H */
