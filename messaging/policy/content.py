"""The content policy as the send path applies it: the pure filter plus the marketplace settings."""

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
    findings = [finding.to_dict() for finding in verdict.findings]
    for index, text in enumerate(file_texts):
        if text:
            inner = policy.check(text, own_domains=own_domains)
            findings.extend(
                {**finding.to_dict(), "source": f"file_text:{index}"} for finding in inner.findings
            )
    return PolicyResult(findings=tuple(findings))


def findings_highlight(text: str, findings: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Split text into plain and flagged segments, for showing the sender what to change.

    A flagged segment names its finding's category (``flag``), English ``reason`` and the
    ``finding`` itself, for showing the reason in the reader's language.
    """
    spans = sorted(
        (
            f
            for f in findings
            if f.get("source", "body") == "body" and 0 <= f["start"] < f["end"] <= len(text)
        ),
        key=lambda f: (f["start"], f["end"], f["category"], f["reason"]),
    )
    segments: list[dict[str, Any]] = []
    position = 0
    for finding in spans:
        start, end = finding["start"], finding["end"]
        if end <= position:
            continue
        start = max(start, position)
        if start > position:
            segments.append({"text": text[position:start], "flag": None})
        segments.append(
            {
                "text": text[start:end],
                "flag": finding["category"],
                "reason": finding["reason"],
                "finding": finding,
            }
        )
        position = end
    if position < len(text):
        segments.append({"text": text[position:], "flag": None})
    return segments
