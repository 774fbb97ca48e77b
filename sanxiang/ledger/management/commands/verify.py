"""`sanxiang verify [--json]`: exit 0 when the ledger, checkpoints, objects and files all hold."""

import json
import sys

from django.core.management.base import BaseCommand

from sanxiang.ledger import verify


class Command(BaseCommand):
    help = "核验留痕账本、检查点、业务对象与文件；全部一致时退出码为 0，否则为 1"

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="以 JSON 输出结果")

    def handle(self, *args, **options):
        from sanxiang.witness.served import summary, summary_line

        report = verify.run()
        witnesses = summary()
        if options["json"]:
            self.stdout.write(json.dumps({**report.as_dict(), "witnesses": witnesses}, ensure_ascii=False))
        else:
            self.stdout.write(
                f"账本条目 {report.entries} 条，树节点 {report.nodes} 个，检查点 {report.checkpoints} 个，"
                f"留痕对象 {report.objects} 个，文件 {report.files} 个")
            for finding in report.findings:
                self.stdout.write(f"[{finding.code}] {finding.message}")
            for code, count in report.suppressed.items():
                self.stdout.write(f"[{code}] 另有 {count} 项同类问题未列出")
            self.stdout.write(summary_line(witnesses))
            self.stdout.write("核验通过：记录未被篡改" if report.ok else
                              f"核验失败：发现 {len(report.findings)} 项问题")
        if not report.ok:
            sys.exit(1)
