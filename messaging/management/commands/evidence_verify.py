"""Check an evidence ZIP: its manifest's signature and every file's SHA-256.

    manage.py evidence_verify evidence.zip [--public-key key.pem]

Without --public-key the archive is checked against this installation's own signing key (the
one served at /evidence/public-key). Prints "verified" and exits 0 when intact; otherwise
prints one line per problem, naming the file and what is wrong, and exits 1.
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from messaging.evidence import signing
from messaging.evidence.verify import archive_verify


class Command(BaseCommand):
    help = "Check an evidence ZIP's signature and the SHA-256 of every file it holds."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path, help="The evidence ZIP to check.")
        parser.add_argument(
            "--public-key",
            type=Path,
            help="A PEM file of the public key to trust (default: this installation's key).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        archive: Path = options["archive"]
        if not archive.is_file():
            raise CommandError(f"{archive}: no such file")
        if options["public_key"] is not None:
            try:
                key = signing.public_key_from_pem(options["public_key"].read_bytes())
            except (OSError, ValueError) as error:
                raise CommandError(
                    f"{options['public_key']}: not an Ed25519 public key ({error})"
                ) from None
        elif signing.signing_available():
            key = signing.public_key()
        else:
            raise CommandError("No signing key is configured here: give --public-key.")
        report = archive_verify(archive, key)
        if report.is_intact:
            self.stdout.write(
                f"verified: the signature by {report.key_id} matches and all "
                f"{report.checked_files} files match the manifest"
            )
            return
        for problem in report.problems:
            self.stderr.write(problem)
        raise CommandError(f"NOT verified: {len(report.problems)} problem(s) found", returncode=1)
