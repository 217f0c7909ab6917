"""The content policy's reasons in the reader's language.

The pure policy package gives each finding a stable code with parameters (codes.py) and the
same reason in English, stored with the message so moderators and the API see the same words.
Pages, emails and the check-as-you-type API show the code through these tables.
"""

from collections.abc import Mapping, Sequence
from typing import Any, Literal

from django.utils.functional import Promise
from django.utils.text import get_text_list
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# Every code of codes.REASONS; "%(detail)s" is what was found (a host, an app, a network).
REASON_LABELS: dict[str, Promise] = {
    "email_address": _("Email address"),
    "webmail_user_name": _("Email address given as a user name"),
    "phone_number": _("Phone number"),
    "phone_number_in_letters": _("Phone number spelled with letters"),
    "external_link": _("Link to an external site (%(detail)s)"),
    "shortened_link": _("Shortened link (%(detail)s)"),
    "cloud_storage_link": _("Cloud storage link (%(detail)s)"),
    "link_to_messaging_app": _("Link to a messaging app (%(detail)s)"),
    "messaging_app_link": _("Messaging app link (%(detail)s)"),
    "link_to_social_media": _("Link to a social media site (%(detail)s)"),
    "social_media_profile_link": _("Social media profile link (%(detail)s)"),
    "messaging_app_named": _("Messaging app named as a contact (%(detail)s)"),
    "messaging_app_username": _("Messaging app username"),
    "social_media_account": _("Social media account (%(detail)s)"),
    "social_media_handle": _("Social media handle"),
    "asks_for_email": _("Asks for an email address"),
    "asks_for_phone": _("Asks for a phone number"),
    "asks_for_messaging_app": _("Asks for a messaging app contact"),
    "asks_for_social_media": _("Asks for a social media account"),
    "asks_for_link": _("Asks for a website or link"),
    "coupon_code": _("Offers a coupon or discount code"),
    "future_order_discount": _("Offers a discount on a future order"),
    "promotes_sale": _("Promotes a sale"),
    "multi_buy_offer": _("Offers a multi-buy deal"),
    "new_collection": _("Announces a new collection or launch"),
    "scarcity_push": _("Pushes to buy before stock runs out"),
    "newsletter": _("Invites to a newsletter or mailing list"),
    "referral_credit": _("Offers a referral credit"),
    "loyalty_programme": _("Promotes a loyalty programme"),
    "upsell": _("Upsells another product"),
    "other_products": _("Promotes other products"),
    "repeat_purchase_or_gift": _("Promotes a repeat purchase or a free gift"),
    "sale_outside_marketplace": _("Offers a sale outside the marketplace"),
    "asks_for_home_address": _("Asks for a home address to ship outside the marketplace"),
    "own_shop": _("Sends the buyer to the seller's own shop"),
    "social_media_for_offers": _("Promotes the seller's social media for offers"),
    "cheaper_if_cancelled": _("Offers a cheaper sale if the order is cancelled"),
    "payment_outside_marketplace": _("Asks for payment outside the marketplace"),
    "review_incentive": _("Offers something in return for a review"),
    "asks_for_positive_review": _("Asks for a positive or 5-star review"),
    "review_gating": _("Steers unhappy buyers away from leaving a review"),
    "asks_to_change_review": _("Asks the buyer to change or remove a review"),
    "rating_pressure": _("Pressures the buyer about what a low rating does to the seller"),
    "reads_as_marketing": _("Reads as marketing"),
    "reads_as_review_manipulation": _("Reads as an attempt to influence a review"),
    "reads_as_opt_out": _("Reads as asking the buyer to leave the marketplace's messages"),
    "reply_stop": _("Tells the buyer to reply STOP to opt out"),
    "unsubscribe": _("Tells the buyer how to unsubscribe"),
    "switch_off_messages": _("Tells the buyer to switch off marketplace messages"),
    "reply_to_stop_messages": _("Tells the buyer to reply to stop receiving messages"),
}


# Every code of codes.DISGUISES.
DISGUISE_LABELS: dict[str, Promise] = {
    "invisible_characters": _("invisible characters"),
    "look_alike_characters": _("look-alike or full-width characters"),
    "at_dot_written_out": _("'at'/'dot' written out or bracketed"),
    "digits_as_words": _("digits written as words"),
    "spaced_out": _("spaced-out characters"),
    "split_letters": _("letters split by dots or dashes"),
    "reversed": _("text written backwards"),
}


# What each category of policy.CATEGORIES is called when a message is refused for it.
CATEGORY_LABELS: dict[str, Promise] = {
    "email": _("an email address"),
    "phone": _("a phone number"),
    "url": _("a link to another website"),
    "social_handle": _("a social media account"),
    "messaging_app": _("a messaging app contact"),
    "marketing": _("marketing"),
    "review_manipulation": _("a review request that is not neutral"),
    "opt_out": _("opt-out instructions"),
}


# The sentence telling a sender why the policy stopped their text, for each place it is said.
_BLOCKED: dict[str, Promise] = {
    "page": _(
        "Your message was not sent: it contains %(found)s, which the messaging policy "
        "does not allow. Change the highlighted text and send it again."
    ),
    "email": _(
        "Your message was not delivered: it contains %(found)s, which the messaging policy "
        "does not allow. Remove it and send your reply again."
    ),
    "saved_reply": _(
        "The saved reply was not saved: it contains %(found)s, which the messaging policy "
        "does not allow. Change the highlighted text and save it again."
    ),
}


def blocked_explanation(
    categories: Sequence[str], *, where: Literal["page", "email", "saved_reply"]
) -> str:
    """Say which categories the policy found, in the active language, for a page or an email."""
    found = ", ".join(str(CATEGORY_LABELS.get(c, c)) for c in categories)
    return str(_BLOCKED[where]) % {"found": found or gettext("content")}


def blocked_reason(categories: Sequence[str]) -> str:
    """Say in one short line, in the active language, what got a message blocked."""
    if not categories:
        # Blocked before findings had categories (or by hand): nothing more to name.
        return gettext("Breaks the messaging policy")
    found = get_text_list([str(CATEGORY_LABELS.get(c, c)) for c in categories], gettext("and"))
    return gettext("Contains %(found)s") % {"found": found}


def reason_display(finding: Mapping[str, Any]) -> str:
    """Return a policy finding's reason in the active language."""
    code = finding.get("code")
    params = finding.get("params") or {}
    disguises = params.get("disguises", [])
    if code not in REASON_LABELS or not set(disguises) <= DISGUISE_LABELS.keys():
        # Findings stored before reasons had codes carry only their English sentence, shown
        # as stored; this is the one fallback, with no parsing of the English.
        return str(finding["reason"])
    text = str(REASON_LABELS[code])
    if "detail" in params:
        text = text % {"detail": params["detail"]}
    if not disguises:
        return text
    return gettext("%(reason)s, disguised with %(disguises)s") % {
        "reason": text,
        "disguises": get_text_list(
            [str(DISGUISE_LABELS[name]) for name in disguises], gettext("and")
        ),
    }


def findings_display(findings: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Copy findings with each reason in the active language."""
    return [{**finding, "reason": reason_display(finding)} for finding in findings]
