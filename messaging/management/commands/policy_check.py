"""Run the content policy over JSON lines: {"id": ..., "text": ...} in, one verdict per line out."""

import contextlib
import json
import sys
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError, CommandParser

from messaging.policy import split_attachment_lines
from messaging.policy.content import content_policy_check


class Command(BaseCommand):
    help = (
        "Check messages against the content policy. Reads JSON lines {id, text} (trailing "
        "'[attachment: NAME]' lines are attachment names) and writes one verdict per line."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--input", help="JSON lines file (default: standard input)")
        parser.add_argument("--output", help="where to write verdicts (default: standard output)")

    def handle(self, *args: Any, **options: Any) -> None:
        with contextlib.ExitStack() as stack:
            source: TextIO = (
                stack.enter_context(open(options["input"], encoding="utf-8"))
                if options["input"]
                else sys.stdin
            )
            target: Any = (
                stack.enter_context(open(options["output"], "w", encoding="utf-8"))
                if options["output"]
                else self.stdout
            )
            self._run(source, target)

    def _run(self, source: TextIO, target: Any) -> None:
        for number, line in enumerate(source, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                text = record["text"]
                if not isinstance(text, str):
                    raise TypeError
            except (json.JSONDecodeError, KeyError, TypeError) as error:
                raise CommandError(
                    f"line {number}: expected a JSON object with a string 'text'"
                ) from error
            body, filenames = split_attachment_lines(text)
            result = content_policy_check(body=body, filenames=filenames)
            findings = [
                {key: finding[key] for key in ("category", "start", "end", "reason")}
                for finding in result.findings
            ]
            out = {
                "id": record.get("id"),
                "verdict": result.verdict,
                "categories": result.categories,
                "findings": findings,
            }
            target.write(json.dumps(out, ensure_ascii=False) + "\n")
