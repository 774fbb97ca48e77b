"""`sanxiang verify [--json] [--full] [--key VKEY_FILE --checkpoint CHECKPOINT_FILE]`: exit 0 when
the ledger, checkpoints, objects and files all hold, 1 otherwise (or when a file cannot be read)."""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from sanxiang.ledger import verify


class Command(BaseCommand):
    help = "核验留痕账本、检查点、业务对象与文件；全部一致时退出码为 0，否则为 1"

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="以 JSON 输出结果")
        parser.add_argument("--full", action="store_true",
                            help="重新核验全部检查点（默认只核验上次核验通过之后新增的检查点）")
        parser.add_argument("--key", metavar="VKEY_FILE",
                            help="固定的验签公钥文件（sanxiang checkpoint --vkey 的输出，保存在服务器之外）；"
                                 "只信任其中的公钥")
        parser.add_argument("--checkpoint", metavar="CHECKPOINT_FILE",
                            help="固定的检查点文件（此前从 /api/v1/ledger/checkpoint 取得并保存在服务器之外）；"
                                 "当前账本必须是它的延续")

    def handle(self, *args, **options):
        pinned = None
        if options["key"] or options["checkpoint"]:
            if not (options["key"] and options["checkpoint"]):
                raise CommandError("--key 与 --checkpoint 需要同时给出：固定的公钥和用它签名的检查点")
            try:
                pinned = verify.Pinned.from_files(options["key"], options["checkpoint"])
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
        report = verify.run(full=options["full"], pinned=pinned)
        from sanxiang.witness.served import summary, summary_line

        witnesses = summary()
        if options["json"]:
            self.stdout.write(json.dumps({**report.as_dict(), "witnesses": witnesses}, ensure_ascii=False))
        else:
            checked = (f"检查点 {report.checkpoints} 个" if report.mode == "full" else
                       f"新检查点 {report.checkpoints} 个（另有 {report.checkpoints_verified_before} 个"
                       "此前已核验，--full 可全部重新核验）")
            self.stdout.write(
                f"账本条目 {report.entries} 条，树节点 {report.nodes} 个，{checked}，"
                f"留痕对象 {report.objects} 个，文件 {report.files} 个")
            if report.pinned_size is not None:
                self.stdout.write(f"固定的检查点：树大小 {report.pinned_size}")
            for finding in report.findings:
                self.stdout.write(f"[{finding.code}] {finding.message}")
            for code, count in report.suppressed.items():
                self.stdout.write(f"[{code}] 另有 {count} 项同类问题未列出")
            self.stdout.write(summary_line(witnesses))
            self.stdout.write("核验通过：记录未被篡改" if report.ok else
                              f"核验失败：发现 {len(report.findings)} 项问题")
        if not report.ok:
            sys.exit(1)
