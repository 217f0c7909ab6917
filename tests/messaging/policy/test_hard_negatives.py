"""What must keep passing, whatever ordinary words surround it: prices, order and tracking
numbers, dates, times, measurements, the marketplace's own links and the file names phones
and messaging apps give photos."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from messaging.policy import check

_SENTENCE_WORDS = (
    "hi hello thanks the order arrived today it was paid total refund for my please check "
    "hola gracias el pedido llegó hoy pagué total reembolso por favor revisa mi the price "
    "was is and y o de la con sin about sobre when cuando yesterday ayer invoice factura"
)
_WORDS = _SENTENCE_WORDS.split()
_WORD = st.sampled_from(_WORDS)

_DIGITS = st.integers(0, 9).map(str)


def _number(low: int, high: int) -> st.SearchStrategy[str]:
    return st.integers(low, high).map(str)


_PRICE = st.one_of(
    st.builds(
        lambda a, b, c: f"US${a},{b:03d}.{c:02d}",
        _number(1, 99),
        st.integers(0, 999),
        st.integers(0, 99),
    ),
    st.builds(
        lambda a, b, c: f"${a},{b:03d}.{c:02d}",
        _number(1, 99),
        st.integers(0, 999),
        st.integers(0, 99),
    ),
    st.builds(
        lambda a, b, c: f"€{a}.{b:03d},{c:02d}",
        _number(1, 99),
        st.integers(0, 999),
        st.integers(0, 99),
    ),
    st.builds(
        lambda a, b, c: f"{a}.{b:03d},{c:02d} €",
        _number(1, 99),
        st.integers(0, 999),
        st.integers(0, 99),
    ),
    st.builds(lambda a, b: f"MXN {a},{b:03d}.00", _number(1, 999), st.integers(0, 999)),
    st.builds(lambda a, b: f"$ {a}.{b:03d} ARS", _number(1, 999), st.integers(0, 999)),
    st.builds(
        lambda a, b, c: f"COP {a}.{b:03d}.{c:03d}",
        _number(1, 99),
        st.integers(0, 999),
        st.integers(0, 999),
    ),
    st.builds(lambda a, b: f"CLP {a}.{b:03d}", _number(1, 999), st.integers(0, 999)),
    st.builds(lambda a, b: f"£{a},{b:03d}", _number(1, 99), st.integers(0, 999)),
    # currency codes and symbols before thousands and cents: "R$ 1.299,90", "CLP$ 1.299.990"
    st.builds(
        lambda symbol, a, b, c: f"{symbol} {a}.{b:03d},{c:02d}",
        st.sampled_from(["R$", "S/", "Bs.", "₡", "US$", "U$S"]),
        _number(1, 99),
        st.integers(0, 999),
        st.integers(0, 99),
    ),
    st.builds(
        lambda symbol, a, b, c: f"{symbol} {a}.{b:03d}.{c:03d}",
        st.sampled_from(["CLP$", "COP $", "$", "ARS", "₲"]),
        _number(1, 9),
        st.integers(0, 999),
        st.integers(0, 999),
    ),
    st.builds(
        lambda symbol, a, b, c: f"{symbol}{a},{b:03d}.{c:02d}",
        st.sampled_from(["MX$", "CA$", "AU$", "RD$", "US$"]),
        _number(1, 99),
        st.integers(0, 999),
        st.integers(0, 99),
    ),
)
_ORDER = st.builds(
    lambda a, b, c: f"{a:03d}-{b:07d}-{c:07d}",
    st.integers(100, 999),
    st.integers(0, 9_999_999),
    st.integers(0, 9_999_999),
)
_TRACKING = st.one_of(
    st.builds(
        lambda d: "1Z" + "".join(d),
        st.lists(st.sampled_from("0123456789ABCDEFX"), min_size=16, max_size=16),
    ),
    st.builds(
        lambda d: (
            "9400 "
            + " ".join(["".join(d[i : i + 4]) for i in range(0, 16, 4)])
            + " "
            + "".join(d[16:18])
        ),
        st.lists(_DIGITS, min_size=18, max_size=18),
    ),
    st.builds(lambda d: "PQ" + "".join(d) + "ES", st.lists(_DIGITS, min_size=9, max_size=9)),
)
_DATE_TIME = st.one_of(
    st.builds(
        lambda d, m, y: f"{d:02d}/{m:02d}/{y}",
        st.integers(1, 28),
        st.integers(1, 12),
        st.integers(2020, 2027),
    ),
    st.builds(
        lambda y, m, d: f"{y}-{m:02d}-{d:02d}",
        st.integers(2020, 2027),
        st.integers(1, 12),
        st.integers(1, 28),
    ),
    st.builds(
        lambda h, m, h2: f"{h}:{m:02d}–{h2}:00",
        st.integers(7, 12),
        st.integers(0, 59),
        st.integers(13, 20),
    ),
    st.builds(lambda h, m: f"{h}.{m:02d} h", st.integers(7, 20), st.integers(0, 59)),
)
_MEASURE = st.one_of(
    st.builds(lambda a, b: f"{a}x{b} cm", _number(10, 300), _number(10, 300)),
    st.builds(lambda a, b: f'{a}" x {b}"', _number(10, 99), _number(10, 99)),
    st.builds(lambda a: f"{a},5 mm", _number(1, 99)),
    st.builds(lambda a, b: f"{a}.{b} kg", _number(1, 99), _number(0, 9)),
)
_OWN_LINK = st.builds(
    lambda sub, path: f"https://{sub}marketplace.com/{path}",
    st.sampled_from(["", "www.", "help.", "sellercentral.", "ayuda."]),
    st.sampled_from(["orders/112-1234567-1234567", "returns", "pedidos/ayuda", "help/contact-us"]),
)
_PHOTO_NAME = st.one_of(
    st.builds(
        lambda y, m, d, t: f"IMG_{y}{m:02d}{d:02d}_{t:06d}.jpg",
        st.integers(2020, 2027),
        st.integers(1, 12),
        st.integers(1, 28),
        st.integers(0, 235959),
    ),
    st.builds(
        lambda y, m, d, t: (
            f"WhatsApp Image {y}-{m:02d}-{d:02d} at "
            f"{t // 10000:02d}.{t // 100 % 60:02d}.{t % 60:02d}.jpeg"
        ),
        st.integers(2020, 2027),
        st.integers(1, 12),
        st.integers(1, 28),
        st.integers(0, 235959),
    ),
    st.builds(
        lambda y, m, d, t: f"Screenshot_{y}{m:02d}{d:02d}-{t:06d}_WhatsApp.jpg",
        st.integers(2020, 2027),
        st.integers(1, 12),
        st.integers(1, 28),
        st.integers(0, 235959),
    ),
    st.builds(
        lambda y, m, d, n: f"IMG-{y}{m:02d}{d:02d}-WA{n:04d}.jpg",
        st.integers(2020, 2027),
        st.integers(1, 12),
        st.integers(1, 28),
        st.integers(0, 9999),
    ),
    # Facebook, Snapchat and Messenger name a file by the time in (milli)seconds since 1970;
    # Telegram by the photo's size and an id.
    st.builds(lambda t: f"FB_IMG_{t}.jpg", st.integers(1_500_000_000_000, 1_800_000_000_000)),
    st.builds(lambda t: f"Snapchat-{t}.jpg", st.integers(1_000_000_000, 9_999_999_999)),
    st.builds(
        lambda t: f"received_{t}.jpeg", st.integers(100_000_000_000_000, 9_999_999_999_999_999)
    ),
    st.builds(
        lambda size, t: f"telegram-cloud-photo-size-{size}-{t}-y.jpg",
        st.integers(1, 4),
        st.integers(10**18, 10**19 - 1),
    ),
    st.builds(
        lambda y, m, d, t: f"PXL_{y}{m:02d}{d:02d}_{t:09d}.jpg",
        st.integers(2020, 2027),
        st.integers(1, 12),
        st.integers(1, 28),
        st.integers(0, 235959999),
    ),
)


@st.composite
def _sentence(draw, items):
    words = draw(st.lists(_WORD, min_size=0, max_size=10))
    position = draw(st.integers(0, len(words)))
    item = draw(items)
    punctuation = draw(st.sampled_from(["", ".", ",", ")", "!"]))
    return " ".join([*words[:position], item + punctuation, *words[position:]])


@settings(max_examples=300, deadline=None)
@given(text=_sentence(st.one_of(_PRICE, _ORDER, _TRACKING, _DATE_TIME, _MEASURE, _OWN_LINK)))
def test_prices_identifiers_dates_measures_and_own_links_are_allowed(text):
    verdict = check(text)

    assert not verdict.is_blocked, (text, verdict.findings)


@settings(max_examples=200, deadline=None)
@given(name=_PHOTO_NAME, text=_sentence(st.sampled_from(["photo", "foto", "screenshot"])))
def test_file_names_phones_and_apps_give_photos_are_allowed(name, text):
    verdict = check(text, filenames=[name])

    assert not verdict.is_blocked, (name, verdict.findings)


# The confusable of each semantic frame: the buyer asking about an offer, their own review
# or settings, a device's manual, an app named only as something the writer uses.
FRAME_CONFUSABLES = [
    "Is there a discount if I order two of the lamps?",
    "Vi la oferta en la plataforma, ¿aplica tambien a este articulo?",
    "The collection page says new colours are coming, will the grey one be back in stock?",
    "Me quedo el precio con descuento en la factura, todo bien.",
    "Perdon por el retraso, te mando la segunda unidad esta semana sin coste.",
    "I'll update my rating once the replacement arrives.",
    "Lei las reseñas antes de comprar y por eso te elegi.",
    "The product page says 4.8 stars from 200 reviews, is that for this size?",
    "Le he dado 5 estrellas",
    "How do I turn off shipping notifications? I get five a day.",
    "Silencie las notificaciones sin querer, por eso tarde en contestar.",
    "El manual dice: para desactivar las alertas del dispositivo, mantenga pulsado el boton.",
    "Unsubscribe me from the restock alerts please.",
    "I use WhatsApp with my family, but I'd rather keep our chat here.",
    "Uso WhatsApp con mi familia, pero prefiero seguir por aqui.",
    "Se me cayo el WhatsApp toda la mañana, por eso contesto tarde aqui.",
    "My WhatsApp keeps crashing, so sorry if I answer late here.",
    "Do you have any more of the blue ones? Only 2 were left when I ordered.",
    "Mi hermana tiene WhatsApp pero yo solo uso este chat, perdona.",
    "¿Hacen descuento si hago otro pedido igual? Pregunto nada mas.",
    "Ya subi las estrellas a cinco, todo perfecto al final.",
    "My brother follows your shop on TikTok, that's how I found you.",
    "I saw your post on Instagram, is the green one this listing?",
    "El manual dice: para silenciar los avisos del termostato, pulse el boton dos veces.",
    "I'd like to cancel the order, can you refund me directly here?",
    "Quiero cancelar el pedido, ¿me devuelves el dinero directamente?",
    "The label says rated for less than 5 amps, is that enough for a fan?",
    "Can you send it to my address in Seattle, WA 98101?",
    "Do you have the green one in size M?",
    "The marketplace gave me a coupon for my next order, can I use it on this?",
    "Con el cupon de la app me salio mas barato, ¿igual llega con factura?",
    "Mi hermana compro en tus rebajas el año pasado y me lo recomendo.",
    "Gracias por el descuento de la otra vez, fue un detalle.",
    "Before you write anything, please check the size chart on the product page.",
    "No voy a publicar nada, tranquilo, solo manda el cambio.",
    "whats up, can you send the invoice?",
    "Is the mug cheaper this week or was that last week's price?",
    "I found it cheaper in the shop down the street but I prefer buying from you.",
    "Take a look at the photo, the matching lid doesn't fit.",
    "¿Tienes los pendientes a juego con el collar?",
    "The paper plane decoration arrived bent, can you send another?",
    "el avioncito de madera llego roto, ¿me mandas otro?",
]


@pytest.mark.parametrize(
    "message",
    [
        "10x10 cm order and",
        "the 2x2.5 m rug, order 4471",
        "US$1,000.01 order today check pedido price sin",
    ],
)
def test_a_measurement_or_a_bare_price_is_not_an_offer(message):
    assert check(message).verdict == "allow"


@pytest.mark.parametrize("message", FRAME_CONFUSABLES)
def test_the_confusables_of_the_semantic_frames_are_allowed(message):
    verdict = check(message)

    assert verdict.verdict == "allow", verdict.findings
