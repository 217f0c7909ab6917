"""Wording detectors built on what a violation is about rather than on fixed sentences.

Each frame is a small set of word lists ("roles"): a seller pushing a purchase names an
offer *and* a scope beyond the current order; a request about a review names the review
*and* a change, a reward or a condition, addressed to the buyer. A frame fires where its
roles all occur close together, in the same sentence or the next, and no cue of the
buyer's own voice, a question about the offer, or a device's manual sits in that stretch.

The lists hold stems matched at the start of a word (so inflections and both languages'
forms match), or whole words where a stem would catch too much ("sale$"). One Aho-Corasick
pass over the normalised, accent-free, lower-case text finds every stem; a text naming no
role of any frame costs only that pass.
"""

from __future__ import annotations

import re
from typing import NamedTuple

import ahocorasick

from .contacts import Hit
from .patterns import literal_union


class _Rule(NamedTuple):
    roles: tuple[str, ...]
    code: str
    detail: str = ""


class _Frame(NamedTuple):
    category: str
    roles: dict[str, tuple[str, ...]]
    rules: tuple[_Rule, ...]
    veto: re.Pattern[str]
    # The widest stretch, in characters, the roles of one rule may spread over.
    window: int


# --- marketing: an offer beyond the current order --------------------------------------------

_DEAL = (
    *("discount", "descuento", "dto$", "rebaja", "% off", "%off", "percent off", "por ciento"),
    *("sale$", "sales$", "oferta", "offer", "promo", "deal$", "deals$", "coupon", "cupon"),
    *("voucher", "vale de descuento", "bogo$", "2x1$", "3x2$", "2 for 1", "two for one"),
    *("3 for 2", "buy one get", "buy 2", "buy two", "compra 2", "compra dos", "lleva 2"),
    *("llevate 2", "lleva dos", "segunda unidad", "second one half", "2nd one half"),
    *("clearance", "liquidacion", "outlet$", "black friday", "cyber monday", "rebajas"),
    *("free shipping", "free delivery", "envio gratis", "envios gratis", "envio gratuito"),
    *("half price", "mitad de precio", "precio especial", "special price", "precios especiales"),
    *("markdown", "price drop", "bajamos los precios", "precios rebajados", "en oferta"),
    *("bundle", "combo", "pack de", "buy 3", "pay for 2", "compra 3", "paga 2", "2 por 1"),
    *("dos por uno", "3 por 2", "tres por dos", "descuentazo", "chollo", "ganga", "hot sale"),
    *("buen fin", "summer sale", "christmas sale", "xmas sale", "rebajas de", "precio rebajado"),
    *("precio de locura", "precios de locura"),
    *("cheaper", "mas barat", "regalo el envio", "te regalo", "les regalo", "free gift"),
    *("ships free", "sale gratis", "free if you", "gratis si"),
)
_SCOPE = (
    *("next order", "next purchase", "next buy", "proxima compra", "proximo pedido"),
    *("siguiente compra", "siguiente pedido", "future order", "future purchase"),
    *("all our", "todos nuestros", "todas nuestras", "toda la tienda", "toda nuestra"),
    *("whole shop", "whole store", "entire shop", "entire store", "storewide", "store-wide"),
    *("sitewide", "site-wide", "our shop", "our store", "our website", "our site", "our web"),
    *("our page", "our catalog", "nuestra tienda", "nuestra web", "nuestra pagina"),
    *("nuestro catalogo", "our collection", "nuestra coleccion", "toda la coleccion"),
    *("this season", "esta temporada", "this weekend", "this wknd", "this week only"),
    *("este finde", "este fin de semana", "esta semana", "other items", "other products"),
    *("otros productos", "otros articulos", "more items", "everything in", "todo lo de"),
    *("every item", "each item", "cada articulo", "all items", "all products", "en todo"),
    *("en toda", "on everything", "on all", "rest of the", "resto de"),
    *("my shop", "my store", "mi tienda", "my other listings", "mis otros anuncios"),
    *("other listings", "otros anuncios", "my profile", "mi perfil", "in store", "en tienda"),
    *("whole range", "toda la gama", "cualquier articulo", "any item", "anything in"),
    *("the shop", "the whole", "la tienda", "my page", "mi pagina", "this week"),
)
_REPEAT = (
    *("order again", "buy again", "shop again", "purchase again", "otra vez", "de nuevo"),
    *("volver a comprar", "vuelvas a comprar", "vuelva a comprar", "vuelves a comprar"),
    *("reorder", "re-order", "come back", "vuelve a", "vuelvas", "next time", "proxima vez"),
    *("returning customer", "repeat customer", "cliente habitual", "clientes habituales"),
    *("second order", "segundo pedido", "segunda compra", "your next", "tu proxim", "su proxim"),
    *("recompra", "repetir", "repites", "repite$"),
    *("another order", "otro pedido", "la proxima", "next one"),
    *("repit", "repeat"),
)
_NOVELTY = (
    *("new collection", "nueva coleccion", "new line", "nueva linea", "new range"),
    *("new season", "nueva temporada", "new arrivals", "novedades", "recien llegad"),
    *("just dropped", "just landed", "just launched", "launch", "lanzamiento", "lanzamos"),
    *("restock", "reposicion", "back in stock", "de vuelta en stock", "new colours"),
    *("new colors", "nuevos colores", "nuevos modelos", "new designs", "nuevos disenos"),
    *("new models", "new styles", "nuevos estilos", "drops$", "drop$", "estrenamos"),
    *("presentamos", "we've added", "hemos sacado", "acabamos de sacar", "sacamos"),
    *("fresh batch", "nueva remesa", "acaba de entrar", "acaban de llegar", "just in$"),
    *("newly added", "recien salid", "nuevo stock", "new stock"),
    *("capsule", "capsula", "new drop", "acabo de subir", "just uploaded", "just listed"),
    *("just added", "now up", "is up on", "are up on", "spring stuff", "summer stuff"),
)
_URGENCY = (
    *("hurry", "apurate", "apurese", "date prisa", "dese prisa", "corre$", "corred$"),
    *("don't miss", "dont miss", "no te lo pierdas", "no se lo pierda", "no te pierdas"),
    *("before it's gone", "before they're gone", "before its gone", "antes de que se agot"),
    *("last chance", "ultima oportunidad", "solo hoy", "only today", "today only"),
    *("ends tonight", "ends today", "ends sunday", "ends soon", "termina hoy", "acaba hoy"),
    *("limited time", "tiempo limitado", "while stocks last", "while supplies last"),
    *("hasta agotar", "grab yours", "get yours", "grab one", "consigue el tuyo"),
    *("consigue la tuya", "aprovecha", "take advantage", "act fast", "be quick"),
    *("ends at midnight", "termina a medianoche", "last day", "ultimo dia", "while it lasts"),
    *("mientras duren", "mientras dure", "quick before"),
    *("set a reminder", "mark your calendar", "apunta la fecha", "stay tuned", "no hay mas"),
    *("cuando se acaben", "once they're gone", "when they're gone", "stock up"),
    *("abastecete",),
)
_SCARCITY = (
    *("left in stock", "left of this", "only a few left", "only few left", "few left"),
    *("last few", "last ones", "last units", "ultimas unidades", "ultimos", "ultimas"),
    *("quedan solo", "solo quedan", "solo me quedan", "nos quedan", "me quedan pocas"),
    *("quedan pocas", "quedan pocos", "pocas unidades", "almost gone", "almost sold out"),
    *("casi agotad", "selling fast", "se agotan", "se estan agotando", "limited stock"),
    *("stock limitado", "no volvemos a tener", "won't restock", "wont restock", "no restock"),
    *("won't be back", "no vuelve", "no volvera", "se acaba", "running out", "running low"),
    *("last batch", "ultima tanda", "ultimo lote", "ultimas 2", "ultimas 3", "last 2", "last 3"),
)
# Another product pushed beside the one bought, with an invitation to look at it.
_CROSS_SELL = (
    *("a juego", "matching", "que combina", "to match", "goes with", "go with", "pair it"),
    *("complete the set", "completa el set", "completar el set", "juego completo"),
)
_LOOK = (
    *("mira$", "miralos", "miralas", "check out", "take a look", "have a look", "peek"),
    *("echa un vistazo", "echale un ojo", "echales un ojo", "acabo de subir", "just listed"),
    *("just added", "in my shop", "en mi tienda", "my other listings", "mis otros anuncios"),
)
# A sale taken off the marketplace: the order cancelled, bought again from the seller.
_CANCEL = ("cancela", "cancel", "anula", "anule", "anules", "cancele", "canceles")
_OUTSIDE = (
    *("sin la app", "fuera de la app", "fuera de la plataforma", "por fuera", "without the app"),
    *("off the app", "off the platform", "off platform", "outside the app", "directly"),
    *("directamente", "x menos", "por menos", "cheaper", "mas barato", "less money"),
    *("te lo vendo", "le lo vendo", "se lo vendo", "i'll sell", "ill sell", "sell it to you"),
)
_MARKETING_VETO = re.compile(
    # The buyer's own order, cart or a coupon of the marketplace's; a question about one.
    r"\b(?:i had|i used|i applied|i got|i bought|i paid|i saw|i ordered|my cart|my order|"
    r"mi carrito|mi pedido|me quedo|aplique|aplicado|applied|compre|pague|vi que|vi en|"
    r"factura|invoice|postcard|do you (?:have|do|ever|offer|run)|is there|are there|"
    r"will there|any chance|hay alg|teneis|tienen alg|tenes alg|haceis|hacen alg|"
    r"marketplace|plataforma|platform|de la app|the app's|app coupon|"
    r"sorry|disculp|lo siento|perdon|apolog|pregunto|just asking|si (?:compro|pido|hago|"
    r"me llevo|vuelvo)|if i (?:buy|order|get|take)|i want to cancel|i'd like to cancel|"
    r"(?:can|could|should|may) i cancel|quiero cancelar|quisiera cancelar|puedo cancelar|"
    r"como cancelo|how do i cancel|cancele|i cancel+ed|"
    r"(?:gracias por|thanks for|thank you for) (?:the|that|el|la|ese|esa) (?:discount|coupon|"
    r"code|offer|deal|descuento|cupon|codigo|oferta|rebaja)|"
    r"my next|mi proxim[oa]|mi siguiente|i found|encontre|photo|foto|picture|doesn'?t fit|"
    r"does not fit|no encaja|no cierra|broken|roto|damaged|danad[oa])"
)
# In a question, the buyer asking what the seller offers: "¿hacen descuento si...?"
_MARKETING_QUESTION = re.compile(
    r"^\W*(?:is|are|was|were|does|do|did|can|could|will|would|should|es|esta|estan|era|"
    r"tiene|sigue)\b|\b(?:hacen|haceis|haran|hay|habra|tienen|tienes|tenes|ofrecen|dan|"
    r"do you|are you|"
    r"will you|would you|is there|are there|could i|can i|puedo|any)\b"
)

# --- review manipulation: a review to change, reward or hold back --------------------------

_REVIEW = (
    *("review", "resena", "rating", "valoracion", "valoraste", "calificacion", "calificast"),
    *("opinion", "feedback", "stars$", "estrellas", "puntuacion", "puntaje", "testimonial"),
    *("comentario negativo", "comentario malo", "negative comment", "bad comment"),
    *("1 star", "one star", "una estrella", "1 estrella", "rated", "calificaste"),
    *("resenas", "comments", "comentarios", "valoraciones", "reviews", "estrellitas"),
    *("menos de 5", "menos de cinco", "less than 5", "less than five", "under 5", "below 5"),
    *("anything less than", "anything below"),
    *("product page", "ficha del producto", "publicly", "publicamente", "en publico"),
    *("post anything", "publicar nada", "publiques nada"),
)
_LEVER = (
    *("change", "cambia", "cambie", "cambies", "remove", "quita", "quite", "quites"),
    *("borra", "borre", "delete", "elimina", "elimine", "update", "actualiza", "actualice"),
    *("edit", "edita", "edite", "modifica", "modifique", "retira", "retire", "take down"),
    *("take it down", "take it off", "positiv", "good one", "buena", "5 star", "5 estrellas"),
    *("five star", "cinco estrellas", "5*", "full marks", "top rating", "maxim"),
    *("not negative", "no negativ", "nothing negative", "before you", "before leaving"),
    *("before writing", "before posting", "antes de dejar", "antes de escribir"),
    *("antes de poner", "antes de publicar", "antes de valorar", "antes de calificar"),
    *("antes de opinar", "first$", "primero", "refund"),
    *("reembols", "devuelvo", "le devuelvo", "te devuelvo", "gift", "regalo", "compens"),
    *("transfer", "pay you", "te pago", "le pago", "te hago", "te doy", "le doy"),
    *("te mando", "le mando", "discount", "descuento", "voucher", "cupon", "free", "gratis"),
    *("penaliz", "hurt", "perjudic", "afecta", "ranking", "suspend", "sink", "hunde"),
    *("kill my", "ruin", "arruin", "menos de", "less than", "lower than", "below"),
    *("subir", "sube", "bump", "raise", "mejorar", "mejora", "improve", "not post"),
    *("no publiques", "no pongas", "hold off", "espera antes", "a cambio", "in return"),
    *("in exchange", "en compensacion", "cashback", "money back"),
)
# What the lever asks for names the reason: a reward, a condition before reviewing, the harm
# a rating does, a good rating; anything else is a change to the review.
_LEVER_CODES = (
    (
        "review_incentive",
        (
            *("refund", "reembols", "devuelvo", "gift", "regalo", "compens", "transfer"),
            *("pay you", "te pago", "le pago", "te hago", "te doy", "le doy", "te mando"),
            *("le mando", "discount", "descuento", "voucher", "cupon", "free", "gratis"),
            *("a cambio", "in return", "in exchange", "en compensacion", "cashback", "money"),
        ),
    ),
    (
        "review_gating",
        (
            *("before", "antes", "first", "primero", "not post", "no publiques", "hold off"),
            "espera",
        ),
    ),
    (
        "rating_pressure",
        (
            *("penaliz", "hurt", "perjudic", "afecta", "ranking", "suspend", "sink", "hunde"),
            *("kill", "ruin", "arruin"),
        ),
    ),
    (
        "asks_for_positive_review",
        (
            *("positiv", "good", "buena", "5 star", "5 estrellas", "five star", "cinco"),
            *("5*", "full marks", "top rating", "maxim"),
        ),
    ),
)


def _review_code(lever: str) -> str:
    for code, starts in _LEVER_CODES:
        if lever.startswith(starts):
            return code
    return "asks_to_change_review"


_ADDRESS = (
    *("you", "your", "u$", "ur$", "te$", "tu$", "tus$", "usted", "le$", "les$", "puedes"),
    *("podrias", "podria", "puede$", "pudieras", "pudiera", "please", "pls", "plz"),
    *("por favor", "porfa", "si lo", "si la", "si me", "borras", "cambias", "quitas"),
    *("dejas", "pones", "pongas", "dejes", "publiques", "escribas", "borrala", "quitala"),
    *("cambiala", "ponme", "dejame", "ponnos", "danos", "dame", "date de baja", "le pido"),
    *("te pido",),
)
_REVIEW_VETO = re.compile(
    # The buyer about their own review, or asking how reviews work.
    r"\b(?:my review|my rating|my feedback|mi resena|mi opinion|mi valoracion|mi calificacion|"
    r"mi comentario|i left|i gave|i wrote|i posted|i've (?:left|updated|changed|removed)|"
    r"i (?:will|'ll|ll) (?:leave|write|update|change|give|post|remove|rate)|i already|"
    r"ya (?:cambie|actualice|borre|deje|puse)|deje (?:una|la|mi)|puse (?:una|la|mi)|"
    r"te dejo|le dejo|voy a (?:dejar|poner|cambiar|escribir|actualizar)|"
    r"how do i|how can i|como (?:dejo|puedo|se deja)|donde (?:dejo|puedo)|where (?:do|can) i|"
    r"(?:he|hemos) (?:dado|puesto|dejado|escrito)|i'?ve given|i have given|le di|te di|"
    r"les di|dejare|pondre|cambiare|actualizare|i'?ll give|i will give|i'?d give|"
    r"(?:la|lo) cambio|puse\b|i'm going to|im going to|honest|sincer|"
    r"whatever you (?:think|want)|lo que (?:quieras|consideres)|your choice|tu decides|"
    r"usted decide|no obligation|sin compromiso|size chart|guia de tallas|tabla de tallas|"
    r"instructions|instrucciones|manual)"
)

# --- opt-out: the marketplace's messages switched off, aimed at the buyer --------------------

_CHANNEL = (
    *("notification", "notificacion", "aviso", "alert", "messages", "mensajes", "chat$"),
    *("chats$", "inbox", "bandeja", "marketplace", "plataforma", "platform", "this site"),
    *("this app", "esta app", "la app", "the app", "emails from", "correos de"),
    *("notis", "push", "mails", "emails", "correos", "system messages"),
)
_OFF = (
    *("turn off", "turn them off", "turn it off", "switch off", "switch them off", "disable"),
    *("desactiv", "silenci", "mute", "block", "bloque", "unsubscribe", "de baja"),
    *("apaga", "apague", "stop receiving", "dejar de recibir", "deja de recibir", "opt out"),
    *("opt-out", "pause", "pausa", "quita las notif", "quitar las notif", "hide"),
    *("deje de recibir", "dejes de recibir", "dejen de recibir", "date de baja"),
    *("stop getting", "no recibir"),
)
_OPT_OUT_VETO = re.compile(
    # The buyer's own settings, a question how to, or a device's manual. Accents are gone,
    # so "desactive" may be "desactivé" (done) or "desactive" (asked): only with "ya" or a
    # mistake is it the writer's own.
    r"\b(?:i muted|i turned|i switched|i disabled|i blocked|i unsubscribed|"
    r"ya (?:silencie|desactive|bloquee|apague)|sin querer|por error|by accident|"
    r"me di de baja|unsubscribe me|(?:dame|darme) de baja|how do i|how can i|can i|puedo|"
    r"como (?:desactivo|silencio|quito|apago)|device|watch|reloj|dispositivo|camera|camara|"
    r"bluetooth|firmware|settings menu|menu de ajustes|the unit|the speaker|el altavoz|"
    r"shipping|de envio|envios|tracking|seguimiento|courier|delivery|entrega|grupo|group|"
    r"familia|family)"
)

# --- messaging apps: an app's short or described name next to a contact cue ------------------

_APP = (
    *("wa$", "wsp$", "wpp$", "whatsap", "watsap", "wasap", "guasap"),
    *("telegram", "tg$", "signal$", "viber", "wechat", "we chat", "green app", "app verde"),
    *("blue app", "app azul"),
    *("wsap", "whtsapp", "whatssap", "uasap", "wts app"),
    *("w/app", "w app$", "wapp$"),
    *("watzap", "whatspp", "whatapp", "whatsaap", "wazap", "wassap", "whtsap", "wtsp$"),
    *("tu whats$", "mi whats$", "my whats$", "your whats$", "ur whats$", "al whats$"),
    *("por whats$", "on whats$", "tu wasa$", "mi wasa$", "al wasa$", "por wasa$"),
    # The app described by its icon.
    *("paper plane icon", "paper plane app", "app with the paper plane", "app del avion"),
    *("icono del avion", "green bubble app", "app de la burbuja verde", "green phone icon"),
    *("app del telefonito verde", "plane app", "plane icon", "green logo"),
    *("logo verde", "green icon", "icono verde", "whatsappea", "wasapea", "guasapea"),
    *("telegramea", "app with the paper aeroplane", "app with the paper airplane"),
    *("app del avion de papel", "encrypted messenger"),
    *("encrypted messaging app", "encrypted chat app", "app cifrada", "app de mensajeria cifrada"),
)
_CUE = (
    *("do you have", "have you got", "got$", "are you on", "tienes", "tenes", "teneis"),
    *("tiene$", "usas", "usa$", "add me", "agrega", "anade", "escribe", "write me"),
    *("text me", "message me", "msg me", "hit me", "mandame", "manda", "pasame", "pasa"),
    *("send", "envia", "hablame", "hablemos", "talk", "chat on", "reach me", "contact"),
    *("contacta", "number", "numero", "num$", "id$", "user", "usuario", "easier"),
    *("mas facil", "mejor por", "better on", "faster on", "mas rapido", "ping me", "call me"),
    *("llamame", "ring me", "find me", "buscame", "me on", "por ahi", "over there"),
    *("same username", "same user name", "same name", "same number", "mismo usuario"),
    *("mismo nombre", "mismo numero", "agregame", "anademe", "add us", "escribenos"),
)
_APP_VETO = re.compile(
    r"\b(?:prefer|prefiero|preferimos|(?<!as )here|(?<!que )aqui|aca|por este|don't use|"
    r"dont use|no uso|"
    r"no tengo|don't have|dont have|no lo uso|never use|nunca uso|sin whats|"
    r"someone|alguien|otro vendedor|another seller|other sellers|otros vendedores|"
    r"muchos vendedores|many sellers|me pidieron|asked me|is it safe|es seguro|this chat|"
    r"received a|recibi un|me llego un|claiming|diciendo ser|pretending|haciendose pasar|"
    r"silenced|muted|by mistake|por error|sin querer|group chat|chat del grupo|"
    r"este chat|hermana|hermano|madre|padre|sister|brother|mom|mum|family|familia|hij[oa]|"
    r"son|daughter|friend|amig[oa]|"
    r"image|imagen|video \d|screenshot|captura|policy|politica|rules|normas|"
    # "WA" the state: an address around it.
    r"address|direccion|seattle|spokane|tacoma|perth|moved|zip|postcode|codigo postal|"
    r"street|avenue|calle|(?:in|from|to|near|de|en),? wa\b|wa \d{4,5})"
)

# --- social networks: a network's short name next to a request for the account -------------

_NETWORK = (
    *("ig$", "insta$", "instagram", "fb$", "facebook", "face$", "tiktok", "tik tok", "snap$"),
    *("snapchat", "twitter", "ghost app", "app del fantasma", "fantasmita"),
)
_ACCOUNT_CUE = (
    *("drop your", "drop ur", "send me your", "send me ur", "pass me your", "what's your"),
    *("whats your", "what is your", "cual es tu", "pasame tu", "dame tu", "dm me", "dm you"),
    *("i'll dm", "ill dm", "i'll follow", "follow me", "sigueme", "te sigo", "add me"),
    *("agregame", "anademe", "find me on", "buscame en", "hablame por", "write me on"),
    *("my dms", "mis dms", "un privado", "por priv", "al priv", "hmu", "hit me up"),
)
_SOCIAL_VETO = re.compile(
    r"\b(?:story|stories|your post|tu post|the post|el post|reel|ad on|ads on|anuncio en|"
    r"publicidad|saw your|vi tu|vi el|"
    r"someone|alguien|otro vendedor|another seller|me pidieron|asked me|is it safe|es seguro|"
    r"prefer|prefier|rather|don't use|dont use|no uso|no tengo|don't have|policy|politica|"
    r"rules|normas|screenshot|captura)"
)

_FRAMES = (
    _Frame(
        "marketing",
        {
            "deal": _DEAL,
            "scope": _SCOPE,
            "repeat": _REPEAT,
            "novelty": _NOVELTY,
            "urgency": _URGENCY,
            "scarcity": _SCARCITY,
            "cancel": _CANCEL,
            "cross": _CROSS_SELL,
            "look": _LOOK,
            "outside": _OUTSIDE,
        },
        (
            _Rule(("cancel", "outside"), "cheaper_if_cancelled"),
            _Rule(("cross", "look"), "upsell"),
            _Rule(("cross", "deal"), "upsell"),
            _Rule(("scarcity", "urgency"), "scarcity_push"),
            _Rule(("deal", "repeat"), "future_order_discount"),
            _Rule(("deal", "scope"), "promotes_sale"),
            _Rule(("novelty", "scope"), "new_collection"),
            _Rule(("novelty", "urgency"), "new_collection"),
            _Rule(("deal", "urgency"), "promotes_sale"),
        ),
        _MARKETING_VETO,
        160,
    ),
    _Frame(
        "review_manipulation",
        {"review": _REVIEW, "lever": _LEVER, "address": _ADDRESS},
        (_Rule(("review", "lever", "address"), "asks_to_change_review"),),
        _REVIEW_VETO,
        160,
    ),
    _Frame(
        "opt_out",
        {"channel": _CHANNEL, "off": _OFF, "address": _ADDRESS},
        (_Rule(("off", "channel", "address"), "switch_off_messages"),),
        _OPT_OUT_VETO,
        140,
    ),
    _Frame(
        "messaging_app",
        {"app": _APP, "cue": _CUE},
        (_Rule(("app", "cue"), "messaging_app_named"),),
        _APP_VETO,
        60,
    ),
    _Frame(
        "social_handle",
        {"network": _NETWORK, "cue": _ACCOUNT_CUE},
        (_Rule(("network", "cue"), "social_media_account"),),
        _SOCIAL_VETO,
        40,
    ),
)

_APP_NAMES = {
    "telegram": "Telegram",
    "tg": "Telegram",
    "signal": "Signal",
    "viber": "Viber",
    "wechat": "WeChat",
    "we chat": "WeChat",
}

_NETWORK_NAMES = {
    "fb": "Facebook",
    "facebook": "Facebook",
    "face": "Facebook",
    "tiktok": "TikTok",
    "tik tok": "TikTok",
    "snap": "Snapchat",
    "snapchat": "Snapchat",
    "twitter": "Twitter",
}

_WORD = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
_WORD_REST = re.compile(r"[a-z0-9]*")


# Roles made of common words ("you", "send", "this week", "free"): the automaton leaves them
# out, and they are searched for only in a text where a rule's first role occurs. Every
# rule starts with a role the automaton finds.
_CONTEXT_ROLES = frozenset(
    {"address", "cue", "scope", "repeat", "urgency", "outside", "look", "lever", "channel"}
)


def _context_pattern(stems: tuple[str, ...]) -> re.Pattern[str]:
    """Any of ``stems`` at the start of a word, whole words ("u$") standing alone."""
    whole = literal_union(stem[:-1] for stem in stems if stem.endswith("$"))
    starts = literal_union(stem for stem in stems if not stem.endswith("$"))
    return re.compile(f"(?<![a-z0-9])(?:{whole}(?![a-z0-9])|{starts}[a-z0-9]*)")


_CONTEXT = {
    (index, role): _context_pattern(stems)
    for index, frame in enumerate(_FRAMES)
    for role, stems in frame.roles.items()
    if role in _CONTEXT_ROLES
}


def _automaton() -> ahocorasick.Automaton:
    entries: dict[str, list[tuple[int, str, bool, int]]] = {}
    for index, frame in enumerate(_FRAMES):
        for role, stems in frame.roles.items():
            if role in _CONTEXT_ROLES:
                continue
            for stem in stems:
                whole = stem.endswith("$")
                word = stem.rstrip("$")
                entries.setdefault(word, []).append((index, role, whole, len(word)))
    automaton = ahocorasick.Automaton()
    for word, values in entries.items():
        automaton.add_word(word, tuple(values))
    automaton.make_automaton()
    return automaton


_AUTOMATON = _automaton()
# A sentence's end: a rule's roles may spread over two sentences, never three.
_SENTENCE_END = re.compile(r"[.!?\n](?=\s|$)")


def _sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The stretch from the start of ``start``'s sentence to the end of ``end``'s."""
    left = max(text.rfind(mark, 0, start) for mark in ".!?\n")
    right = len(text)
    for mark in ".!?\n":
        found = text.find(mark, end)
        if found != -1 and found < right:
            right = found
    return left + 1, right


def find_frames(text: str, skip: frozenset[str] = frozenset()) -> list[Hit]:
    """Hits for every frame whose roles occur together in ``text``.

    ``text`` is the normalised keyword view; categories in ``skip`` (already found by the
    rules) are not searched again.
    """
    found: dict[int, dict[str, list[tuple[int, int]]]] = {}
    last = len(text) - 1
    for end, values in _AUTOMATON.iter(text):
        for index, role, whole, length in values:
            start = end - length + 1
            if start > 0 and text[start - 1] in _WORD:
                continue
            if whole and end < last and text[end + 1] in _WORD:
                continue
            # A stem's span runs to the end of its word: "proxim" shows as "proximo".
            stop = end + 1
            rest = None if whole else _WORD_REST.match(text, stop)
            if rest is not None:
                stop = rest.end()
            found.setdefault(index, {}).setdefault(role, []).append((start, stop))
    hits: list[Hit] = []
    for index, roles in found.items():
        frame = _FRAMES[index]
        if frame.category in skip:
            continue
        hit = _frame_hit(text, index, roles)
        if hit is not None:
            hits.append(hit)
    return hits


def _frame_hit(text: str, index: int, roles: dict[str, list[tuple[int, int]]]) -> Hit | None:
    frame = _FRAMES[index]
    for rule in frame.rules:
        if rule.roles[0] not in roles or not all(
            role in roles or role in _CONTEXT_ROLES for role in rule.roles
        ):
            continue
        anchors = roles[rule.roles[0]]
        low = max(0, anchors[0][0] - frame.window)
        high = anchors[-1][1] + frame.window
        spans_of = dict(roles)
        for role in rule.roles:
            if role in _CONTEXT_ROLES and role not in roles:
                # Only the stretch the rule's window can reach around its first role.
                found = _CONTEXT[index, role].finditer(text, low, high)
                spans_of[role] = [match.span() for match in found][:50]
        if not all(spans_of[role] for role in rule.roles):
            continue
        first, *others = rule.roles
        for anchor in spans_of[first][:20]:
            spans = [anchor]
            for role in others:
                near = min(
                    spans_of[role],
                    key=lambda span: abs(span[0] - anchor[0]),
                )
                if abs(near[0] - anchor[0]) > frame.window:
                    break
                spans.append(near)
            else:
                # The span covers what the message is about; the words addressing the
                # buyer ("you", "por favor") only confirm it.
                shown = [
                    span for role, span in zip(rule.roles, spans, strict=True) if role != "address"
                ]
                start = min(span[0] for span in spans)
                end = max(span[1] for span in spans)
                left, right = _sentence_bounds(text, start, end)
                if len(_SENTENCE_END.findall(text, start, end)) > 1:
                    continue
                if frame.veto.search(text, left, right):
                    continue
                if (
                    frame.category == "marketing"
                    and "?" in text[left : right + 1]
                    and _MARKETING_QUESTION.search(text[left:right])
                ):
                    continue
                detail = ""
                if frame.category == "messaging_app":
                    name = text[spans_of["app"][0][0] : spans_of["app"][0][1]]
                    detail = _APP_NAMES.get(name, "WhatsApp")
                    if "plane" in name or "avion" in name:
                        detail = "Telegram"
                elif frame.category == "social_handle":
                    name = text[spans_of["network"][0][0] : spans_of["network"][0][1]]
                    detail = _NETWORK_NAMES.get(name, "Instagram")
                code = rule.code
                if frame.category == "review_manipulation":
                    lever = spans[rule.roles.index("lever")]
                    code = _review_code(text[lever[0] : lever[1]])
                start = min(span[0] for span in shown)
                end = max(span[1] for span in shown)
                return Hit(frame.category, start, end, code, detail)
    return None
