"""The content policy as the send path applies it: the pure filter plus the marketplace settings."""

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from messaging import policy


@dataclass(frozen=True)
class PolicyResult:
    """Everything the filter found in one message: its text, file names and file contents."""

    findings: tuple[dict[str, Any], ...]

    @property
    def is_blocked(self) -> bool:
        return bool(self.findings)

    @property
    def verdict(self) -> str:
        return "block" if self.findings else "allow"

    @property
    def categories(self) -> list[str]:
        return sorted({finding["category"] for finding in self.findings})

    def to_dict(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "categories": self.categories,
            "findings": list(self.findings),
        }


def content_policy_check(
    *, body: str, filenames: Sequence[str] = (), file_texts: Sequence[str] = ()
) -> PolicyResult:
    """Check a message's body, the names of its files and the text read from its files."""
    own_domains = tuple(settings.MARKETPLACE_DOMAINS)
    verdict = policy.check(body, filenames=tuple(filenames), own_domains=own_domains)
    findings = [dataclasses.asdict(finding) for finding in verdict.findings]
    for index, text in enumerate(file_texts):
        if text:
            inner = policy.check(text, own_domains=own_domains)
            findings.extend(
                {**dataclasses.asdict(finding), "source": f"file_text:{index}"}
                for finding in inner.findings
            )
    return PolicyResult(findings=tuple(findings))


def findings_highlight(text: str, findings: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Split text into plain and flagged segments, for showing the sender what to change."""
    spans = sorted(
        (f["start"], f["end"], f["category"], f["reason"])
        for f in findings
        if f.get("source", "body") == "body" and 0 <= f["start"] < f["end"] <= len(text)
    )
    segments: list[dict[str, Any]] = []
    position = 0
    for start, end, category, reason in spans:
        if end <= position:
            continue
        start = max(start, position)
        if start > position:
            segments.append({"text": text[position:start], "flag": None})
        segments.append({"text": text[start:end], "flag": category, "reason": reason})
        position = end
    if position < len(text):
        segments.append({"text": text[position:], "flag": None})
    return segments
