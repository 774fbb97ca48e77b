"""Small media files made in code (a few KB): the demo's evidence and recordings, and the tests'.

Each is a real file of its type — a PNG any viewer opens, an MPEG audio stream of silent frames,
an MP4 with a track, an Ogg Opus stream, a FLAC file, an AVI — so type detection (`content.media_type`) and playback see what an
officer's camera would produce, without shipping binaries.
"""

import io
import struct
import zlib

from django.db import transaction


def png(width: int = 32, height: int = 24, rgb=(200, 30, 30), seed: int = 0) -> bytes:
    """A solid-colour PNG (`seed` varies the colour, so each sample has its own digest)."""
    r, g, b = ((rgb[0] + seed * 37) % 256, (rgb[1] + seed * 59) % 256, (rgb[2] + seed * 83) % 256)
    raw = b"".join(b"\x00" + bytes((r, g, b)) * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def mp3(frames: int = 40, seed: int = 0) -> bytes:
    """An MPEG-1 Layer III stream of silent 128 kbit/s frames (about a second), with an ID3 tag."""
    title = f"sanxiang sample {seed}".encode()
    frame_body = b"\x00" * (417 - 4)
    tag_frame = b"TIT2" + struct.pack(">I", len(title) + 1) + b"\x00\x00" + b"\x00" + title
    size = len(tag_frame)
    synchsafe = bytes(((size >> 21) & 0x7F, (size >> 14) & 0x7F, (size >> 7) & 0x7F, size & 0x7F))
    return b"ID3\x03\x00\x00" + synchsafe + tag_frame + (b"\xff\xfb\x90\x64" + frame_body) * frames


def _box(kind: bytes, *parts: bytes) -> bytes:
    body = b"".join(parts)
    return struct.pack(">I", len(body) + 8) + kind + body


def _full(kind: bytes, body: bytes, version_flags: int = 0) -> bytes:
    return _box(kind, struct.pack(">I", version_flags), body)


def mp4(seed: int = 0, padding: bytes = b"", seconds: int = 60) -> bytes:
    """An ISO base media file with one video track: `ftyp`, a free box (`padding` appended to it), a `moov`
    holding the movie header (`seconds` long) and one `trak` — track header, media header, handler `vide`,
    its sample table (one sample description, one sample spanning the movie, its size and offset) — then
    the `mdat` holding that sample's bytes. Hand-built (no encoder on the machine): the structure a player
    and the usability check read, not a decodable picture."""
    payload = bytes((seed + i) % 256 for i in range(1024))
    ftyp = _box(b"ftyp", b"isom", struct.pack(">I", 512), b"isomiso2avc1mp41")
    free = _box(b"free", f"sanxiang sample recording {seed}".encode().ljust(2048, b"\x00"), padding)
    matrix = struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)
    mvhd = _full(b"mvhd", struct.pack(">IIII", 0, 0, 1000, seconds * 1000) + struct.pack(">IH", 0x10000, 0x100)
                 + bytes(10) + matrix + bytes(24) + struct.pack(">I", 2))
    tkhd = _full(b"tkhd", struct.pack(">IIIII", 0, 0, 1, 0, seconds * 1000) + bytes(8) + struct.pack(">HHHH", 0, 0, 0, 0)
                 + matrix + struct.pack(">II", 320 << 16, 240 << 16), 3)
    mdhd = _full(b"mdhd", struct.pack(">IIII", 0, 0, 1000, seconds * 1000) + struct.pack(">HH", 0x55C4, 0))
    hdlr = _full(b"hdlr", bytes(4) + b"vide" + bytes(12) + b"VideoHandler\x00")
    entry = _box(b"mp4v", bytes(6), struct.pack(">H", 1), bytes(16), struct.pack(">HH", 320, 240),
                 struct.pack(">II", 0x480000, 0x480000), bytes(4), struct.pack(">H", 1), bytes(32),
                 struct.pack(">Hh", 0x18, -1))
    prefix = len(ftyp) + len(free)
    stbl_without_offset = [_full(b"stsd", struct.pack(">I", 1) + entry),
                           _full(b"stts", struct.pack(">III", 1, 1, seconds * 1000)),
                           _full(b"stsc", struct.pack(">IIII", 1, 1, 1, 1)),
                           _full(b"stsz", struct.pack(">III", 0, 1, len(payload)))]

    def moov(offset: int) -> bytes:
        stbl = _box(b"stbl", *stbl_without_offset, _full(b"stco", struct.pack(">II", 1, offset)))
        dinf = _box(b"dinf", _full(b"dref", struct.pack(">I", 1) + _full(b"url ", b"", 1)))
        minf = _box(b"minf", _full(b"vmhd", bytes(8), 1), dinf, stbl)
        return _box(b"moov", mvhd, _box(b"trak", tkhd, _box(b"mdia", mdhd, hdlr, minf)))

    size = len(moov(0))
    return ftyp + free + moov(prefix + size + 8) + _box(b"mdat", payload)


def _ogg_page(serial: int, sequence: int, granule: int, packet: bytes, flags: int = 0) -> bytes:
    from .content import ogg_crc

    lacing = b"\xff" * (len(packet) // 255) + bytes((len(packet) % 255,))
    page = (b"OggS\x00" + bytes((flags,)) + struct.pack("<qII", granule, serial, sequence) + b"\0\0\0\0"
            + bytes((len(lacing),)) + lacing + packet)
    return page[:22] + struct.pack("<I", ogg_crc(page)) + page[26:]


def ogg(frames: int = 50, seed: int = 0) -> bytes:
    """An Ogg Opus stream of silent 20 ms frames (a second for 50): the identification header, the comment
    header, then data pages whose granule position counts the 48 kHz samples (RFC 7845)."""
    serial = 0x5A58 + seed
    head = b"OpusHead" + struct.pack("<BBHIhB", 1, 1, 312, 48000, 0, 0)
    vendor = f"sanxiang sample {seed}".encode()
    tags = b"OpusTags" + struct.pack("<I", len(vendor)) + vendor + struct.pack("<I", 0)
    pages = [_ogg_page(serial, 0, 0, head, flags=2), _ogg_page(serial, 1, 0, tags)]
    for n in range(frames):
        last = 4 if n == frames - 1 else 0
        pages.append(_ogg_page(serial, n + 2, 312 + 960 * (n + 1), b"\xf8\xff\xfe", flags=last))
    return b"".join(pages)


def _crc16(data: bytes) -> int:
    crc = 0
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x8005) & 0xFFFF if crc & 0x8000 else (crc << 1) & 0xFFFF
    return crc


def flac(frames: int = 10, seed: int = 0) -> bytes:
    """A FLAC file of silence: STREAMINFO (44.1 kHz, mono, 16 bits, 4096 samples a frame), a VORBIS_COMMENT,
    then frames of one CONSTANT subframe each, with their CRC-8 and CRC-16 (the format's own)."""
    from .content import _FLAC_CRC8, _crc

    block = 4096
    info = (struct.pack(">HH", block, block) + (11).to_bytes(3, "big") + (11).to_bytes(3, "big")
            + ((44100 << 44) | (0 << 41) | (15 << 36) | (block * frames)).to_bytes(8, "big") + bytes(16))
    vendor = f"sanxiang sample {seed}".encode()
    comment = struct.pack("<I", len(vendor)) + vendor + struct.pack("<I", 0)
    out = [b"fLaC", bytes((0,)) + len(info).to_bytes(3, "big") + info,
           bytes((0x84,)) + len(comment).to_bytes(3, "big") + comment]
    for n in range(frames):  # frame numbers below 128 take one byte
        header = bytes((0xFF, 0xF8, 0xC9, 0x08, n))  # block size 4096 (code 12), 44.1 kHz; mono, 16 bits
        header += bytes((_crc(header, _FLAC_CRC8, 8),))
        frame = header + b"\x00" + b"\x00\x00"  # CONSTANT subframe, sample value 0
        out.append(frame + struct.pack(">H", _crc16(frame)))
    return b"".join(out)


def avi(frames: int = 10, seed: int = 0) -> bytes:
    """A RIFF AVI with its header list (`avih`, one video stream's `strh`/`strf`), a `movi` list of
    `frames` uncompressed 8×8 frames and the `idx1` index."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return kind + struct.pack("<I", len(data)) + data + (b"\0" if len(data) & 1 else b"")

    def listing(form: bytes, *parts: bytes) -> bytes:
        body = form + b"".join(parts)
        return b"LIST" + struct.pack("<I", len(body)) + body

    width = height = 8
    size = width * height * 3
    avih = struct.pack("<14I", 40000, size * 25, 0, 0x10, frames, 0, 1, size, width, height, 0, 0, 0, 0)
    strh = (b"vids" + b"DIB " + struct.pack("<IHHIIIIIIIII", 0, 0, 0, 0, 1, 25, 0, frames, size, 0xFFFFFFFF, 0, 0)
            + struct.pack("<4h", 0, 0, width, height))
    strf = struct.pack("<IiiHHIIiiII", 40, width, height, 1, 24, 0, size, 0, 0, 0, 0)
    hdrl = listing(b"hdrl", chunk(b"avih", avih), listing(b"strl", chunk(b"strh", strh), chunk(b"strf", strf)))
    pictures = [bytes(((seed + n + i) % 256 for i in range(size))) for n in range(frames)]
    movi = listing(b"movi", *(chunk(b"00db", p) for p in pictures))
    index = b"".join(b"00db" + struct.pack("<III", 0x10, 4 + n * (size + 8), size) for n in range(frames))
    body = b"AVI " + hdrl + movi + chunk(b"idx1", index)
    return b"RIFF" + struct.pack("<I", len(body)) + body


def completed_upload(data: bytes, filename: str, *, actor, agency_code: str = ""):
    """An upload of `data`, complete, by `actor` — through the same actions as the tus endpoint."""
    from .actions import do_append_upload, do_create_upload

    with transaction.atomic():
        upload = do_create_upload(length=len(data), metadata={"filename": filename}, agency_code=agency_code,
                                  actor=actor)
    return do_append_upload(upload, io.BytesIO(data), offset=0, content_length=len(data), actor=actor)
