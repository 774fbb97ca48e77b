"""`sanxiang witness add URL --vkey VKEY | remove LOG | run | list | vkey | trust VKEY`: the witness (见证)."""

import json
import sys
from pathlib import Path

from django.db.models import Q
from django.utils import timezone

from sanxiang.access.actors import OPERATOR
from sanxiang.core.errors import NotFound, RuleViolation
from sanxiang.core.management.subcommands import SubcommandCommand

STATUS_LABELS = {"cosigned": "已联署", "unchanged": "无新检查点", "alert": "告警", "error": "未能见证"}


def _key_text(value: str) -> str:
    """A vkey given inline, or the first non-comment line of a file holding it."""
    path = Path(value)
    if "+" not in value and path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.lstrip().startswith("#"):
                return line.strip()
        return ""
    return value.strip()


def _holder(code):
    if not code:
        return None
    from sanxiang.orgs.models import Agency

    holder = Agency.objects.filter(code=code).first()
    if holder is None:
        raise NotFound(f"没有代码为“{code}”的机构（见证机构应是本实例中的机构，例如司法局）。")
    return holder


def _watched(text, holder_code):
    """The watched log named by its name, address or origin (and holder, when several match)."""
    from sanxiang.witness.actions import normalise_url
    from sanxiang.witness.models import WatchedLog

    text = (text or "").strip()
    matches = Q(name=text) | Q(origin=text)
    try:
        matches |= Q(url=normalise_url(text))
    except RuleViolation:
        pass
    logs = WatchedLog.objects.filter(matches, removed_at=None).select_related("holder").order_by("id")
    if holder_code:
        logs = logs.filter(holder=_holder(holder_code))
    found = list(logs)
    if not found:
        raise NotFound(f"没有正在见证的日志“{text}”（名称、地址或来源标识；sanxiang witness list 查看）。")
    if len(found) > 1:
        holders = "、".join(log.holder.code if log.holder_id else "（本实例）" for log in found)
        raise RuleViolation(f"“{text}”对应 {len(found)} 个见证的日志（见证机构 {holders}）：请用 --holder 指定见证机构。",
                            code="ambiguous")
    return found[0]


class Command(SubcommandCommand):
    help = ("见证（联署检查点）：add 登记要见证的日志 | remove 停止见证 | run 见证一轮 | list 列出 | "
            "vkey 打印见证公钥 | trust 登记受信见证方")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="sub", required=True, metavar="add|remove|run|list|vkey|trust")
        add = sub.add_parser("add", help="登记一个要见证的日志（先取回并核验它的检查点）")
        add.add_argument("url", help="日志所在部署的地址，例如 https://zfj.example.gov.cn")
        add.add_argument("--vkey", required=True,
                         help="日志公钥（sanxiang checkpoint --public-key 打印的那一行），或存放它的文件")
        add.add_argument("--name", default="", help="显示名称，例如“株洲市市场监督管理局留痕账本”")
        add.add_argument("--holder", default="", help="以哪个机构（代码）的见证身份联署；省略时用本实例的见证身份")
        remove = sub.add_parser("remove", help="停止见证一个日志（已联署的检查点和告警证据保留）")
        remove.add_argument("log", help="见证的日志的名称、地址或来源标识（sanxiang witness list 查看）")
        remove.add_argument("--holder", default="", help="见证机构代码（同一日志由多个见证身份见证时指定）")
        run = sub.add_parser("run", help="见证一轮：取回每个日志的检查点与一致性证明，核验后联署")
        run.add_argument("--json", action="store_true", help="以 JSON 输出")
        sub.add_parser("list", help="列出见证的日志、告警和本部署登记的受信见证方")
        vkey = sub.add_parser("vkey", help="打印见证公钥（交给日志方用 sanxiang witness trust 登记）")
        vkey.add_argument("--holder", default="", help="机构代码；省略时为本实例的见证身份")
        trust = sub.add_parser("trust", help="（日志方）登记一个受信见证方，接受并公开它的联署")
        trust.add_argument("vkey", help="见证公钥（sanxiang witness vkey 打印的那一行），或存放它的文件")
        trust.add_argument("--label", default="", help="见证方名称，例如“株洲市司法局”")

    def handle(self, *args, **options):
        from sanxiang.witness import keys

        try:
            super().handle(*args, **options)
        except keys.WitnessKeyError as exc:
            self.stderr.write(f"错误：{exc}")
            sys.exit(2)

    def do_add(self, options):
        from sanxiang.ledger import checkpoints, signing
        from sanxiang.witness import actions, witnessing
        from sanxiang.witness.keys import cosigner

        vkey = _key_text(options["vkey"])
        verifier = actions.log_verifier(vkey)
        url = actions.normalise_url(options["url"])
        holder = _holder(options["holder"])
        try:
            note = witnessing.fetch_checkpoint(url)
        except witnessing.Unreachable as exc:
            raise RuleViolation(f"无法取回日志的检查点：{exc}", code="unreachable") from None
        try:
            opened = signing.open_note(note, [verifier])
            parsed = checkpoints.parse_body(opened.text)
        except ValueError as exc:
            raise RuleViolation(f"{url} 返回的不是检查点：{exc}", code="not_a_checkpoint") from None
        if opened.failed or not opened.verified:
            raise RuleViolation(f"{url} 的检查点不是这个公钥签的：请核对公钥（日志方 sanxiang checkpoint --public-key "
                                "打印的那一行）与地址", code="wrong_key")
        if parsed.origin != verifier.name:
            raise RuleViolation(f"{url} 的检查点来源是“{parsed.origin}”，与公钥名称“{verifier.name}”不符",
                                code="wrong_origin")
        log = actions.do_add_watched_log(url=url, vkey=vkey, name=options["name"], holder=holder, actor=OPERATOR)
        self.stdout.write(f"已登记见证的日志“{log.name}”（来源 {log.origin}，地址 {log.url}，见证身份 {log.witness_name}）。")
        outcome = witnessing.witness_log(log, actor=OPERATOR)
        self.stdout.write(f"首轮见证：{outcome.message}")
        self.stdout.write("请把下面的见证公钥交给日志方，由其系统管理员运行 "
                          "`sanxiang witness trust '<见证公钥>' --label 见证方名称` 登记，联署才会被对方接受和公开：")
        self.stdout.write(cosigner(holder.code if holder else None).vkey)

    def do_remove(self, options):
        from sanxiang.witness.actions import do_remove_watched_log

        log = do_remove_watched_log(_watched(options["log"], options["holder"]), actor=OPERATOR)
        alerts = log.alerts.count()
        kept = f"最后联署的检查点（树大小 {log.tree_size}）" + (f"和 {alerts} 条告警" if alerts else "")
        self.stdout.write(f"已停止见证“{log.name}”（{log.url}，见证身份 {log.witness_name}）；{kept}仍保留作为证据，"
                          "见证密钥也保留（过去的联署仍可核验）。")

    def do_run(self, options):
        from sanxiang.witness import witnessing

        outcomes = witnessing.run(actor=OPERATOR)
        if options["json"]:
            self.stdout.write(json.dumps([{"log": o.log.name, "origin": o.log.origin, "status": o.status,
                                           "message": o.message, "tree_size": o.tree_size} for o in outcomes],
                                         ensure_ascii=False))
        elif not outcomes:
            self.stdout.write("还没有登记要见证的日志（sanxiang witness add URL --vkey VKEY）。")
        for o in outcomes if not options["json"] else ():
            self.stdout.write(f"[{STATUS_LABELS[o.status]}] {o.message}")
        if any(o.status in ("alert", "error") for o in outcomes):
            sys.exit(1)

    def do_list(self, options):
        from sanxiang.witness.models import TrustedWitness, WatchedLog, WitnessAlert

        logs = list(WatchedLog.objects.select_related("holder").order_by("id"))
        if not logs:
            self.stdout.write("本实例没有见证的日志。")
        for log in logs:
            alerts = log.alerts.count()
            when = timezone.localtime(log.cosigned_at).strftime("%Y-%m-%d %H:%M:%S") if log.cosigned_at else "尚未联署"
            holder = log.holder.name if log.holder_id else "本实例"
            state = f"告警 {alerts} 条" if alerts else ("正常" if not log.last_error else f"问题：{log.last_error}")
            if log.removed_at:
                state = f"已于 {timezone.localtime(log.removed_at):%Y-%m-%d %H:%M} 停止见证" + (
                    f"（告警 {alerts} 条）" if alerts else "")
            self.stdout.write(f"{log.name}｜{log.url}｜见证机构 {holder}｜已联署树大小 {log.tree_size}（{when}）｜{state}")
        for alert in WitnessAlert.objects.select_related("log").order_by("-raised_at")[:20]:
            when = timezone.localtime(alert.raised_at).strftime("%Y-%m-%d %H:%M:%S")
            self.stdout.write(f"告警 {when} {alert.log.name}：{alert.get_kind_display()}——{alert.message}")
        trusted = list(TrustedWitness.objects.order_by("id"))
        self.stdout.write(f"本部署登记的受信见证方：{len(trusted)} 个" if trusted else "本部署尚未登记受信见证方。")
        for witness in trusted:
            self.stdout.write(f"  {witness.label}｜{witness.name}")

    def do_vkey(self, options):
        from sanxiang.witness.keys import cosigner

        holder = _holder(options["holder"])
        self.stdout.write(cosigner(holder.code if holder else None, create=True).vkey)

    def do_trust(self, options):
        from sanxiang.witness.actions import do_trust_witness

        witness = do_trust_witness(vkey=_key_text(options["vkey"]), label=options["label"], actor=OPERATOR)
        self.stdout.write(f"已登记受信见证方“{witness.label}”（{witness.name}）：它送来的联署会随检查点一起公开。")

