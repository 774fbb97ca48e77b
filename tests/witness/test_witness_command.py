"""`sanxiang witness add | run | list | vkey | trust`: what an operator sees, errors included."""

import io
import os
import stat
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from sanxiang.ledger.signing import Signer
from sanxiang.orgs import testing as T
from sanxiang.witness.cosign import parse_cosigner_vkey
from sanxiang.witness.models import TrustedWitness, WatchedLog

pytestmark = pytest.mark.django_db


def witness(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("witness", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


def test_add_checks_the_log_then_cosigns_and_prints_the_witness_key(fake_log, tmp_path):
    justice = T.agency("cmd-justice", kind="supervisory")
    fake_log.grow(4)
    key_file = tmp_path / "log.vkey"
    key_file.write_text(f"# 日志公钥\n{fake_log.vkey}\n")
    code, out, err = witness("add", fake_log.url + "/api/v1/ledger/checkpoint", "--vkey", str(key_file),
                             "--name", "某县留痕账本", "--holder", "cmd-justice")
    assert code == 0, err
    log = WatchedLog.objects.get()
    assert (log.url, log.origin, log.tree_size) == (fake_log.url, fake_log.origin, 4)
    assert "已联署树大小 4" in out
    printed = out.strip().splitlines()[-1]
    assert parse_cosigner_vkey(printed).name == f"{settings.WITNESS_NAME}/cmd-justice" == log.witness_name
    key_path = Path(settings.DATA_DIR) / "witness_keys" / "cmd-justice"
    assert stat.S_IMODE(key_path.stat().st_mode) == 0o600
    assert key_path.read_text().strip() not in out + err  # the secret is never printed
    code, out, _ = witness("list")
    assert code == 0 and "某县留痕账本" in out and justice.name in out and "已联署树大小 4" in out
    code, _, err = witness("add", fake_log.url, "--vkey", fake_log.vkey, "--holder", "cmd-justice")
    assert code == 2 and "已在见证" in err


@pytest.mark.parametrize("url, words", [
    ("ftp://example.org", "地址不合法"),
    ("http://", "地址不合法"),
    ("http://127.0.0.1:99999", "端口不合法"),
])
def test_bad_addresses_are_refused_with_a_message(fake_log, url, words):
    code, out, err = witness("add", url, "--vkey", fake_log.vkey)
    assert code == 2 and words in err and "Traceback" not in err
    assert not WatchedLog.objects.exists()


def test_unreachable_logs_and_wrong_keys_are_refused_with_a_message(fake_log, closed_port):
    fake_log.grow(2)
    code, _, err = witness("add", closed_port, "--vkey", fake_log.vkey)
    assert code == 2 and "无法取回日志的检查点" in err and "无法访问" in err
    stranger = Signer(os.urandom(32), fake_log.origin).ed25519.vkey
    code, _, err = witness("add", fake_log.url, "--vkey", stranger)
    assert code == 2 and "不是这个公钥签的" in err
    code, _, err = witness("add", fake_log.url, "--vkey", "not-a-key")
    assert code == 2 and "日志公钥不合法" in err
    code, _, err = witness("add", fake_log.url, "--vkey", fake_log.vkey, "--holder", "nobody")
    assert code == 2 and "没有代码为“nobody”的机构" in err
    assert not WatchedLog.objects.exists()


def test_run_reports_each_log_and_exits_non_zero_on_an_alert(fake_log):
    code, out, _ = witness("run")
    assert code == 0 and "还没有登记要见证的日志" in out
    fake_log.grow(3)
    assert witness("add", fake_log.url, "--vkey", fake_log.vkey)[0] == 0
    fake_log.grow(2)
    code, out, _ = witness("run")
    assert code == 0 and "[已联署]" in out and "树大小 5" in out
    fake_log.truncate(1)
    code, out, _ = witness("run")
    assert code == 1 and "[告警]" in out and "回滚" in out
    code, out, _ = witness("list")
    assert "告警 1 条" in out and "日志回滚" in out


def test_vkey_and_trust(fake_log):
    code, out, _ = witness("vkey")
    key = parse_cosigner_vkey(out.strip())
    assert key.name == settings.WITNESS_NAME
    assert witness("vkey")[1] == out  # the same identity every time
    code, out, _ = witness("trust", out.strip(), "--label", "本机见证")
    assert code == 0 and "已登记受信见证方“本机见证”" in out
    assert TrustedWitness.objects.get().name == key.name
    code, _, err = witness("trust", fake_log.vkey)  # a log key is not a witness key
    assert code == 2 and "类型 0x04" in err
