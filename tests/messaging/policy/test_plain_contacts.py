"""A plain contact detail is blocked whatever words surround it.

Random English and Spanish sentences, with a syntactically valid email address, a phone
number or a domain put anywhere in them and any punctuation next to it, are always blocked,
with a finding whose span holds the contact detail.
"""

from __future__ import annotations

import string

from hypothesis import example, given, settings
from hypothesis import strategies as st

from messaging.policy import check

_TEXT_EN = (
    "email me write to directly at personally anytime instead please reach out via or "
    "thanks a lot my address is the best way contact just send it here for the refund "
    "order arrived today hello hi regards cheers dot com mail call text number phone on "
    "it is ok sure questions about your size color package tracking soon later"
)
_TEXT_ES = (
    "escríbeme directamente a al mi correo es por favor gracias saludos hola el la los "
    "de en para pedido llegó hoy arroba punto mándame llámame número teléfono correo "
    "mejor forma contactar aquí cualquier cosa dudas talla color paquete envío atentamente"
)
_WORDS_EN = _TEXT_EN.split()
_WORDS_ES = _TEXT_ES.split()
_WORD = st.sampled_from(_WORDS_EN + _WORDS_ES)
# A word naming an identifier right before a national number makes it one ("tracking 07700
# 900123"); international numbers, bracketed area codes and the North American and Spanish
# mobile groupings are phone numbers even there (tested below).
_IDENTIFIER_WORDS = {"order", "tracking", "pedido", "paquete", "envío", "number", "número", "lot"}
_PHONE_WORD = st.sampled_from([w for w in _WORDS_EN + _WORDS_ES if w not in _IDENTIFIER_WORDS])
# What may touch a contact detail on either side: spaces, brackets, quotes, sentence marks.
_BEFORE = st.sampled_from([" ", " (", ' "', " «", " '", ": ", " ¿", " ¡", " [", "\n", " — "])
_AFTER = st.sampled_from([" ", ")", '"', "»", "'", ".", ",", ";", ":", "!", "?", "…", "]", "\n"])

_LOCAL_CHARACTERS = string.ascii_lowercase + string.digits
_LABEL = st.text(_LOCAL_CHARACTERS, min_size=2, max_size=12).filter(lambda s: s[0].isalpha())
_LOCAL = st.builds(
    lambda first, rest: first + rest,
    _LABEL,
    st.lists(
        st.tuples(st.sampled_from(".+_-"), st.text(_LOCAL_CHARACTERS, min_size=1, max_size=8)),
        max_size=2,
    ).map(lambda parts: "".join(separator + part for separator, part in parts)),
)
# Suffixes from the Public Suffix List that are not also English words or file types.
_SUFFIX = st.sampled_from(
    [
        "com",
        "net",
        "org",
        "es",
        "mx",
        "co",
        "io",
        "de",
        "fr",
        "it",
        "ar",
        "cl",
        "pe",
        "us",
        "ca",
        "co.uk",
        "com.ar",
        "com.mx",
        "com.co",
        "com.br",
        "shop",
        "store",
        "online",
        "site",
        "xyz",
        "info",
        "biz",
        "eu",
        "cat",
    ]
)
_PROVIDER = st.sampled_from(["gmail", "hotmail", "outlook", "yahoo", "icloud", "proton", "gmx"])
# Never the marketplace's own domain (check's default), which is allowed by design.
_DOMAIN = st.builds(lambda name, suffix: f"{name}.{suffix}", _LABEL | _PROVIDER, _SUFFIX).filter(
    lambda domain: domain != "marketplace.com"
)
_EMAIL = st.builds(lambda local, domain: f"{local}@{domain}", _LOCAL, _DOMAIN)
_URL = st.builds(
    lambda scheme, domain, path: f"{scheme}{domain}{path}",
    st.sampled_from(["", "", "www.", "https://", "http://www."]),
    _DOMAIN,
    st.sampled_from(["", "", "/", "/shop", "/p/123", "/?ref=a1"]),
)
# Numbers that phonenumbers holds valid in the marketplace's regions, in the shapes people
# type them.
_PHONE = st.sampled_from(
    [
        "+1 415 555 0132",
        "(415) 555-0132",
        "415-555-0132",
        "415.555.0132",
        "+34 612 345 678",
        "612 345 678",
        "612345678",
        "+52 55 1234 5678",
        "+44 7700 900123",
        "07700 900123",
        "+54 9 11 2345 6789",
        "+57 310 123 4567",
        "+56 9 6123 4567",
        "0034 612 34 56 78",
        "91 123 45 67",
    ]
)


def _sentence(draw, contact: str, word=_WORD) -> tuple[str, int]:
    words = draw(st.lists(word, min_size=0, max_size=12))
    position = draw(st.integers(0, len(words)))
    before = " ".join(words[:position])
    after = " ".join(words[position:])
    left = draw(_BEFORE) if before else draw(st.sampled_from(["", "(", '"', "¿"]))
    right = draw(_AFTER) if after else draw(st.sampled_from(["", ".", "!", ")", "?"]))
    text = f"{before}{left}{contact}{right}{' ' if after and right != ' ' else ''}{after}"
    return text, len(before) + len(left)


@st.composite
def _with(draw, contacts, word=_WORD):
    contact = draw(contacts)
    text, start = _sentence(draw, contact, word)
    return text, start, contact


def _assert_blocked_on(text: str, start: int, contact: str, category: str) -> None:
    """A finding of ``category`` spans the contact: exactly, or with the words that a
    disguise-reading joined to it ("write to shop dot a0.com" is read as "shop.a0.com")."""
    verdict = check(text)
    end = start + len(contact)
    spans = [(f.start, f.end) for f in verdict.findings if f.category == category]
    assert any(s <= start and end <= e for s, e in spans), (text, verdict.findings)


@settings(max_examples=400, deadline=None)
@given(case=_with(_EMAIL))
@example(case=("email me directly at bob@gmail.com", 21, "bob@gmail.com"))
@example(case=("write me directly at bob@gmail.com", 21, "bob@gmail.com"))
@example(case=("escríbeme directamente a bob@gmail.com", 25, "bob@gmail.com"))
# Letters and symbols in the local part that read as digits do not cut the address short.
@example(case=("o00.000+0@a0.com", 0, "o00.000+0@a0.com"))
@example(case=("a0@www.com", 0, "a0@www.com"))
def test_an_email_address_is_blocked_whatever_surrounds_it(case):
    _assert_blocked_on(*case, "email")


@settings(max_examples=300, deadline=None)
@given(case=_with(_URL))
def test_a_domain_or_link_is_blocked_whatever_surrounds_it(case):
    _assert_blocked_on(*case, "url")


@settings(max_examples=300, deadline=None)
@given(case=_with(_PHONE, _PHONE_WORD))
def test_a_phone_number_is_blocked_whatever_surrounds_it(case):
    _assert_blocked_on(*case, "phone")


_PHONE_SHAPED = st.sampled_from(
    ["+1 415 555 0132", "(415) 555-0132", "415-555-0132", "+34 612 345 678", "612 345 678"]
)


@settings(max_examples=200, deadline=None)
@given(case=_with(_PHONE_SHAPED))
def test_a_number_shaped_only_as_phones_are_is_blocked_even_after_an_identifier_word(case):
    _assert_blocked_on(*case, "phone")


def test_an_identifier_word_keeps_a_number_of_other_shapes_an_identifier():
    assert not check("Part # 612-345-678, tracking 1234567890.").is_blocked


@settings(max_examples=200, deadline=None)
@given(contact=_EMAIL | _URL, prefix=st.sampled_from(["", "scan_", "IMG "]))
def test_a_contact_detail_in_a_file_name_is_blocked(contact, prefix):
    verdict = check("Photos attached.", filenames=[f"{prefix}{contact}.pdf"])

    assert verdict.is_blocked
    assert {f.source for f in verdict.findings} == {"filename:0"}
