import argparse
import os
import signal

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks.signals import task_finished

from sanxiang.core.backup import UnfinishedRestore, refuse_to_serve_if_restore_unfinished
from sanxiang.jobs import schedules
from sanxiang.jobs.worker import Worker


class Command(BaseCommand):
    help = "Run the scheduled jobs and queued tasks until stopped (SIGTERM or Ctrl+C)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true",
                            help="enqueue what is due, run every ready task, then exit")
        parser.add_argument("--worker-id", default=None,
                            help="a name for this worker in the task records (default host:pid)")
        # Set by `sanxiang serve` for the worker it starts: leave when the server is gone.
        parser.add_argument("--exit-with-parent", type=int, default=None, help=argparse.SUPPRESS)

    def handle(self, *args, once, worker_id, exit_with_parent, **options):
        self._refuse_if_restore_unfinished()
        self._check_migrated()
        self.labels = {s.task.module_path: s.label for s in schedules.all_schedules()}
        task_finished.connect(self._report, weak=False)
        worker = Worker(worker_id=worker_id)
        if once:
            iteration = worker.run_once()
            self.stdout.write(f"已入队 {len(iteration.enqueued)} 项定时任务，执行 {iteration.ran} 项任务。")
            return
        plan = "；".join(f"{s.label} 每 {s.interval} 秒" for s in schedules.all_schedules())
        self.stdout.write(f"定时任务已启动（{worker.worker_id}）：{plan}。", ending="\n")
        self.stdout.flush()
        stop_requests = []

        def on_signal(signum, frame):
            stop_requests.append(signum)
            if len(stop_requests) > 1:
                raise KeyboardInterrupt  # asked twice: interrupt the task under way
            worker.stop()

        signal.signal(signal.SIGTERM, on_signal)
        signal.signal(signal.SIGINT, on_signal)
        parent_alive = (lambda: os.getppid() == exit_with_parent) if exit_with_parent else (lambda: True)
        try:
            # A restore begun meanwhile (its marker appears) stops the worker, as it would refuse
            # to start: the data directory is being replaced under it.
            worker.run(should_continue=lambda: parent_alive() and self._refuse_if_restore_unfinished() is None)
        except KeyboardInterrupt:
            self.stderr.write("定时任务已强制停止；被中断的任务会在下一时段重做。")
            raise SystemExit(1) from None
        self.stdout.write("定时任务已停止。")

    def _refuse_if_restore_unfinished(self):
        try:
            refuse_to_serve_if_restore_unfinished("定时任务")
        except UnfinishedRestore as exc:
            raise CommandError(str(exc)) from None

    def _check_migrated(self):
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            raise CommandError("数据库尚未初始化或需要升级：请先运行 sanxiang migrate")

    def _report(self, sender, task_result, **kwargs):
        label = self.labels.get(task_result.task.module_path, task_result.task.name)
        when = timezone.localtime().strftime("%Y-%m-%d %H:%M:%S")
        if task_result.status == TaskResultStatus.FAILED:
            self.stderr.write(f"{when} {label}：失败（任务 {task_result.id}，错误记录在任务表中；"
                              f"下一时段会重做）")
        else:
            summary = (task_result.return_value or {}).get("summary") if isinstance(
                task_result.return_value, dict) else ""
            if summary:
                self.stdout.write(f"{when} {label}：{summary}")
        self.stdout.flush()
