"""Check an evidence ZIP: the manifest's signature, then every file against the manifest.

Each problem is one line naming the file and what is wrong with it, so a person can see
exactly what was altered: a file whose bytes changed, one listed but missing, one added, a
manifest edited after it was signed.
"""

import hashlib
import json
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from messaging.evidence import signing
from messaging.evidence.archive import MANIFEST, SIGNATURE

_CHUNK = 1024 * 1024


@dataclass
class Report:
    problems: list[str] = field(default_factory=list)
    checked_files: int = 0
    key_id: str = ""

    @property
    def is_intact(self) -> bool:
        return not self.problems


def _hash(member: IO[bytes]) -> str:
    digest = hashlib.sha256()
    while chunk := member.read(_CHUNK):
        digest.update(chunk)
    return digest.hexdigest()


def _read_signature(archive: zipfile.ZipFile, report: Report) -> dict | None:
    try:
        data = json.loads(archive.read(SIGNATURE))
    except KeyError:
        report.problems.append(f"{SIGNATURE}: missing from the archive (the manifest is unsigned)")
        return None
    except (ValueError, zipfile.BadZipFile, zlib.error):
        report.problems.append(f"{SIGNATURE}: not a readable signature")
        return None
    if not isinstance(data, dict) or data.get("algorithm") != signing.ALGORITHM:
        report.problems.append(f"{SIGNATURE}: not an {signing.ALGORITHM} signature")
        return None
    return data


def archive_verify(path: Path | IO[bytes], key: Ed25519PublicKey) -> Report:
    """Check an evidence ZIP against a trusted public key; list every problem found."""
    report = Report(key_id=signing.key_id(key))
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        report.problems.append(f"the file is not a readable ZIP archive ({error})")
        return report
    with archive:
        names = [info.filename for info in archive.infolist()]
        for name in sorted({n for n in names if names.count(n) > 1}):
            report.problems.append(f"{name}: appears {names.count(name)} times in the archive")
        try:
            manifest_bytes = archive.read(MANIFEST)
        except KeyError:
            report.problems.append(f"{MANIFEST}: missing from the archive")
            return report
        except (zipfile.BadZipFile, zlib.error):
            report.problems.append(f"{MANIFEST}: damaged in the archive (its bytes were changed)")
            return report
        signature = _read_signature(archive, report)
        if signature is not None:
            if signature.get("key_id") != report.key_id:
                report.problems.append(
                    f"{SIGNATURE}: signed by key {signature.get('key_id')}, not by the trusted "
                    f"key {report.key_id}"
                )
            elif not signing.signature_matches(
                key, manifest_bytes, str(signature.get("signature", ""))
            ):
                report.problems.append(f"{MANIFEST}: signature does not match")
        try:
            manifest = json.loads(manifest_bytes)
            listed = {entry["path"]: entry for entry in manifest["files"]}
        except (ValueError, KeyError, TypeError):
            report.problems.append(f"{MANIFEST}: not a manifest (no list of files)")
            return report
        present = set(names)
        for name, entry in listed.items():
            if name not in present:
                report.problems.append(
                    f"{name}: listed in the manifest but missing from the archive"
                )
                continue
            try:
                with archive.open(name) as member:
                    sha256 = _hash(member)
            except (zipfile.BadZipFile, zlib.error):
                # The archive's own checksum fails: its bytes were changed in place.
                report.problems.append(f"{name}: SHA-256 differs from the manifest")
                continue
            report.checked_files += 1
            if sha256 != entry.get("sha256"):
                report.problems.append(f"{name}: SHA-256 differs from the manifest")
        for name in sorted(present - set(listed) - {MANIFEST, SIGNATURE}):
            if not name.endswith("/"):
                report.problems.append(f"{name}: in the archive but not in the manifest")
    return report
