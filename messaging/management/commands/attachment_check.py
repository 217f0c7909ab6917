"""Check files by hand exactly as a message carrying them would be checked; store nothing."""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from messaging.attachments.checks import CheckedFile, IncomingFile, check_attachments
from messaging.policy.content import content_policy_check


class Command(BaseCommand):
    help = (
        "Run the attachment checks and the content policy over FILE... as if they were sent in "
        "one message (optionally with --body). Prints one JSON line per file "
        '{"file", "verdict", "type", "reason"} and a last line {"message", "reason"}. '
        "Nothing is stored."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument("--body", default="", help="the message text sent with the files")

    def handle(self, *args: Any, **options: Any) -> None:
        paths = [Path(name) for name in options["files"]]
        for path in paths:
            if not path.is_file():
                raise CommandError(f"{path}: no such file")
        body: str = options["body"]
        handles = [path.open("rb") for path in paths]
        try:
            check = check_attachments(
                [
                    IncomingFile(name=path.name, data=handle)
                    for path, handle in zip(paths, handles, strict=True)
                ],
                body=body,
            )
        finally:
            for handle in handles:
                handle.close()

        accepted = iter(check.accepted)
        rejected = {rejection.index: rejection for rejection in check.rejections}
        problems = 0
        for index, path in enumerate(paths):
            line: dict[str, Any] = {"file": str(path)}
            if index in rejected:
                problems += 1
                line.update(verdict="reject", type=None, reason=rejected[index].reason)
                line["code"] = rejected[index].code
            else:
                checked: CheckedFile = next(accepted)
                policy = content_policy_check(
                    body="", filenames=[checked.display_name], file_texts=[checked.extracted_text]
                )
                line["type"] = checked.content_type
                if policy.is_blocked:
                    problems += 1
                    finding = policy.findings[0]
                    where = (
                        "the file name"
                        if finding["source"].startswith("filename")
                        else "the file's text"
                    )
                    line.update(
                        verdict="reject",
                        code="policy_violation",
                        reason=f"{finding['reason']} (in {where})",
                    )
                else:
                    line.update(verdict="accept", reason=None)
            ordered = {key: line.get(key) for key in ("file", "verdict", "type", "reason")}
            if "code" in line:
                ordered["code"] = line["code"]
            self.stdout.write(json.dumps(ordered, ensure_ascii=False))

        body_policy = content_policy_check(body=body) if body.strip() else None
        summary: dict[str, str | None]
        if check.message_error is not None:
            error = check.message_error
            summary = {"message": "reject", "reason": f"{error.code}: {error.reason}"}
        elif problems:
            plural = "file is" if problems == 1 else "files are"
            summary = {"message": "reject", "reason": f"{problems} {plural} refused"}
        elif body_policy is not None and body_policy.is_blocked:
            reasons = "; ".join(finding["reason"] for finding in body_policy.findings)
            summary = {"message": "reject", "reason": f"the text breaks the policy: {reasons}"}
        else:
            summary = {"message": "accept", "reason": None}
        self.stdout.write(json.dumps(summary, ensure_ascii=False))
