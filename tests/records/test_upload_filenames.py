"""An upload's filename goes through the text rule, and a download is named by the type its bytes show,
never the uploader's claim (s23 tester8 #7: 「a\u202egnp.exe」 stored, and a PNG served as 「文件名测试1.exe」)."""

from types import SimpleNamespace

import pytest

from sanxiang.core.errors import RuleViolation
from sanxiang.records import samples
from sanxiang.records.naming import download_name

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["a\u202egnp.exe", "a\r\nSet-Cookie: x=1.png", "照" * 256])
def test_a_filename_with_controls_or_too_long_is_refused(env, name):
    with pytest.raises(RuleViolation) as caught:
        samples.completed_upload(samples.png(seed=5), name, actor=env.officer)
    assert caught.value.field == "filename"


def test_the_download_name_takes_the_extension_of_the_bytes():
    def named(filename, mime):
        return download_name("文件名测试1", SimpleNamespace(filename=filename, media_type=mime))

    assert named("photo.exe", "image/png") == "文件名测试1.png"
    assert named("DSC_0001.JPEG", "image/jpeg") == "文件名测试1.jpeg"
    assert named("聊天记录.csv", "text/plain") == "文件名测试1.csv"
    assert named("", "application/pdf") == "文件名测试1.pdf"


@pytest.mark.parametrize("name, named", [("a\r\nSet-Cookie: x=1.png", "U+000D、U+000A"), ("a\tb.png", "U+0009"),
                                         ("a\u202e\rgnp.exe", "U+202E、U+000D")])
def test_the_refusal_names_the_control_characters_the_filename_holds(env, name, named):
    """s24 tester8 #4: a CR LF in the name was reported as 「U+000B」, the character it was replaced by."""
    with pytest.raises(RuleViolation) as caught:
        samples.completed_upload(samples.png(seed=5), name, actor=env.officer)
    assert caught.value.code == "control_characters"
    assert f"文件名含有不可见的控制字符（{named}）" in caught.value.message
