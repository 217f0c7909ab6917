"""Placeholders of saved replies: which ones exist, and filling them in for one conversation.

A placeholder is a name in braces, ``{buyer_name}``. ``{{`` and ``}}`` stand for a literal
brace (so ``{{buyer_name}}`` shows as ``{buyer_name}``), and braces around anything that is not
a name (``{ }``, ``{1}``, ``:-}``) are kept as written.
"""

import re
from collections.abc import Mapping

from django.utils.translation import gettext as _

from messaging.models import Thread, ThreadKind
from messaging.policy.reasons import blocked_explanation

PLACEHOLDERS: tuple[str, ...] = ("buyer_name", "order_number", "item")


# A doubled brace, or a name (a letter or "_" first, then letters, digits or "_") in braces.
_TOKEN = re.compile(r"\{\{|\}\}|\{([^\W\d]\w*)\}")


def policy_refusal_message(categories: list[str]) -> str:
    """Say what the content policy found in a saved reply, in words."""
    return blocked_explanation(categories, where="saved_reply")


def placeholders_used(body: str) -> list[str]:
    """The placeholder names in a body, each once, in the order they first appear."""
    names: list[str] = []
    for match in _TOKEN.finditer(body):
        name = match.group(1)
        if name is not None and name not in names:
            names.append(name)
    return names


def placeholders_unknown(body: str) -> list[str]:
    """The names in braces that are not placeholders, each once, in order of appearance."""
    return [name for name in placeholders_used(body) if name not in PLACEHOLDERS]


def unknown_placeholders_message(unknown: list[str]) -> str:
    """Explain which placeholders do not exist and which ones do."""
    named = ", ".join("{" + name + "}" for name in unknown)
    known = ", ".join("{" + name + "}" for name in PLACEHOLDERS)
    if len(unknown) == 1:
        problem = _("Unknown placeholder %(names)s.") % {"names": named}
    else:
        problem = _("Unknown placeholders %(names)s.") % {"names": named}
    return (
        problem
        + " "
        + _("You can use %(known)s. To show braces as they are, double them: {{ and }}.")
        % {"known": known}
    )


def expand(body: str, values: Mapping[str, str]) -> str:
    """Fill the placeholders of ``body`` in with ``values`` and undouble doubled braces.

    A name without a value (saved before a placeholder was removed) is kept as written.
    """

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name is None:  # a doubled brace
            return match.group(0)[0]
        return values.get(name, match.group(0))

    return _TOKEN.sub(replace, body)


def thread_placeholder_values(thread: Thread) -> dict[str, str]:
    """The value of every placeholder in one conversation.

    ``{item}`` is the first item of the order, or the product asked about; a pre-order
    question has no order number, so ``{order_number}`` is empty there.
    """
    order_number = ""
    item = ""
    if thread.kind == ThreadKind.ORDER and thread.order is not None:
        order_number = thread.order.number
        item = thread.order.items.order_by("id").values_list("title", flat=True).first() or ""
    elif thread.product is not None:
        item = thread.product.title
    return {
        "buyer_name": thread.buyer.display_name,
        "order_number": order_number,
        "item": item,
    }
