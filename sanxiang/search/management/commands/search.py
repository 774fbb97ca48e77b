"""`sanxiang search reindex`: rebuild the public search's entries of the published decisions."""

from sanxiang.core.management.subcommands import SubcommandCommand


class Command(SubcommandCommand):
    help = "公开检索：reindex（按已公开的执法决定重建检索条目；已撤下、期满的移出检索）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="sub", required=True, title="子命令")
        sub.add_parser("reindex", help="重建已公开执法决定的检索条目（正在公示的编入，已撤下或期满的移出）")

    def do_reindex(self, options):
        from sanxiang.portal.indexing import reindex_all

        indexed, removed = reindex_all()
        self.stdout.write(f"已重建检索：正在公示的执法决定 {indexed} 件已编入，已撤下或停止公示的 {removed} 件只留公告（按标题、案号可查到）。")
