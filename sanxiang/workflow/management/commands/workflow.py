"""`sanxiang workflow list | diagram [NAME] [--format mermaid] | docs`."""



from sanxiang.core.management.subcommands import SubcommandCommand
from sanxiang.workflow.diagram import mermaid, reference
from sanxiang.workflow.tables import all_tables, get_table


class Command(SubcommandCommand):
    help = "状态流转表：list | diagram [NAME] [--format mermaid] | docs"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="sub", required=True, title="子命令")
        sub.add_parser("list", help="列出状态流转表")
        diagram = sub.add_parser("diagram", help="输出状态图（默认全部）")
        diagram.add_argument("name", nargs="?", help="状态流转表名称，例如 certificate")
        diagram.add_argument("--format", choices=["mermaid"], default="mermaid", help="图的格式（默认 mermaid）")
        sub.add_parser("docs", help="输出 docs/workflows.md 的内容")

    def do_list(self, options):
        for table in all_tables():
            states = "、".join(table.states.values())
            self.stdout.write(f"{table.name:<16} {table.label}：{states}")

    def do_diagram(self, options):
        tables = [get_table(options["name"])] if options["name"] else all_tables()
        self.stdout.write("\n".join(mermaid(t) for t in tables), ending="")

    def do_docs(self, options):
        self.stdout.write(reference(all_tables()), ending="")
