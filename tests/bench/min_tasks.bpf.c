// SPDX-License-Identifier: GPL-2.0
/* min_tasks - `make bench`: the tasks view's process rows, minimal (min_task.h). */
#include "min_task.h"

SEC("iter/task")
int min_tasks(struct bpf_iter__task *ctx)
{
	return min_task_row(ctx);
}
