"""Witness identities (见证身份) and their keys in the data directory.

The deployment's own witness is named `settings.WITNESS_NAME` (default: the host of
SANXIANG_PUBLIC_URL followed by `/witness`) and keeps its Ed25519 seed in `DATA_DIR/witness_key`.
A witness held by an organisation of this deployment (a 司法局 watching the agencies it
supervises) is `<WITNESS_NAME>/<organisation code>` with its seed in
`DATA_DIR/witness_keys/<code>`: tlog-cosignature requires one key per cosigner name.

Seeds are standard base64 of 32 random bytes, created with O_EXCL and mode 0600 (as the signing
key, sanxiang.core.datadir), never logged or printed. A missing key is created only while no
watched log names that identity: a new key would make the witness's past cosignatures
unverifiable under the key the logs registered.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
from pathlib import Path

from django.conf import settings

from sanxiang.core.datadir import _write_private, read_key

from .cosign import Cosigner

_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


class WitnessKeyError(Exception):
    """见证密钥错误 — printed to the operator as is (简体中文)."""


def identity_name(holder_code: str | None) -> str:
    base = settings.WITNESS_NAME
    return f"{base}/{holder_code}" if holder_code else base


def key_path(holder_code: str | None) -> Path:
    data_dir = Path(settings.DATA_DIR)
    if not holder_code:
        return data_dir / "witness_key"
    if not _CODE.match(holder_code):
        raise WitnessKeyError(f"机构代码“{holder_code}”不能用作见证密钥文件名")
    return data_dir / "witness_keys" / holder_code


def cosigner(holder_code: str | None = None, *, create: bool = False) -> Cosigner:
    """The witness identity of `holder_code` (None: the deployment's own witness)."""
    path = key_path(holder_code)
    value = read_key(path)
    if not value:
        from .models import WatchedLog

        if WatchedLog.objects.filter(witness_name=identity_name(holder_code)).exists():
            raise WitnessKeyError(
                f"见证密钥 {path} 不见了，但这个见证身份已登记过被见证的日志。拒绝生成新密钥"
                "（各日志与核验者登记的是原公钥）：请从备份中取回该密钥文件。")
        if not create:
            raise WitnessKeyError(
                f"未找到见证密钥 {path}。若本实例从未见证过日志，运行 `sanxiang witness add` 会生成它；"
                "若已登记过被见证的日志，请从备份中取回该密钥文件（不会重新生成，以免旧联署无法核验）。")
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        _write_private(path, base64.b64encode(os.urandom(32)).decode())
        value = read_key(path)
    try:
        seed = base64.b64decode(value, validate=True)
    except (ValueError, binascii.Error):
        seed = b""
    if len(seed) != 32:
        raise WitnessKeyError(f"见证密钥 {path} 不是 base64 编码的 32 字节")
    return Cosigner(identity_name(holder_code), seed)
