"""Content policy filter for buyer-seller messages (pure Python, no framework imports)."""

from .check import CATEGORIES, Finding, Verdict, check, split_attachment_lines

__all__ = ["CATEGORIES", "Finding", "Verdict", "check", "split_attachment_lines"]
