"""`manage.py evidence_verify`: an intact export passes; any alteration names what changed."""

import base64
import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import call_command
from django.core.management.base import CommandError

from messaging.evidence import signing
from tests.messaging.evidence.helpers import conversation, participant_export, zip_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def evidence_zip(tmp_path) -> tuple[Path, dict]:
    conv = conversation()
    export = participant_export(conv, conv.seller)
    path = tmp_path / "evidence.zip"
    path.write_bytes(zip_bytes(export))
    photo = conv.buyer_first.attachments.get()
    return path, {"photo": f"attachments/{photo.pk}-broken mug.png"}


def verify(path: Path, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("evidence_verify", str(path), *args, stdout=out, stderr=err)
    except CommandError as error:
        return error.returncode, out.getvalue(), err.getvalue() + str(error)
    return 0, out.getvalue(), err.getvalue()


def rewrite(path: Path, *, change=None, drop=(), add=None) -> None:
    """Write the archive again with members changed, dropped or added (a plausible forgery)."""
    with zipfile.ZipFile(path) as original:
        members = [(info, original.read(info.filename)) for info in original.infolist()]
    with zipfile.ZipFile(path, "w") as forged:
        for info, data in members:
            if info.filename in drop:
                continue
            if change and info.filename in change:
                data = change[info.filename](data)
            forged.writestr(info, data)
        for name, data in (add or {}).items():
            forged.writestr(name, data)


def test_an_intact_export_is_verified(evidence_zip):
    path, _names = evidence_zip

    code, out, err = verify(path)

    assert code == 0, err
    assert out.startswith("verified: the signature by ed25519:")
    assert "all 3 files match the manifest" in out


def test_an_intact_export_is_verified_with_the_published_public_key(evidence_zip, client, tmp_path):
    path, _names = evidence_zip
    pem = client.get("/evidence/public-key")
    key_file = tmp_path / "key.pem"
    key_file.write_bytes(pem.content)

    code, out, _err = verify(path, "--public-key", str(key_file))

    assert pem.status_code == 200
    assert pem["X-Evidence-Key-Id"] == signing.key_id(signing.public_key())
    assert code == 0
    assert "verified" in out


def test_a_byte_changed_in_an_attachment_is_named(evidence_zip):
    path, names = evidence_zip
    data = bytearray(path.read_bytes())
    # The photo is stored uncompressed: find its bytes in the archive and flip one.
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(names["photo"])
        photo = archive.read(info)
    at = bytes(data).index(photo) + len(photo) // 2
    data[at] ^= 0x01
    path.write_bytes(bytes(data))

    code, _out, err = verify(path)

    assert code == 1
    assert f"{names['photo']}: SHA-256 differs from the manifest" in err
    assert "signature does not match" not in err


def test_an_attachment_replaced_in_a_rebuilt_archive_is_named(evidence_zip):
    path, names = evidence_zip
    rewrite(path, change={names["photo"]: lambda data: data[:-1] + bytes([data[-1] ^ 1])})

    code, _out, err = verify(path)

    assert code == 1
    assert err.splitlines()[0] == f"{names['photo']}: SHA-256 differs from the manifest"


def test_an_edited_manifest_fails_its_signature(evidence_zip):
    path, _names = evidence_zip

    def edit(data: bytes) -> bytes:
        manifest = json.loads(data)
        manifest["messages"][0]["body"] = "The mug arrived fine."
        return json.dumps(manifest, ensure_ascii=False, indent=2).encode()

    rewrite(path, change={"manifest.json": edit})

    code, _out, err = verify(path)

    assert code == 1
    assert "manifest.json: signature does not match" in err
    assert "NOT verified: 1 problem(s) found" in err


def test_a_removed_file_is_named(evidence_zip):
    path, names = evidence_zip
    rewrite(path, drop={names["photo"]})

    code, _out, err = verify(path)

    assert code == 1
    assert f"{names['photo']}: listed in the manifest but missing from the archive" in err


def test_an_added_file_is_named(evidence_zip):
    path, _names = evidence_zip
    rewrite(path, add={"attachments/extra.txt": b"I paid in cash"})

    code, _out, err = verify(path)

    assert code == 1
    assert "attachments/extra.txt: in the archive but not in the manifest" in err


def test_a_manifest_signed_by_another_key_is_refused(evidence_zip):
    path, _names = evidence_zip
    forger = Ed25519PrivateKey.generate()
    with zipfile.ZipFile(path) as archive:
        manifest = archive.read("manifest.json")

    def resign(data: bytes) -> bytes:
        return json.dumps(
            {
                "algorithm": "Ed25519",
                "key_id": signing.key_id(forger.public_key()),
                "signature": base64.b64encode(forger.sign(manifest)).decode(),
            }
        ).encode()

    rewrite(path, change={"manifest.sig": resign})

    code, _out, err = verify(path)

    assert code == 1
    assert f"not by the trusted key {signing.key_id(signing.public_key())}" in err


def test_a_missing_signature_is_named(evidence_zip):
    path, _names = evidence_zip
    rewrite(path, drop={"manifest.sig"})

    code, _out, err = verify(path)

    assert code == 1
    assert "manifest.sig: missing from the archive (the manifest is unsigned)" in err


def test_the_manage_command_exits_non_zero_on_a_tampered_archive(evidence_zip):
    path, names = evidence_zip
    rewrite(path, drop={names["photo"]})

    result = subprocess.run(
        [sys.executable, "manage.py", "evidence_verify", str(path)],
        cwd=Path(__file__).resolve().parents[3],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "DEBUG": "1"},
    )

    assert result.returncode == 1
    assert f"{names['photo']}: listed in the manifest but missing from the archive" in result.stderr
    assert result.stdout == ""
