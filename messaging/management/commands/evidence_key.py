"""Show the public key that signs evidence exports, or make a new private key.

manage.py evidence_key              # the configured key's id and public PEM
manage.py evidence_key --generate   # a new EVIDENCE_SIGNING_KEY value, and its public PEM
"""

import base64
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management.base import BaseCommand, CommandError, CommandParser

from messaging.evidence import signing


class Command(BaseCommand):
    help = "Show the evidence signing key's public half, or generate a new private key."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--generate", action="store_true", help="Print a new EVIDENCE_SIGNING_KEY value."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["generate"]:
            private = Ed25519PrivateKey.generate()
            raw = private.private_bytes(
                serialization.Encoding.Raw,
                serialization.PrivateFormat.Raw,
                serialization.NoEncryption(),
            )
            self.stdout.write(f"EVIDENCE_SIGNING_KEY={base64.b64encode(raw).decode()}")
            key = private.public_key()
        elif signing.signing_available():
            key = signing.public_key()
        else:
            raise CommandError("EVIDENCE_SIGNING_KEY is not set (try --generate).")
        self.stdout.write(f"key id: {signing.key_id(key)}")
        self.stdout.write(signing.public_key_pem(key).rstrip())
