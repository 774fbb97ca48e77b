"""The seal's signature space is sized from its parts, so a seal is signed once (stop 25).

pyHanko sizes an unsized signature by making a whole dry-run signature first; `seal()` passes
`bytes_reserved` from the certificate chain and the key (`signing.signature_bytes_reserved`). Every
key kind the seal signs with (RSA and ECDSA: EdDSA signs SHA-512, the seal asks SHA-256), in the data directory instead of the RSA-2048 key the platform makes,
with the largest certificate the platform makes (a 1,024-byte description, 64-byte O and CN): the
signature fits the space, it was signed once, the space is the computed one (no dry run behind it), and
the sealed PDF validates as issued seals do — pyHanko with the agency's certificate as trust root
(`archive.seals.seal_problem`, the authenticity check) and poppler's `pdfsig`. No database, no LibreOffice."""

import datetime as dt
import io
import subprocess
import types

import pytest
from pdfs import blank_pdf
from pyhanko.pdf_utils.reader import PdfFileReader

from sanxiang.archive.seals import seal_problem
from sanxiang.documents import signing

# No database here (keys, files and pyHanko): the SQLite pass runs it once (docs/how-to.md "Test time").
pytestmark = pytest.mark.database_agnostic

LONGEST = "某某省" * 200 + "市场监督管理局"  # description cut at 1,024 bytes, O and CN at 64: the largest subject




def plant(agency, key) -> None:
    """The agency's key file and certificate as `_make` writes them, for a key of another kind."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.x509.oid import NameOID

    oids = {"C": NameOID.COUNTRY_NAME, "O": NameOID.ORGANIZATION_NAME, "CN": NameOID.COMMON_NAME,
            "description": x509.ObjectIdentifier("2.5.4.13")}
    name = x509.Name([x509.NameAttribute(oids[a], v) for a, v in signing.subject_attributes(agency)])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=365 * signing.CERT_YEARS))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    key_path, cert_path = signing.PyHankoSigner()._paths(agency)
    key_path.parent.mkdir(parents=True, exist_ok=True)
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.DER))


def _rsa(bits):
    from cryptography.hazmat.primitives.asymmetric import rsa

    return lambda: rsa.generate_private_key(public_exponent=65537, key_size=bits)


def _ec(curve):
    from cryptography.hazmat.primitives.asymmetric import ec

    return lambda: ec.generate_private_key(getattr(ec, curve)())


KEYS = {"made": None, "rsa-3072": _rsa(3072), "rsa-4096": _rsa(4096), "ec-p256": _ec("SECP256R1"),
        "ec-p384": _ec("SECP384R1"), "ec-p521": _ec("SECP521R1")}


@pytest.mark.parametrize("kind", list(KEYS))
def test_a_seal_is_signed_once_in_the_space_computed_for_its_key_and_chain(settings, tmp_path, monkeypatch, kind):
    from asn1crypto import cms, x509
    from pyhanko.sign import signers

    settings.DATA_DIR = tmp_path
    agency = types.SimpleNamespace(code=f"space-{kind}", name=LONGEST)
    if KEYS[kind]:
        plant(agency, KEYS[kind]())
    sealer = signing.PyHankoSigner()
    cert_der = sealer.certificate(agency)  # "made": the platform's own RSA-2048 key and certificate
    cert = x509.Certificate.load(cert_der)
    assert len(cert["tbs_certificate"]["subject"].dump()) > 1024 + 64 + 64  # the largest subject the platform makes
    signed = []
    original = signers.SimpleSigner.async_sign_raw

    async def counted(self, *args, **kwargs):
        signed.append(kwargs.get("dry_run", False))
        return await original(self, *args, **kwargs)

    monkeypatch.setattr(signers.SimpleSigner, "async_sign_raw", counted)
    sealed = sealer.seal(blank_pdf(), agency=agency, reason="签发")

    assert signed == [False]  # one signature, no dry run to size it
    signature = PdfFileReader(io.BytesIO(sealed)).embedded_signatures[0]
    space = len(signature.sig_object["/Contents"])  # bytes: the signature and its zero padding
    reserved = signing.signature_bytes_reserved([cert], cert.public_key)
    assert 2 * space == reserved  # the space computed, not one sized by a dry run
    used = len(cms.ContentInfo.load(bytes(signature.sig_object["/Contents"])).dump())  # the DER, padding left out
    assert used <= space <= 2 * used  # it fits, and the bound is not wasteful
    assert seal_problem(sealed, cert_der) == ""  # pyHanko: intact, valid, trusted, covers the whole file
    path = tmp_path / "sealed.pdf"
    path.write_bytes(sealed)
    out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True)
    assert "Signature is Valid" in out.stdout, out.stdout + out.stderr


def test_a_signature_that_does_not_fit_is_still_sealed_sized_by_a_dry_run(settings, tmp_path, monkeypatch, caplog):
    """Should the bound ever be short (a signer's parts this module does not know), the seal is made the way
    pyHanko sizes it itself, and the log says so — never a refused issue."""
    settings.DATA_DIR = tmp_path
    agency = types.SimpleNamespace(code="space-short", name="测试市市场监督管理局")
    monkeypatch.setattr(signing, "signature_bytes_reserved", lambda *a, **k: 512)
    sealed = signing.PyHankoSigner().seal(blank_pdf(), agency=agency, reason="签发")
    assert seal_problem(sealed, signing.PyHankoSigner().certificate(agency)) == ""
    assert "sized by a dry run" in caplog.text
