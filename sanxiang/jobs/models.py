from django.db import models


class ScheduledRun(models.Model):
    """定时任务时段 — one time slot of one schedule, enqueued once however many workers look.

    The unique (schedule, slot) pair is what makes "exactly once" hold across workers: the worker
    that inserts the row enqueues the task in the same transaction; the others get a conflict.
    """

    schedule = models.CharField(max_length=64)
    slot = models.DateTimeField()
    enqueued_at = models.DateTimeField()
    task_result_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-slot", "schedule"]
        constraints = [models.UniqueConstraint(fields=["schedule", "slot"], name="jobs_one_run_per_slot")]
        indexes = [models.Index(fields=["slot"])]
        verbose_name = "定时任务时段"

    def __str__(self):
        return f"{self.schedule} @ {self.slot.isoformat()}"
