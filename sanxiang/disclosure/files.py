"""服务指南附件的文件检查: a 示范文本 or 常见错误示例 is a PDF, a Word document (.docx) or an image (PNG,
JPEG), judged by its bytes, never by its name; at most `GUIDE_FILE_MAX_BYTES` (settings, 5 MB by
default — a filled-in sample form, not a scan of a whole file). The portal serves it to anyone, so
nothing that runs is accepted: no macro-enabled Office file, no program inside the .docx, nothing Word
fetches or runs when it opens one (external relationships, remote templates, DDE/INCLUDE fields,
altChunk — decision 0099), no .docx that inflates past `GUIDE_FILE_MAX_UNPACKED_BYTES`, no HTML or SVG
"image"."""

from __future__ import annotations

import io
import re
import zipfile

from django.conf import settings

from sanxiang.core.errors import RuleViolation

PDF, DOCX, PNG, JPEG = ("application/pdf", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                        "image/png", "image/jpeg")
ALLOWED = {PDF: "PDF 文件", DOCX: "Word 文档", PNG: "PNG 图片", JPEG: "JPEG 图片"}
EXTENSIONS = {PDF: ".pdf", DOCX: ".docx", PNG: ".png", JPEG: ".jpg"}
ALLOWED_TEXT = "PDF、Word 文档（.docx）或图片（PNG、JPEG）"
DEFAULT_MAX = 5 << 20
DEFAULT_MAX_UNPACKED = 50 << 20
NAME_MAX = 100
_BAD_NAME = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]")


def max_bytes() -> int:
    return int(getattr(settings, "GUIDE_FILE_MAX_BYTES", DEFAULT_MAX))


def size_label(size: int) -> str:
    if size < 1024:
        return f"{size} 字节"
    if size < 1 << 20:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1 << 20):.1f} MB"


def clean_name(name, media_type: str) -> str:
    """The name the file is shown and downloaded under: the path and control characters dropped, the
    extension the type's (a `.docx` named `x.exe` is offered as `x.docx`)."""
    name = name if isinstance(name, str) else ""
    name = _BAD_NAME.sub("", name.replace("\\", "/").rsplit("/", 1)[-1]).strip().strip(".")
    stem = name.rsplit(".", 1)[0] if "." in name else name
    stem = stem[:NAME_MAX - 6].strip() or "示范文本"
    return stem + EXTENSIONS[media_type]


def max_unpacked_bytes() -> int:
    """The most a .docx may hold once unpacked (settings `GUIDE_FILE_MAX_UNPACKED_BYTES`, 50 MB by
    default): the 5 MB limit is on the upload, and a few hundred KB of zip can inflate to gigabytes of
    text that hang the citizen's Word (s25 tester10 #2)."""
    return int(getattr(settings, "GUIDE_FILE_MAX_UNPACKED_BYTES", DEFAULT_MAX_UNPACKED))


# What a sample form never needs and Word acts on when the file is opened (s25 tester10 #1, decision
# 0099). Relationship types by their last segment (transitional and strict namespaces alike):
_EMBEDDED_TYPES = {"oleobject", "package", "afchunk", "control", "activexcontrol", "activexcontrolbinary",
                   "vbaproject", "wordvbadata", "vbadata"}
_REMOTE_TYPES = {"attachedtemplate", "subdocument"}
# Fields whose name is one of these only compute text from the document itself (page numbers, dates,
# the document's properties, form fields, cross-references, formulas); any other field — DDE, DDEAUTO,
# INCLUDETEXT, INCLUDEPICTURE, IMPORT, LINK, RD, MACROBUTTON, a name built from a nested field — is refused.
SAFE_FIELDS = frozenset("""
    = ADDIN ADDRESSBLOCK ADVANCE ASK AUTHOR AUTONUM AUTONUMLGL AUTONUMOUT AUTOTEXT AUTOTEXTLIST BARCODE
    BIBLIOGRAPHY BIDIOUTLINE CITATION COMMENTS COMPARE CREATEDATE DATE DISPLAYBARCODE DOCPROPERTY DOCVARIABLE EDITTIME EQ
    FILENAME FILESIZE FILLIN FORMCHECKBOX FORMDROPDOWN FORMTEXT GOTOBUTTON GREETINGLINE HYPERLINK IF INDEX INFO
    KEYWORDS LASTSAVEDBY LISTNUM MERGEFIELD MERGEREC MERGESEQ NEXT NEXTIF NOTEREF NUMCHARS NUMPAGES NUMWORDS
    PAGE PAGEREF PRINTDATE PRIVATE QUOTE REF REVNUM SAVEDATE SECTION SECTIONPAGES SEQ SET SHAPE SKIPIF STYLEREF
    SUBJECT SYMBOL TA TC TEMPLATE TIME TITLE TOA TOC USERADDRESS USERINITIALS USERNAME XE""".split())
_LINK_SCHEMES = ("http://", "https://", "mailto:")
MAX_PARTS = 1000
# A template on the author's own disk (Word records the one a document was made from): nothing is
# fetched on another computer, unlike a web address or a share (\\host\…, file://host/…).
_LOCAL_PATH = re.compile(r"(file:///)?[A-Za-z]:[\\/]")

_EMBEDDED = "文档中嵌有程序或对象，不能公开"
_REMOTE = "文档打开时会从网络或其他计算机取得内容（外部的模板、对象、图片或框架），不能公开"
_FIELD = "文档中含有会执行命令或引入外部内容的域代码（{}），不能公开"
_NESTED_NAME = "名称由另一个域生成的域"
_INVALID = "不是有效的 Word 文档（.docx）"


class _Refused(Exception):
    pass


def _local(name: str) -> str:
    return name.rsplit(" ", 1)[-1].rsplit(":", 1)[-1]


def _attr(attrs: dict, local: str):
    return next((v for k, v in attrs.items() if _local(k) == local), None)


def _field_problem(instruction: str) -> str | None:
    m = re.match(r"\s*(=|[A-Za-z]{1,20})", instruction)
    if m and m.group(1).upper() == "HYPERLINK":
        return _REMOTE if _hyperlink_problem(instruction[m.end():]) else None  # held as a hyperlink relationship is
    if m and m.group(1).upper() in SAFE_FIELDS:
        return None
    return _FIELD.format(m.group(1).upper() if m else "无法识别的域")


def _allowed_link(target: str) -> bool:
    """A link Word follows only on a click, in the browser or the mail program, or inside the document:
    `http(s)://`, `mailto:`, `#anchor` — or none at all."""
    target = target.strip()
    return not target or target.startswith("#") or target.lower().startswith(_LINK_SCHEMES)


def _hyperlink_arguments(rest: str) -> list[str]:
    """The arguments of a HYPERLINK field (`HYPERLINK "target" \\l "bookmark" \\o "tip"`) that are neither a
    switch nor a switch's argument, in order."""
    tokens = re.findall(r'"[^"]*"?|\S+', rest)
    skip, out = False, []
    for token in tokens:
        if skip:
            skip = False
            continue
        if re.fullmatch(r"\\[A-Za-z]", token):
            skip = token[1].lower() in "lot"  # \l bookmark, \o tip, \t frame take an argument
            continue
        out.append(token.strip('"').strip())
    return out


def _hyperlink_problem(rest: str) -> bool:
    """A HYPERLINK field whose target is not an allowed link: its first argument, and any later argument that
    looks like an address (holds `\\`, `/` or `:`) — `HYPERLINK "" "\\\\share\\x"` puts the target second
    behind an empty first one (s25 defects10d #4)."""
    args = _hyperlink_arguments(rest)
    return any(not _allowed_link(a) and (i == 0 or re.search(r"[\\/:]", a)) for i, a in enumerate(args))


# VML (the legacy drawing format Word still writes for shapes, text boxes, WordArt and linked pictures): a shape
# or text box's hyperlink is its `href` attribute, a linked picture's address its `v:imagedata`'s `src`,
# `o:href` or `o:althref` — not relationships, so they are held here as a hyperlink relationship is
# (s25 defects10d #4). Attributes in the relationships namespace (`r:href="rId5"`) name a relationship, which
# the .rels part's own check covers.
_VML_NAMESPACES = ("urn:schemas-microsoft-com:",)
_VML_LINKS = {"href", "src", "althref"}
_REL_NAMESPACES = ("http://schemas.openxmlformats.org/officeDocument/2006/relationships",
                   "http://purl.oclc.org/ooxml/officeDocument/relationships")


def _vml_problem(name: str, attrs: dict) -> bool:
    if not name.startswith(_VML_NAMESPACES):
        return False
    for key, value in attrs.items():
        namespace = key.rsplit(" ", 1)[0] if " " in key else ""
        if _local(key).lower() in _VML_LINKS and namespace not in _REL_NAMESPACES and not _allowed_link(value):
            return True
    return False


def _local_template(target: str) -> bool:
    """An attachedTemplate on the author's own disk: a drive path with no `..` and no share part (`\\\\host`,
    `//host`) anywhere in it (s25 defects10c #2)."""
    m = _LOCAL_PATH.match(target)
    return bool(m) and ".." not in target and not re.search(r"[\\/]{2}", target[m.end():])


class _PartScan:
    """One XML part read by expat as a stream: its relationships (a .rels part), its fields (the
    instruction of each complex field, from begin to separate/end, and of each simple field) and
    altChunk. A DOCTYPE is refused (OOXML never has one; no entity can be declared)."""

    def __init__(self, is_rels: bool):
        from xml.parsers import expat

        self.is_rels = is_rels
        self.fields: list[list] = []  # open complex fields: [instruction so far, decided]
        self.in_instr = False
        self.parser = expat.ParserCreate(namespace_separator=" ")
        self.parser.StartDoctypeDeclHandler = self._doctype
        self.parser.StartElementHandler = self._start
        self.parser.EndElementHandler = self._end
        self.parser.CharacterDataHandler = self._text

    def run(self, stream) -> None:
        from xml.parsers import expat

        try:
            self.parser.ParseFile(stream)
        except expat.ExpatError:
            raise _Refused(_INVALID) from None
        for f in self.fields:  # a field never closed: judge what it holds
            self._decide(f)

    def _doctype(self, *args):
        raise _Refused(_INVALID)

    def _decide(self, f):
        if not f[1]:
            f[1] = True
            problem = _field_problem(f[0])
            if problem:
                raise _Refused(problem)

    def _start(self, name, attrs):
        local = _local(name)
        if self.is_rels:
            if local == "Relationship":
                self._relationship(attrs)
            return
        if _vml_problem(name, attrs):
            raise _Refused(_REMOTE)
        if local == "fldChar":
            kind = _attr(attrs, "fldCharType")
            if kind == "begin":
                if self.fields and not self.fields[-1][1] and not self.fields[-1][0].strip():
                    raise _Refused(_FIELD.format(_NESTED_NAME))
                if self.fields and not self.fields[-1][1] and re.match(r"\s*HYPERLINK\b", self.fields[-1][0], re.I):
                    raise _Refused(_REMOTE)  # a link target built by another field: not checkable here
                self.fields.append(["", False])
            elif kind in ("separate", "end") and self.fields:
                self._decide(self.fields[-1])
                if kind == "end":
                    self.fields.pop()
        elif local == "instrText":
            self.in_instr = True
            if not self.fields:
                self.fields.append(["", False])
        elif local == "fldSimple":
            problem = _field_problem(_attr(attrs, "instr") or "")
            if problem:
                raise _Refused(problem)
        elif local == "altChunk":
            raise _Refused(_EMBEDDED)

    def _end(self, name):
        if _local(name) == "instrText":
            self.in_instr = False

    def _text(self, data):
        if self.in_instr and self.fields:
            self.fields[-1][0] += data

    def _relationship(self, attrs):
        kind = (_attr(attrs, "Type") or "").rstrip("/").rsplit("/", 1)[-1].lower()
        target = (_attr(attrs, "Target") or "").strip()
        if (_attr(attrs, "TargetMode") or "").lower() == "external" and not (
                kind == "attachedtemplate" and _local_template(target)):
            if kind != "hyperlink" or not target.lower().startswith(_LINK_SCHEMES):
                raise _Refused(_REMOTE)
        if kind in _REMOTE_TYPES and not (kind == "attachedtemplate" and _local_template(target)):
            raise _Refused(_REMOTE)
        if kind in _EMBEDDED_TYPES:
            raise _Refused(_EMBEDDED)


def _docx_problem(data: bytes) -> str | None:
    """A real WordprocessingML package with nothing Word runs or fetches when it opens it: no macro, no
    embedded program or object (OLE, ActiveX, altChunk), no relationship outside the package but a plain
    web or mail link (a remote template, an external oleObject — the "Follina" carrier —, a remote image
    or frame), no field but those that compute text (DDE, INCLUDETEXT … refused), and no more than
    `max_unpacked_bytes()` once unpacked."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = z.infolist()
            names = [i.filename for i in infos]
            if "word/document.xml" not in names or "[Content_Types].xml" not in names:
                return _INVALID
            if len(infos) > MAX_PARTS or any(i.flag_bits & 0x1 for i in infos):  # encrypted parts
                return _INVALID
            if sum(i.file_size for i in infos) > max_unpacked_bytes():
                return f"文档解压后过大（最大 {size_label(max_unpacked_bytes())}），不能公开"
            types = z.read("[Content_Types].xml")
            if (b"macroEnabled" in types or b"vbaProject" in types
                    or any(n.lower().endswith("vbaproject.bin") for n in names)):
                return "含有宏的 Word 文档不能公开"
            if any(n.lower().endswith((".exe", ".dll", ".bat", ".cmd", ".js", ".vbs", ".bin", ".ole")) for n in names):
                return _EMBEDDED
            if any("/embeddings/" in n.lower() or "/activex/" in n.lower() for n in names):
                return _EMBEDDED
            for info in infos:
                lower = info.filename.lower()
                if lower.endswith((".xml", ".rels")):
                    with z.open(info) as part:
                        _PartScan(lower.endswith(".rels")).run(part)
            if z.testzip() is not None:
                return "文档已损坏"
    except _Refused as refused:
        return str(refused)
    except (zipfile.BadZipFile, OSError, EOFError, KeyError, NotImplementedError, RuntimeError, ValueError):
        return _INVALID
    return None


def _image_problem(data: bytes, media_type: str) -> str | None:
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as im:
            if im.format != {PNG: "PNG", JPEG: "JPEG"}[media_type]:
                return "图片格式与内容不符"
            im.verify()
    except Exception:  # Pillow raises many kinds for a broken image
        return "图片已损坏或无法读取"
    return None


def _pdf_problem(data: bytes) -> str | None:
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-2048:]:
        return "不是完整的 PDF 文件"
    if re.search(rb"/(JavaScript|JS|Launch|EmbeddedFile)\b", data):
        return "含有脚本、启动动作或嵌入文件的 PDF 不能公开"
    return _pdf_structure_problem(data)


def _safe_open_action(action, depth: int = 0) -> bool:
    """A catalog's `/OpenAction` that only sets the initial view (s26 defects10g #7): none, a destination (an array:
    page and fit, `[1 0 R /XYZ null null 0]` as LibreOffice and fpdf2 write it; or a named destination), or a
    `/GoTo` action to such a local destination with no `/Next` that is not one too. Any other action — JavaScript,
    Launch, URI, SubmitForm, ImportData, GoToR, GoToE, Rendition, Sound, Movie … — is not."""
    from pypdf.generic import ArrayObject, ByteStringObject, DictionaryObject, NameObject, TextStringObject

    if action is None:
        return True
    action = action.get_object()
    if isinstance(action, (ArrayObject, NameObject, TextStringObject, ByteStringObject)):
        return True
    if not isinstance(action, DictionaryObject) or depth > 8 or action.get("/S") != "/GoTo":
        return False
    dest = action.get("/D")
    dest = dest.get_object() if dest is not None else None
    if not isinstance(dest, (ArrayObject, NameObject, TextStringObject, ByteStringObject)):
        return False
    following = action.get("/Next")
    if following is None:
        return True
    following = following.get_object()
    steps = following if isinstance(following, ArrayObject) else [following]
    return all(isinstance(step.get_object(), DictionaryObject) and _safe_open_action(step, depth + 1)
               for step in steps)


def _pdf_structure_problem(data: bytes) -> str | None:
    """What the raw bytes cannot show (compressed object streams): the catalog's actions, name trees and
    every page's additional actions, read with pypdf."""
    import logging

    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        root = reader.trailer["/Root"].get_object()
        names = root.get("/Names")
        names = names.get_object() if names is not None else {}
        if not _safe_open_action(root.get("/OpenAction")) or "/AA" in root or "/JavaScript" in names \
                or "/EmbeddedFiles" in names:
            return "含有脚本、启动动作或嵌入文件的 PDF 不能公开"
        for page in reader.pages:
            if "/AA" in page:
                return "含有脚本、启动动作或嵌入文件的 PDF 不能公开"
    except Exception:  # pypdf raises many kinds for a broken file
        return "不是完整的 PDF 文件"
    return None


# What can be read of a file's text to check it (s26 defects10e #4, decision 0102): a .docx's every part under
# `word/` (the body, headers, footers, footnotes, endnotes, comments, text boxes) and its properties
# (`docProps/`: title, subject, keywords …); a PDF's text layer (a PDF made from a document; a scan has none); an
# image nothing (no text recognition here — the upload form says so).
UNCHECKED_TEXT = "图片和扫描件中的文字无法自动检查，请确认其中没有个人的身份证号、银行卡号和公示查询码"
_W_NS = ("http://schemas.openxmlformats.org/wordprocessingml/2006/main", "http://purl.oclc.org/ooxml/wordprocessingml/main")


def _part_text(stream, word: bool) -> str:
    """The words of one XML part: a WordprocessingML part (`word`) run by run, a paragraph, a tab or a break a
    separator of its own (a number split over two runs is read whole); any other part's elements each apart."""
    from xml.parsers import expat

    out: list[str] = []
    parser = expat.ParserCreate(namespace_separator=" ")

    def start(name, attrs):
        ns, _, local = name.rpartition(" ")
        if word and ns in _W_NS and local in ("tab", "br", "cr"):
            out.append(" ")

    def end(name):
        ns, _, local = name.rpartition(" ")
        if not word or (ns in _W_NS and local == "p"):
            out.append("\n")

    parser.StartElementHandler, parser.EndElementHandler = start, end
    parser.CharacterDataHandler = out.append
    try:
        parser.ParseFile(stream)
    except expat.ExpatError:  # the structure check read every part already
        return ""
    return "".join(out)


def text_of(data: bytes, media_type: str) -> str:
    """The text of an accepted file that can be read (above); "" for an image or a PDF with no text layer."""
    if media_type == DOCX:
        parts = []
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            for info in z.infolist():
                lower = info.filename.lower()
                if lower.endswith(".xml") and lower.startswith(("word/", "docprops/")):
                    with z.open(info) as part:
                        parts.append(_part_text(part, lower.startswith("word/")))
        return "\n".join(parts)
    if media_type == PDF:
        import logging

        from pypdf import PdfReader

        logging.getLogger("pypdf").setLevel(logging.ERROR)
        try:
            reader = PdfReader(io.BytesIO(data), strict=False)
            texts = [page.extract_text() or "" for page in reader.pages]
            info = reader.metadata or {}
            texts += [str(v) for v in info.values() if isinstance(v, str)]
        except Exception:  # pypdf raises many kinds for a broken file; the structure check accepted it
            return ""
        return "\n".join(texts)
    return ""


def media_type_of(data: bytes) -> str:
    """The checked type of `data`, or RuleViolation saying why it is refused."""
    import filetype

    if not data:
        raise RuleViolation("请选择要上传的文件。", field="file")
    if len(data) > max_bytes():
        raise RuleViolation(f"文件过大：示范文本和常见错误示例最大 {size_label(max_bytes())}。", field="file",
                            code="file_too_large")
    kind = filetype.guess(data[:8192])
    mime = kind.mime if kind else None
    if mime not in ALLOWED:
        raise RuleViolation(f"只能上传{ALLOWED_TEXT}（按文件内容识别，不看文件名）。", field="file",
                            code="file_type_refused")
    problem = (_pdf_problem(data) if mime == PDF else _docx_problem(data) if mime == DOCX
               else _image_problem(data, mime))
    if problem:
        raise RuleViolation(f"文件未通过检查：{problem}。", field="file", code="file_refused")
    return mime
