"""Disguises closed in the second pass: letters split by dots or dashes, hundreds and
thousands in number words, accounts named with a platform cue, messaging-app nicknames,
soft upsells, requests for a website, and the nearby ordinary messages that must pass."""

import pytest

from messaging.policy import check
from messaging.policy.normalize import normalize

BLOCKED: list[tuple[str, str]] = [
    # letters split by dots, dashes or spaces
    ("email", "r.o.s.a @ y.a.h.o.o . c.o.m"),
    ("email", "j-o-h-n at g-m-a-i-l dot c-o-m"),
    ("email", "email me r.o.s.a at y.a.h.o.o dot c.o.m"),
    ("email", "r . o . s . a @ g m a i l . c o m"),
    ("email", "escríbeme a p.e.d.r.o arroba h.o.t.m.a.i.l punto e.s"),
    ("email", "m-a-r-i-a.l-o-p-e-z@gmail.com"),
    ("url", "c a s a v e r d e . c o m"),
    ("url", "c.a.s.a.v.e.r.d.e.com"),
    ("url", "visit c-a-s-a-v-e-r-d-e dot com"),
    ("url", "visita t.i.e.n.d.a.s.o.l punto c.o.m"),
    # hundreds and thousands in number words
    ("phone", "seiscientos doce trescientos cuarenta y cinco seiscientos setenta y ocho"),
    (
        "phone",
        "llámame al novecientos doce trescientos cuarenta y cinco seiscientos setenta y ocho",
    ),
    (
        "phone",
        "mi número es seis uno dos, trescientos cuarenta y cinco, seiscientas setenta y ocho",
    ),
    ("phone", "six hundred twelve, three hundred forty five, sixty seven eighty nine"),
    ("phone", "call six hundred and twelve, three hundred forty-five, sixty-seven eighty-nine"),
    ("phone", "call me: four one five, five hundred fifty five, zero one three two"),
    ("phone", "six one two, 345 sixty-seven 89"),
    ("phone", "text 415 five hundred fifty five 0132"),
    # accounts named with a platform cue
    ("social_handle", "search casaverde on instagram"),
    ("social_handle", "IG casaverde"),
    ("social_handle", "Instagram casaverde_home."),
    ("social_handle", "find the shop on FB: casaverde"),
    ("social_handle", "tiktok @casaverde"),
    ("social_handle", "búscanos en insta como casaverde"),
    ("social_handle", "busca casaverde en insta"),
    ("social_handle", "look up Casa Verde Home on Facebook"),
    ("social_handle", "we are on instagram as casaverde_home"),
    ("social_handle", "you can also search casaverde_home on tiktok"),
    ("social_handle", "Thanks! IG: casa.verde.home"),
    # messaging-app nicknames
    ("messaging_app", "escríbeme al wasa"),
    ("messaging_app", "escríbeme al guasap"),
    ("messaging_app", "escríbeme al wasap"),
    ("messaging_app", "escríbeme al whats"),
    ("messaging_app", "escríbeme al wsp"),
    ("messaging_app", "escríbeme al wpp"),
    ("messaging_app", "mándame un wasa"),
    ("messaging_app", "hablamos por whats mejor"),
    ("messaging_app", "text me on whats"),
    ("messaging_app", "my whats is +34 612 345 678"),
    ("messaging_app", "whats: 612345678"),
    # soft upsells and other marketing
    ("marketing", "want me to add a matching pillow for $10?"),
    ("marketing", "Want me to add a matching pillow for just 10 more?"),
    ("marketing", "Would you like to add a second cover to your order?"),
    ("marketing", "Add a matching pillow for only $10!"),
    ("marketing", "A matching pillow is available for $10, just let me know"),
    ("marketing", "¿Quieres que te añada un cojín a juego por 10€?"),
    ("marketing", "Can I interest you in our premium line?"),
    ("marketing", "We also sell matching pillowcases"),
    ("marketing", "También vendemos fundas a juego"),
    ("marketing", "check out our other products"),
    ("marketing", "see our other listings"),
    ("marketing", "have a look at the rest of our catalog"),
    ("marketing", "Nuestros otros productos también te encantarán"),
    ("marketing", "use code SAVE10 on your next order"),
    ("marketing", "Enter SAVE10 at checkout"),
    ("marketing", "Usa VERANO15 en tu próxima compra"),
    ("marketing", "Save 15% on your next purchase"),
    ("marketing", "follow our store for deals"),
    ("marketing", "Follow our shop to get notified of new arrivals"),
    ("marketing", "Follow us and never miss a sale"),
    ("marketing", "Síguenos para enterarte de las ofertas"),
    # categories POLICY.md names that had no test: a request for a website, % off for a review
    ("url", "Do you have a website?"),
    ("url", "What's your website?"),
    ("url", "¿Tienes página web?"),
    ("url", "¿Cuál es tu web?"),
    ("url", "can you send me a link to your store?"),
    ("url", "¿Me pasas el enlace a tu tienda?"),
    ("review_manipulation", "Get 20% off if you leave a review"),
    ("review_manipulation", "We'll pay you $5 for a review"),
    ("messaging_app", "my WeChat ID: casaverde88"),
    ("messaging_app", "Line ID: casaverde"),
]

ALLOWED: list[str] = [
    # abbreviations and model numbers with dots or dashes
    "Made in the U.S.A. e.g. the blue one",
    "See you at 5 p.m. or 9 a.m. tomorrow",
    "Casa Verde S.L. invoice attached",
    "Model A-B-C-1-2-3 works fine",
    "the U.S.A. dot com bubble",
    "i.e. the smaller; a.k.a. the mini",
    "size X-L or X.X.L please",
    "Wi-Fi 6, the A.B.C. brand",
    "my PC is a H.P. and it's at home",
    "Version 1.2.3.4 of the firmware",
    "IP 192.168.1.10 on the router",
    # prices, quantities and dates in number words
    "it cost two hundred dollars",
    "I need six hundred units by March twenty first",
    "twenty twenty five was a great year, two thousand twenty four too",
    "dos mil veinticuatro fue mejor que dos mil veintitrés",
    "it was one thousand two hundred forty nine dollars",
    "quinientos euros por trescientas unidades",
    "mil gracias por todo",
    "we shipped five hundred boxes and three hundred forty bags on may twenty two",
    "Diez, veinte, treinta unidades",
    "a thousand and one nights, one two three",
    # platforms in ordinary prose
    "I saw it on Instagram",
    "the Instagram ad was misleading",
    "I saw your IG story",
    "I posted it on my IG story",
    "my IG story has the photo",
    "Instagram is great",
    "I searched for it on Instagram",
    "Did you find it on Facebook?",
    "I found the same lamp on Instagram",
    "IG story.",
    "Facebook crashed.",
    "Instagram, TikTok and others",
    "I use Instagram as inspiration",
    # Wasa crispbread and "whats"
    "I love Wasa crispbread",
    "The Wasa crispbread arrived crushed, can you send another box?",
    "compré pan Wasa y llegó roto",
    "los Wasa llegaron rotos",
    "Depends on whats in the box",
    "I don't know whats wrong",
    "whats the status of my order?",
    "send me a wasa pack",
    # order talk next to upsells
    "I can send a replacement pillow at no cost",
    "the matching cover is included",
    "Would you like me to add a note to your order?",
    "I can send the missing screws for free",
    "We can send a new one, it's free",
    "Do you want me to send a replacement for the broken one?",
    "I'd like to add a pillow to my order for $10",
    "Can I add a matching pillow for $10?",
    "I checked out your other products too",
    "The matching cover is sold separately on the listing",
    "Use the code on the label at the drop-off",
    "Use the QR code at the drop-off point",
    "Enter 1234 at the door",
    "Use PayPal at checkout",
    "I follow your store already",
    "we also have it in blue if you prefer",
    "Our other warehouse shipped it",
    "I follow the instructions for the sale item",
    "I got 20% off at checkout and I'll leave a review",
    # websites and POLICY.md allowances without a test so far
    "Is the manual on your website?",
    "I saw it on the marketplace website",
    "Do you have a web cam version?",
    "I never use WhatsApp, reply here",
    "UPC 012345678905 on the label",
    "Case 12345678 is open",
    "The prepaid label says return to 500 Logistics Way, Reno NV 89501",
]


@pytest.mark.parametrize(("category", "text"), BLOCKED)
def test_second_pass_disguise_is_blocked_for_its_category(category, text):
    assert category in check(text).categories


@pytest.mark.parametrize("text", ALLOWED)
def test_second_pass_look_alike_ordinary_message_is_allowed(text):
    assert check(text).findings == ()


def _found(text: str) -> list[tuple[str, str]]:
    return [(f.category, text[f.start : f.end]) for f in check(text).findings]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("seiscientos doce", "612"),
        ("novecientos", "900"),
        ("six hundred and twelve", "612"),
        ("three hundred forty-five", "345"),
        ("dos mil veinticuatro", "2024"),
        ("one thousand two hundred forty nine", "1249"),
        ("cien mil ciento uno", "100101"),
    ],
)
def test_number_words_with_hundreds_and_thousands_read_as_their_value(text, expected):
    # A run is rewritten only when it is long enough to be a phone number.
    assert normalize(f"{text}, 1234567").text == f"{expected} 1234567"


def test_split_letter_email_spans_the_whole_address():
    text = "write me: j-o-h-n at g-m-a-i-l dot c-o-m thanks"

    assert _found(text) == [("email", "j-o-h-n at g-m-a-i-l dot c-o-m")]
    assert "letters split by dots or dashes" in check(text).findings[0].reason


def test_number_with_hundreds_spans_the_words():
    text = "llámame al seiscientos doce trescientos cuarenta y cinco seiscientos setenta y ocho"

    assert _found(text) == [
        ("phone", "seiscientos doce trescientos cuarenta y cinco seiscientos setenta y ocho")
    ]


def test_messaging_app_nickname_is_reported_as_whatsapp():
    (finding,) = check("escríbeme al wasa").findings

    assert finding.category == "messaging_app"
    assert "WhatsApp" in finding.reason
