import os
import signal
import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connections


def worker_wanted(no_worker: bool) -> bool:
    return not no_worker and os.environ.get("SANXIANG_WORKER", "1").strip() not in ("0", "false", "no")


def positive(text: str) -> int:
    if not text.strip().isdigit() or int(text) < 1:
        raise ValueError(text)
    return int(text)


def default_processes() -> int:
    """SANXIANG_WEB_PROCESSES, or one server process per CPU core (docs/operations.md, sizing)."""
    text = os.environ.get("SANXIANG_WEB_PROCESSES", "").strip()
    if not text:
        return os.cpu_count() or 1
    try:
        return positive(text)
    except ValueError:
        raise CommandError(f"环境变量 SANXIANG_WEB_PROCESSES 应为正整数，收到：{text!r}") from None


def ignore_ctrl_c(worker) -> None:
    """In a server process (gunicorn's post_worker_init): SIGINT is the master's to act on."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class WebServer:
    """gunicorn's master with `gthread` workers, serving the application loaded here (decision 0015).

    Built lazily so that importing this command does not import gunicorn."""

    def __new__(cls, application, options):
        from gunicorn.app.base import BaseApplication

        class Server(BaseApplication):
            def load_config(self):
                for key, value in options.items():
                    self.cfg.set(key, value)

            def load(self):
                return application

        return Server()


class Command(BaseCommand):
    help = ("Serve Sanxiang on ADDR:PORT (default 127.0.0.1:8000) with several server processes "
            "(gunicorn), with the job worker beside it unless --no-worker or SANXIANG_WORKER=0.")

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--processes", type=int, default=None,
                            help="server processes (default: SANXIANG_WEB_PROCESSES, else one per CPU core)")
        parser.add_argument("--threads", type=int, default=4, help="threads per server process (default 4)")
        parser.add_argument("--no-worker", action="store_true",
                            help="do not start `sanxiang worker` (workers run separately)")

    def execute(self, *args, **options):
        self.asked = options
        return super().execute(*args, **options)

    def check(self, *args, **kwargs):
        # A wrong address or size is refused before Django's system checks (≈ 1 s of a refusal's start).
        if asked := getattr(self, "asked", None):
            self.served(asked["addrport"], asked["processes"], asked["threads"])
        return super().check(*args, **kwargs)

    @staticmethod
    def served(addrport, processes, threads):
        """(host, port, processes): what to serve, or the operator's error."""
        host, _, port = addrport.rpartition(":")
        if not port.isdigit():
            raise CommandError(f"地址格式应为 ADDR:PORT，收到：{addrport}")
        processes = default_processes() if processes is None else processes
        if processes < 1 or threads < 1:
            raise CommandError(f"进程数和线程数应为正整数，收到：--processes {processes} --threads {threads}")
        return host or "127.0.0.1", port, processes

    def handle(self, *args, addrport, processes, threads, no_worker, **options):
        host, port, processes = self.served(addrport, processes, threads)
        from sanxiang.core.backup import UnfinishedRestore, refuse_to_serve_if_restore_unfinished

        try:
            refuse_to_serve_if_restore_unfinished()
        except UnfinishedRestore as exc:
            raise CommandError(str(exc)) from None
        call_command("collectstatic", interactive=False, verbosity=0)
        self.follow_served_address(host, port, with_worker=worker_wanted(no_worker))

        from sanxiang.wsgi import application

        # Loaded once here and shared by the forked processes; a database connection opened while
        # loading must not be shared with them.
        connections.close_all()
        server = WebServer(application, {
            "bind": [f"{host}:{port}"],
            "workers": processes,
            "worker_class": "gthread",
            "threads": threads,
            "proc_name": "sanxiang",
            "preload_app": True,
            # Django decides about X-Forwarded-Proto (SANXIANG_HTTPS), not the server.
            "forwarded_allow_ips": "",
            # gunicorn's largest request line (its default 4094 answered a 500-character search with its own
            # English "URI Too Long" page, s22 tester10 #10): the application answers long queries itself.
            "limit_request_line": 8190,
            "control_socket_disable": True,
            # Ctrl+C reaches the whole process group: the server processes leave it to the master, which
            # stops them at once (SIGQUIT). Both answering it raced, and a server process caught twice
            # could hang until gunicorn's 30 s graceful timeout killed it (s26: one stop in two).
            "post_worker_init": ignore_ctrl_c,
            "errorlog": "-",
            "loglevel": "warning",
        })
        worker = self.start_worker() if worker_wanted(no_worker) else None
        # SIGTERM (a service manager stopping us) unwinds like Ctrl+C, so the worker is stopped too;
        # once serving, gunicorn's own handlers do the same.
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
        try:
            self.stdout.write(f"三项平台已启动：http://{host}:{port}/  （{processes} 个服务进程 × "
                              f"{threads} 线程；Ctrl+C 停止）")
            self.stdout.flush()
            server.run()
        finally:
            if worker is not None:
                self.stop_worker(worker)

    def follow_served_address(self, host: str, port: str, *, with_worker: bool = True) -> None:
        """Without SANXIANG_PUBLIC_URL the deployment is reached where it is served, as `make run` sets it
        (links, QR codes, and the demo's witnesses, which fetch this ledger's checkpoints from there — not
        from :8000 forever, s19 tester8 #20). The witness name stays what it was (its keys are registered
        under it), and the job worker started beside the server inherits both.

        A server started without the worker (`--no-worker`, SANXIANG_WORKER=0) and without SANXIANG_PUBLIC_URL
        takes the address for its own links only: it runs no witness job, and a second server on another port
        beside the running one must not repoint the witnesses that one's worker fetches from (s25 tester10b #13).
        A SANXIANG_PUBLIC_URL given is the deployment's address: the witnesses follow it either way."""
        from django.conf import settings

        from sanxiang.access.actors import OPERATOR
        from sanxiang.witness.demo import follow_public_url

        if not os.environ.get("SANXIANG_PUBLIC_URL", "").strip():
            reached = "127.0.0.1" if host in ("0.0.0.0", "::", "[::]", "") else host
            os.environ.setdefault("SANXIANG_WITNESS_NAME", settings.WITNESS_NAME)
            os.environ["SANXIANG_PUBLIC_URL"] = settings.PUBLIC_URL = f"http://{reached}:{port}"
            if not with_worker:
                self.stdout.write("见证：本服务不运行定时任务，见证取回检查点的地址不变（如需改变，请设置 SANXIANG_PUBLIC_URL）")
                return
        moved = follow_public_url(actor=OPERATOR)
        if moved:
            self.stdout.write(f"见证：{'、'.join(moved)}的见证改为从 {settings.PUBLIC_URL} 取回本平台的检查点")

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
