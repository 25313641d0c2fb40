/* SPDX-License-Identifier: GPL-2.0 */
/* Small file helpers: the run's config files, podlab's installed BPF objects. */
#ifndef PL_FILES_H
#define PL_FILES_H

#include <stddef.h>
#include <sys/types.h>

/* Writes text to path (created or truncated); 0 or -errno. */
int pl_write_file(const char *path, const char *text);

/*
 * mkdir -p with mode for each directory it makes; 0 or -errno. Another run's removal may
 * rmdir an emptied parent between two mkdirs: it starts again from the top then.
 */
int pl_mkdir_p(const char *path, mode_t mode);

/*
 * podlab's own BPF object name (datapath.bpf.o, trivial.bpf.o): $PODLAB_BPF_DIR, else
 * lib/podlab/bpf/ beside an installed bin/, else build/bpf/ above the running binary.
 * Fills buf even when no such file exists (the build's relative path); 0 when it does.
 */
int pl_bpf_object_path(const char *name, char *buf, size_t len);

#endif /* PL_FILES_H */
