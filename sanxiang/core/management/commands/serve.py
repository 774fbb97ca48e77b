import os
import signal
import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


def worker_wanted(no_worker: bool) -> bool:
    return not no_worker and os.environ.get("SANXIANG_WORKER", "1").strip() not in ("0", "false", "no")


class Command(BaseCommand):
    help = ("Serve Sanxiang with waitress on ADDR:PORT (default 127.0.0.1:8000), with the job "
            "worker beside it unless --no-worker or SANXIANG_WORKER=0.")

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument("--no-worker", action="store_true",
                            help="do not start `sanxiang worker` (workers run separately)")

    def handle(self, *args, addrport, threads, no_worker, **options):
        host, _, port = addrport.rpartition(":")
        if not port.isdigit():
            raise CommandError(f"地址格式应为 ADDR:PORT，收到：{addrport}")
        call_command("collectstatic", interactive=False, verbosity=0)
        from waitress import serve

        from sanxiang.wsgi import application

        worker = self.start_worker() if worker_wanted(no_worker) else None
        # SIGTERM (a service manager stopping us) unwinds like Ctrl+C, so the worker is stopped too.
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
        try:
            self.stdout.write(f"三项平台已启动：http://{host or '127.0.0.1'}:{port}/  (Ctrl+C 停止)")
            serve(application, host=host or "127.0.0.1", port=int(port), threads=threads)
        finally:
            if worker is not None:
                self.stop_worker(worker)

    def start_worker(self) -> subprocess.Popen:
        """`sanxiang worker` as a child process: the embedded default needs no other service."""
        command = [sys.executable, "-m", "sanxiang.cli", "worker", f"--exit-with-parent={os.getpid()}"]
        # Its own session: Ctrl+C reaches only the server, which then stops the worker once.
        worker = subprocess.Popen(command, start_new_session=True)
        self.stdout.write(f"定时任务进程已随服务启动（进程号 {worker.pid}；--no-worker 可不启动）")
        return worker

    def stop_worker(self, worker: subprocess.Popen) -> None:
        if worker.poll() is None:
            worker.terminate()
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
