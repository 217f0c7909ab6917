"""Every reason the content policy gives: a stable code, its parameters and its English text.

A finding carries its reason's code and parameters; the English sentence stored and returned
next to them is made from this table, so the two cannot disagree. The Django side
(messaging/policy/reasons.py) shows the same codes in the reader's language.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

# Code -> English reason. "{detail}" is what was found: a link's host, an app or a network.
REASONS: dict[str, str] = {
    # contact details
    "email_address": "Email address",
    "webmail_user_name": "Email address given as a user name",
    "phone_number": "Phone number",
    "phone_number_in_letters": "Phone number spelled with letters",
    "external_link": "Link to an external site ({detail})",
    "shortened_link": "Shortened link ({detail})",
    "cloud_storage_link": "Cloud storage link ({detail})",
    "link_to_messaging_app": "Link to a messaging app ({detail})",
    "messaging_app_link": "Messaging app link ({detail})",
    "link_to_social_media": "Link to a social media site ({detail})",
    "social_media_profile_link": "Social media profile link ({detail})",
    "messaging_app_named": "Messaging app named as a contact ({detail})",
    "messaging_app_username": "Messaging app username",
    "social_media_account": "Social media account ({detail})",
    "social_media_handle": "Social media handle",
    # requests for contact details
    "asks_for_email": "Asks for an email address",
    "asks_for_phone": "Asks for a phone number",
    "asks_for_messaging_app": "Asks for a messaging app contact",
    "asks_for_social_media": "Asks for a social media account",
    "asks_for_link": "Asks for a website or link",
    # marketing
    "coupon_code": "Offers a coupon or discount code",
    "future_order_discount": "Offers a discount on a future order",
    "promotes_sale": "Promotes a sale",
    "multi_buy_offer": "Offers a multi-buy deal",
    "new_collection": "Announces a new collection or launch",
    "scarcity_push": "Pushes to buy before stock runs out",
    "newsletter": "Invites to a newsletter or mailing list",
    "referral_credit": "Offers a referral credit",
    "loyalty_programme": "Promotes a loyalty programme",
    "upsell": "Upsells another product",
    "other_products": "Promotes other products",
    "repeat_purchase_or_gift": "Promotes a repeat purchase or a free gift",
    "sale_outside_marketplace": "Offers a sale outside the marketplace",
    "asks_for_home_address": "Asks for a home address to ship outside the marketplace",
    "own_shop": "Sends the buyer to the seller's own shop",
    "social_media_for_offers": "Promotes the seller's social media for offers",
    "cheaper_if_cancelled": "Offers a cheaper sale if the order is cancelled",
    "payment_outside_marketplace": "Asks for payment outside the marketplace",
    # review manipulation
    "review_incentive": "Offers something in return for a review",
    "asks_for_positive_review": "Asks for a positive or 5-star review",
    "review_gating": "Steers unhappy buyers away from leaving a review",
    "asks_to_change_review": "Asks the buyer to change or remove a review",
    "rating_pressure": "Pressures the buyer about what a low rating does to the seller",
    # found by the statistical second pass (model.py) where no rule did
    "reads_as_marketing": "Reads as marketing",
    "reads_as_review_manipulation": "Reads as an attempt to influence a review",
    "reads_as_opt_out": "Reads as asking the buyer to leave the marketplace's messages",
    # opt-out instructions
    "reply_stop": "Tells the buyer to reply STOP to opt out",
    "unsubscribe": "Tells the buyer how to unsubscribe",
    "switch_off_messages": "Tells the buyer to switch off marketplace messages",
    "reply_to_stop_messages": "Tells the buyer to reply to stop receiving messages",
}


# Disguise code -> how a contact detail was disguised, in English.
DISGUISES: dict[str, str] = {
    "invisible_characters": "invisible characters",
    "look_alike_characters": "look-alike or full-width characters",
    "at_dot_written_out": "'at'/'dot' written out or bracketed",
    "digits_as_words": "digits written as words",
    "spaced_out": "spaced-out characters",
    "split_letters": "letters split by dots or dashes",
    "reversed": "text written backwards",
}


def english_reason(code: str, detail: str = "", disguises: Sequence[str] = ()) -> str:
    """Return the English reason for a code, what was found and how it was disguised."""
    text = REASONS[code].format(detail=detail)
    if disguises:
        text = f"{text}, disguised with {' and '.join(DISGUISES[name] for name in disguises)}"
    return text


def reason_params(detail: str = "", disguises: Sequence[str] = ()) -> dict[str, Any]:
    """Return a finding's parameters: only those it has."""
    params: dict[str, Any] = {}
    if detail:
        params["detail"] = detail
    if disguises:
        params["disguises"] = list(disguises)
    return params
