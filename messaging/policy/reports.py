"""Sentences that report what someone else sent: "someone asked me to move to WhatsApp".

A buyer telling the seller (or the marketplace) about a contact attempt, a review bribe or an
offer to buy outside the platform is doing what the policy wants. The wording detectors would
read the app, the bribe or the offer as the sender's own; inside a reporting sentence they do
not count. Contact details do: a number or an address is blocked wherever it is written.
"""

from __future__ import annotations

import re

from .language import sentences

# Someone else, or something that came in the parcel, did the asking or the offering.
_THIRD_PARTY = (
    r"(?:someone|somebody|some(?:one|body) (?:claiming|pretending|saying|writing)|a person|"
    r"a (?:guy|man|woman|lady|stranger|seller|user|profile|number|account)|"
    r"another (?:seller|shop|store|vendor|buyer|user|company)|other (?:sellers|shops|stores)|"
    r"(?:the|that|this|a|an) (?:other |previous |first |last )?"
    r"(?:seller|vendor|shop|store|courier|driver|card|flyer|leaflet|note|paper|insert|slip|"
    r"sticker|box|package|parcel|letter|email|message|text|sms|dm|caller|account|profile|"
    r"qr code|ad|postcard|brochure|tag|label|manual|packaging|instructions|sticker)|"
    r"(?:your|tu|su|vuestro|vuestra) (?:colleague|coworker|co-worker|employee|staff|partner|"
    r"driver|courier|rep|representative|agent|team member|assistant|companero|companera|"
    r"empleado|empleada|colega|socio|socia|repartidor|mensajero|agente)|"
    r"(?:un|una) (?:supuesto|supuesta) \w+|"
    r"they|he|she|"
    r"alguien|una persona|un (?:tal|señor|senor|chico|hombre|usuario|perfil|numero|vendedor)|"
    r"una (?:señora|senora|chica|mujer|cuenta|tarjeta|nota|hoja|carta|postal)|"
    r"otro vendedor|(?:el|la|un|una|ese|esa) (?:otro |anterior )?"
    r"(?:vendedor|vendedora|tienda|repartidor|mensajero|tarjeta|papel|papelito|folleto|nota|"
    r"caja|paquete|correo|mensaje|perfil|cuenta|volante|panfleto|sobre|etiqueta|manual|"
    r"embalaje|empaque|instrucciones|pegatina))"
)
_REPORTING_VERB = (
    r"(?:asked|asking|asks|told|telling|tells|wanted|wants|offered|offering|offers|"
    r"sent|sending|messaged|messaging|texted|texting|called|calling|contacted|contacting|"
    r"keeps|kept|wrote|writing|says|said|saying|"
    r"invited|inviting|suggested|suggesting|promised|promising|tried|trying|pushed|pushing|"
    r"urged|insisted|came with|had|has|contained|included|reads|read|listed|printed|"
    r"promoted|promoting|advertised|advertising|mentioned|recommended|gave|handed|left|"
    r"dio|dieron|dejo|dejaron|entrego|entregaron|"
    r"promociona\w*|anuncia\w*|recomendo|recomendaba|menciono|"
    r"pidio|pidieron|pide|piden|pedia|pedian|pidiendo|pidiendome|dijo|dijeron|dice|dicen|decia|"
    r"diciendo|ofrecio|ofrecieron|ofrece|ofrecen|ofrecia|ofreciendo|escribio|escribieron|"
    r"mando|mandaron|envio|enviaron|llamo|llamaron|contacto|contactaron|pregunto|preguntaron|"
    r"invito|invitaba|invitando|sugirio|propuso|prometia|insistio|venia|vino|trae|traia|pone|"
    r"ponia|decia)"
)
# The reader's own report: "I got a message on Telegram", "me escribieron por WhatsApp".
_RECEIVED = (
    r"(?:i (?:got|received|was sent|was asked|was told|was offered|was contacted|was called|"
    r"just got|have received|'ve received|'ve been (?:asked|contacted|offered|sent))|"
    r"(?:got|received) (?:a|an) (?:weird |strange |suspicious |odd |random )?"
    r"(?:dm|message|email|text|call|sms|friend request|invite)|"
    r"me (?:llego|llegaron|contactaron|contacto|escribieron|escribio|llamaron|llamo|pidio|"
    r"pidieron|ofrecio|ofrecieron|dijo|dijeron|mandaron|mando|enviaron|envio|agrego|agregaron|"
    r"pregunto|preguntaron)|recibi|"
    r"(?:was|is) (?:it|that|this) you (?:who|that)|"
    r"(?:who|that) (?:asked|told|offered|wanted|sent|messaged|texted|contacted) me|"
    r"(?:fuiste tu|fue usted|has sido tu|ha sido usted) (?:quien|el que|la que)|"
    r"found (?:a|an|this) (?:note|card|flyer|leaflet|sticker|paper|insert|slip)|"
    r"there (?:is|was) (?:a|an) (?:note|card|flyer|leaflet|sticker|paper|insert|slip)|"
    r"(?:encontre|venia|habia) (?:en (?:la caja|el paquete) )?(?:un|una|este|esta) "
    r"(?:nota|tarjeta|papel|papelito|folleto|pegatina|volante|cupon|hoja))"
)
# Asking whether what came in is allowed: "is it normal for a seller to ask me to ...".
_IS_IT_ALLOWED = (
    r"(?:is (?:it|this|that) (?:normal|allowed|ok|okay|legit|safe|a scam)|"
    # "it says limited edition on the box": text printed on what arrived.
    r"(?:it|that|which) (?:says|said|reads|read|pone|dice|decia)\b[^.!?]{0,40}\b(?:on|in|en) "
    r"(?:the|its|la|el|su) (?:box|label|tag|package|packaging|sticker|leaflet|manual|lid|back|"
    r"caja|etiqueta|paquete|embalaje|pegatina|folleto|manual|tapa)|"
    r"es normal que|(?:esta|es) permitido|es (?:una )?estafa|es fraude)"
)
_THIRD_PARTY_RE = re.compile(rf"\b{_THIRD_PARTY}\b")
_REPORTING_VERB_RE = re.compile(rf"\b{_REPORTING_VERB}\b")
_RECEIVED_OR_ASKING = re.compile(rf"\b(?:{_RECEIVED}|{_IS_IT_ALLOWED})\b")
_CLAUSE_END = re.compile(r"[.!?\n]")


def _reports(text: str) -> bool:
    if _RECEIVED_OR_ASKING.search(text) is not None:
        return True
    for party in _THIRD_PARTY_RE.finditer(text):
        window = text[party.end() : party.end() + 80]
        stop = _CLAUSE_END.search(window)
        if _REPORTING_VERB_RE.search(window, 0, stop.start() if stop else len(window)):
            return True
    return False


# The categories whose findings may be wording alone, and the codes among them that are a
# contact detail in themselves (those stay).
WORDING_CATEGORIES = frozenset(
    {"messaging_app", "social_handle", "marketing", "review_manipulation", "opt_out"}
)
CONTACT_CODES = frozenset(
    {
        "messaging_app_link",
        "messaging_app_username",
        "social_media_profile_link",
        "social_media_handle",
    }
)


def reporting_sentences(text: str) -> list[tuple[int, int]]:
    """Return the spans of the sentences of ``text`` that report what someone else sent.

    ``text`` is the folded view the wording detectors read (lower case, no accents).
    """
    if not _reports(text):
        return []
    return [
        (start, start + len(sentence)) for start, sentence in sentences(text) if _reports(sentence)
    ]
