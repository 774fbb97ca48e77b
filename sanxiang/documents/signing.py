"""The agency seal (电子印章) on issued PDFs, behind one small interface.

`Signer` is what issuing needs: `seal(pdf, agency=..., reason=...)` returns the sealed PDF. The
default, `PyHankoSigner`, makes a PAdES signature (pyHanko, an incremental update: the rendered
PDF's bytes are kept unchanged before the signature) with the agency's own key and a self-signed
certificate, both made once per agency in the data directory (`DATA_DIR/keys/seal/`, the key file
mode 0600) — never in the repository, never logged. Any PDF reader or `pdfsig` checks it; the
certificate is self-signed, so a reader says the signature is intact but the signer not trusted
until the agency's certificate is pinned.

An SM2 / OFD e-seal service (GB/T 38540, rules-2026.md §6) plugs in later as another class with
the same `seal` method, named by the setting `DOCUMENT_SIGNER` (a dotted path); see
docs/documents.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
import os
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from sanxiang.core.event_loop import call_outside_event_loop

logger = logging.getLogger(__name__)

DEFAULT_SIGNER = "sanxiang.documents.signing.PyHankoSigner"
FIELD_NAME = "AgencySeal"
CERT_YEARS = 20
SEAL_SUFFIX = "电子印章"
NAME_BYTES = 64  # RFC 5280 ub-common-name / ub-organization-name; `cryptography` counts UTF-8 bytes for CN
DESCRIPTION_BYTES = 1024  # X.520 ub-description


class SealError(Exception):
    """Sealing failed (the message is for people, in 中文)."""


class Signer(Protocol):
    name: str

    def seal(self, pdf: bytes, *, agency, reason: str) -> bytes: ...

    def certificate(self, agency) -> bytes:
        """The agency's certificate (DER), to pin when verifying."""
        ...


def signer() -> Signer:
    return import_string(getattr(settings, "DOCUMENT_SIGNER", DEFAULT_SIGNER))()


def _fit(text: str, limit: int) -> str:
    """`text` cut at a character boundary so that its UTF-8 form is at most `limit` bytes."""
    out = text
    while len(out.encode()) > limit:
        out = out[:-1]
    return out


def subject_attributes(agency) -> list[tuple[str, str]]:
    """The seal certificate's subject as (attribute, value) pairs, every value within its bound.

    CN is "<agency name>电子印章", the name cut (with …) when the whole exceeds 64 UTF-8 bytes
    (a 19-character name already does); O is the full name when it fits 64 bytes, else cut; the full
    name is always kept in `description`, which tells apart two agencies whose cut names agree. No
    `organizationIdentifier`: it would be the agency's 统一社会信用代码, which the platform does not hold,
    and a court's PDF reader must not show the platform's internal key instead (s18 tester 21).
    """
    full = agency.name
    cn = f"{full}{SEAL_SUFFIX}"
    if len(cn.encode()) > NAME_BYTES:
        cn = f"{_fit(full, NAME_BYTES - len(('…' + SEAL_SUFFIX).encode()))}…{SEAL_SUFFIX}"
    return [("C", "CN"), ("O", _fit(full, NAME_BYTES)), ("CN", cn), ("description", _fit(full, DESCRIPTION_BYTES))]


def _key_dir() -> Path:
    return Path(settings.DATA_DIR) / "keys" / "seal"


class PyHankoSigner:
    """PAdES signature with pyHanko; one RSA key and self-signed certificate per agency."""

    name = "pyhanko"

    def _paths(self, agency) -> tuple[Path, Path]:
        safe = hashlib.sha256(agency.code.encode()).hexdigest()[:16]  # codes are ids, not path parts
        return _key_dir() / f"{safe}.key.pem", _key_dir() / f"{safe}.crt.der"

    def _make(self, agency, key_path: Path, cert_path: Path) -> None:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import rsa
        from cryptography.x509.oid import NameOID

        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
        oids = {"C": NameOID.COUNTRY_NAME, "O": NameOID.ORGANIZATION_NAME, "CN": NameOID.COMMON_NAME,
                "organizationIdentifier": NameOID.ORGANIZATION_IDENTIFIER, "description": x509.ObjectIdentifier("2.5.4.13")}
        name = x509.Name([x509.NameAttribute(oids[attribute], value) for attribute, value in subject_attributes(agency)])
        now = dt.datetime.now(dt.UTC)
        cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
                .not_valid_after(now + dt.timedelta(days=365 * CERT_YEARS))
                .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True,
                                             key_encipherment=False, data_encipherment=False, key_agreement=False,
                                             key_cert_sign=False, crl_sign=False, encipher_only=False,
                                             decipher_only=False), critical=True)
                .sign(key, hashes.SHA256()))
        key_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:  # created 0600 at once; a concurrent first seal of the same agency keeps the first key
            fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return
        with os.fdopen(fd, "wb") as fh:
            fh.write(pem)
        temporary = cert_path.with_suffix(".tmp")
        temporary.write_bytes(cert.public_bytes(serialization.Encoding.DER))
        temporary.replace(cert_path)

    def _material(self, agency):
        key_path, cert_path = self._paths(agency)
        if not key_path.exists():
            try:
                self._make(agency, key_path, cert_path)
            except (ValueError, TypeError, OSError):  # a name cryptography refuses, a data directory not writable
                logger.exception("seal certificate for agency %s", agency.code)
                raise SealError(f"未能为{agency.name}生成印章证书，请管理员检查数据目录中的印章文件。") from None
        if not cert_path.exists():
            raise SealError(f"{agency.name}的印章证书缺失（密钥存在）：请管理员检查数据目录中的印章文件。")
        return key_path.read_bytes(), cert_path.read_bytes()

    def certificate(self, agency) -> bytes:
        return self._material(agency)[1]

    def stored_certificate(self, agency) -> bytes | None:
        """The agency's certificate as stored, or None — never made here (checks write nothing)."""
        _, cert_path = self._paths(agency)
        return cert_path.read_bytes() if cert_path.is_file() else None

    def seal(self, pdf: bytes, *, agency, reason: str) -> bytes:
        from asn1crypto import keys, pem, x509
        from pyhanko.sign import signers
        from pyhanko.sign.general import SigningError
        from pyhanko_certvalidator.registry import SimpleCertificateStore

        key_pem, cert_der = self._material(agency)
        _, _, key_der = pem.unarmor(key_pem)
        cert = x509.Certificate.load(cert_der)
        signer_ = signers.SimpleSigner(signing_cert=cert, signing_key=keys.PrivateKeyInfo.load(key_der),
                                       cert_registry=SimpleCertificateStore.from_certs([cert]))
        meta = signers.PdfSignatureMetadata(field_name=FIELD_NAME, reason=reason, name=agency.name,
                                            md_algorithm="sha256")
        reserved = signature_bytes_reserved([cert, *signer_.cert_registry], cert.public_key)
        try:
            try:
                return self._sign(pdf, meta, signer_, reserved)
            except SigningError as exc:
                if "larger than expected" not in str(exc):
                    raise
                # cannot happen with the bound below; should it, the seal is still made, sized by a dry run
                logger.warning("seal signature for agency %s over %d reserved bytes; sized by a dry run",
                               agency.code, reserved)
                return self._sign(pdf, meta, signer_, None)
        except Exception as exc:  # pyHanko raises its own kinds for a PDF it cannot update
            raise SealError(f"加盖电子印章失败：{type(exc).__name__}：{exc}") from None

    @staticmethod
    def _sign(pdf: bytes, meta, signer_, bytes_reserved: int | None) -> bytes:
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.sign import signers

        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        # pyHanko signs in its own event loop (asyncio.run): not inside one this thread runs
        return call_outside_event_loop(signers.sign_pdf, writer, meta, signer=signer_,
                                       bytes_reserved=bytes_reserved).getvalue()


# The CMS SignedData of a seal, beyond its certificates and the signature value: the digest and signature
# algorithm identifiers, the content type, message digest, signing time and CMS algorithm protection
# attributes (≈ 250 bytes for SHA-256 with RSA, measured), the DER headers around each. Generous: 1 KiB.
SIGNED_DATA_OVERHEAD = 1024


def signature_value_bytes(public_key) -> int:
    """The most a signature value of this key can take, DER: RSA one modulus length; ECDSA (and DSA) two
    integers of the order's length with their headers (≤ 2·n + 9). A kind not named here: twice the public
    key's own DER, which bounds both (EdDSA keys are refused anyway: they sign SHA-512, the seal SHA-256).
    `public_key` is asn1crypto's `PublicKeyInfo`."""
    algorithm = public_key.algorithm
    if algorithm in {"rsa", "rsassa_pss"}:
        return (public_key.bit_size + 7) // 8
    if algorithm in {"ec", "dsa"}:
        return 2 * ((public_key.bit_size + 7) // 8) + 16
    return 2 * len(public_key.dump()) + 16


def signature_bytes_reserved(certificates, public_key, timestamp_token_bytes: int = 0) -> int:
    """The /Contents space of a seal, in hex digits (twice its DER bytes), without a dry-run signature.

    pyHanko sizes an unsized signature by signing once more beforehand (a whole second signature a seal,
    half its time — stop 25, docs/how-to.md "Test time"). The CMS holds: every certificate of the chain
    (`certificates`, DER, the signer's first), the signer's issuer name and serial twice — in the
    SignerInfo's identifier and in the signing-certificate attribute (≤ the signer's certificate each) —,
    the signature value (`signature_value_bytes`), a timestamp token if one is asked for (its own DER size;
    none today) and `SIGNED_DATA_OVERHEAD`. Bounded by the chain: the largest certificate this module
    makes (a 1,024-byte description, 64-byte names) reserves 12,352 hex digits for a 4,839-byte signature
    (9,678 digits); an ordinary name's 7,720 for 2,510 bytes (pyHanko's own dry-run estimate: 7,574).
    Unused space is zeros inside the signature's /Contents, outside the signed range."""
    chain = list(dict.fromkeys(c.dump() for c in certificates))  # pyHanko embeds each certificate once
    der = sum(len(c) for c in chain) + 2 * len(chain[0]) + signature_value_bytes(public_key) \
        + timestamp_token_bytes + SIGNED_DATA_OVERHEAD
    return 2 * der


def certificate_sha256(cert_der: bytes) -> str:
    return hashlib.sha256(cert_der).hexdigest()
