"""The evidence ZIP: the attachments, the transcript, and a signed manifest of both.

Layout::

    attachments/<id>-<name>   the original files, byte for byte as stored
    transcript.pdf            the PDF transcript
    manifest.json             every file with its size and SHA-256, every message as data and,
                              in the seller's team's export only, its internal notes
    manifest.sig              {"algorithm": "Ed25519", "key_id", "signature"} of manifest.json

The archive is written to a temporary file and each attachment is copied from storage in
chunks, hashed on the way: memory stays flat whatever the files weigh. Files that are already
compressed (images, PDF, Office documents) are stored as they are; text is deflated.
"""

import hashlib
import json
import zipfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.urls import reverse

from messaging.evidence import signing
from messaging.evidence.content import Evidence, FileEntry

FORMAT = "message-center-evidence/1"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
TRANSCRIPT = "transcript.pdf"
CHUNK = 1024 * 1024
_DEFLATED_TYPES = ("text/",)


def _zip_info(path: str, moment: datetime, *, deflate: bool) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(path, date_time=moment.timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED if deflate else zipfile.ZIP_STORED
    info.external_attr = 0o644 << 16
    return info


def _copy(source: IO[bytes], target: IO[bytes], on_chunk: Callable[[int], None]) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    while chunk := source.read(CHUNK):
        digest.update(chunk)
        target.write(chunk)
        size += len(chunk)
        on_chunk(len(chunk))
    return size, digest.hexdigest()


def attachments_write(
    archive: zipfile.ZipFile,
    files: list[FileEntry],
    *,
    moment: datetime,
    on_bytes: Callable[[int], None],
) -> list[dict[str, Any]]:
    """Copy each attachment from storage into the archive; fill in its hash. Return the listing.

    A file missing from storage is marked missing (the transcript and manifest say so) rather
    than failing the export: the rest is still evidence.
    """
    listed = []
    for file in files:
        deflate = file.content_type.startswith(_DEFLATED_TYPES)
        try:
            source = default_storage.open(file.storage_name, "rb")
        except (FileNotFoundError, OSError):
            file.missing = True
            continue
        with source, archive.open(_zip_info(file.path, moment, deflate=deflate), "w") as target:
            size, sha256 = _copy(source, target, on_bytes)
        file.sha256 = sha256
        listed.append({"path": file.path, "size": size, "sha256": sha256})
    return listed


def file_write(
    archive: zipfile.ZipFile, path: str, source: Path, *, moment: datetime
) -> dict[str, Any]:
    """Copy a local file into the archive; return its listing."""
    with (
        source.open("rb") as handle,
        archive.open(_zip_info(path, moment, deflate=False), "w") as target,
    ):
        size, sha256 = _copy(handle, target, lambda _n: None)
    return {"path": path, "size": size, "sha256": sha256}


def manifest_build(
    evidence: Evidence, files: list[dict[str, Any]], *, generated_at: datetime, key_id: str
) -> bytes:
    """The manifest's exact bytes (what the signature covers)."""
    export = evidence.export
    thread = evidence.thread
    order = evidence.order
    manifest = {
        "format": FORMAT,
        "export": {
            "id": export.pk,
            "scope": export.scope,
            "language": export.language,
            "requested_by": {
                "id": evidence.reader.pk,
                "role": evidence.reader_role,
                "name": evidence.reader.public_name,
            },
            "requested_at": export.created_at.isoformat(),
            "generated_at": generated_at.isoformat(),
        },
        "thread": {
            "id": thread.pk,
            "kind": thread.kind,
            "topic": thread.topic,
            "created_at": thread.created_at.isoformat(),
            "buyer": {"id": thread.buyer_id, "name": thread.buyer.display_name},
            "seller": {"id": thread.seller_id, "name": thread.seller.public_name},
            "product": (
                {"id": thread.product_id, "title": thread.product.title}
                if thread.product is not None
                else None
            ),
        },
        "order": (
            {
                "number": order.number,
                "status": order.status,
                "placed_at": order.placed_at.isoformat(),
                "shipped_at": order.shipped_at.isoformat() if order.shipped_at else None,
                "delivered_at": order.delivered_at.isoformat() if order.delivered_at else None,
                "completed_at": order.completed_at.isoformat() if order.completed_at else None,
                "total": str(order.total),
                "currency": order.currency,
                "items": [
                    {
                        "title": item.title,
                        "quantity": item.quantity,
                        "unit_price": str(item.unit_price),
                    }
                    for item in order.items.all()
                ],
            }
            if order is not None
            else None
        ),
        "messages": [message.as_json() for message in evidence.messages],
        # The team's own export only: the key is absent from the buyer's and staff's.
        **(
            {"internal_notes": [note.as_json() for note in evidence.notes]}
            if evidence.notes is not None
            else {}
        ),
        "files": files,
        "signing": {
            "algorithm": signing.ALGORITHM,
            "key_id": key_id,
            "public_key_url": settings.SITE_URL.rstrip("/") + reverse("evidence-public-key"),
            "signature_file": SIGNATURE,
        },
    }
    return json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=False).encode()


def manifest_write(archive: zipfile.ZipFile, manifest: bytes, *, moment: datetime) -> None:
    """Add the manifest and its detached signature to the archive."""
    archive.writestr(_zip_info(MANIFEST, moment, deflate=True), manifest)
    signature = signing.sign(manifest).as_json()
    archive.writestr(
        _zip_info(SIGNATURE, moment, deflate=False), json.dumps(signature, indent=2).encode()
    )
