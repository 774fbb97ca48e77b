"""What a recording's file must hold beyond its magic bytes (s22 tester8 #5, s23 tester8 #1): samples,
frames or clusters — judged by `content.media_checker` at upload and in the archive's usability check."""

import io
import struct

from sanxiang.records import content, samples


def problem(data: bytes):
    check = content.media_checker(data[:16])
    assert check is not None
    return check(io.BytesIO(data))


def test_real_files_pass_and_hollow_ones_are_named():
    assert problem(samples.mp4(seed=1)) is None
    assert problem(samples.mp3(seed=1)) is None
    wav = (b"RIFF" + struct.pack("<I", 40) + b"WAVEfmt " + struct.pack("<IHHIIHH", 16, 1, 1, 8000, 16000, 2, 16)
           + b"data" + struct.pack("<I", 4) + b"\x00\x01\x00\x01")
    assert problem(wav) is None
    assert "data 为空" in problem(wav[:40] + struct.pack("<I", 0))
    assert "MPEG 音频帧" in problem(b"ID3\x03\x00\x00\x00\x00\x00\x00" + b"C" * 100)
    assert "MPEG 音频帧" in problem(b"\xff\xfb\x90\x64" + b"\x00" * 413 + b"C" * 900)  # one frame, then junk
    segment = b"\x18\x53\x80\x67\x01\xff\xff\xff\xff\xff\xff\xff"
    header = bytes.fromhex("1A45DFA3") + b"\x84webm"
    assert problem(header + segment + b"\x1f\x43\xb6\x75\x81\x00") is None
    assert "Cluster" in problem(header + segment + b"C" * 50)
    assert "Segment" in problem(header + b"C" * 50)
