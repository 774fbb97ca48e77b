"""`sanxiang search reindex`: rebuild the public search's entries of the published decisions."""

from sanxiang.core.management.subcommands import SubcommandCommand


class Command(SubcommandCommand):
    help = "公开检索：reindex（按已公开的执法决定重建检索条目；已撤下的只留撤下公告，公示期满、停止公示的移出）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="sub", required=True, title="子命令")
        sub.add_parser("reindex", help="重建已公开执法决定的检索条目（正在公示的编入全文，已撤下的只留公告，按标题、文号、案号可查到；公示期满、停止公示的移出）")

    def do_reindex(self, options):
        from sanxiang.portal.indexing import reindex_all

        indexed, noticed, removed = reindex_all()
        self.stdout.write(f"已重建检索：正在公示的执法决定 {indexed} 件已编入；已撤下的 {noticed} 件只留撤下公告"
                          f"（按标题、文号、案号可查到）；公示期满、停止公示等不再公开的 {removed} 条移出检索。")
