"""A recording's file holds media, not only a container's magic bytes (s23 tester8 #1, decision 0089): an MP4/MOV
needs a `moov` with a track and a non-empty `mdat`; Ogg a page opening a stream with its codec's identification
header and a data page; FLAC its STREAMINFO and an audio frame; AVI a non-empty `movi` list. A header-only fake
is refused with the message the other media get, nothing written; the real minimal files the demo and the
tests use pass."""

import struct

import pytest
from django.db import transaction
from records_cast import counts

from sanxiang.access.actors import OPERATOR
from sanxiang.core.errors import RuleViolation
from sanxiang.orgs import actions as A
from sanxiang.orgs import testing as T
from sanxiang.orgs.models import Role
from sanxiang.records import content as C
from sanxiang.records import evidence as E
from sanxiang.records import samples

pytestmark = pytest.mark.django_db


def box(kind, *parts):
    body = b"".join(parts)
    return struct.pack(">I", len(body) + 8) + kind + body


FTYP = box(b"ftyp", b"isom", struct.pack(">I", 512), b"isomiso2avc1mp41")
MVHD = box(b"mvhd", b"\0\0\0\0", struct.pack(">IIII", 0, 0, 1000, 3_600_000), bytes(80))
FLAC = samples.flac(frames=10)

FAKES = [
    # name, bytes, words of the reason
    ("notrak.mp4", FTYP + box(b"moov", MVHD) + box(b"mdat", b"C" * 500), "没有音视频轨道"),
    ("emptytrak.mov", FTYP + box(b"moov", MVHD, box(b"trak", box(b"tkhd", bytes(84)))) + box(b"mdat", b"C" * 500),
     "没有音视频轨道"),
    ("headers.ogg", samples.ogg(frames=0), "没有音视频数据页"),
    ("nocodec.ogg", samples._ogg_page(7, 0, 0, b"C" * 100, flags=2) + samples._ogg_page(7, 1, 960, b"C" * 100),
     "没有编码格式的标识头"),
    ("junk.ogg", b"OggS\0\2" + b"C" * 200, "不完整"),
    ("badcrc.ogg", samples.ogg()[:60] + b"X" + samples.ogg()[61:],
     "校验和不符"),
    ("streaminfo.flac", FLAC[:-110], "没有音频帧"),  # 10 frames of 11 bytes gone: 40960 samples claimed
    ("junk.flac", b"fLaC" + b"C" * 200, "STREAMINFO"),
    ("hollow.avi", samples.avi(frames=0), "movi 为空"),
    ("riff.avi", b"RIFF" + struct.pack("<I", 204) + b"AVI " + b"C" * 200, "文件"),
]
REAL = [("camera.mp4", samples.mp4()), ("voice.ogg", samples.ogg()), ("voice.flac", samples.flac()),
        ("camera.avi", samples.avi()), ("voice.mp3", samples.mp3())]


@pytest.fixture(scope="module")
def officer(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        agency = T.agency()
        unit = A.do_create_unit(agency, "执法一队", actor=OPERATOR)
        user = T.member(agency, Role.OFFICER, unit=unit)
        T.person(agency, unit=unit, user_obj=user, name="王执法")
        yield user, agency
        transaction.set_rollback(True)


def declare(officer, upload):
    user, agency = officer
    return E.do_declare_recording(agency, upload=upload, title="现场检查录像", officers="王执法、李执法",
                                  recorder="李执法", started_at="2026-10-30T09:00", ended_at="2026-10-30T09:40",
                                  place="某市场", device="执法记录仪 DSJ-01", actor=user)


@pytest.mark.parametrize("name,data,words", FAKES, ids=[f[0] for f in FAKES])
def test_a_header_only_file_is_no_recording(officer, name, data, words):
    upload = samples.completed_upload(data, name, actor=officer[0])
    assert upload.media_type.startswith(("audio/", "video/")), upload.media_type  # it passed the upload by its type
    before = counts()
    with pytest.raises(RuleViolation) as caught:
        declare(officer, upload)
    assert caught.value.code == "media_unplayable"
    assert "不是可播放的录音或录像" in caught.value.message and words in caught.value.message, caught.value.message
    assert counts() == before


@pytest.mark.parametrize("name,data", REAL, ids=[r[0] for r in REAL])
def test_a_real_minimal_file_is_a_recording(officer, name, data):
    upload = samples.completed_upload(data, name, actor=officer[0])
    assert C.media_checker(data[:16]) is not None  # judged by its content, not its type alone
    assert declare(officer, upload).upload_id == upload.pk
