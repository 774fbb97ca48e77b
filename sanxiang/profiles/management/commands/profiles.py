"""`sanxiang profiles list | show KEY [--on DATE] [--json] | diff A B [--on DATE] | validate [FILE…]`."""

import json

from sanxiang.core.management.subcommands import SubcommandCommand
from sanxiang.profiles.registry import _as_date, get_profile, list_profiles, validate_files
from sanxiang.profiles.schema import SCHEMA, SECTIONS, format_value


def _dates(entry):
    if not entry.effective_from and not entry.effective_to:
        return ""
    return f"［{entry.effective_from or '始'} ～ {entry.effective_to or '今'}］"


class Command(SubcommandCommand):
    help = "规则配置：list | show KEY [--on DATE] [--json] | diff A B [--on DATE] | validate [FILE…]"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="sub", required=True, title="子命令")
        sub.add_parser("list", help="列出规则配置")
        show = sub.add_parser("show", help="显示一个规则配置的每一项及其出处")
        show.add_argument("key")
        show.add_argument("--on", help="按日期查看（YYYY-MM-DD，默认今天）")
        show.add_argument("--json", action="store_true", help="输出 JSON")
        diff = sub.add_parser("diff", help="比较两个规则配置")
        diff.add_argument("a")
        diff.add_argument("b")
        diff.add_argument("--on", help="按日期比较（YYYY-MM-DD，默认今天）")
        diff.add_argument("--json", action="store_true", help="输出 JSON")
        validate = sub.add_parser("validate", help="校验规则配置文件（默认校验全部随附文件）")
        validate.add_argument("files", nargs="*")

    def do_list(self, options):
        for key in list_profiles():
            profile = get_profile(key)
            extends = f"（继承 {profile.extends}）" if profile.extends else ""
            self.stdout.write(f"{key:<22} {profile.name}{extends}")

    def do_show(self, options):
        profile = get_profile(options["key"])
        day = _as_date(options["on"])
        if options["json"]:
            self.stdout.write(json.dumps(profile.as_dict(on=day), ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{profile.name}（{profile.key}）  日期：{day}")
        for code, title, names in profile.sections():
            self.stdout.write(f"\n【{title}】")
            for name in names:
                entry = profile.entry(name, on=day)
                spec = SCHEMA[name]
                inherited = "" if entry.source == profile.key else f"（沿用 {entry.source}）"
                self.stdout.write(f"{name}  {spec.label}：{format_value(spec, entry.value)}{_dates(entry)}")
                self.stdout.write(f"    出处：{entry.citation}{inherited}")

    def do_diff(self, options):
        a, b = get_profile(options["a"]), get_profile(options["b"])
        day = _as_date(options["on"])
        diffs = a.diff(b, on=day)
        if options["json"]:
            out = [{"name": d.name, a.key: d.left.as_dict(), b.key: d.right.as_dict()} for d in diffs]
            self.stdout.write(json.dumps(out, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{a.key} 与 {b.key} 在 {day} 有 {len(diffs)} 项不同")
        for d in diffs:
            spec = SCHEMA[d.name]
            self.stdout.write(f"\n{d.name}  {spec.label}（{SECTIONS[spec.section]}）")
            self.stdout.write(f"  {a.key}：{format_value(spec, d.left.value)}{_dates(d.left)}")
            self.stdout.write(f"    出处：{d.left.citation}")
            self.stdout.write(f"  {b.key}：{format_value(spec, d.right.value)}{_dates(d.right)}")
            self.stdout.write(f"    出处：{d.right.citation}")

    def do_validate(self, options):
        if options["files"]:
            profiles = validate_files(options["files"])
        else:
            profiles = [get_profile(k) for k in list_profiles()]
        for profile in profiles:
            self.stdout.write(f"通过：{profile.path.name}（{profile.key}，{profile.name}）")
