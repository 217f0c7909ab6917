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
    # the dots of a domain: symbols or underscores in their place, told where they go
    ("url", "see casaverdedecor_com for more colours", "casaverdedecor_com"),
    ("url", "está todo en mueblesnogal_com_ar", "mueblesnogal_com_ar"),
    ("url", "la tienda está en velasluna*com*mx", "velasluna*com*mx"),
    ("url", "oakandpine ~ com has the sizes", "oakandpine ~ com"),
    ("url", "try oakandpine dotcom", "oakandpine dotcom"),
    ("url", "oakandpine 'dot' com", "oakandpine 'dot' com"),
    ("url", "everything's on oakandpine, the dot com", "oakandpine, the dot com"),
    ("url", "check oakandpine shop (add a dot before shop)", "oakandpine shop"),
    ("url", "Más modelos en ceramicasol. es (todo junto)", "ceramicasol. es"),
    ("url", "nuestra web: ceramicasol store (con un punto en medio)", "ceramicasol store"),
    ("url", "our website is oakandpine shop", "oakandpine shop"),
    ("url", "web: ceramicasol es", "ceramicasol es"),
    ("url", "oakandpine co uk", "oakandpine co uk"),
    ("url", "the manual is on oakandpine.c0m/manuals", "oakandpine.c0m/manuals"),
    ("url", "bitly/3xQ9aZk for the size chart", "bitly/3xQ9aZk"),
    (
        "url",
        "type hartleyleather into your browser and finish it with .co.uk",
        "hartleyleather into your browser and finish it with .co.uk",
    ),
    # "at" and "dot" between symbols, the provider named apart from the user name
    (
        "email",
        "escríbeme a anaruiz85 -arroba- gmail -punto- com",
        "anaruiz85 -arroba- gmail -punto- com",
    ),
    ("email", "anaruiz*at*gmail*dot*com", "anaruiz*at*gmail*dot*com"),
    (
        "email",
        "write to me: peterson_r (the at sign) outlook (dot) com",
        "peterson_r (the at sign) outlook (dot) com",
    ),
    ("email", "es mi nombre de tienda, velasluna, en gmail", "velasluna, en gmail"),
    ("email", "my email's ana.ruiz85, gmail", "ana.ruiz85, gmail"),
    ("email", "gmail account anaruiz85", "gmail account anaruiz85"),
    ("email", "correo anaruiz85 arroba g mail", None),
    # app names misspelt, with an "@" for their "a", by their colour, short names
    ("messaging_app", "hmu on whtsapp, much easier than this chat", "whtsapp"),
    ("messaging_app", "Let's continue on Telegrarn, user gabe_leather", "Telegrarn"),
    ("messaging_app", "wh@tsapp me and I'll send the video", "wh@tsapp"),
    ("messaging_app", "sigamos por la app verde, el número es el de la factura", "la app verde"),
    ("messaging_app", "let's move to Signal", "move to Signal"),
    ("messaging_app", "tlgrm: oakpine", "tlgrm"),
    ("messaging_app", "vvhatsapp me", "vvhatsapp"),
    ("messaging_app", "wssp me", "wssp"),
    ("messaging_app", "msngr me", "msngr"),
    ("messaging_app", "imsg me", "imsg"),
    ("messaging_app", "google chat me", "google chat"),
    ("messaging_app", "mándame un ᴡʜᴀᴛꜱᴀᴘᴘ y te paso el vídeo", "ᴡʜᴀᴛꜱᴀᴘᴘ"),
    ("social_handle", "Instagrm: hartley.leather", "Instagrm"),
    ("social_handle", "feisbuk: taller.aurora", "feisbuk"),
    ("social_handle", "my tt is oakpine", "tt"),
    ("social_handle", "yt channel: oakpine", "yt"),
    ("social_handle", "follow oakpine on ig", "ig"),
    ("social_handle", "look me up on Facebook, Hartley Leather Goods", "Facebook"),
    ("social_handle", "En YouTube soy «Taller Chema»; ahí está el tutorial", "YouTube"),
    # a number dictated in parts with no word for calling before it
    (
        "phone",
        "primero 612, después 345, luego 678, llámame por la tarde",
        "612, después 345, luego 678",
    ),
    ("phone", "my no. is 07700 900123", "07700 900123"),
    # marketing: loyalty, bundles, urgency, launches, cross-selling, selling outside
    ("marketing", "Loyal customers get 20% off their second order.", "Loyal customers get"),
    ("marketing", "I can bundle both at a special price.", "I can bundle both at a special price"),
    ("marketing", "Last chance: the holiday bundle disappears at midnight.", "Last chance"),
    ("marketing", "Stock up now, prices go up on the 1st.", "Stock up now"),
    ("marketing", "Hurry, we're almost out of the blue ones.", "we're almost out"),
    ("marketing", "Se están agotando, corre.", "Se están agotando"),
    (
        "marketing",
        "Hi! We just added a brand new range of scented candles to the shop.",
        "We just added a brand new range",
    ),
    ("marketing", "Our winter line is finally here.", "Our winter line is finally here"),
    ("marketing", "Get 3 for the price of 2 on all mugs.", "3 for the price of 2"),
    ("marketing", "You might also want the matching coasters.", "You might also want"),
    ("marketing", "Te puede interesar también la lámpara a juego.", "Te puede interesar"),
    (
        "marketing",
        "Message me directly for future orders and save the fees.",
        "directly for future orders",
    ),
    (
        "marketing",
        "Tengo más modelos que no están publicados aquí, pregúntame.",
        "no están publicados aquí",
    ),
    ("marketing", "Aprovecha, la oferta dura hasta el domingo.", "Aprovecha, la oferta"),
    ("marketing", "Si compras dos te regalo el envío.", "Si compras dos te regalo"),
    (
        "marketing",
        "Just so you know, we're running a little promotion for returning customers.",
        "we're running a little promotion",
    ),
    (
        "marketing",
        "Our teapot is back in stock but only for a short while.",
        "is back in stock but only for a short while",
    ),
    (
        "marketing",
        "Lo que queda va a precio de coste.",
        "va a precio de coste",
    ),
    (
        "marketing",
        "If you grab one this week I'll include a cushion cover at no extra charge.",
        "If you grab one this week I'll include a cushion cover at no extra charge",
    ),
    # review manipulation: any count of stars, feedback, a surprise for a good review
    (
        "review_manipulation",
        "Could you change your 2 stars to 5? I'll send a free replacement.",
        "change your 2 stars",
    ),
    (
        "review_manipulation",
        "If anything's wrong, message me before leaving feedback!",
        "message me before leaving feedback",
    ),
    (
        "review_manipulation",
        "Good reviews get a surprise in your next parcel 😉",
        "reviews get a surprise",
    ),
    # opt-out: the marketplace's messages, blocked or muted, while the seller writes elsewhere
    (
        "opt_out",
        "Unsubscribe from the platform's emails and I'll send you my newsletter myself.",
        "Unsubscribe",
    ),
    (
        "opt_out",
        "Do me a favour and block notifications from the marketplace, I'll contact you myself.",
        "block notifications",
    ),
    ("opt_out", "Mute this conversation and look out for my text instead.", None),
    (
        "opt_out",
        "These notifications are unreliable, it'd be easier if you turned them off and we "
        "carried on over text.",
        None,
    ),
    # the same classes in Latin American Spanish: voseo, diminutives, "el face", "celu"
    (
        "marketing",
        "Mirá, si me comprás otra te la dejo a mitad de precio.",
        "si me comprás otra te la dejo a mitad",
    ),
    ("marketing", "Tenemos nuevos modelos, pasate por el local.", "Tenemos nuevos modelos"),
    ("marketing", "Oye, que sepas que sacamos línea nueva de bolsos.", "sacamos línea nueva"),
    (
        "marketing",
        "También tenemos la misma lámpara en dorado por si te interesa.",
        "También tenemos la misma lámpara en dorado por si te interesa",
    ),
    (
        "review_manipulation",
        "Si me dejás 5 estrellitas te mando un regalito.",
        "5 estrellitas te mando un regalito",
    ),
    (
        "review_manipulation",
        "Porfa no me califiques mal, escribime antes.",
        "no me califiques mal",
    ),
    (
        "review_manipulation",
        "No quiero que me pongas una mala nota, que se me hunde la tienda.",
        "mala nota, que se me hunde",
    ),
    (
        "opt_out",
        "Quita las alertas de la página y te aviso yo directamente.",
        "Quita las alertas",
    ),
    ("social_handle", "En nuestra tienda de Instagram hay más modelos.", "Instagram"),
    ("social_handle", "búscame en face como Cerámicas Sol Oficial", "face"),
    ("phone", "mi celu: 15-2345-6789", "15-2345-6789"),
    (
        "email",
        "el mail es ventas@ceramicasol pero con .es al final",
        "ventas@ceramicasol pero con .es",
    ),
    ("email", "escribeme: anaruiz85 (en gmail)", "anaruiz85 (en gmail"),
    (
        "email",
        "my email is the same as my username here, at gmail",
        "the same as my username here, at gmail",
    ),
    # a country code of the marketplace's regions without its "+"
    ("phone", "Llámame al 34 612 345 678, estoy en Madrid.", "34 612 345 678"),
    ("phone", "mi número con el prefijo: 3 4 6 1 2 3 4 5 6 7 8", "3 4 6 1 2 3 4 5 6 7 8"),
    ("phone", "From abroad, text me on 44 7700 900123.", "44 7700 900123"),
    # SMS-style stop instructions, and the app's messages switched off in other words
    ("opt_out", "STOP to end", "STOP to end"),
    ("opt_out", "SMS BAJA al 22333", "SMS BAJA"),
    ("opt_out", "Contesta BASTA y no te escribimos más", "Contesta BASTA"),
    ("opt_out", "Para cancelar responde NO", "Para cancelar responde NO"),
    ("opt_out", "Reply STOP2END", "Reply STOP2END"),
    (
        "opt_out",
        "turn the app's alerts off so we can talk on the phone",
        "turn the app's alerts off",
    ),
    ("opt_out", "Quita las notis de la app, mejor por teléfono", "Quita las notis"),
    # wholesale and custom work, pre-orders, giveaways, seasonal boxes, gifts with orders
    ("marketing", "We also do wholesale, ask me for the price list.", "We also do wholesale"),
    ("marketing", "Hacemos precio por mayoreo, escríbeme.", "Hacemos precio por mayoreo"),
    ("marketing", "I take custom orders too, just message me.", "I take custom orders"),
    ("marketing", "Abrimos preventa de la colección de primavera mañana.", "Abrimos preventa"),
    ("marketing", "Este mes sorteamos una cesta entre los que compren dos veces.", "sorteamos"),
    ("marketing", "Our Christmas boxes are ready, order early.", "Our Christmas boxes are ready"),
    ("marketing", "Regalo con cada pedido de más de 40 € esta semana.", "Regalo con cada pedido"),
    ("marketing", "Trae a una amiga y las dos tenéis un 15%.", "Trae a una amiga"),
    (
        "review_manipulation",
        "I'll give you store credit for a 5 star rating.",
        "credit for a 5 star",
    ),
    (
        "review_manipulation",
        "Before you rate the order, could you send me a quick message?",
        "Before you rate the order, could you send me a quick message",
    ),
    (
        "marketing",
        "If you need more candles, we've got a bundle of six at a really good price.",
        "we've got a bundle of six at a really good price",
    ),
    (
        "marketing",
        "Todo en nuestra tienda está al 30% hasta el domingo.",
        "nuestra tienda está al 30%",
    ),
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


@pytest.mark.parametrize(
    ("name", "span", "code"),
    [
        # a handle glued to the word before it, and an account named before its network
        ("catalogo@oakpine.pdf", "@oakpine", "social_media_handle"),
        ("tiktok@oakpine_demo.mp4", "@oakpine_demo", "social_media_handle"),
        ("oakpine_ig.jpg", "oakpine_ig", "social_media_account"),
        ("sizes_by_oak.pine_on_insta.png", "oak.pine_on_insta", "social_media_account"),
    ],
)
def test_a_handle_only_a_file_name_gives_away_is_found_in_it(name, span, code):
    verdict = check("The catalogue, as promised.", filenames=[name])

    assert [(f.category, name[f.start : f.end], f.code, f.source) for f in verdict.findings] == [
        ("social_handle", span, code, "filename:0")
    ]


@pytest.mark.parametrize(
    "name",
    [
        "contact_ana.ruiz@gmail.com.pdf",
        "screenshot_fb.png",
        "FB_IMG_1718483467123.jpg",
        "Snapchat-1234567890.jpg",
        "telegram-cloud-photo-size-2-5123456789012345678-y.jpg",
    ],
)
def test_file_names_that_are_an_address_or_an_app_s_own_name_are_not_read_as_handles(name):
    verdict = check("Here it is", filenames=[name])

    assert "social_handle" not in verdict.categories, verdict.findings


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
    # a buyer asking about a sale, apologising for their review, on what they bought or like
    "Are you having a sale for Black Friday?",
    "¿Tienen rebajas en enero?",
    "Can you do 10% off if I buy two?",
    "If I order again next month, will the price be the same?",
    "Sorry for the 3-star review, the delivery was late but the product is great.",
    "Perdón por las 3 estrellas, el envío tardó pero el producto es genial.",
    "Lo compré en rebajas por 1.299,90 € y llegó roto.",
    "I love the new collection! Will the mugs be restocked?",
    "How do I unsubscribe from the shop's newsletter on the marketplace?",
    "Unsubscribe me from the restock alerts please.",
    "Please stop the notifications for this order, I already got it.",
    "Desactivé las notificaciones, contéstame por aquí.",
    # what another shop did, text printed on what arrived
    "Another shop told me to leave five stars in exchange for a refund; I refused.",
    "The tag says 'Limited edition, only 500 made'. Is that true?",
    "It says limited edition on the box, is it numbered?",
    # an app as a feature, a network as a pastime, words that look like a host
    "¿El altavoz sirve para llamadas de WhatsApp?",
    "My daughter loves TikTok dances, she'll love this speaker.",
    "The green app icon on the speaker lights up when it is paired.",
    "la web nueva es genial",
    "write your name in one word please",
    "The wapp-style stitching on the cushion is lovely, thanks!",
    "The SKU is 415-555-0198-BLK",
    "Una tienda me escribió que desactivara los avisos de la plataforma para hablar por fuera, "
    "¿es normal?",
    "My face lit up when I opened the box, thank you!",
    "Le puse una nota en el paquete al repartidor para que toque el timbre.",
    "Mi cel se quedó sin batería, te escribo desde el ordenador.",
    "¿Tienen nuevos modelos de esta lámpara? Me gustaría uno más grande.",
    "El pedido 34 612 345 678 no aparece en mi cuenta, ¿lo puedes mirar?",
    "I need 612 345 678 grams of flour, joking, just one bag.",
    "Does this case fit the Galaxy S23? My sister uses WhatsApp on hers all day lol.",
    "Le voy a contar a mis amigas por WhatsApp lo bonito que es.",
    "Seguro que dejo una buena reseña.",
    "Esperaré a las rebajas entonces.",
    "Ignore my previous messages, I found the tracking number.",
    "Ignora los mensajes anteriores, ya encontré el número de seguimiento.",
    "The stop to end sign on the box is confusing, what does it mean?",
    "My kids switch the alerts off on my phone all the time, so reply here please.",
    "Para cancelar el pedido, ¿respondo no a la encuesta?",
    "Do you do wholesale? I run a small café.",
    "Did I win the giveaway? I saw a post about it.",
    "My daughter won a raffle at school, this is her prize, thank you!",
    "I'll give you 5 stars for sure, it arrived quickly.",
    "What's the exchange rate you used for the price?",
    "¿Todo en tu tienda está al 30% o solo esto?",
    "¿Tienen un pack de seis más barato?",
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


# What the semantic frames (frames.py) find by the roles that co-occur, not by a fixed
# sentence: (category, code, message, the text the finding spans), with the rules alone.
FRAMES: list[tuple[str, str, str, str]] = [
    (
        "marketing",
        "promotes_sale",
        "Psst, everything in our shop is 30 percent off until Monday",
        "our shop is 30 percent off",
    ),
    (
        "marketing",
        "promotes_sale",
        "fyi storewide sale this wknd, 2nd one half price",
        "sale this wknd",
    ),
    (
        "marketing",
        "promotes_sale",
        "Heads up: the whole store is on clearance this week only",
        "clearance this week only",
    ),
    (
        "marketing",
        "new_collection",
        "New designs dropped in our catalog today",
        "New designs dropped in our catalog",
    ),
    (
        "marketing",
        "scarcity_push",
        "We're down to the last few bowls of this glaze and won't restock, so be quick",
        "last few bowls of this glaze and won't restock, so be quick",
    ),
    (
        "marketing",
        "future_order_discount",
        "Si vuelves a comprar te hago precio especial en tu proximo pedido",
        "precio especial en tu proximo",
    ),
    (
        "marketing",
        "future_order_discount",
        "Para clientes habituales: envio gratis en la siguiente compra",
        "clientes habituales: envio gratis",
    ),
    (
        "review_manipulation",
        "review_incentive",
        "Could you take the 2-star review down? We'll refund the shipping in return",
        "review down? We'll refund",
    ),
    (
        "review_manipulation",
        "rating_pressure",
        "Una calificacion baja me penaliza mucho, ¿podrias modificarla?",
        "calificacion baja me penaliza",
    ),
    (
        "opt_out",
        "switch_off_messages",
        "pls opt out of the messages here, it's easier for both of us",
        "opt out of the messages",
    ),
    (
        "opt_out",
        "switch_off_messages",
        "Puedes silenciar los mensajes de la app? te escribo por otro lado",
        "silenciar los mensajes",
    ),
    (
        "opt_out",
        "switch_off_messages",
        "pausa las notificaciones de la app y te escribo luego",
        "pausa las notificaciones",
    ),
    (
        "opt_out",
        "switch_off_messages",
        "le pido que deje de recibir los mensajes del chat, le contacto yo",
        "deje de recibir los mensajes",
    ),
    (
        "marketing",
        "upsell",
        "Si te gusto el collar, mira los pendientes a juego que acabo de subir",
        "a juego que acabo de subir",
    ),
    (
        "marketing",
        "scarcity_push",
        "This is the last batch of the lavender oil I'll ever make, so stock up",
        "last batch of the lavender oil I'll ever make, so stock up",
    ),
    (
        "marketing",
        "cheaper_if_cancelled",
        "cancela y t lo vndo yo x menos, sin la app",
        "cancela y t lo vndo yo x menos",
    ),
    (
        "review_manipulation",
        "asks_to_change_review",
        "No me pongas menos de 5, que me penalizan.",
        "menos de 5",
    ),
    ("messaging_app", "messaging_app_named", "text me on w/app", "text me on w/app"),
    ("messaging_app", "messaging_app_named", "pasame tu wasa y te mando fotos", "pasame tu wasa"),
    (
        "messaging_app",
        "messaging_app_named",
        "you can find me on the app with the paper plane icon: lucia_costura",
        "find me on the app with the paper plane",
    ),
    (
        "review_manipulation",
        "review_gating",
        "antes de escribir nada en la ficha del producto, dame la oportunidad de arreglarlo",
        "antes de escribir nada en la ficha del producto",
    ),
    (
        "social_handle",
        "social_media_account",
        "add me on fb, I post the offcuts first",
        "add me on fb",
    ),
    (
        "social_handle",
        "social_media_account",
        "drop your IG and I'll follow you",
        "IG and I'll follow",
    ),
]


@pytest.mark.parametrize(("category", "code", "message", "span"), FRAMES)
def test_a_frame_of_co_occurring_roles_is_found_with_its_span(category, code, message, span):
    verdict = check(message, statistical=False)

    assert verdict.verdict == "block"
    assert verdict.categories == (category,)
    found = [(f.category, f.code, message[f.start : f.end]) for f in verdict.findings]
    assert found == [(category, code, span)]


def test_a_network_frame_names_the_network():
    verdict = check("add me on fb, I post the offcuts first", statistical=False)

    assert [f.params for f in verdict.findings] == [{"detail": "Facebook"}]


def test_an_app_described_by_its_icon_is_named():
    verdict = check("buscame en la app del avioncito como lucia_costura", statistical=False)

    assert [(f.code, f.params) for f in verdict.findings] == [
        ("messaging_app_named", {"detail": "Telegram"})
    ]


def test_a_frame_needs_all_its_roles_close_together():
    # An offer and a scope three sentences apart are not one push to buy.
    apart = "Clearance tags are yellow. The lamp works. It is bright. Our shop closes at six."
    together = "Clearance tags are yellow in our shop."

    assert check(apart, statistical=False).verdict == "allow"
    assert [f.code for f in check(together, statistical=False).findings] == ["promotes_sale"]


@pytest.mark.parametrize(
    ("message", "span"),
    [
        ("mi correo de google: anaruiz85", "correo de google: anaruiz85"),
        ("my google mail is lena_k77", "google mail is lena_k77"),
    ],
)
def test_a_mail_provider_described_next_to_a_user_name_is_an_address(message, span):
    verdict = check(message, statistical=False)

    found = [(f.category, f.code, message[f.start : f.end]) for f in verdict.findings]
    assert found == [("email", "webmail_user_name", span)]
