"""The content policy's reasons in the reader's language.

The policy package is pure Python and explains each finding in English (stored that way with
the message, so moderators and the API see the same words). Pages, and the check-as-you-type
API, show the reason translated through this table; a reason not listed is shown as it is.
"""

import re

from django.utils.functional import Promise
from django.utils.text import get_text_list
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

_REASONS: dict[str, Promise] = {
    "Asks for a home address to ship outside the marketplace": _(
        "Asks for a home address to ship outside the marketplace"
    ),
    "Asks for a messaging app contact": _("Asks for a messaging app contact"),
    "Asks for a phone number": _("Asks for a phone number"),
    "Asks for a positive or 5-star review": _("Asks for a positive or 5-star review"),
    "Asks for a social media account": _("Asks for a social media account"),
    "Asks for a website or link": _("Asks for a website or link"),
    "Asks for an email address": _("Asks for an email address"),
    "Asks for payment outside the marketplace": _("Asks for payment outside the marketplace"),
    "Asks the buyer to change or remove a review": _("Asks the buyer to change or remove a review"),
    "Email address": _("Email address"),
    "Email address given as a user name": _("Email address given as a user name"),
    "Invites to a newsletter or mailing list": _("Invites to a newsletter or mailing list"),
    "Messaging app username": _("Messaging app username"),
    "Offers a cheaper sale if the order is cancelled": _(
        "Offers a cheaper sale if the order is cancelled"
    ),
    "Offers a coupon or discount code": _("Offers a coupon or discount code"),
    "Offers a discount on a future order": _("Offers a discount on a future order"),
    "Offers a referral credit": _("Offers a referral credit"),
    "Offers a sale outside the marketplace": _("Offers a sale outside the marketplace"),
    "Offers something in return for a review": _("Offers something in return for a review"),
    "Phone number": _("Phone number"),
    "Phone number spelled with letters": _("Phone number spelled with letters"),
    "Promotes a loyalty programme": _("Promotes a loyalty programme"),
    "Promotes a repeat purchase or a free gift": _("Promotes a repeat purchase or a free gift"),
    "Promotes a sale": _("Promotes a sale"),
    "Promotes other products": _("Promotes other products"),
    "Promotes the seller's social media for offers": _(
        "Promotes the seller's social media for offers"
    ),
    "Sends the buyer to the seller's own shop": _("Sends the buyer to the seller's own shop"),
    "Social media handle": _("Social media handle"),
    "Steers unhappy buyers away from leaving a review": _(
        "Steers unhappy buyers away from leaving a review"
    ),
    "Tells the buyer how to unsubscribe": _("Tells the buyer how to unsubscribe"),
    "Tells the buyer to reply STOP to opt out": _("Tells the buyer to reply STOP to opt out"),
    "Tells the buyer to reply to stop receiving messages": _(
        "Tells the buyer to reply to stop receiving messages"
    ),
    "Tells the buyer to switch off marketplace messages": _(
        "Tells the buyer to switch off marketplace messages"
    ),
    "Upsells another product": _("Upsells another product"),
}


# Reasons that name what was found in brackets: a web host or an app's name.
_WITH_DETAIL: dict[str, Promise] = {
    "Cloud storage link": _("Cloud storage link (%(detail)s)"),
    "Link to a messaging app": _("Link to a messaging app (%(detail)s)"),
    "Link to a social media site": _("Link to a social media site (%(detail)s)"),
    "Link to an external site": _("Link to an external site (%(detail)s)"),
    "Messaging app link": _("Messaging app link (%(detail)s)"),
    "Messaging app named as a contact": _("Messaging app named as a contact (%(detail)s)"),
    "Shortened link": _("Shortened link (%(detail)s)"),
    "Social media account": _("Social media account (%(detail)s)"),
    "Social media profile link": _("Social media profile link (%(detail)s)"),
}


_DISGUISES: dict[str, Promise] = {
    "invisible characters": _("invisible characters"),
    "look-alike or full-width characters": _("look-alike or full-width characters"),
    "'at'/'dot' written out or bracketed": _("'at'/'dot' written out or bracketed"),
    "digits written as words": _("digits written as words"),
    "spaced-out characters": _("spaced-out characters"),
    "letters split by dots or dashes": _("letters split by dots or dashes"),
}


_DISGUISED_WITH = ", disguised with "


_DETAIL = re.compile(r"^(?P<base>.+?) \((?P<detail>[^()]+)\)$")


def _base_display(base: str) -> str:
    if base in _REASONS:
        return str(_REASONS[base])
    match = _DETAIL.match(base)
    if match and match["base"] in _WITH_DETAIL:
        return str(_WITH_DETAIL[match["base"]]) % {"detail": match["detail"]}
    return base


def reason_display(reason: str) -> str:
    """Return a policy finding's reason in the active language."""
    base, found, notes = reason.partition(_DISGUISED_WITH)
    text = _base_display(base)
    if not found:
        return text
    disguises = [str(_DISGUISES.get(note, note)) for note in notes.split(" and ")]
    return gettext("%(reason)s, disguised with %(disguises)s") % {
        "reason": text,
        "disguises": get_text_list(disguises, gettext("and")),
    }


def findings_display(findings: list[dict]) -> list[dict]:
    """Copy findings with each reason in the active language."""
    return [{**finding, "reason": reason_display(finding["reason"])} for finding in findings]
