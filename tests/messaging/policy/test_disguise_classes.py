"""The disguise classes the filter reads through, in English and Spanish, each with the span
it reports, and the reports of what someone else sent that must stay allowed."""

import pytest

from messaging.policy import check

BLOCKED: list[tuple[str, str, str]] = [
    # (category, message, the text the finding spans)
    # written backwards, the whole or word by word
    ("email", "Read it backwards: moc.liamtoh@zeralav.oin", "moc.liamtoh@zeralav.oin"),
    ("email", "léelo al revés: se.kooltuo@onrut.oiram", "se.kooltuo@onrut.oiram"),
    ("phone", "call me, flip it: 2310 555 514 1+", "2310 555 514 1"),
    ("url", "the guide is at moc.sdoogetsap/sedaig, backwards", "moc.sdoogetsap"),
    ("email", "cada palabra al revés: oiram.zeuqsav arroba liamg punto moc", None),
    ("social_handle", "our IG reversed: gnivil.aznep@", "gnivil.aznep@"),
    # digits joined by symbols, letters for digits
    ("phone", "ring 646*555*0198 after six", "646*555*0198"),
    ("phone", "llámame al 633^420^118", "633^420^118"),
    ("phone", "whatsapp 6|5|2|3|3|0|1|9|8", "6|5|2|3|3|0|1|9|8"),
    ("phone", "mi cel: 3OO 4S1 22B7", "3OO 4S1 22B7"),
    # dictated in parts
    (
        "phone",
        "Call me: it starts with 646, then 555, and ends in 0198.",
        "646, then 555, and ends in 0198",
    ),
    (
        "phone",
        "Llámame, empieza por 633, luego 420 y termina en 118.",
        "633, luego 420 y termina en 118",
    ),
    ("phone", "ring two one two, triple five, zero one nine eight", None),
    ("phone", "plus thirty-four six three three, four two zero, one one eight", None),
    # domains without their dot
    ("url", "the manual is on pastagoods com, page two", "pastagoods com"),
    ("url", "fotos en bit ly barra 8kPq2", "bit ly barra 8kPq2"),
    ("url", "todo está en pastagoods punto es barra ofertas", "pastagoods punto es barra ofertas"),
    ("email", "mail me at nora_at_proton_dot_me", "nora_at_proton_dot_me"),
    ("email", "escríbeme a nora.v@hotmail es", "nora.v@hotmail es"),
    ("url", "tienda⚫com⚫mx tiene el catálogo", "tienda⚫com⚫mx"),
    ("email", "write to {orders}{@}{pastagoods}{.}{shop}", None),
    ("url", "the manual is at pastagoods — just add .de at the end", "pastagoods — just add .de"),
    ("url", "búscanos como pastagoods, termina en .mx", "pastagoods, termina en .mx"),
    # a user name with its mail provider
    ("email", "I'm nora.vidal88 on gmail", "nora.vidal88 on gmail"),
    ("email", "búscame en outlook como nora_vidal", "outlook como nora_vidal"),
    # app names disguised and ids after them
    ("messaging_app", "S!gnal: nora_vidal.88", "S!gnal: nora_vidal.88"),
    ("messaging_app", "mi Line es nora_v88", "Line es nora_v88"),
    ("social_handle", "add me on sc, nora_v88", "sc, nora_v88"),
    # handles in file names
    ("social_handle", "", "filename"),
    # marketing with no link
    ("marketing", "¡3x2 en velas aromáticas este finde!", None),
    ("marketing", "Buy two cushions and the third one is on us.", None),
    ("marketing", "Black Friday starts early in our shop: 30% off everything.", None),
    ("marketing", "Acabamos de lanzar la colección de invierno.", None),
    ("marketing", "Only 2 left, grab yours before they're gone!", None),
    ("marketing", "You'd love our matching napkins too.", None),
    ("marketing", "Si vuelves a comprar este mes te hacemos un 15 % de descuento.", None),
    ("marketing", "La próxima vez pídemelo directamente a mí, sin pasar por la app.", None),
    # review manipulation and opt-out with no incentive named
    ("review_manipulation", "Please don't post a negative review, message me first.", None),
    ("review_manipulation", "Antes de valorar, háblame por aquí.", None),
    ("review_manipulation", "A 2-star rating would close my little shop.", None),
    ("review_manipulation", "Una mala calificación nos hunde en el buscador.", None),
    ("opt_out", "Mute the platform chat and we'll reach you another way.", None),
    # pieces glued with "+", the dot called a full stop, short spaced labels
    ("email", "mail: nora + 'dot' + vidal + 'at' + proton + '.me'", None),
    ("email", "nora.vidal at pastagoods full stop de", "nora.vidal at pastagoods full stop de"),
    ("email", "escríbeme a nora arroba telefonica punto final es", None),
    ("email", "n o r a v i d a l at g m x dot n e t", "n o r a v i d a l at g m x dot n e t"),
    ("email", "It's nora dot vidal, at gmail, dot com.", None),
    # a user name with its provider a few words on
    ("email", "just use nora.vidal88 with the usual gmail ending", None),
    ("email", "es nora_vidal y lo de siempre de hotmail", None),
    # letters for digits between groups joined by any symbol
    ("phone", "call 6l2*34S*789 tonight", "6l2*34S*789"),
    ("phone", "Mexico: +S2 SS 482l 773O", "+S2 SS 482l 773O"),
    # domains without their dot, in other ways
    ("url", "all on pastagoods dotcom", None),
    ("url", "catálogo en pastagoods,com", None),
    # app names and symbols inside words
    ("messaging_app", "add me on $kype: nora.vidal88", None),
    ("review_manipulation", "plz dont post n3gative feedb@ck, talk 2 me first", None),
    ("phone", "Pásame tu tel-é-fo-no y coordinamos", None),
    ("marketing", "Lleva 3 y paga 2 en todas las fundas.", None),
    ("marketing", "Si te gustó la taza, te encantará la tetera a juego.", None),
    (
        "opt_out",
        "Could you disable buyer-seller notifications? We'll keep in touch another way.",
        None,
    ),
    # requests
    ("phone", "Can you drop your number for the courier?", "drop your number"),
    ("phone", "¿A qué número te puedo llamar mañana?", None),
    ("social_handle", "Are you on Instagram?", "are you on instagram"),
    ("messaging_app", "¿Tenés whats?", None),
]


@pytest.mark.parametrize(("category", "message", "span"), BLOCKED)
def test_a_disguise_class_is_blocked_with_its_span(category, message, span):
    if span == "filename":
        verdict = check("photos", filenames=["ig-pastagoods.png"])
        assert category in verdict.categories
        assert {finding.source for finding in verdict.findings} == {"filename:0"}
        return
    verdict = check(message)

    assert category in verdict.categories, verdict.findings
    if span is not None:
        spans = {message[f.start : f.end] for f in verdict.findings if f.category == category}
        assert any(span.casefold() == found.casefold() for found in spans), spans


def test_a_finding_read_backwards_says_so():
    verdict = check("Read it backwards: moc.liamtoh@zeralav.oin")

    assert [(f.code, f.params) for f in verdict.findings] == [
        ("email_address", {"disguises": ["reversed"]})
    ]


ALLOWED: list[str] = [
    # a buyer reporting what someone else sent
    "Someone claiming to be your shop asked me to continue on WhatsApp. Was that you?",
    "The card in the box offers a gift card for a 5-star review. I'm not doing that.",
    "Your colleague wants me to pay through PayPal directly, should I?",
    "Me escribieron por Telegram diciendo que eran de la tienda. ¿Es normal?",
    "Encontré en la caja un cupón por dejar 5 estrellas, no lo voy a usar.",
    "Is it normal for a seller to ask me to buy outside the site?",
    "I got an email from 'your store' with a link to pay outside the site. I didn't click it.",
    "Was it you who asked me to leave 5 stars for a refund? That seemed off.",
    "Somebody keeps messaging me on WhatsApp about this order.",
    # the names apps give photos, and apps named as where a file came from
    "Here it is",
    "Telegram saved it with a weird name, but here it is",
    # a buyer asking about an offer, an abbreviation explained, prices
    "¿La oferta del 2x1 del anuncio sigue vigente? Quiero comprar dos aquí.",
    "The new collection in your listing: is the blue one the same size?",
    "¿Puedo dejar una reseña aunque haya pedido el reembolso?",
    "¿TG en la tabla de tallas significa talla grande?",
    "Pon punto final a la frase del grabado.",
    "Total was US$2,300.00, but R$ 1.299,90 and €1.234,56 on the other invoices.",
    # words that look like the things above
    'The tabletop is 72" x 36", the cloth 70" x 40".',
    "The kit came without the 2-snap wire.",
    "Does the app need an Instagram or Facebook login?",
    "Devolución registrada con el código 7Q4M-2K9P-X3LD.",
    "Product line v2.1 is out, signal 4.2 is strong.",
    "I need 2 plus 3 more, más 20 unidades.",
    "I bought it in the Black Friday sale at 40% off, is the warranty the same?",
    "Is the 2x1 m rug available? The 3x2 metre one is too big.",
    "I don't want to leave a bad review, but the lamp is broken.",
    "I wrote a negative review because it broke, can you help?",
    "Low battery will kill the signal, recharge before use.",
    # short and ordinary messages the statistical pass must leave alone
    "Thanks for your order, enjoy it!",
    "1,5 mm please",
    "Your refund has been processed; an honest review would help us.",
    "Le di 5 estrellas, gracias.",
]


@pytest.mark.parametrize("message", ALLOWED)
def test_what_must_stay_allowed_is(message):
    filenames = (
        ["WhatsApp Image 2024-11-02 at 18.22.41.jpeg", "Screenshot_20241108-101522_WhatsApp.jpg"]
        if message == "Here it is"
        else []
    )
    verdict = check(message, filenames=filenames)

    assert not verdict.is_blocked, verdict.findings


MODEL_ONLY: list[tuple[str, str]] = [
    # a paraphrase no rule names, found by the statistical pass (reason code "reads_as_...")
    (
        "opt_out",
        "Let us keep chatting somewhere else, these in-app notes are slow, switch them off "
        "on your side.",
    ),
]


@pytest.mark.parametrize(("category", "message"), MODEL_ONLY)
def test_the_statistical_pass_finds_what_the_rules_miss(category, message):
    with_model = check(message)
    rules_alone = check(message, statistical=False)

    assert category in with_model.categories, with_model.findings
    assert with_model.findings[0].code.startswith("reads_as_")
    assert not rules_alone.is_blocked or category in rules_alone.categories


def test_a_seller_cannot_hide_an_offer_behind_a_report_word():
    assert check("Use code SAVE10 on your next order, I found it works great").is_blocked
    assert check("I found your 5 star review, I will send a gift for it").is_blocked
