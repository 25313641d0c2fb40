/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A scenario report as bytes, so a scenario run in a child process
 * (`podlab test -j N`) hands its report to the parent: a fixed header, then
 * file, name, reason and each failure line as a 32-bit length (~0 = NULL)
 * and the bytes. Host byte order: both ends are the same binary.
 */
#ifndef PL_REPLAY_REPORT_WIRE_H
#define PL_REPLAY_REPORT_WIRE_H

#include <stddef.h>

#include "replay/report.h"

/* *buf (malloc'd, caller frees) holds r. 0 or -ENOMEM. */
int pl_scn_report_encode(const struct pl_scn_report *r, char **buf, size_t *len);
/* Fills r from len bytes (pl_scn_report_free after); on -EBADMSG/-ENOMEM r is left empty. */
int pl_scn_report_decode(const char *buf, size_t len, struct pl_scn_report *r);

#endif /* PL_REPLAY_REPORT_WIRE_H */
