"""`sanxiang token create USERNAME [--days N] [--label TEXT] | list [USERNAME] | revoke ID_OR_PREFIX`."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from sanxiang.access.actors import OPERATOR
from sanxiang.core.errors import SanxiangError


class Command(BaseCommand):
    help = "API access tokens (访问令牌): create (printed once), list, revoke."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="op", required=True, metavar="create|list|revoke")
        create = sub.add_parser("create", help="create a token for USERNAME and print it once")
        create.add_argument("username")
        create.add_argument("--days", type=int, default=None, help="lifetime in days (default 90)")
        create.add_argument("--label", default="", help="what the token is for")
        listing = sub.add_parser("list", help="list tokens (never the tokens themselves)")
        listing.add_argument("username", nargs="?")
        revoke = sub.add_parser("revoke", help="revoke a token by its id or the beginning of its prefix")
        revoke.add_argument("reference")
        revoke.add_argument("--reason", default="运维撤销")

    def handle(self, *args, op, **options):
        try:
            return getattr(self, f"_{op}")(**options)
        except SanxiangError as exc:
            raise CommandError(exc.message) from None

    def _user(self, username):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"没有用户名为“{username}”的账号。")
        return user

    def _create(self, username, days, label, **_):
        from sanxiang.accounts.actions import do_create_api_token

        token, text = do_create_api_token(self._user(username), label=label, days=days, actor=OPERATOR)
        expires = timezone.localtime(token.expires_at).strftime("%Y-%m-%d %H:%M")
        self.stderr.write(f"已为 {username} 创建访问令牌（编号 {token.pk}，有效期至 {expires}）。"
                          "令牌只显示这一次，请立即保存：")
        self.stdout.write(text)

    def _list(self, username=None, **_):
        from sanxiang.accounts.models import ApiToken

        tokens = ApiToken.objects.select_related("user").order_by("user__username", "-created_at")
        if username:
            tokens = tokens.filter(user=self._user(username))
        now = timezone.now()
        rows = [(str(t.pk), t.user.username, f"{t.prefix}…", t.label or "—", t.state_label_on(now),
                 timezone.localtime(t.expires_at).strftime("%Y-%m-%d"),
                 timezone.localtime(t.last_used_at).strftime("%Y-%m-%d %H:%M") if t.last_used_at else "未使用")
                for t in tokens]
        if not rows:
            self.stdout.write("没有访问令牌。")
            return
        header = ("编号", "账号", "令牌开头", "用途", "状态", "有效期至", "最近使用")
        widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
        for row in [header, *rows]:
            self.stdout.write("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())

    def _revoke(self, reference, reason, **_):
        from sanxiang.accounts.actions import do_revoke_api_token
        from sanxiang.accounts.queries import token_by_reference

        token = token_by_reference(reference)
        if token is None:
            raise CommandError(f"找不到唯一对应“{reference}”的访问令牌"
                               "（请用 sanxiang token list 中的编号或令牌开头）。")
        do_revoke_api_token(token, reason=reason, actor=OPERATOR)
        self.stdout.write(f"已撤销 {token.user.username} 的访问令牌 {token.prefix}…（编号 {token.pk}）。")
