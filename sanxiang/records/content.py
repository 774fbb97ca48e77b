"""Which files may be uploaded, judged by their first bytes (not their name), with `filetype`
(pure Python, magic numbers; decision 0026)."""

import io
import zipfile

import filetype

HEAD_BYTES = 8192  # what filetype reads: OOXML documents are told apart by names inside the zip

OFFICE = {
    "application/msword", "application/vnd.ms-excel", "application/vnd.ms-powerpoint", "application/rtf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.presentation",
}
ALLOWED_TEXT = "图片、音频、视频、PDF 和办公文档（Word、Excel、PowerPoint、WPS/OpenDocument）"


# 电子数据 (行政处罚法 第四十六条) in its native form: chat exports, logs, csv, web pages, e-mails are
# text; an extraction is packed as zip. Stored as they are, registered only as 电子数据, and only ever
# served as a download (never shown inline: an HTML page or SVG would run in the platform's origin).
# One national list (decision 0050): the form of electronic data is the law's, not an agency's.
TEXT = "text/plain"
ZIP = "application/zip"
ELECTRONIC_DATA = {TEXT, ZIP}
ELECTRONIC_DATA_TEXT = "电子数据（文本、CSV、网页、电子邮件、ZIP 压缩包）"
_TEXT_ENCODINGS = ("utf-8", "gb18030")


def media_type(head: bytes) -> str | None:
    """The MIME type the first bytes show, or None when they show none filetype knows. Bytes
    filetype does not know that read as text (UTF-8 or GB18030, no NUL, no other control
    characters than tab, line ends and form feed) are text/plain."""
    head = bytes(head[:HEAD_BYTES])
    kind = filetype.guess(head)
    if kind:
        return kind.mime
    return TEXT if _is_text(head) else None


def _is_text(head: bytes) -> bool:
    if head.startswith(b"#!"):  # a script is a program, refused as executables are
        return False
    if not head or any(b < 0x20 and b not in b"\t\n\r\x0c\x1b" for b in head):
        return False
    for encoding in _TEXT_ENCODINGS:
        try:
            head.decode(encoding)
            return True
        except UnicodeDecodeError as exc:
            if exc.start >= len(head) - 4:  # a character cut by the 8 KB head is still text
                return True
    return False


def served_type(mime: str | None, head: bytes) -> str:
    """The Content-Type to serve a stored file with: text (电子数据) names its charset — UTF-8 or GB18030,
    whichever its first bytes decode as (s20, tester8 #21: text/plain without one is read as Latin-1) —
    other types as stored. For the serving code (retrieval), which owns the response."""
    mime = mime or "application/octet-stream"
    if mime != TEXT:
        return mime
    head = bytes(head[:HEAD_BYTES])
    for encoding in _TEXT_ENCODINGS:
        try:
            head.decode(encoding)
            return f"{TEXT}; charset={encoding}"
        except UnicodeDecodeError as exc:
            if exc.start >= len(head) - 4:  # a character cut by the head
                return f"{TEXT}; charset={encoding}"
    return f"{TEXT}; charset=utf-8"


# Programs are never evidence files: refused at upload, and inside a zip of 电子数据 (at upload and in the
# archive's 安全性 check — one rule).
EXECUTABLE_MIMES = {"application/x-executable", "application/x-msdownload", "application/x-sharedlib",
                    "application/x-mach-binary", "application/x-elf", "application/vnd.microsoft.portable-executable"}


def is_program(head: bytes) -> bool:
    """An executable (ELF, PE, Mach-O) or a script (#!) by its first bytes."""
    kind = filetype.guess(bytes(head[:HEAD_BYTES]))
    return head.startswith(b"#!") or (kind is not None and kind.mime in EXECUTABLE_MIMES)


# A zip inside a zip is looked into as well (s20, tester8 #22: a program two levels down passed), to a
# bounded depth and size: deeper, or larger than can be read in memory, it is named as not checkable.
NESTED_ZIP_DEPTH = 3
NESTED_ZIP_MAX_BYTES = 64 << 20


def programs_in_zip(fh, *, depth: int = 1, prefix: str = "") -> list[str]:
    """The names of the programs a zip (an open binary file) holds, in the zips it holds too
    ("outer.zip/inner.zip/run"); a zip that cannot be read, nests too deep or is too large to open is
    named as one (its content cannot be checked)."""
    try:
        with zipfile.ZipFile(fh) as archive:
            found = []
            for info in archive.infolist():
                if info.is_dir():
                    continue
                with archive.open(info) as member:
                    head = member.read(HEAD_BYTES)
                    name = prefix + info.filename
                    if is_program(head):
                        found.append(name)
                    elif head.startswith(b"PK\x03\x04"):
                        if depth >= NESTED_ZIP_DEPTH:
                            found.append(f"{name}（压缩包嵌套超过 {NESTED_ZIP_DEPTH} 层，无法检查）")
                        elif info.file_size > NESTED_ZIP_MAX_BYTES:
                            found.append(f"{name}（内含的压缩包过大，无法检查）")
                        else:
                            inner = io.BytesIO(head + member.read(NESTED_ZIP_MAX_BYTES + 1 - len(head)))
                            found += programs_in_zip(inner, depth=depth + 1, prefix=name + "/")
            return found
    except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError, EOFError):
        return [f"{prefix}（无法读取的压缩包）"]


def is_electronic_data(mime: str | None) -> bool:
    """A type stored only as 电子数据 (text, zip): never as a photo, a 书证 scan or a recording."""
    return (mime or "").split(";")[0].strip().lower() in ELECTRONIC_DATA


def allowed(mime: str | None) -> bool:
    if not mime:
        return False
    return (mime.split("/")[0] in ("image", "audio", "video") or mime == "application/pdf" or mime in OFFICE
            or mime in ELECTRONIC_DATA)


# The name people see for a file's type (never the MIME type itself).
TYPE_NAMES = {
    "application/pdf": "PDF 文件",
    "application/msword": "Word 文档", "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word 文档",
    "application/vnd.ms-excel": "Excel 表格", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel 表格",
    "application/vnd.ms-powerpoint": "PowerPoint 演示文稿",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "PowerPoint 演示文稿",
    "application/rtf": "RTF 文档", "application/vnd.oasis.opendocument.text": "OpenDocument 文本",
    "application/vnd.oasis.opendocument.spreadsheet": "OpenDocument 表格",
    "application/vnd.oasis.opendocument.presentation": "OpenDocument 演示文稿",
    ZIP: "ZIP 压缩包",
}
MAJOR_NAMES = {"image": "图片", "audio": "音频", "video": "视频", "text": "文本文件"}


def type_label(mime: str | None) -> str:
    """图片, 音频, 视频, PDF 文件, Word 文档… for a MIME type; 其他文件 when it names none of these."""
    if not mime:
        return "未知类型"
    mime = mime.split(";")[0].strip().lower()
    return TYPE_NAMES.get(mime) or MAJOR_NAMES.get(mime.split("/")[0], "其他文件")


def refusal(mime: str | None) -> str:
    shown = f"（识别为{type_label(mime)}）" if mime else "（无法识别文件类型）"
    return f"不允许上传此类文件{shown}：只接受{ALLOWED_TEXT}，以及{ELECTRONIC_DATA_TEXT}。"


# ---- an ISO base media file (MP4, MOV, M4A, 3GP) holds a movie, not only its header --------------

_MOVIE_BODY_MAX = 64 << 20  # a `moov` box is the index of the file, megabytes at most


def is_iso_media(head: bytes) -> bool:
    """An ISO base media file (MP4, MOV, M4A, 3GP): its first box is `ftyp`."""
    return len(head) >= 8 and head[4:8] == b"ftyp"


def _skip(fh, n: int) -> None:
    if fh.seekable() if hasattr(fh, "seekable") else False:
        fh.seek(n, io.SEEK_CUR)
        return
    while n > 0:
        chunk = fh.read(min(n, 1 << 20))
        if not chunk:
            return
        n -= len(chunk)


def _children(body: bytes):
    """(kind, payload) of the boxes directly in `body` (a box's payload), stopping at a broken size."""
    import struct

    at = 0
    while at + 8 <= len(body):
        size, kind = struct.unpack(">I4s", body[at:at + 8])
        if size < 8 or at + size > len(body):
            return
        yield kind, body[at + 8:at + size]
        at += size


def _has_track(movie: bytes) -> bool:
    """The `moov` holds at least one `trak` with its media (`mdia`): a movie header alone describes no
    picture or sound (s23 tester8 #1: the demo's own sample was `mvhd` only)."""
    return any(kind == b"trak" and any(k == b"mdia" for k, _ in _children(body)) for kind, body in _children(movie))


def _movie_duration(body: bytes) -> tuple[int, int] | None:
    """(timescale, duration) of the `mvhd` box among `body`'s child boxes, else None."""
    import struct

    at = 0
    while at + 8 <= len(body):
        size, kind = struct.unpack(">I4s", body[at:at + 8])
        if size < 8:
            return None
        if kind == b"mvhd":
            box = body[at + 8:at + size]
            if box[:1] == b"\x01" and len(box) >= 32:
                return struct.unpack(">I", box[20:24])[0], struct.unpack(">Q", box[24:32])[0]
            if len(box) >= 20:
                return struct.unpack(">II", box[12:20])
            return None
        at += size
    return None


def iso_media_problem(fh) -> str | None:
    """Why an ISO base media file holds no playable movie — no movie header (`moov`, with `mvhd`), a
    zero duration (unless it is fragmented, `moof`, whose fragments carry the time), no `mdat` with bytes,
    or boxes running past the end — or None when it has one. The magic bytes alone say only what the file
    claims to be (s22 tester8 #5: 116 bytes with an `ftyp` header had covered a mandatory 查封; s23 #1: an
    empty `moof`, or a `moov` with no `mdat`, had too)."""
    import struct

    seekable = fh.seekable() if hasattr(fh, "seekable") else False
    end = None
    if seekable:
        end = fh.seek(0, io.SEEK_END)
        fh.seek(0)
    at, movie, fragments, media_bytes, tracks = 0, None, False, False, False
    while True:
        header = fh.read(8)
        if len(header) < 8:
            break
        size, kind = struct.unpack(">I4s", header)
        head_size = 8
        if size == 1:
            large = fh.read(8)
            if len(large) < 8:
                return "文件结构不完整"
            size, head_size = struct.unpack(">Q", large)[0], 16
        elif size == 0:  # the last box, to the end of the file
            size = (end - at) if end is not None else head_size + _MOVIE_BODY_MAX
        if size < head_size:
            return "文件结构损坏"
        if end is not None and at + size > end:
            return "文件不完整（数据被截断）"
        if kind == b"mdat":
            media_bytes = media_bytes or size > head_size
        if kind == b"moov":
            body = fh.read(min(size - head_size, _MOVIE_BODY_MAX))
            movie = _movie_duration(body) or (0, 0)
            tracks = tracks or _has_track(body)
            _skip(fh, size - head_size - len(body))
        else:
            fragments = fragments or kind == b"moof"
            _skip(fh, size - head_size)
        at += size
    if movie is None:  # a fragmented file still carries its moov (with mvex) before the fragments
        return "没有影片信息（moov），不是完整的音视频文件"
    if not tracks:  # an index describing no track (s23 tester8 #1: `moov` with `mvhd` only)
        return "影片信息中没有音视频轨道（trak），没有可播放的内容"
    timescale, duration = movie
    if (not timescale or not duration) and not fragments:
        return "时长为零，没有可播放的内容"
    if not media_bytes:  # a header and an index with no samples (s23 tester8 #1)
        return "没有音视频数据（mdat 为空），没有可播放的内容"
    return None


# ---- WAV, MP3 and WebM/Matroska hold samples, not only a header (s23 tester8 #1) -----------------

_SCAN_MAX = 64 << 20  # how far into a file its first audio frames or its first cluster are looked for
_MP3_RUN = 3  # frame headers in a row, each where the one before says it ends: an MPEG audio stream
_MP3_KBPS = {1: (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),  # MPEG-1 Layer III
             2: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160)}      # MPEG-2/2.5 Layer III
_MP3_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}


def is_wav(head: bytes) -> bool:
    return len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WAVE"


def is_mp3(head: bytes) -> bool:
    return head[:3] == b"ID3" or (len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0)


def is_matroska(head: bytes) -> bool:
    return head[:4] == b"\x1a\x45\xdf\xa3"


def wav_problem(fh) -> str | None:
    """A RIFF/WAVE file needs its `fmt ` chunk and a `data` chunk holding samples."""
    import struct

    fh.read(12)
    fmt = False
    while True:
        header = fh.read(8)
        if len(header) < 8:
            break
        kind, size = struct.unpack("<4sI", header)
        if kind == b"data":
            if not fmt:
                return "缺少音频格式信息（fmt）"
            return None if size > 0 and fh.read(1) else "没有音频数据（data 为空），没有可播放的内容"
        fmt = fmt or kind == b"fmt "
        _skip(fh, size + (size & 1))
    return "没有音频数据（data），不是完整的录音文件"


def _mp3_frame_length(header: bytes) -> int:
    """The length of the MPEG audio Layer III frame starting with these 4 bytes, or 0 when they are no
    frame header."""
    if len(header) < 4 or header[0] != 0xFF or header[1] & 0xE0 != 0xE0:
        return 0
    version, layer = (header[1] >> 3) & 3, (header[1] >> 1) & 3
    bitrate, rate, padding = header[2] >> 4, (header[2] >> 2) & 3, (header[2] >> 1) & 1
    if version == 1 or layer != 1 or bitrate in (0, 15) or rate == 3:  # reserved, not Layer III, free/bad
        return 0
    kbps = _MP3_KBPS[1 if version == 3 else 2][bitrate]
    hz = _MP3_RATES[version][rate]
    return (144 if version == 3 else 72) * kbps * 1000 // hz + padding


def mp3_problem(fh) -> str | None:
    """An MP3 needs MPEG audio frames, a few in a row, after its ID3 tag (a tag alone plays nothing)."""
    data = fh.read(10)
    if data[:3] == b"ID3" and len(data) == 10:
        size = (data[6] & 0x7F) << 21 | (data[7] & 0x7F) << 14 | (data[8] & 0x7F) << 7 | (data[9] & 0x7F)
        _skip(fh, size + (10 if data[5] & 0x10 else 0))
        data = b""
    data += fh.read(1 << 16)
    start = 0
    while start < len(data) - 4 and start < _SCAN_MAX:
        at, run = start, 0
        while run < _MP3_RUN:
            if at + 4 > len(data):
                data += fh.read(1 << 16)
                if at + 4 > len(data):
                    break
            length = _mp3_frame_length(data[at:at + 4])
            if not length:
                break
            at, run = at + length, run + 1
        if run >= _MP3_RUN:
            return None
        found = data.find(b"\xff", start + 1)
        if found < 0:
            more = fh.read(1 << 16)
            if not more:
                break
            start, data = len(data), data + more
            continue
        start = found
    return "没有 MPEG 音频帧，不是完整的录音文件"


def _vint(data: bytes, at: int, *, keep_marker: bool) -> tuple[int, int] | None:
    """(value, length) of the EBML variable-size integer at `at`, or None."""
    if at >= len(data) or data[at] == 0:
        return None
    length = 8 - data[at].bit_length() + 1
    if at + length > len(data):
        return None
    value = int.from_bytes(data[at:at + length], "big")
    if not keep_marker:
        value &= (1 << (7 * length)) - 1
    return value, length


def matroska_problem(fh) -> str | None:
    """A WebM/Matroska file needs a Segment holding at least one Cluster (its frames), after its EBML header."""
    data = fh.read(1 << 16)
    header = _vint(data, 4, keep_marker=False)
    if header is None:
        return "文件结构损坏"
    at = 4 + header[1] + header[0]
    if data[at:at + 4] != b"\x18\x53\x80\x67":
        return "没有影片数据（Segment），不是完整的音视频文件"
    scanned = len(data)
    while True:
        if data.find(b"\x1f\x43\xb6\x75", at) >= 0:
            return None
        more = fh.read(1 << 20)
        if not more or scanned > _SCAN_MAX:
            return "没有音视频帧（Cluster），没有可播放的内容"
        scanned += len(more)
        at, data = 0, data[-3:] + more


# ---- Ogg, FLAC and AVI hold their codec's header and data, not only a container's magic (decision 0089) ----

# The first packet of an Ogg logical stream names its codec (the identification header).
_OGG_CODECS = (b"\x01vorbis", b"OpusHead", b"\x7fFLAC", b"Speex   ", b"\x80theora", b"fishead\x00", b"\x80kate",
               b"OVP80", b"BBCD\x00")


def _crc_table(poly: int, width: int) -> list[int]:
    top, mask = 1 << (width - 1), (1 << width) - 1
    table = []
    for byte in range(256):
        crc = byte << (width - 8)
        for _ in range(8):
            crc = ((crc << 1) ^ poly) & mask if crc & top else (crc << 1) & mask
        table.append(crc)
    return table


_OGG_CRC = _crc_table(0x04C11DB7, 32)
_FLAC_CRC8 = _crc_table(0x07, 8)


def _crc(data: bytes, table: list[int], width: int) -> int:
    crc, shift, mask = 0, width - 8, (1 << width) - 1
    for byte in data:
        crc = ((crc << 8) & mask) ^ table[((crc >> shift) ^ byte) & 0xFF]
    return crc


def ogg_crc(page: bytes) -> int:
    """The CRC of an Ogg page (its checksum field zeroed), as RFC 3533 computes it."""
    return _crc(page[:22] + b"\0\0\0\0" + page[26:], _OGG_CRC, 32)


def is_ogg(head: bytes) -> bool:
    return head[:4] == b"OggS"


def ogg_problem(fh) -> str | None:
    """An Ogg file needs, page by page (each page's CRC checked), a first page opening a stream with its
    codec's identification header (Vorbis, Opus, FLAC, Speex, Theora…), and a data page: one whose granule
    position is past zero (samples or frames decoded), with a body."""
    import struct

    scanned, first = 0, True
    while scanned < _SCAN_MAX:
        header = fh.read(27)
        if not header:
            break
        if len(header) < 27 or header[:4] != b"OggS":
            return "文件结构损坏（不是完整的 Ogg 页）" if not first else "文件结构损坏"
        flags, granule, segments = header[5], struct.unpack("<q", header[6:14])[0], header[26]
        table = fh.read(segments)
        body = fh.read(sum(table))
        if len(table) < segments or len(body) < sum(table):
            return "文件不完整（数据被截断）"
        if ogg_crc(header + table + body) != struct.unpack("<I", header[22:26])[0]:
            return "文件已损坏（Ogg 页校验和不符）"
        if first:
            if not flags & 2 or not body.startswith(_OGG_CODECS):
                return "没有编码格式的标识头，不是完整的音视频文件"
            first = False
        elif granule > 0 and body:
            return None
        scanned += 27 + segments + len(body)
    return "没有音视频数据页，没有可播放的内容" if not first else "文件结构损坏"


def is_flac(head: bytes) -> bool:
    return head[:4] == b"fLaC"


def flac_problem(fh) -> str | None:
    """A FLAC file needs its STREAMINFO block first and, after the metadata, at least one audio frame
    (a frame header whose CRC-8 holds): a header alone — whatever sample count it claims — plays nothing."""
    fh.read(4)
    first = True
    while True:
        block = fh.read(4)
        if len(block) < 4:
            return "文件不完整（元数据被截断）"
        last, kind, size = block[0] & 0x80, block[0] & 0x7F, int.from_bytes(block[1:4], "big")
        if first and (kind != 0 or size != 34):
            return "缺少音频格式信息（STREAMINFO）"
        first = False
        data = fh.read(size)
        if len(data) < size:
            return "文件不完整（元数据被截断）"
        if last:
            break
    frame = fh.read(16)
    if len(frame) < 6 or frame[0] != 0xFF or frame[1] & 0xFE != 0xF8:
        return "没有音频帧，没有可播放的内容"
    # the header runs to its CRC-8: 4 bytes, the UTF-8 coded number, optional block size and rate bytes
    ones = 8 - (frame[4] ^ 0xFF).bit_length() if frame[4] & 0x80 else 0
    at = 4 + max(ones, 1)
    at += {6: 1, 7: 2}.get(frame[2] >> 4, 0) + {12: 1, 13: 2, 14: 2}.get(frame[2] & 0x0F, 0)
    if at >= len(frame) or _crc(frame[:at], _FLAC_CRC8, 8) != frame[at]:
        return "没有音频帧（帧头校验不符），没有可播放的内容"
    return None


def is_avi(head: bytes) -> bool:
    return len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"AVI "


def avi_problem(fh) -> str | None:
    """An AVI file needs its header list (`hdrl`) and a `movi` list holding at least one data chunk."""
    import struct

    seekable = fh.seekable() if hasattr(fh, "seekable") else False
    end = fh.seek(0, io.SEEK_END) if seekable else None
    if seekable:
        fh.seek(0)
    fh.read(12)
    at, header = 12, False
    while True:
        chunk = fh.read(8)
        if len(chunk) < 8:
            break
        kind, size = struct.unpack("<4sI", chunk)
        if end is not None and at + 8 + size > end:
            return "文件不完整（数据被截断）"
        if kind == b"LIST":
            form = fh.read(4)
            if form == b"hdrl":
                header = True
            elif form == b"movi":
                if not header:
                    return "缺少影片头信息（hdrl）"
                first = fh.read(8)
                if size < 12 or len(first) < 8 or struct.unpack("<I", first[4:8])[0] == 0:
                    return "没有音视频数据（movi 为空），没有可播放的内容"
                return None
            _skip(fh, size - 4 + (size & 1))
        else:
            _skip(fh, size + (size & 1))
        at += 8 + size + (size & 1)
    return "没有音视频数据（movi），不是完整的音视频文件"


def media_checker(head: bytes):
    """The function telling why an audio or video file (by its first bytes) holds nothing playable — it
    reads the file from its start and answers a reason or None — for ISO media (MP4, MOV, M4A, 3GP), WAV,
    WebM/Matroska, MP3, Ogg, FLAC and AVI; None for other formats (judged by their type alone)."""
    for claims, problem in ((is_iso_media, iso_media_problem), (is_wav, wav_problem), (is_matroska, matroska_problem),
                            (is_mp3, mp3_problem), (is_ogg, ogg_problem), (is_flac, flac_problem), (is_avi, avi_problem)):
        if claims(head):
            return problem
    return None
