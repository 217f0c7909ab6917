"""Write staff's policy feedback as labelled corpus lines, for review before joining the corpus."""

import contextlib
import json
from datetime import date, datetime, time
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from messaging.models import FeedbackKind
from messaging.moderation.selectors import policy_feedback_corpus_list


def _since(value: str) -> datetime:
    """A date (midnight in the site's time zone) or an ISO date-time."""
    try:
        moment = parse_datetime(value)
        if moment is None:
            moment = datetime.combine(date.fromisoformat(value), time())
    except ValueError:
        raise CommandError(f"--since: {value!r} is not a date (YYYY-MM-DD) or date-time") from None
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


class Command(BaseCommand):
    help = (
        "Write the messages staff labelled false positive or missed violation as JSON lines "
        "{id, lang, text, expected, categories, tags} in the policy corpus's format, by id."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", help="file to write (default: standard output)")
        parser.add_argument(
            "--since", help="only labels made from this date (YYYY-MM-DD) or date-time on"
        )
        parser.add_argument(
            "--kind",
            action="append",
            choices=FeedbackKind.values,
            help="only this kind of label (repeat for both; default: both)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        since = _since(options["since"]) if options["since"] else None
        lines = policy_feedback_corpus_list(since=since, kinds=options["kind"] or ())
        with contextlib.ExitStack() as stack:
            target: TextIO | Any = (
                stack.enter_context(open(options["output"], "w", encoding="utf-8"))
                if options["output"]
                else self.stdout
            )
            for line in lines:
                target.write(json.dumps(line, ensure_ascii=False) + "\n")
        if options["output"]:
            self.stderr.write(f"{len(lines)} line(s) written to {options['output']}.")
