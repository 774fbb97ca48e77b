"""A witness's keys travel with `sanxiang backup`: restored into a fresh installation, the witness
goes on co-signing the log under the same key (the key id the log and its readers registered),
and a restore refuses a witness key that is not the registered one, or one that would replace
another key in the target."""

import base64
import hashlib
import json
import os
import shutil
import stat

import pytest
from installations import Factory, manifest_of

from sanxiang.witness.cosign import cosignatures, parse_cosigner_vkey


@pytest.fixture(scope="module")
def factory(tmp_path_factory):
    made = Factory(tmp_path_factory.mktemp("witness-installations"))
    yield made
    made.close()


@pytest.fixture(scope="module")
def witnessing(module_fake_log, factory, tmp_path_factory):
    """An installation witnessing the log (first checkpoint co-signed), and its backup; once per
    module (the tests only read the backup)."""
    module_fake_log.grow(3)
    inst = factory("witness")
    inst.run("migrate", "--noinput", "-v0")
    vkey = inst.run("witness", "add", module_fake_log.url, "--vkey",
                    module_fake_log.vkey).stdout.strip().splitlines()[-1]
    backup_dir = tmp_path_factory.mktemp("witness-backup") / "backup"
    inst.run("backup", str(backup_dir))
    return inst, vkey, backup_dir


def test_a_restored_witness_cosigns_with_the_same_key(witnessing, module_fake_log, factory):
    fake_log = module_fake_log
    source, vkey, backup_dir = witnessing
    kept = backup_dir / "witness_key"
    assert kept.read_bytes() == (source.data_dir / "witness_key").read_bytes()
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert manifest_of(backup_dir)["witness_keys"] == ["witness_key"]

    target = factory(f"restored-{os.urandom(4).hex()}")
    restored = target.run("restore", str(backup_dir))
    assert "见证密钥已恢复：witness_key（权限 0600）" in restored.stdout
    key_file = target.data_dir / "witness_key"
    assert key_file.read_bytes() == kept.read_bytes()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert target.run("witness", "vkey").stdout.strip() == vkey

    fake_log.grow(2)
    fake_log.delivered.clear()
    run = target.run("witness", "run")
    assert "[已联署]" in run.stdout, run.stdout
    key = parse_cosigner_vkey(vkey)
    found, failed = cosignatures(fake_log.delivered[-1], [key])
    assert [f.key.key_id for f in found] == [key.key_id] and not failed
    assert "\n5\n" in fake_log.delivered[-1]  # the grown tree, consistent with the co-signed 3


def _replace_in_backup(backup_dir, rel, data):
    (backup_dir / rel).chmod(0o600)
    (backup_dir / rel).write_bytes(data)
    manifest = manifest_of(backup_dir)
    manifest["files"][rel] = hashlib.sha256(data).hexdigest()
    (backup_dir / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


def test_restore_refuses_a_witness_key_that_is_not_the_registered_one(witnessing, factory, tmp_path):
    _, _, backup_dir = witnessing
    # As if the key file had been swapped before the backup: digests agree, the key does not.
    swapped = tmp_path / "swapped"
    shutil.copytree(backup_dir, swapped)
    _replace_in_backup(swapped, "witness_key", base64.b64encode(os.urandom(32)))
    target = factory(f"swapped-{os.urandom(4).hex()}")
    refused = target.run("restore", str(swapped), check=False)
    assert refused.returncode == 1
    assert "不是见证的日志" in refused.stderr and "拒绝恢复，未写入任何数据" in refused.stderr, refused.stderr
    assert not target.table_exists("ledger_ledgerentry")
    assert not (target.data_dir / "witness_key").exists()

    # A target that already holds another witness key keeps it: the restore is refused.
    other = factory(f"occupied-{os.urandom(4).hex()}")
    theirs = base64.b64encode(os.urandom(32))
    other.data_dir.mkdir(exist_ok=True)  # made by the factory on SQLite only
    (other.data_dir / "witness_key").write_bytes(theirs)
    refused = other.run("restore", str(backup_dir), check=False)
    assert refused.returncode == 1
    assert "目标数据目录已有另一把见证密钥" in refused.stderr, refused.stderr
    assert (other.data_dir / "witness_key").read_bytes() == theirs
    assert not other.table_exists("ledger_ledgerentry")


def test_a_backup_from_before_witness_keys_restores_and_says_what_to_copy(witnessing, factory, tmp_path):
    _, _, backup_dir = witnessing
    older = tmp_path / "older"
    shutil.copytree(backup_dir, older)
    (older / "witness_key").unlink()
    manifest = manifest_of(older)
    del manifest["witness_keys"], manifest["files"]["witness_key"]
    (older / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    target = factory(f"older-{os.urandom(4).hex()}")
    restored = target.run("restore", str(older))
    assert "早于见证密钥进入备份" in restored.stdout and "witness_key" in restored.stdout
    refused = target.run("witness", "vkey", check=False)  # the key is not made up anew
    assert refused.returncode == 2 and "拒绝生成新密钥" in refused.stderr, refused.stdout + refused.stderr
