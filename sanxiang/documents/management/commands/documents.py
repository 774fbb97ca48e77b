"""`sanxiang documents recheck`: every stored agency template checked again with today's checks."""

import sys

from sanxiang.core.management.subcommands import SubcommandCommand


class Command(SubcommandCommand):
    help = "执法文书：recheck（用当前的检查重新检查各机关上传的文书模板，未通过的停用）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="sub", required=True, title="子命令")
        sub.add_parser("recheck", help="重新检查各机关启用中的文书模板；未通过的停用（须上传新版本），并记入留痕账本")

    def do_recheck(self, options):
        from sanxiang.access.actors import OPERATOR
        from sanxiang.documents.actions import do_recheck_agency_templates

        checked, failed, unreadable = do_recheck_agency_templates(actor=OPERATOR)
        for template, message in failed:
            self.stdout.write(f"已停用 {template.agency.name} {template}：{message}")
        self.stdout.write(f"重新检查了 {checked} 个启用中的机关文书模板，{len(failed)} 个未通过并已停用"
                          + ("，请相关机关上传新版本。" if failed else "。"))
        if unreadable:  # a storage fault is not a verdict: reported, the template left as it is, exit 1
            for template, message in unreadable:
                self.stderr.write(f"未能检查 {template}：{message}；该模板未停用，请排除存储故障后重新运行。")
            sys.exit(1)
