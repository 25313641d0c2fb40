/* SPDX-License-Identifier: GPL-2.0 */
/* Small file helpers the run's processes (nginx, haproxy) share. */
#ifndef PL_FILES_H
#define PL_FILES_H

/* Writes text to path (created or truncated); 0 or -errno. */
int pl_write_file(const char *path, const char *text);

#endif /* PL_FILES_H */
