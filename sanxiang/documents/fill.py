"""Filling a .docx template (docxtpl: Jinja tags in the document's text) and checking an uploaded one."""

from __future__ import annotations

import datetime as dt
import decimal
import io
import logging
import multiprocessing
import os
import resource
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

# Filling is bounded (s19/s20, issue 8, decisions 0054, 0060): a template may loop and compute, and no
# count of steps inside Jinja sees every loop (a `{% for %}` over a string built once counts nothing per
# iteration) nor every allocation (`s ~ s` doubled, `s.replace("x", s)`). So every filling runs in a
# child process (forked from a fork server that has this module loaded: ~10 ms, not a fresh interpreter)
# with an address-space limit, and is killed when it passes its time: the bound holds for any template.
# The sandbox still counts `range` steps, calls, lookups and `*`/`**` against the same deadline, so the
# usual runaway loop ends with its own message before the kill. A national template fills in well under
# 0.1 s, so 10 s is generous for any real document and short for a stuck request. Settings
# `DOCUMENT_FILL_SECONDS`, `DOCUMENT_FILL_MAX_TEXT` (what one `*` may build), `DOCUMENT_FILL_MEMORY`
# (bytes the filling may allocate beyond the loaded program).
FILL_SECONDS = 10.0
FILL_MAX_TEXT = 1 << 20
FILL_MEMORY = 1 << 30
KILL_GRACE_SECONDS = 2.0
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

    def __init__(self, *args, seconds: float = FILL_SECONDS, max_text: int = FILL_MAX_TEXT, **kwargs):
        super().__init__(*args, **kwargs)
        self.seconds, self.max_text = float(seconds), int(max_text)
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


def _environment(seconds: float = FILL_SECONDS, max_text: int = FILL_MAX_TEXT) -> jinja2.sandbox.ImmutableSandboxedEnvironment:
    """Every template renders in the sandbox: an agency uploads its own, and a plain Environment
    lets `{{ cycler.__init__.__globals__.os… }}` run code on the server (s18 tester, defect 1)."""
    return _DataOnlySandbox(undefined=jinja2.StrictUndefined, autoescape=True, seconds=seconds, max_text=max_text)


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


class FillFailed(Exception):
    """A filling that failed in its process for a reason of the document (not of the bound): the
    library's exception, by name and message (exceptions do not cross processes intact)."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind


_TOO_SLOW = ("模板填充超出限制（{why}）：模板中的循环或运算过多，不能使用；"
             "请停用该模板版本，改用国家模板或简化后重新上传。")


def fill(template_bytes: bytes, context: dict, images: dict[str, bytes] | None = None) -> bytes:
    """The filled document. Unknown names in the template are errors (StrictUndefined), so a
    template that asks for what the kind does not provide fails here, not silently blank.
    `images` (name → PNG) are placed where the template names them (the signatures).

    Filled in a child process bounded in time and memory (above); the caller holds no database
    lock meanwhile (actions.py fills before its transaction). Refusals: `template_too_slow`,
    `template_unsafe` (RuleViolation); Jinja's syntax and undefined-name errors as Jinja's; any other
    failure of the document as `FillFailed`."""
    seconds = float(_limit("DOCUMENT_FILL_SECONDS", FILL_SECONDS))
    limits = (seconds, int(_limit("DOCUMENT_FILL_MAX_TEXT", FILL_MAX_TEXT)), int(_limit("DOCUMENT_FILL_MEMORY", FILL_MEMORY)))
    outcome = _in_child(seconds + KILL_GRACE_SECONDS, template_bytes, context, images or {}, limits)
    status, *rest = outcome
    if status == "ok":
        return rest[0]
    if status == "slow":
        raise RuleViolation(_TOO_SLOW.format(why=rest[0]), field="file", code="template_too_slow")
    if status == "unsafe":
        raise RuleViolation("模板试图访问填充项以外的内部属性或方法，不能使用；请停用该模板版本，改用国家模板或重新上传。",
                            field="file", code="template_unsafe")
    if status == "syntax":
        raise jinja2.TemplateSyntaxError(rest[0], rest[1])
    if status == "undefined":
        raise jinja2.UndefinedError(rest[0])
    raise FillFailed(rest[0], rest[1])


def _process_context():
    """The fork server (started once, on first use, from a clean interpreter: forking the threaded
    server itself is unsafe) has this module and the main module loaded, so a filling starts in ms."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["__main__", __name__])
    return context


def _in_child(timeout: float, template_bytes: bytes, context: dict, images: dict, limits) -> tuple:
    """The outcome of filling in a child process, which is killed when `timeout` passes."""
    process_context = _process_context()
    receiving, sending = process_context.Pipe(duplex=False)
    child = process_context.Process(target=_child, args=(sending, template_bytes, context, images, limits),
                                    name="sanxiang-fill")
    child.start()
    sending.close()
    try:
        if not receiving.poll(timeout):
            return ("slow", f"填充超过 {limits[0]:g} 秒")
        return receiving.recv()
    except (EOFError, OSError):  # the child died: its memory limit (a MemoryError it could not report)
        return ("slow", f"占用内存超过 {limits[2] >> 20} MB")
    finally:
        receiving.close()
        if child.is_alive():
            child.kill()
        child.join(5)


def _limit_memory(extra: int) -> None:
    """Address space: what the child has mapped now (the loaded program) plus `extra`."""
    try:
        with open("/proc/self/statm") as fh:
            mapped = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return  # not Linux: the time bound still holds
    resource.setrlimit(resource.RLIMIT_AS, (mapped + extra, resource.getrlimit(resource.RLIMIT_AS)[1]))


def _child(conn, template_bytes: bytes, context: dict, images: dict, limits) -> None:
    seconds, max_text, memory = limits
    try:
        _limit_memory(memory)
        outcome = ("ok", _fill_here(template_bytes, context, images, seconds, max_text))
    except FillTooSlow as exc:
        outcome = ("slow", str(exc))
    except MemoryError:
        outcome = ("slow", f"占用内存超过 {memory >> 20} MB")
    except jinja2.sandbox.SecurityError:
        outcome = ("unsafe",)
    except jinja2.TemplateSyntaxError as exc:
        outcome = ("syntax", exc.message, exc.lineno)
    except jinja2.UndefinedError as exc:
        outcome = ("undefined", exc.message)
    except Exception as exc:  # docxtpl/python-docx raise many kinds for a broken document
        outcome = ("failed", type(exc).__name__, str(exc)[:500])
    try:
        conn.send(outcome)
    except MemoryError:
        conn.send(("slow", f"占用内存超过 {memory >> 20} MB"))
    finally:
        conn.close()


def _fill_here(template_bytes: bytes, context: dict, images: dict, seconds: float, max_text: int) -> bytes:
    document = DocxTemplate(io.BytesIO(template_bytes))
    if images:
        context = {**context, **{name: InlineImage(document, io.BytesIO(png), width=Mm(SIGNATURE_WIDTH_MM))
                                 for name, png in images.items()}}
    env = _environment(seconds, max_text)
    env.start()
    document.render(context, jinja_env=env)
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
    except FillFailed as exc:
        logging.getLogger(__name__).info("template refused: %s: %s", exc.kind, exc)
        if exc.kind in ("KeyError", "BadZipFile", "ValueError"):
            raise RuleViolation("模板文件不是有效的 Word 文档（.docx）：文件结构缺损或缺少必需的部分，请用 Word 另存为 .docx 后重新上传。",
                                field="file") from None
        raise RuleViolation("模板无法填充：文件结构异常，请用 Word 另存为 .docx 后重新上传。", field="file") from None
    except jinja2.TemplateSyntaxError as exc:
        raise RuleViolation(f"模板中的填充标记有语法错误（第 {exc.lineno} 行）：{jinja_message_zh(exc.message)}",
                            field="file") from None
    except jinja2.UndefinedError as exc:
        raise RuleViolation(f"模板使用了本类文书没有的填充项：{jinja_message_zh(exc.message)}", field="file") from None
    except (KeyError, zipfile.BadZipFile, ValueError) as exc:
        logging.getLogger(__name__).info("template refused: %s", exc)  # the library's words, for admins
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
