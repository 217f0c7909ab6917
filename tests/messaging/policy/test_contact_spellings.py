"""Contact details spelt in ways the plain patterns miss, by class, in English and Spanish,
with the hard negatives that share their words and must stay allowed."""

import pytest

from messaging.policy import check

BLOCKED: list[tuple[str, str, str, str]] = [
    # (category, code, message, the text the finding spans)
    # "at" and "dot" spelt out letter by letter, doubled, stretched or wrapped in slashes
    ("email", "email_address", "lena_k77 a t gmail d o t com", "lena_k77 a t gmail d o t com"),
    ("email", "email_address", "lena_k77 @@ gmail .. com", "lena_k77 @@ gmail .. com"),
    ("email", "email_address", "lena_k77 /at/ gmail /dot/ com", "lena_k77 /at/ gmail /dot/ com"),
    ("email", "email_address", "mi correo: lenak77 arrob@ gmail", "lenak77 arrob@ gmail"),
    ("email", "email_address", "lenak77 aaat gmail, thanks", "lenak77 aaat gmail"),
    (
        "email",
        "email_address",
        "lenak77 arrobaa gmail puntoo com",
        "lenak77 arrobaa gmail puntoo com",
    ),
    ("email", "email_address", "ana.ruiz the at thing gmail dot com", None),
    ("email", "email_address", "lenak77 «arroba» gmail «punto» com", None),
    ("email", "email_address", "lenak77 'at' gmail 'dot' com", None),
    # a dot read out inside the user name before "en"/"on" and a provider
    (
        "email",
        "email_address",
        "ana punto ruiz en g mail, escríbeme ahí",
        "ana punto ruiz en g mail",
    ),
    # a provider glued to its ending, or given after a user name with no word between
    ("email", "email_address", "lena.kowalski@gmailcom", "lena.kowalski@gmailcom"),
    ("email", "webmail_user_name", "mi email lenak77 gmail", "lenak77 gmail"),
    (
        "email",
        "webmail_user_name",
        "lena.kowalski — gmail, that's quickest",
        "lena.kowalski — gmail",
    ),
    ("email", "webmail_user_name", "escribe a anaruiz85 (es un gmail)", "anaruiz85 (es un gmail"),
    ("email", "webmail_user_name", "escríbeme a lenak77, del gmail", "lenak77, del gmail"),
    ("email", "webmail_user_name", "gmail -> lenak77", "gmail -> lenak77"),
    ("email", "webmail_user_name", "mi mail: anaruiz85 en el de google", None),
    # a user name, then a provider's own domain found as a link
    ("email", "email_address", "lenak77 ○ hotmail.es", "lenak77 ○ hotmail.es"),
    ("email", "email_address", "usuario anaruiz85, dominio hotmail.es", None),
    # a site's ending given apart, spaced out, or the site looked up on a search engine
    ("url", "external_link", "the site is lenaceramics and then .com", None),
    ("url", "external_link", "Puedes pedir directamente en ceramicasluna, es un .es", None),
    ("url", "external_link", "Our site: lena ceramics (one word) dot com", None),
    ("url", "external_link", "Nuestra web: cerámicas luna (todo junto) punto com", None),
    ("url", "external_link", "Escribe ceramicasluna es en el navegador", "ceramicasluna es"),
    ("url", "external_link", "see the colours at lenaceramics.c o m", "lenaceramics.c o m"),
    ("url", "external_link", "w w w lenaceramics c o m has the rest", None),
    ("url", "external_link", "lenaceramics・com has the other sizes", "lenaceramics・com"),
    ("url", "external_link", "lenaceramics d0t c0m", "lenaceramics d0t c0m"),
    ("url", "shortened_link", "the link is bitly 3xQ9aZk", "bitly 3xQ9aZk"),
    ("url", "external_link", "search for Lena Ceramics on google, it's cheaper there", None),
    ("url", "external_link", "búscanos en google como Cerámicas Luna", None),
    ("marketing", "sale_outside_marketplace", "Googlea Cerámicas Luna, más barato", None),
    # messaging apps: an app made a verb, an id after a name the keyword view reads as letters
    ("messaging_app", "messaging_app_named", "wasapeame y lo vemos", "wasapeame"),
    ("messaging_app", "messaging_app_named", "telegrameame y seguimos", "telegrameame"),
    ("messaging_app", "messaging_app_username", "my line is lenak77", "line is lenak77"),
    ("messaging_app", "messaging_app_username", "kik: lenak77", "kik: lenak77"),
    ("messaging_app", "messaging_app_named", "W/A: 612345678", None),
    ("messaging_app", "messaging_app_named", "the blue paper plane app, same username", None),
    # phone numbers: a toll-free number after a carrier, the fiction range typed as real
    ("phone", "phone_number", "UPS customer service: 1-800-742-5877", "1-800-742-5877"),
    ("phone", "phone_number", "ring me on 07700 900461 after six", "07700 900461"),
    (
        "phone",
        "phone_number",
        "My mobile starts 07700. The rest is on the next line.\n900 461",
        None,
    ),
    # the right category: an address whose "@" only the link's domain gave away, an app named
    # before its number, a number inside an app's link, a mail domain given as a handle
    ("email", "email_address", "to ingrid.holm at the outlook dot com server", None),
    ("email", "email_address", "mail: info (a) hogarsur (.) cl", None),
    ("email", "email_address", "email: tom.baker, domain outlook.com", None),
    ("email", "email_address", "lenak77 and then @gmail.com", "@gmail.com"),
    ("messaging_app", "messaging_app_named", "Viber works best for me: +44 7700 900123", None),
    ("messaging_app", "messaging_app_named", "mi wa es el 612 345 678", "wa es el 612 345 678"),
    ("messaging_app", "messaging_app_named", "cel/wa 55 1234 5678", "wa 55 1234 5678"),
    ("phone", "phone_number", "message me at wa.me/447700900461", "447700900461"),
    ("messaging_app", "messaging_app_username", "ping me on tele: @lena_makes", "@lena_makes"),
    # requests
    ("email", "asks_for_email", "What's the best email to send you the photos?", None),
    ("email", "asks_for_email", "google meet? send me your gmail", None),
    ("phone", "asks_for_phone", "¿cuál es tu celu?", None),
    ("email", "asks_for_email", "Which inbox should I use? Type the address below.", None),
    ("email", "asks_for_email", "Where can I email you the photos?", None),
    ("email", "asks_for_email", "¿A qué correo te mando el vídeo?", None),
    ("url", "asks_for_link", "Where else do you sell?", None),
    ("url", "asks_for_link", "¿Tienes página?", None),
    ("url", "asks_for_link", "Pásame el enlace de tu tienda.", None),
    ("phone", "asks_for_phone", "Can I call you? It's easier.", None),
    ("phone", "asks_for_phone", "¿Te puedo llamar?", None),
    # contact details pointed to instead of written
    (
        "phone",
        "phone_number",
        "My number is on the invoice, call me.",
        "My number is on the invoice",
    ),
    ("email", "email_address", "Mi correo aparece en la etiqueta del paquete.", None),
    ("url", "external_link", "The website is printed on the card inside the box.", None),
    ("phone", "phone_number", "Te paso mi número por privado.", None),
    # an address described in halves, a host broken over two lines
    ("email", "email_address", "first part lena.k77, second part gmail.com", None),
    ("email", "email_address", "antes de la arroba marta.gil84, después yahoo.es", None),
    ("url", "external_link", "the catalogue is on lenaceramics\n.com", None),
]


@pytest.mark.parametrize(("category", "code", "message", "span"), BLOCKED)
def test_a_spelling_class_is_blocked_with_its_code_and_span(category, code, message, span):
    verdict = check(message)

    found = [finding for finding in verdict.findings if finding.category == category]
    assert code in {finding.code for finding in found}, verdict.findings
    if span is not None:
        assert span in {message[finding.start : finding.end] for finding in found}


ALLOWED: list[str] = [
    # the leftovers: a serial number with a letter, the family chat silenced
    "Serial 612 345 678B is on the base, is that the right model?",
    "Silencie el chat del grupo de la familia, no el tuyo, tranquilo.",
    "Silencié el chat del grupo, perdón por la demora.",
    # identifiers in a phone number's groups, versions, durations
    "Lote 612 345 678, caduca en marzo.",
    "Part no. 612 345 678 fits the older model too?",
    "Firmware 6.12.345.678 is what the screen shows.",
    "Item 6123456789 from the listing, size 42",
    "It took 612 345 678 ms to load, the app is slow.",
    # file names phones and apps give photos, named in the body
    "WhatsApp Image 2024-01-01 at 10.00.00.jpeg shows the crack",
    "Te adjunto Screenshot_20240108-101522_WhatsApp.jpg con el error de pago.",
    "See IMG_20240101_123456.jpg for the dent, taken this morning.",
    # an app named as something received, done by mistake, or set aside for this chat
    "Received a whatsapp from an unknown number claiming to be you; is that you?",
    "I silenced the group chat on WhatsApp, sorry for the delay.",
    'Le di a "silenciar chat" en whatsapp por error, por eso no vi su mensaje aquí.',
    "I use Telegram for work, but let's keep it here.",
    "Telegram says my parcel is out for delivery? Weird, I don't have it.",
    "WeChat Pay isn't accepted here, right? I'll pay through the site.",
    "The paper plane decoration arrived bent, can you send another?",
    # searching, browsers and endings in ordinary prose
    "I searched on google how to assemble it and found a video.",
    "Busca en google el manual, yo no lo encuentro.",
    "Search on google for the error code E4, it's a common fault.",
    "The page loads fine in the browser now, thanks.",
    "my laptop is a .net developer machine, will the driver work?",
    "I said no.i m fine with the colour, ship it.",
    "bitly is blocked at my office, can you paste the text here?",
    # words for "at" and "dot" in ordinary prose
    'he said "at" home, and left',
    "I was at the shop at 10 and the door was shut.",
    "size 2 dot 50 on the chart",
    "Price was US$2,300.00 at checkout, dot matrix printer included.",
    "I bought the same lamp at another shop last year, this one is nicer.",
    "No tengo wa, así que sigamos por aquí.",
    "Can you call UPS for me? They never answer.",
    "Can I call you through the app? I see a call button.",
    "¿Tienes página de instrucciones en el anuncio? No la encuentro.",
    "Your listing page says it's in stock, but the order says delayed.",
    "My order number is on the invoice: 112-1234567-1234567.",
    "Mi número de pedido está en la factura.",
    "My phone is in the box, can I return it with the case?",
    "Mi dirección está en el perfil, envíalo allí como siempre.",
    "La primera parte del pedido llegó, la segunda parte sigue en reparto.",
    "The end.\n.com was the file type they used? No idea.",
]


def test_an_app_named_but_refused_before_a_number_is_not_its_account():
    verdict = check("I don't have whatsapp, call 612 345 678")

    assert verdict.categories == ("phone",)


@pytest.mark.parametrize("message", ALLOWED)
def test_what_shares_their_words_stays_allowed(message):
    verdict = check(message)

    assert verdict.verdict == "allow", verdict.findings
