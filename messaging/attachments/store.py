"""The storing half of attachments: check an upload as a message would, write checked files.

`attachments.py` decides what is safe; this module turns its verdict into the one error the
send path raises, and writes accepted files (plus image thumbnails) to private storage under
server-generated keys. Files written for a transaction that then fails are deleted again, so a
refused or failed send leaves nothing behind.
"""

import io
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image

from core.errors import ApplicationError
from core.metrics import ATTACHMENTS_REFUSED
from messaging.attachments.checks import (
    MAX_FILES,
    MAX_MESSAGE_BYTES,
    AttachmentCheck,
    CheckedFile,
    IncomingFile,
    check_attachments,
)
from messaging.models import Attachment, Message, attachment_key

THUMBNAIL_SIZE = (320, 320)


ATTACHMENT_RULES = (
    f"Up to {MAX_FILES} files, at most {MAX_MESSAGE_BYTES // (1024 * 1024)} MB for the whole "
    "message: .txt, .pdf, .jpg, .gif, .png, .doc, .docx."
)


@dataclass(frozen=True)
class StagedFiles:
    """Checked files of one message, in upload order, and the storage keys written for them."""

    files: tuple[CheckedFile, ...]
    written: list[str] = field(default_factory=list)

    @property
    def names(self) -> list[str]:
        return [file.display_name for file in self.files]

    @property
    def texts(self) -> list[str]:
        return [file.extracted_text for file in self.files]


def _rejection_error(check: AttachmentCheck) -> ApplicationError:
    # Each refused file with its refusal code and English reason, and the reason code and
    # parameters that pages show in the reader's language (attachments/reasons.py).
    files = [
        {
            "index": r.index,
            "name": r.name,
            "code": r.code,
            "reason": r.reason,
            "reason_code": r.reason_code,
            "params": dict(r.params),
        }
        for r in check.rejections
    ]
    messages = [f"{r.name}: {r.reason}" for r in check.rejections]
    if check.message_error is not None:
        code = check.message_error.code
        sentence = check.message_error.reason
        detail = sentence[:1].upper() + sentence[1:]
        messages.insert(0, detail)
    else:
        code = "attachment_rejected"
        count = len(check.rejections)
        detail = (
            "One file cannot be sent; nothing was sent."
            if count == 1
            else f"{count} files cannot be sent; nothing was sent."
        )
    return ApplicationError(code, detail, fields={"files": messages}, extra={"files": files})


def _stage(*, files: Sequence[IncomingFile], body: str) -> StagedFiles:
    if not files:
        return StagedFiles(files=())
    check = check_attachments(files, body=body)
    if not check.ok:
        reasons = [rejection.reason_code for rejection in check.rejections]
        # Too large in all, with every file fine by itself: counted once, for the message.
        if check.message_error is not None and check.message_error.code not in reasons:
            reasons.append(check.message_error.code)
        for reason in reasons:
            ATTACHMENTS_REFUSED.labels(reason=reason).inc()
        raise _rejection_error(check)
    return StagedFiles(files=check.accepted)


@contextmanager
def files_staged(*, files: Sequence[IncomingFile], body: str) -> Iterator[StagedFiles]:
    """Check every file of a message, then run the block that stores it.

    Every send goes through here: the files are checked first, outside any transaction (one
    refused file raises one error naming each refused file and why, and nothing is stored);
    a block that then fails deletes every file ``store_files`` wrote for it, so a refused or
    failed send leaves nothing behind.
    """
    staged = _stage(files=files, body=body)
    try:
        yield staged
    except BaseException:
        for key in staged.written:
            default_storage.delete(key)
        raise


def _thumbnail(file: CheckedFile) -> tuple[bytes, int, int] | None:
    if not file.content_type.startswith("image/"):
        return None
    with Image.open(io.BytesIO(file.content)) as image:
        width, height = image.size
        image.seek(0)
        still = image.convert("RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB")
    still.thumbnail(THUMBNAIL_SIZE)
    out = io.BytesIO()
    if file.content_type == "image/jpeg":
        still.convert("RGB").save(out, format="JPEG", quality=82)
    else:
        still.save(out, format="PNG", optimize=True)
    return out.getvalue(), width, height


def store_files(*, message: Message, staged: StagedFiles) -> list[Attachment]:
    """Write each checked file (and an image's thumbnail) and record it on the message.

    Inside ``files_staged``: the keys written are kept on ``staged`` for its cleanup.
    """
    rows = []
    for position, file in enumerate(staged.files):
        key = default_storage.save(
            attachment_key(None, file.display_name), ContentFile(file.content)
        )
        staged.written.append(key)
        thumbnail_key = ""
        width = height = None
        thumb = _thumbnail(file)
        if thumb is not None:
            data, width, height = thumb
            suffix = "thumb.png" if data.startswith(b"\x89PNG") else "thumb.jpg"
            thumbnail_key = default_storage.save(attachment_key(None, suffix), ContentFile(data))
            staged.written.append(thumbnail_key)
        rows.append(
            Attachment(
                message=message,
                position=position,
                file=key,
                thumbnail=thumbnail_key,
                name=file.display_name,
                content_type=file.content_type,
                size=file.size,
                sha256=file.sha256,
                width=width,
                height=height,
                created_at=message.created_at,
            )
        )
    return Attachment.objects.bulk_create(rows)
