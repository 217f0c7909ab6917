"""The Ed25519 key that signs evidence manifests, and the signed links that download exports.

Ed25519 rather than an HMAC: the public key is published (``/evidence/public-key``), so a
payment processor or an arbitrator checks an export without holding any secret of ours, and
nobody who can check a signature can make one.
"""

import base64
import hashlib
import hmac
import time
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core import signing

from core.errors import ApplicationError

ALGORITHM = "Ed25519"
_DOWNLOAD_SALT = "messaging.evidence.download"


class EvidenceUnavailable(ApplicationError):
    """No signing key is configured (production without EVIDENCE_SIGNING_KEY)."""

    status = 503

    def __init__(self) -> None:
        super().__init__(
            "evidence_unavailable",
            "Evidence exports are not available: no signing key is configured.",
        )


def signing_available() -> bool:
    """Whether exports can be signed here (a key is configured, or derived in DEBUG)."""
    return bool(settings.EVIDENCE_SIGNING_KEY)


def _private_key() -> Ed25519PrivateKey:
    seed = settings.EVIDENCE_SIGNING_KEY
    if not seed:
        raise EvidenceUnavailable()
    return Ed25519PrivateKey.from_private_bytes(seed)


def public_key() -> Ed25519PublicKey:
    """The public half of the configured signing key."""
    return _private_key().public_key()


def key_id(key: Ed25519PublicKey) -> str:
    """A short, stable name of a public key: the start of the SHA-256 of its raw bytes."""
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "ed25519:" + hashlib.sha256(raw).hexdigest()[:16]


def public_key_pem(key: Ed25519PublicKey | None = None) -> str:
    """A public key as PEM (SubjectPublicKeyInfo), what ``/evidence/public-key`` serves."""
    key = key or public_key()
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def public_key_from_pem(pem: bytes) -> Ed25519PublicKey:
    """Read an Ed25519 public key from PEM; ValueError if it is not one."""
    key = serialization.load_pem_public_key(pem)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return key


@dataclass(frozen=True)
class Signature:
    key_id: str
    signature: str  # base64

    def as_json(self) -> dict[str, str]:
        return {"algorithm": ALGORITHM, "key_id": self.key_id, "signature": self.signature}


def sign(data: bytes) -> Signature:
    """Sign bytes with the configured key."""
    private = _private_key()
    return Signature(
        key_id=key_id(private.public_key()),
        signature=base64.b64encode(private.sign(data)).decode(),
    )


def signature_matches(key: Ed25519PublicKey, data: bytes, signature: str) -> bool:
    """Whether ``signature`` (base64) is ``key``'s signature of exactly ``data``."""
    try:
        key.verify(base64.b64decode(signature, validate=True), data)
    except (InvalidSignature, ValueError):
        return False
    return True


# --- Download links ---------------------------------------------------------------------------
def _link_value(export_id: int, user_id: int, expires: int) -> str:
    return f"{export_id}:{user_id}:{expires}"


def download_query(*, export_id: int, user_id: int, now: float | None = None) -> dict[str, str]:
    """The query of a download link for this requester, valid for a few minutes."""
    expires = int(now if now is not None else time.time()) + settings.EVIDENCE_DOWNLOAD_URL_SECONDS
    signature = signing.Signer(salt=_DOWNLOAD_SALT).signature(
        _link_value(export_id, user_id, expires)
    )
    return {"expires": str(expires), "signature": signature}


def download_link_state(
    *, export_id: int, user_id: int, expires: str, signature: str, now: float | None = None
) -> str:
    """``valid``, ``expired`` (signed for this requester, but too old), or ``invalid``."""
    try:
        expires_at = int(expires)
    except ValueError:
        return "invalid"
    expected = signing.Signer(salt=_DOWNLOAD_SALT).signature(
        _link_value(export_id, user_id, expires_at)
    )
    if not hmac.compare_digest(expected.encode(), signature.encode()):
        return "invalid"
    return "valid" if (now if now is not None else time.time()) < expires_at else "expired"
