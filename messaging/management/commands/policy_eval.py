"""Measure the content policy on labelled corpora: precision, recall, false positives, misses."""

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from messaging.policy.evaluation import (
    CorpusError,
    CorpusRow,
    corpus_parse,
    evaluate,
    policy_verdicts,
    report_render,
)


class Command(BaseCommand):
    help = (
        "Run the content policy over labelled JSON lines {id, lang, text, expected, categories, "
        "tags} and report precision, recall and false-positive rate overall, per category, per "
        "language and per tag, with the lines it got wrong."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("corpora", nargs="+", metavar="CORPUS.jsonl")
        parser.add_argument(
            "--misses",
            type=int,
            default=20,
            metavar="N",
            help="list at most N false negatives and N false positives (default 20; 0: none)",
        )
        parser.add_argument("--format", choices=["text", "markdown", "json"], default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["misses"] < 0:
            raise CommandError("--misses must be 0 or more")
        rows: list[CorpusRow] = []
        seen: dict[str, str] = {}
        for name in options["corpora"]:
            try:
                with Path(name).open(encoding="utf-8") as corpus:
                    rows += corpus_parse(corpus, source=name, seen=seen)
            except OSError as error:
                raise CommandError(f"{name}: {error.strerror}") from error
            except UnicodeDecodeError as error:
                raise CommandError(f"{name}: not UTF-8 ({error.reason})") from error
            except CorpusError as error:
                raise CommandError(str(error)) from error
        verdicts = policy_verdicts(rows, own_domains=settings.MARKETPLACE_DOMAINS)
        report = evaluate(rows, verdicts, misses_limit=options["misses"])
        if options["format"] == "json":
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
            return
        title = f"Content policy on {', '.join(options['corpora'])}"
        self.stdout.write(
            report_render(report, title=title, markdown=options["format"] == "markdown"),
            ending="",
        )
