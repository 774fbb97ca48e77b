"""`sanxiang review check --profile KEY [--on DATE] --json < PROPOSAL.json` (issue 9 §1) and
`sanxiang review catalogue export|import` (the agency's 法制审核目录清单 as xlsx)."""

import datetime as dt
import json
import sys

from django.core.management.base import BaseCommand

from sanxiang.core.errors import file_error_text
from sanxiang.profiles.schema import ProfileError
from sanxiang.review.conditions import ShapeError
from sanxiang.review.determination import check_profile


class Command(BaseCommand):
    help = "法制审核目录：check --profile KEY [--on DATE] --json < PROPOSAL.json（是否须法制审核及所依据的规则）。"
    requires_system_checks = []

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="sub", required=True)
        p = sub.add_parser("check", help="按规则配置的审核目录判断拟作出的决定是否须法制审核（从标准输入读 JSON）")
        p.add_argument("--profile", required=True, help="规则配置，如 zhuzhou-amr")
        p.add_argument("--on", help="决定日期 YYYY-MM-DD（默认今天）")
        p.add_argument("--json", action="store_true", help="输出 JSON（目前唯一的输出格式）")
        c = sub.add_parser("catalogue", help="法制审核目录清单的 xlsx 导出与导入")
        csub = c.add_subparsers(dest="catalogue_sub", required=True)
        e = csub.add_parser("export", help="导出一个版本（默认现行版本）为 xlsx")
        e.add_argument("--agency", required=True, help="执法主体代码")
        e.add_argument("--version", type=int, help="版本号（默认最新版本）")
        e.add_argument("file", help="FILE.xlsx")
        i = csub.add_parser("import", help="将 xlsx 发布为新版本（逐行校验，有误则不导入）")
        i.add_argument("--agency", required=True, help="执法主体代码")
        i.add_argument("--reason", required=True, help="发布新版本的原因")
        i.add_argument("--from", dest="effective_from", help="施行日期 YYYY-MM-DD（默认今天）")
        i.add_argument("file", help="FILE.xlsx")

    def handle(self, *args, **opts):
        getattr(self, "do_" + opts["sub"])(opts)

    def _refuse(self, message: str):
        sys.stderr.write(f"{message}\n")
        sys.exit(2)

    def do_check(self, opts):
        on = None
        if opts["on"]:
            try:
                on = dt.date.fromisoformat(opts["on"])
            except ValueError:
                self._refuse(f"日期 {opts['on']!r} 格式不正确，应为 YYYY-MM-DD。")
        try:
            data = json.loads(sys.stdin.read())
        except json.JSONDecodeError as exc:
            where = f"第 {exc.lineno} 行第 {exc.colno} 列" if exc.doc.strip() else "标准输入为空"
            self._refuse(f"拟作出的决定不是有效的 JSON（{where}）：请从标准输入提供 PROPOSAL.json，如 "
                         '{"kind": "penalty", "procedure": "general"}。')
        except UnicodeDecodeError:
            self._refuse("拟作出的决定不是有效的 JSON：标准输入应为 UTF-8 文本。")
        try:
            result = check_profile(opts["profile"], data, on)
        except ShapeError as exc:
            self._refuse(f"拟作出的决定被拒绝：{exc.message}")
        except ProfileError as exc:
            self._refuse(exc.message)
        self.stdout.write(json.dumps(result, ensure_ascii=False))

    def do_catalogue(self, opts):
        from django.utils import timezone

        from sanxiang.access.actors import OPERATOR
        from sanxiang.core.errors import SanxiangError
        from sanxiang.orgs.models import Agency
        from sanxiang.review.actions import do_import_catalogue_version
        from sanxiang.review.catalogue_xlsx import export_version
        from sanxiang.review.models import CatalogueVersion

        agency = Agency.objects.filter(code=opts["agency"]).first()
        if agency is None:
            self._refuse(f"没有代码为 {opts['agency']!r} 的执法主体。")
        if opts["catalogue_sub"] == "export":
            versions = CatalogueVersion.objects.filter(agency=agency).order_by("-version")
            version = versions.filter(version=opts["version"]).first() if opts["version"] else versions.first()
            if version is None:
                self._refuse(f"{agency.name}没有第{opts['version']}版审核目录。" if opts["version"]
                             else f"{agency.name}还没有审核目录版本（运行 sanxiang migrate 生成第1版）。")
            try:
                with open(opts["file"], "wb") as out:
                    out.write(export_version(version))
            except OSError as exc:
                self._refuse(f"无法写入 {opts['file']}：{file_error_text(exc)}")
            self.stdout.write(f"已导出{agency.name}审核目录第{version.version}版（{len(version.rules)} 条规则）到 {opts['file']}")
            return
        try:
            with open(opts["file"], "rb") as given:
                data = given.read()
        except OSError as exc:
            self._refuse(f"无法读取 {opts['file']}：{file_error_text(exc)}")
        try:
            version = do_import_catalogue_version(agency, data, effective_from=opts["effective_from"] or timezone.localdate(),
                                                  reason=opts["reason"], actor=OPERATOR)
        except SanxiangError as exc:
            self._refuse("\n".join([exc.message, *(f"  {r}" for r in exc.reasons if r != exc.message)]))
        from sanxiang.review.actions import changes_summary

        self.stdout.write(f"已发布{agency.name}审核目录第{version.version}版（{len(version.rules)} 条规则），"
                          f"自 {version.effective_from:%Y-%m-%d} 起施行。{changes_summary(version)}")
