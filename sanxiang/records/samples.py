"""Small media files made in code (a few KB): the demo's evidence and recordings, and the tests'.

Each is a real file of its type — a PNG any viewer opens, an MPEG audio stream of silent frames,
an MP4 with its `ftyp` box — so type detection (`content.media_type`) and playback see what an
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


def mp4(seed: int = 0, padding: bytes = b"") -> bytes:
    """An ISO base media file: `ftyp`, a free box (`padding` appended to it), a `moov` holding a movie
    header of 60 seconds and an `mdat` (a stand-in recording the usability check accepts)."""
    ftyp = b"ftyp" + b"isom" + struct.pack(">I", 512) + b"isomiso2avc1mp41"
    free = b"free" + f"sanxiang sample recording {seed}".encode().ljust(2048, b"\x00") + padding
    mvhd = b"mvhd" + b"\x00\x00\x00\x00" + struct.pack(">IIII", 0, 0, 1000, 60_000) + bytes(80)
    moov = b"moov" + struct.pack(">I", len(mvhd) + 4) + mvhd
    mdat = b"mdat" + bytes((seed + i) % 256 for i in range(1024))
    return b"".join(struct.pack(">I", len(box) + 4) + box for box in (ftyp, free, moov, mdat))


def completed_upload(data: bytes, filename: str, *, actor, agency_code: str = ""):
    """An upload of `data`, complete, by `actor` — through the same actions as the tus endpoint."""
    from .actions import do_append_upload, do_create_upload

    with transaction.atomic():
        upload = do_create_upload(length=len(data), metadata={"filename": filename}, agency_code=agency_code,
                                  actor=actor)
    return do_append_upload(upload, io.BytesIO(data), offset=0, content_length=len(data), actor=actor)
