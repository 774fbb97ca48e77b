"""`sanxiang verify [--json] [--full] [--key VKEY_FILE --checkpoint CHECKPOINT_FILE]
[--files all|sample|since-last [--sample-percent N] [--checked-before DATE] [--max-bytes SIZE]]`:
exit 0 when the ledger, checkpoints, objects and files all hold, 1 otherwise (or when a file cannot
be read). `--files` re-hashes a part of a large store (sanxiang/storage/checks.py)."""

import datetime as dt
import json
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from sanxiang.ledger import verify
from sanxiang.storage import checks


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
        parser.add_argument("--files", choices=checks.MODES, default="all",
                            help="重新计算哪些文件的摘要：all 全部（默认）；sample 随机抽检；"
                                 "since-last 自某日起未核验过的（最久未核验者优先）。"
                                 "无论哪种方式，都核对每个文件是否存在、大小是否相符，以及有无未登记的文件")
        parser.add_argument("--sample-percent", type=float, metavar="N", help="sample：抽检的百分比（0–100）")
        parser.add_argument("--checked-before", metavar="DATE",
                            help="since-last：重新核验在此日期（YYYY-MM-DD）之前最后一次核验、或从未核验的文件；"
                                 "不给出时只核验从未核验过的文件")
        parser.add_argument("--max-bytes", metavar="SIZE",
                            help="sample / since-last：本次最多读取的字节数，可带单位（如 500G、2T）")

    def handle(self, *args, **options):
        pinned = None
        if options["key"] or options["checkpoint"]:
            if not (options["key"] and options["checkpoint"]):
                raise CommandError("--key 与 --checkpoint 需要同时给出：固定的公钥和用它签名的检查点", returncode=2)
            try:
                pinned = verify.Pinned.from_files(options["key"], options["checkpoint"])
            except ValueError as exc:
                raise CommandError(str(exc), returncode=2) from exc
        report = verify.run(full=options["full"], pinned=pinned, files=self._selection(options))
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
            if report.files_mode != "all":
                self.stdout.write(f"文件抽检（{self.selection.describe()}）：重新计算摘要 {report.files_rehashed} 个，"
                                  f"其余 {report.files - report.files_rehashed} 个只核对了存在与大小")
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

    def _selection(self, options) -> checks.Selection:
        mode, percent = options["files"], options["sample_percent"]
        if mode != "sample" and percent is not None:
            raise CommandError("--sample-percent 只用于 --files=sample", returncode=2)
        if mode != "since-last" and options["checked_before"]:
            raise CommandError("--checked-before 只用于 --files=since-last", returncode=2)
        if mode == "all" and options["max_bytes"]:
            raise CommandError("--max-bytes 只用于 --files=sample 或 --files=since-last（all 读取全部文件）", returncode=2)
        if mode == "sample" and (percent is None or not 0 < percent <= 100):
            raise CommandError("--files=sample 需要 --sample-percent，取值大于 0、不超过 100", returncode=2)
        before = None
        if options["checked_before"]:
            try:
                day = dt.date.fromisoformat(options["checked_before"])
            except ValueError:
                raise CommandError(f"--checked-before 应为日期 YYYY-MM-DD，收到：{options['checked_before']}", returncode=2) from None
            before = timezone.make_aware(dt.datetime.combine(day, dt.time()))
        budget = None
        if options["max_bytes"]:
            try:
                budget = checks.parse_size(options["max_bytes"])
            except ValueError as exc:
                raise CommandError(str(exc), returncode=2) from None
        self.selection = checks.Selection(mode, percent, before, budget)
        return self.selection
