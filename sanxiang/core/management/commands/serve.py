from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Serve Sanxiang with waitress on ADDR:PORT (default 127.0.0.1:8000)."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--threads", type=int, default=8)

    def handle(self, *args, addrport, threads, **options):
        host, _, port = addrport.rpartition(":")
        if not port.isdigit():
            raise CommandError(f"地址格式应为 ADDR:PORT，收到：{addrport}")
        call_command("collectstatic", interactive=False, verbosity=0)
        from waitress import serve

        from sanxiang.wsgi import application

        self.stdout.write(f"三项平台已启动：http://{host or '127.0.0.1'}:{port}/  (Ctrl+C 停止)")
        serve(application, host=host or "127.0.0.1", port=int(port), threads=threads)
