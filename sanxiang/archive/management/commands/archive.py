"""`sanxiang archive export CASE_NUMBER --out FILE.zip --purpose TEXT [--agency KEY]` and
`sanxiang archive verify FILE.zip [--key VKEY_FILE] [--json]` (offline: no database needed)."""

import json
import sys
from pathlib import Path

from sanxiang.core.errors import Conflict, NotFound
from sanxiang.core.management.subcommands import SubcommandCommand

KEY_LABELS = {"pinned": "固定公钥（--key）", "package": "包内公钥"}


def _purpose(text: str) -> str:
    """Every export of a case's records says why (s21 tester8 #12): the one purpose rule (core/text.py)."""
    from sanxiang.core.errors import RuleViolation
    from sanxiang.core.text import check_purpose_text

    text = " ".join((text or "").split())
    if not text:
        raise RuleViolation("归档信息包包含本案全部记录的原件，导出须写明用途：--purpose “用途”（如“移送人民法院”），"
                            "导出记入本案的访问日志。", field="purpose", code="purpose_required")
    if len(text) > 300:
        raise RuleViolation("用途不能超过 300 个字。", field="purpose")
    return check_purpose_text(text)


class Command(SubcommandCommand):
    help = "案卷归档信息包：export CASE_NUMBER --out FILE.zip --purpose 用途 | verify FILE.zip [--key VKEY_FILE]"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="sub", required=True, title="子命令")
        export = sub.add_parser("export", help="把一个案件导出为 BagIt 归档信息包（zip）")
        export.add_argument("number", metavar="CASE_NUMBER", help="案号")
        export.add_argument("--out", required=True, metavar="FILE.zip", help="输出文件")
        export.add_argument("--agency", metavar="KEY", help="执法机关代码（案号在多个机关重复时必填）")
        export.add_argument("--purpose", metavar="TEXT", default="",
                            help="用途（必填，如“移送人民法院”）：导出记入本案的访问日志（查阅留痕）")
        verify = sub.add_parser("verify", help="离线核验归档信息包；全部通过时退出码为 0，否则为 1")
        verify.add_argument("file", metavar="FILE.zip")
        verify.add_argument("--key", metavar="VKEY_FILE",
                            help="固定的验签公钥文件（从执法机关另行取得的 sanxiang checkpoint --vkey 输出）")
        verify.add_argument("--json", action="store_true", help="以 JSON 输出结果")

    def do_export(self, options):
        from sanxiang.access.actors import OPERATOR
        from sanxiang.archive.package import export
        from sanxiang.cases.models import Case

        purpose = _purpose(options["purpose"])
        if Path(options["out"]).exists():  # an earlier package is evidence of what was handed over: never overwritten
            raise Conflict(f"输出文件已存在：{options['out']}。请换一个文件名，或先移走原文件。")
        from sanxiang.orgs.models import Agency

        cases = Case.objects.select_related("agency", "unit").filter(number=options["number"])
        if options["agency"]:
            if not Agency.objects.filter(code=options["agency"]).exists():
                raise NotFound(f"没有代码为“{options['agency']}”的执法机关。")
            cases = cases.filter(agency__code=options["agency"])
        found = list(cases[:10])
        if not found:
            where = f"执法机关“{options['agency']}”" if options["agency"] else ""
            raise NotFound(f"{where}没有案号为“{options['number']}”的案件。")
        if len(found) > 1:
            codes = "、".join(c.agency.code for c in found)
            raise NotFound(f"多个执法机关有案号“{options['number']}”（{codes}）：请用 --agency 指定。")
        done = export(found[0], options["out"], actor=OPERATOR, purpose=purpose)
        what = (f"归档案卷 {done.archive_number}，" if done.archive_number else "本案尚未归档（不是归档案卷），")
        extra = f"，归档后补充 {done.supplements} 件" if done.supplements else ""
        self.stdout.write(f"已导出 {done.path}：{what}记录 {done.records} 件{extra}（文件 {done.files} 个，"
                          f"{done.payload_bytes} 字节），留痕条目 {done.entries} 条，检查点树大小 {done.tree_size}；"
                          f"已记入本案访问日志（运维命令行，用途：{purpose}）")

    def do_verify(self, options):
        from sanxiang.archive.verify import verify_package

        pinned = None
        if options["key"]:
            try:
                pinned = Path(options["key"]).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                from sanxiang.core.errors import file_error_text

                self.stderr.write(f"错误：无法读取公钥文件 {options['key']}：{file_error_text(exc)}")
                sys.exit(2)
        result = verify_package(options["file"], pinned_keys=pinned)
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
        else:
            self.stdout.write(f"归档信息包：文件 {result.files} 个，留痕条目 {result.entries} 条，"
                              f"检查点树大小 {result.tree_size if result.tree_size is not None else '—'}，"
                              f"公钥：{KEY_LABELS.get(result.key_used, '—')}")
            for note in result.notes:
                self.stdout.write(f"注意：{note}")
            for finding in result.findings:
                self.stdout.write(f"[{finding.code}] {finding.message}")
            self.stdout.write(f"未核验：{'、'.join(result.unverified)} 只是说明文字，不在核验范围内；"
                              "核验以本程序的结论为准，公钥请用 --key 指定机关公开的公钥文件，不要依包内说明跳过")
            if not result.ok:
                self.stdout.write(f"核验失败：发现 {len(result.findings)} 项问题")
            elif result.archived_file:
                self.stdout.write("核验通过：归档案卷完整，与留痕账本中的归档清单一致，条目均在已签名的账本中")
            else:
                self.stdout.write("核验通过：包内文件均记入已签名的账本（本包没有归档清单，不证明案卷完整）")
        if not result.ok:
            sys.exit(1)
