/* SPDX-License-Identifier: GPL-2.0 */
/* procread.c: the /proc readers `make bench` times against the views. */
#ifndef BVBENCH_PROCREAD_H
#define BVBENCH_PROCREAD_H

#include <stdint.h>

/* Runs reader kind (tasks, threads, stacks NAME, files, tcp, sockets,
 * cmdlines); returns the rows it read, -1 on error. */
long procread(const char *kind, const char *arg);

/* What the readers add their fields to. */
extern uint64_t procread_sum;

#endif
