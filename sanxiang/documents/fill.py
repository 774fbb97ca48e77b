"""Filling a .docx template (docxtpl: Jinja tags in the document's text) and checking an uploaded one."""

from __future__ import annotations

import datetime as dt
import decimal
import io
import logging
import time
import zipfile

import jinja2
import jinja2.nodes
import jinja2.runtime
import jinja2.sandbox
import markupsafe
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage

from sanxiang.core.errors import RuleViolation

MAX_TEMPLATE_BYTES = 5 << 20


SIGNATURE_WIDTH_MM = 40

# Filling is bounded in time (s19, issue 8): a template may loop (`{% for %}` over `range`, nested) and
# compute; Jinja's sandbox bounds one `range` (100 000 items) but not loops nested in loops, so an
# agency's template could keep a request or the worker busy for hours. Every loop step over a `range`,
# every call, attribute and item lookup and every `*`/`**` counts against a deadline; a national
# template fills in well under 0.1 s, so 10 s is generous for any real document and short for a stuck
# request. Settings `DOCUMENT_FILL_SECONDS`, `DOCUMENT_FILL_MAX_TEXT` (what one `*` may build).
FILL_SECONDS = 10.0
FILL_MAX_TEXT = 1 << 20
CHECK_EVERY = 256


class FillTooSlow(Exception):
    """Raised inside the sandbox when filling passes its deadline or builds too much."""


def _limit(name: str, default):
    from django.conf import settings

    return getattr(settings, name, default)


class _DataOnlySandbox(jinja2.sandbox.ImmutableSandboxedEnvironment):
    """Jinja's sandbox, narrowed to data: a template reads attributes of the plain values it is given
    (text, numbers, dates, lists, mappings, the loop) and of nothing else. The sandbox alone allows the
    public methods of any object, and a signature image (docxtpl's InlineImage) carries the live
    document, whose `.tpl.save(…)`/`.replace_zipname(…)` write and read server files (s18 re-test, 1)."""

    DATA = (str, int, float, decimal.Decimal, dt.date, dt.time, bool, type(None), list, tuple, dict,
            jinja2.runtime.LoopContext, markupsafe.Markup)

    intercepted_binops = frozenset({"*", "**"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.seconds = float(_limit("DOCUMENT_FILL_SECONDS", FILL_SECONDS))
        self.max_text = int(_limit("DOCUMENT_FILL_MAX_TEXT", FILL_MAX_TEXT))
        self.deadline, self.steps = time.monotonic() + self.seconds, 0
        sandboxed_range, env = self.globals["range"], self

        class CountedRange:
            """Jinja's bounded `range`, each step counted (its length and `loop.length` still work)."""

            def __init__(self, *args):
                self.inner = sandboxed_range(*args)

            def __len__(self):
                return len(self.inner)

            def __iter__(self):
                for item in self.inner:
                    env.tick()
                    yield item

        self.globals["range"] = CountedRange

    def start(self) -> None:
        self.deadline, self.steps = time.monotonic() + self.seconds, 0

    def tick(self) -> None:
        self.steps += 1
        if self.steps % CHECK_EVERY == 0 and time.monotonic() > self.deadline:
            raise FillTooSlow(f"填充超过 {self.seconds:g} 秒")

    def is_safe_attribute(self, obj, attr, value) -> bool:
        return isinstance(obj, self.DATA) and super().is_safe_attribute(obj, attr, value)

    def call(self, __context, __obj, *args, **kwargs):
        self.tick()
        return super().call(__context, __obj, *args, **kwargs)

    def getattr(self, obj, attribute):
        self.tick()
        return super().getattr(obj, attribute)

    def getitem(self, obj, argument):
        self.tick()
        return super().getitem(obj, argument)

    def call_binop(self, context, operator, left, right):
        self.tick()
        if operator == "**" and isinstance(right, int | float) and abs(right) > 64:
            raise FillTooSlow(f"幂运算的指数过大（{right}）")
        if operator == "*":
            sized, times = (left, right) if isinstance(right, int) else (right, left)
            if isinstance(sized, str | list | tuple) and isinstance(times, int) and len(sized) * times > self.max_text:
                raise FillTooSlow(f"重复生成的文字过长（{len(sized)}×{times}）")
        return super().call_binop(context, operator, left, right)


def _environment() -> jinja2.sandbox.ImmutableSandboxedEnvironment:
    """Every template renders in the sandbox: an agency uploads its own, and a plain Environment
    lets `{{ cycler.__init__.__globals__.os… }}` run code on the server (s18 tester, defect 1)."""
    return _DataOnlySandbox(undefined=jinja2.StrictUndefined, autoescape=True)


def _template_sources(template_bytes: bytes) -> list[str]:
    """The Jinja text of the document's body, headers and footers, as docxtpl renders it."""
    from docx.oxml import parse_xml

    document = DocxTemplate(io.BytesIO(template_bytes))
    document.init_docx()
    sources = [document.patch_xml(document.get_xml())]
    for uri in (document.HEADER_URI, document.FOOTER_URI):
        for rel in document.docx._part.rels.values():
            if rel.reltype == uri and rel.target_part.blob:
                sources.append(document.patch_xml(document.xml_to_string(parse_xml(rel.target_part.blob))))
    return sources


def _private_names(tree: jinja2.nodes.Node) -> list[str]:
    """Names a template reaches for beyond the values it is given: `_`-names and `__` attributes
    (`x.__class__`, `x['__globals__']`, `x|attr('__init__')`), the usual way out of a sandbox."""
    found = [node.name for node in tree.find_all(jinja2.nodes.Name) if node.name.startswith("_")]
    found += [node.attr for node in tree.find_all(jinja2.nodes.Getattr) if node.attr.startswith("_")]
    keys = [node.arg for node in tree.find_all(jinja2.nodes.Getitem)]
    keys += [arg for node in tree.find_all(jinja2.nodes.Filter) if node.name == "attr" for arg in node.args]
    found += [key.value for key in keys
              if isinstance(key, jinja2.nodes.Const) and isinstance(key.value, str) and key.value.startswith("_")]
    return found


def template_names(template_bytes: bytes) -> set[str]:
    """The names the template reads from its context (for the upload's check of required names)."""
    from jinja2 import meta

    env = _environment()
    return set().union(*(meta.find_undeclared_variables(env.parse(src)) for src in _template_sources(template_bytes)))


def fill(template_bytes: bytes, context: dict, images: dict[str, bytes] | None = None) -> bytes:
    """The filled document. Unknown names in the template are errors (StrictUndefined), so a
    template that asks for what the kind does not provide fails here, not silently blank.
    `images` (name → PNG) are placed where the template names them (the signatures)."""
    document = DocxTemplate(io.BytesIO(template_bytes))
    if images:
        context = {**context, **{name: InlineImage(document, io.BytesIO(png), width=Mm(SIGNATURE_WIDTH_MM))
                                 for name, png in images.items()}}
    env = _environment()
    try:
        env.start()
        document.render(context, jinja_env=env)
    except FillTooSlow as exc:
        raise RuleViolation(f"模板填充超出限制（{exc}）：模板中的循环或运算过多，不能使用；"
                            "请停用该模板版本，改用国家模板或简化后重新上传。", field="file", code="template_too_slow") from None
    except jinja2.sandbox.SecurityError:
        raise RuleViolation("模板试图访问填充项以外的内部属性或方法，不能使用；请停用该模板版本，改用国家模板或重新上传。",
                            field="file", code="template_unsafe") from None
    if context.get("corrects"):
        _state_correction(document.docx, str(context["corrects"]), str(context.get("number") or ""))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _state_correction(document, text: str, number: str) -> None:
    """A correction says what it corrects (更正 …), under its own 文号 — whatever the template (an
    agency's own versions too), so it is added here, not asked of every template (s18 tester D2)."""
    paragraphs = document.paragraphs
    anchor = next((p for p in paragraphs if number and number in p.text), paragraphs[0] if paragraphs else None)
    if anchor is None:
        document.add_paragraph(text)
        return
    added = document.add_paragraph(text)  # appended at the end, then moved under the anchor
    added.alignment = anchor.alignment
    anchor._p.addnext(added._p)


def check_template(data: bytes, sample: dict) -> bytes:
    """`data` if it is a .docx template that renders against `sample`, else RuleViolation naming why."""
    if not data:
        raise RuleViolation("模板文件为空。", field="file")
    if len(data) > MAX_TEMPLATE_BYTES:
        raise RuleViolation(f"模板文件过大（最多 {MAX_TEMPLATE_BYTES >> 20} MB）。", field="file")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise RuleViolation("模板文件不是 Word 文档（.docx）。", field="file")
    try:
        env = _environment()
        private = sorted({name for src in _template_sources(data) for name in _private_names(env.parse(src))})
        if private:
            raise RuleViolation("模板只能使用本类文书提供的填充项，不能访问以下划线开头的内部属性（"
                                + "、".join(private[:5]) + "）。", field="file")
        fill(data, sample)
    except RuleViolation:
        raise
    except jinja2.TemplateSyntaxError as exc:
        raise RuleViolation(f"模板中的填充标记有语法错误（第 {exc.lineno} 行）：{jinja_message_zh(exc.message)}",
                            field="file") from None
    except jinja2.UndefinedError as exc:
        raise RuleViolation(f"模板使用了本类文书没有的填充项：{jinja_message_zh(exc.message)}", field="file") from None
    except (KeyError, zipfile.BadZipFile, ValueError):
        logging.getLogger(__name__).info("template refused", exc_info=True)  # the library's words, for admins
        raise RuleViolation("模板文件不是有效的 Word 文档（.docx）：文件结构缺损或缺少必需的部分，请用 Word 另存为 .docx 后重新上传。",
                            field="file") from None
    except Exception:  # docxtpl/python-docx raise many kinds for a broken document
        logging.getLogger(__name__).info("template refused", exc_info=True)
        raise RuleViolation("模板无法填充：文件结构异常，请用 Word 另存为 .docx 后重新上传。", field="file") from None
    return data


# ---- Jinja's messages in Chinese (the one who uploads a template reads Chinese) --------------------

_TOKENS = {"end of print statement": "“}}”", "end of statement block": "“%}”", "end of template": "模板结尾",
           "begin of print statement": "“{{”", "begin of statement block": "“{%”", "name": "名称",
           "end of comment": "“#}”"}


def _token(name: str) -> str:
    return _TOKENS.get(name, f"“{name}”")


def _tags(listed: str) -> str:
    """"'endfor' or 'else'" → “endfor”或“else”."""
    return "或".join(f"“{tag.strip().strip(chr(39))}”" for tag in listed.split(" or "))


_JINJA_ZH = [
    (r"unexpected end of template, expected '(.+?)'\.?", lambda m: f"模板在此结束，缺少{_token(m[1])}"),
    (r"Unexpected end of template\. Jinja was looking for the following tags: (.+)\. "
     r"The innermost block that needs to be closed is '(.+?)'\.",
     lambda m: f"模板在此结束，缺少结束标记{_tags(m[1])}（未闭合的是“{m[2]}”）"),
    (r"Unexpected end of template\.?.*", lambda m: "模板在此意外结束"),
    (r"Encountered unknown tag '(.+?)'\. Jinja was looking for the following tags: (.+)\. "
     r"The innermost block that needs to be closed is '(.+?)'\.",
     lambda m: f"不认识的标记“{m[1]}”，此处应为{_tags(m[2])}（未闭合的是“{m[3]}”）"),
    (r"Encountered unknown tag '(.+?)'\..*", lambda m: f"不认识的标记“{m[1]}”"),
    (r"No filter named '(.+?)'.*", lambda m: f"没有名为“{m[1]}”的过滤器"),
    (r"No test named '(.+?)'.*", lambda m: f"没有名为“{m[1]}”的判断"),
    (r"expected token '(.+?)', got '(.+?)'", lambda m: f"此处应为{_token(m[1])}，却是{_token(m[2])}"),
    (r"Expected an expression, got '(.+?)'", lambda m: f"此处应为一个表达式，却是{_token(m[1])}"),
    (r"Missing end of comment tag", lambda m: "注释缺少结束标记“#}”"),
    (r"Missing end of raw directive", lambda m: "raw 块缺少结束标记“{% endraw %}”"),
    (r"unexpected char (['\"])(.+?)\1 at (\d+)", lambda m: f"第 {int(m[3]) + 1} 个字符处有不应出现的字符“{m[2]}”"),
    (r"unexpected '(.+?)', expected '(.+?)'", lambda m: f"此处不应出现{_token(m[1])}，应为{_token(m[2])}"),
    (r"unexpected '(.+?)'", lambda m: f"此处不应出现{_token(m[1])}"),
    (r"tag name expected", lambda m: "“{%”后应为标记名"),
    (r"'(.+?)' is undefined", lambda m: f"“{m[1]}”"),
    (r"'(.+?)' has no attribute '(.+?)'", lambda m: f"“{m[2]}”（其所属的填充项没有这一项）"),
]


def jinja_message_zh(message: str) -> str:
    """Jinja's English message (syntax and undefined names) said in Chinese; the quoted template text kept."""
    import re

    for pattern, say in _JINJA_ZH:
        match = re.fullmatch(pattern, (message or "").strip(), re.S)
        if match:
            return say(match)
    return "填充标记无法解析，请检查“{{ }}”“{% %}”是否成对、拼写是否正确"
