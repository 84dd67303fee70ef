// SPDX-License-Identifier: GPL-2.0
/* min_threads - `make bench`: the tasks view's thread rows, minimal (min_task.h). */
#define MIN_THREADS
#include "min_task.h"

SEC("iter/task")
int min_threads(struct bpf_iter__task *ctx)
{
	return min_task_row(ctx);
}
