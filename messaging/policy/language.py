"""Detectors for wording: contact channels, requests for contact details, marketing,
review manipulation and opt-out instructions, in English and Spanish.

All patterns run on the normalised, accent-free, lower-case keyword view of the text.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator

from .contacts import Hit, Span
from .patterns import Alternation, TriggerScan, any_of, word_start_after_letter

# --- sentences ------------------------------------------------------------------------------

_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?\n](?![\s\"')]|$)[^.!?\n]*)*")


def sentences(text: str) -> Iterator[tuple[int, str]]:
    for match in _SENTENCE.finditer(text):
        yield match.start(), match.group()


# --- messaging apps and social networks ----------------------------------------------------


def _spaced(word: str) -> str:
    """Let any one separator sit between letters: "whats-app", "t.e.l.e.g.r.a.m"."""
    return r"[\W_]?".join(re.escape(character) for character in word)


def _standalone(group: str, word: str) -> str:
    """Match ``word`` (spaced as by ``_spaced``) not inside a longer word, as group ``group``.

    The pattern starts with the word's first letter and checks the letter before it with a
    look-behind just after, which is the same test as a look-behind in front. An alternative
    that starts with a literal lets the engine drop it at once wherever that letter is
    absent, instead of trying every alternative's look-behind at every position. Only the
    group's name is ever read, so leaving the first letter outside the group is harmless.
    """
    first = re.escape(word[0])
    rest = _spaced(word)[len(first) :]
    return rf"{first}(?<![a-z]{first})(?P<{group}>{rest})(?![a-z])"


_APP_VARIANTS: dict[str, tuple[str, ...]] = {
    "WhatsApp": (
        "whatsapp",
        "whatsap",
        "watsapp",
        "watsap",
        "wasap",
        "wassap",
        "wasapp",
        "wassapp",
        "guasap",
        "guasapp",
        "whassap",
        "whatssap",
        "wazap",
        "whatsaap",
        "watsup",
        # Misspellings: a letter left out, "rn" for "m".
        "whtsapp",
        "whatapp",
        "vvhatsapp",
        "wattsapp",
        "wssp",
        "whatsaapp",
    ),
    "Telegram": (
        "telegram",
        "telegrama",
        "telegran",
        "telegrm",
        "telgram",
        "telegrarn",
        "tlgrm",
        "tlgm",
    ),
    "WeChat": ("wechat", "weixin"),
    "Viber": ("viber",),
    "Skype": ("skype",),
    "Discord": ("discord",),
    "iMessage": ("imessage", "facetime", "imsg"),
    "Messenger": ("msngr",),
    "Google Chat": ("googlechat", "gchat"),
    "KakaoTalk": ("kakaotalk",),
    "Threema": ("threema",),
}
_APP_SHORT = r"\b(?:wsp|wpp|whatsapp|kakao|zalo|tg)\b"
# Nicknames that are also ordinary words ("Wasa" crispbread, "whats" for "what's") count only
# where a channel goes: "escríbeme al wasa", "por whats", "mándame un wasa", "mi whats es".
_APP_NICKNAME = r"(?:wasa|wassa|guasa|whats|wats)"
_APP_NICKNAMES = (
    r"\b(?:al|por|por el|via|on|over|by)\s+" + _APP_NICKNAME + r"\b"
    r"(?=\s*(?:$|[.,;:!?)\n]|\+?\d|(?:me|us|or|o|and|y|please|pls|porfa|por favor|mejor|better|"
    r"instead|to|para|si|if|mejor|plis|xfa)\b))"
    r"|\b(?:mi|tu|su|my|your|our|nuestro)\s+" + _APP_NICKNAME + r"\b(?=\s*(?:is|es|:|=|\+?\d))"
    r"|\b(?:manda|envia|pasa|escribe|deja|echa|send|drop|shoot)\w*\s+(?:un|a)\s+"
    + _APP_NICKNAME
    + r"\b"
    r"|\b" + _APP_NICKNAME + r"(?=\s*:\s*\+?\d)"
)
# A product context: "the Wasa crispbread arrived broken".
_FOOD_CONTEXT = re.compile(
    r"crisp|bread|\bpan\b|galleta|cracker|tostad|knacke|snack|comida|\bfood|\beat|\bcomer|"
    r"centeno|\brye\b|\bfibra|fibre|fiber|sesame|sesamo|\bpack|paquete|caja|\bbox"
)
_APP_CONTEXTUAL = (
    r"\b(?:on|en|por|via|through|add (?:me|us) on|text (?:me|us) on|agrega(?:me|nos) en|"
    r"(?:move|switch|go|come) (?:over )?to|over to|pasemos a|pasamos a|cambiamos a)"
    r"\s+(?:signal|line|messenger)\b(?!\s+(?:of|de|\d))"
    r"|\bsignal(?:\s+(?:me|us)\b|\s*:)|\bline\s*(?:id|app)\b|\bline\s*:\s*@"
    r"|\b(?:on|en|por|via|al)\s+wa\b(?!\s+(?:state|de\b))|\b(?:wa|w/a)\s*:\s*\+?\d"
    # "the green app", "la app verde": WhatsApp by its colour.
    r"|\b(?:the )?green (?:chat |messaging |message |phone )?app\b"
    r"|\b(?:la )?(?:app|aplicacion) verde\b"
)
_APP_VARIANT_LIST = tuple(variant for variants in _APP_VARIANTS.values() for variant in variants)
_APP = Alternation(
    [
        "|".join(
            _standalone(f"app{index}", variant) for index, variant in enumerate(_APP_VARIANT_LIST)
        ),
        _APP_SHORT,
        _APP_CONTEXTUAL,
        rf"(?P<nickname>{_APP_NICKNAMES})",
        # The app's name made a verb: "wasapeame", "whatsappeanos", "telegrameame".
        r"\b(?:whats?app?|wh?atsap|wass?app?|guas?app?|uatsap|telegram)e(?:a|e|ar|ame|anos|"
        r"eame|eanos|amos)\b",
    ]
)
_APP_TRIGGERS = frozenset(
    (
        "signal",
        "line",
        "messenger",
        "wsp",
        "wpp",
        "kakao",
        "zalo",
        "tg",
        "wa",
        "wasa",
        "wassa",
        "guasa",
        "whats",
        "wats",
        "green",
        "verde",
        "w/a",
    )
)
_APP_SHORT_TRIGGERS = frozenset(("wsp", "wpp", "kakao", "zalo", "tg"))
_APP_NICKNAME_TRIGGERS = frozenset(("wasa", "wassa", "guasa", "whats", "wats"))
_APP_NAMES_BY_GROUP = {
    f"app{index}": name
    for index, name in enumerate(name for name, variants in _APP_VARIANTS.items() for _ in variants)
}

_SOCIAL_VARIANTS: dict[str, tuple[str, ...]] = {
    "Instagram": ("instagram", "insta", "instagran", "instagrm", "instgram", "instagrarn"),
    "Facebook": ("facebook", "facebok", "facebk", "feisbuk", "feisbu", "fesbuk"),
    "TikTok": ("tiktok",),
    "Twitter": ("twitter",),
    "YouTube": ("youtube",),
    "Pinterest": ("pinterest",),
    "Snapchat": ("snapchat",),
    "LinkedIn": ("linkedin",),
    "OnlyFans": ("onlyfans",),
    "Twitch": ("twitch",),
}
_SOCIAL_VARIANT_LIST = tuple(
    variant for variants in _SOCIAL_VARIANTS.values() for variant in variants
)
_SOCIAL_TRIGGERS = frozenset(("ig", "fb", "tik", "snap", "x", "tt", "yt", "face"))
_SOCIAL = Alternation(
    [
        "|".join(
            _standalone(f"net{index}", variant)
            for index, variant in enumerate(_SOCIAL_VARIANT_LIST)
        ),
        r"\b(?:ig|fb|tik tok|snap|x|tt|yt|face)\b",
    ]
)
_SOCIAL_NAMES_BY_GROUP = {
    f"net{index}": name
    for index, name in enumerate(
        name for name, variants in _SOCIAL_VARIANTS.items() for _ in variants
    )
}
_SOCIAL_WEAK = frozenset({"ig", "fb", "snap", "x", "tik tok", "tt", "yt"})
# The short names that read as their network's name in a reason.
_SHORT_NETWORK_NAMES = {"tt": "TikTok", "yt": "YouTube", "tik tok": "TikTok", "face": "Facebook"}
_SPANISH_FACE_BEFORE = re.compile(r"\b(?:en|por|al|del|mi|tu|su)(?:\s+el)?\s+$")

_NEGATED = re.compile(
    r"\b(?:don'?t|do not|dont|never|no longer|not|no|nunca|tampoco|ni|sin|without|"
    r"doesn'?t|isn'?t)\b(?:\W+\w+){0,3}\W*$"
)
_FEATURE = re.compile(
    word_start_after_letter(
        [
            "compatib",
            r"\bworks? with\b",
            r"\bwork with\b",
            r"\bsupport",
            "notification",
            "notificacion",
            r"\bintegra",
            "funciona con",
            "sincroniza",
            r"\bsync",
            r"\bshare (?:to|via|on)\b",
            "compartir en",
            r"\bapp update\b",
            "instalad",
            "installed",
            "preinstal",
            "pre-instal",
            r"\bicon\b",
            r"\bwidget",
            r"\bsticker",
            r"\bfilter\b",
            r"\bfiltro\b",
            r"\bcalls? quality\b",
            r"\bllamadas de\b",
            r"\bvideollamada",
            r"\bvideo ?calls?\b",
        ]
    )
)
_CHANNEL_CUE = re.compile(
    # A possessive right before the name, or before a few words naming the account ("my
    # shop's instagram", "mi cuenta de tiktok"), not "my daughter loves TikTok".
    r"\b(?:my|our|mi|mis|nuestr[oa]s?)\s+(?:(?:account|page|profile|cuenta|perfil|pagina|new|"
    r"nuevo|nueva|other|otro|otra|main|business|shop'?s?|store'?s?|de|del|en|on|the|el|la|"
    r"handle|usuario|user|name|nombre|official|oficial|tienda|shop|store|canal|channel)\s+){0,3}"
    r"[^\w\s]?\s*$|"
    r"\b(?:follow|follows|sigue|siguenos|sigueme|seguir|"
    r"siganos|find (?:us|me)|search (?:for )?(?:us|me)|busca(?:nos|me)?|"
    r"encuentra(?:nos|me)|check|mira|visita|add (?:us|me)|agrega(?:nos|me)|anade(?:nos|me)|"
    r"dm|message (?:us|me)|ping (?:us|me)|hit (?:us|me) up|write (?:us|me)|"
    r"escribe(?:nos|me)|habla(?:nos|me)|contact (?:us|me)|contacta(?:nos|me)|"
    r"we'?re on|i'?m on|estamos en|estoy en|like us|dale like|look (?:me|us) up|"
    r"subscribe|suscribete)\b[^.!?]{0,30}$"
)
# Words that follow a network's name in ordinary prose ("the Instagram ad", "my IG story"),
# so the name is not a label for an account name.
_NOT_A_HANDLE = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "so",
        "if",
        "to",
        "of",
        "in",
        "on",
        "at",
        "by",
        "for",
        "from",
        "with",
        "as",
        "is",
        "was",
        "are",
        "were",
        "be",
        "been",
        "has",
        "had",
        "have",
        "does",
        "did",
        "do",
        "will",
        "would",
        "can",
        "could",
        "should",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "too",
        "also",
        "either",
        "though",
        "then",
        "there",
        "here",
        "now",
        "yet",
        "just",
        "still",
        "again",
        "very",
        "really",
        "lol",
        "haha",
        "ok",
        "okay",
        "yes",
        "no",
        "not",
        "my",
        "your",
        "our",
        "his",
        "her",
        "their",
        "me",
        "you",
        "us",
        "them",
        "i",
        "we",
        "he",
        "she",
        "they",
        "ad",
        "ads",
        "advert",
        "advertisement",
        "story",
        "stories",
        "post",
        "posts",
        "reel",
        "reels",
        "live",
        "lives",
        "feed",
        "page",
        "pages",
        "account",
        "accounts",
        "profile",
        "profiles",
        "app",
        "apps",
        "user",
        "users",
        "shop",
        "shops",
        "store",
        "link",
        "links",
        "video",
        "videos",
        "photo",
        "photos",
        "pic",
        "pics",
        "picture",
        "pictures",
        "message",
        "messages",
        "dm",
        "dms",
        "comment",
        "comments",
        "filter",
        "filters",
        "algorithm",
        "influencer",
        "influencers",
        "marketplace",
        "group",
        "groups",
        "friend",
        "friends",
        "follower",
        "followers",
        "like",
        "likes",
        "search",
        "notification",
        "notifications",
        "update",
        "updates",
        "login",
        "version",
        "market",
        "marketing",
        "promo",
        "campaign",
        "review",
        "reviews",
        "trend",
        "trends",
        "today",
        "yesterday",
        "week",
        "month",
        "year",
        "sale",
        "sales",
        "deal",
        "deals",
        "y",
        "o",
        "pero",
        "si",
        "de",
        "del",
        "en",
        "con",
        "por",
        "para",
        "es",
        "era",
        "son",
        "fue",
        "el",
        "la",
        "los",
        "las",
        "lo",
        "un",
        "una",
        "unos",
        "unas",
        "su",
        "sus",
        "mi",
        "mis",
        "tu",
        "tus",
        "nuestro",
        "nuestra",
        "anuncio",
        "anuncios",
        "historia",
        "historias",
        "publicacion",
        "publicaciones",
        "perfil",
        "perfiles",
        "cuenta",
        "cuentas",
        "pagina",
        "paginas",
        "tienda",
        "video",
        "videos",
        "foto",
        "fotos",
        "mensaje",
        "mensajes",
        "comentario",
        "comentarios",
        "grupo",
        "grupos",
        "amigo",
        "amigos",
        "seguidores",
        "tambien",
        "ayer",
        "hoy",
        "semana",
        "mes",
        "ano",
        "oferta",
        "ofertas",
    ]
)
_HANDLE_TOKEN = re.compile(r"\s*(?::\s*)?[\"'\u00ab\u201c]?@?(?P<name>[a-z0-9][a-z0-9_.]{1,29})")
_CHANNEL_AFTER = re.compile(
    r"^\s*(?::|=|@|(?:handle|account|cuenta|page|perfil|profile|usuario|user(?:name)?|channel|"
    r"canal)\b)"
)
_I_AM = frozenset(("soy", "somos", "i'm", "im", "we're", "were"))
_QUOTES = frozenset("\"'\u00ab\u201c")
_NAMED_AFTER = re.compile(r"^\s*(?:is|es|as|como|soy|somos|i'?m|we'?re)\b")
# "search casaverde on instagram", "busca casaverde en insta": a name to look up on a network.
_SEARCH_CUE = re.compile(
    r"(?:^|[^\w\s']\s*|\b(?:and|y|just|solo|please|por favor|pls|also|tambien|"
    r"(?:you|u) (?:can|could|may)(?: also)?|puedes|podeis|pueden)\s+)"
    r"(?:search(?: for)?|look (?:up|for)|find|follow|busca(?:r|nos|me)?|encuentra(?:nos|me)?|"
    r"sigue(?:nos|me)?|seguir)\s+"
    r"(?!(?:it|this|that|them|these|those|lo|la|los|las|eso|esto)\b)"
    r"[\w@.\-]+(?:\s+[\w@.\-]+){0,3}\s+(?:on|en|in)\s+$"
)
# "_SEARCH_CUE" cannot match without one of these.
_SEARCH_VERBS = ("search", "look ", "find", "busca", "encuentra", "follow", "sigue", "seguir")
_CLAUSE_START = re.compile(r"(?:^|[.!?\n:;,|(\-]|\b(?:and|y|or|o)\b)\s*$")
_CLAUSE_END = re.compile(r"\s*(?:$|[.!?\n,;)|]|[^\w\s'])")


def _handle_after(text: str, end: int) -> re.Match[str] | None:
    """Return a name that looks like an account name right after ``end``, if any."""
    match = _HANDLE_TOKEN.match(text, end, end + 40)
    if match is None:
        return None
    name = match.group("name").rstrip(".")
    if name in _NOT_A_HANDLE or (name.endswith(("ed", "ing")) and "_" not in name):
        return None
    return match


_WINDOW = 300
_MAX_HITS = 10
_SQUEEZE = re.compile(r"[\W_]+")


# A long message naming an app hundreds of times is decided by its first mentions.
_MAX_CANDIDATES = 100


class _FeatureMentions:
    """Product-feature wording in a text, found once and then looked up by sentence."""

    __slots__ = ("_ends", "_starts", "_text")

    def __init__(self, text: str) -> None:
        self._text = text
        self._starts: list[int] | None = None
        self._ends: list[int] = []

    def within(self, start: int, end: int) -> bool:
        if self._starts is None:
            matches = list(_FEATURE.finditer(self._text))
            self._starts = [match.start() for match in matches]
            self._ends = [match.end() for match in matches]
        index = bisect_left(self._starts, start)
        return index < len(self._starts) and self._ends[index] <= end


def _present(text: str, present: frozenset[str] | None) -> frozenset[str]:
    return triggers_in(text) if present is None else present


def _sentence_of(text: str, position: int) -> tuple[int, int]:
    """Return the bounds of the sentence around ``position``, looking at most _WINDOW away."""
    low = max(0, position - _WINDOW)
    high = min(len(text), position + _WINDOW)
    start = max(max(text.rfind(stop, low, position) for stop in ".!?;\n") + 1, low)
    ends = [index for index in (text.find(stop, position, high) for stop in ".!?;\n") if index >= 0]
    return start, min(ends, default=high)


def _preceding(text: str, position: int, width: int = 40) -> str:
    sentence_start, _ = _sentence_of(text, position)
    return text[max(sentence_start, position - width) : position]


def mentions_app(text: str, squeezed: str, present: frozenset[str] | None = None) -> bool:
    if _APP_SQUEEZED.search(squeezed):
        return True
    return not _present(text, present).isdisjoint(_APP_TRIGGERS)


def names_a_network(squeezed: str) -> bool:
    """Tell whether ``squeezed`` holds any app or network name (most texts hold none)."""
    return _NETWORK_SQUEEZED.search(squeezed) is not None


# Someone else using an app, or the buyer telling others about the purchase there: "my
# sister uses WhatsApp all day", "le voy a contar a mis amigas por WhatsApp".
_OTHERS_USE = re.compile(
    r"\b(?:my|mi|mis|our|nuestr[oa]s?)\s+(?:little |older |younger )?(?:sister|brother|mom|mum|"
    r"mother|dad|father|son|daughter|friends?|wife|husband|kids?|children|family|partner|"
    r"hermanas?|hermanos?|madre|padre|mama|papa|hijos?|hijas?|amig[oa]s?|esposa|esposo|"
    r"novi[oa]|abuel[oa]s?|familia|pareja)\b[^.!?\n]{0,30}\b(?:uses?|has|have|is on|are on|"
    r"loves?|likes?|watch(?:es)?|usa|usan|tiene|tienen|esta en|estan en|le gusta|les gusta|"
    r"ve|ven|mira|miran)\b[^.!?\n]{0,20}$"
    r"|\b(?:tell|show|share (?:it )?with|contar(?:le)?|contarles|ensenar(?:le|les)?|"
    r"compartir(?:lo)? con|decir(?:le|les)?)\s+(?:a\s+)?(?:my|mis|mi)\s+(?:friends|family|"
    r"amig[oa]s|familia)\b[^.!?\n]{0,20}$"
)


# The writer choosing to stay in the marketplace's chat, the app named only as the other way.
_PREFERS_HERE = re.compile(
    r"\b(?:prefer\w*|prefier\w*|rather)\b(?![^.!?\n]{0,12}\b(?:not|no|nunca|never)\b)[^.!?\n]{0,40}"
    r"\b(?:here|aqui|aca|this chat|este chat|the platform|la plataforma)\b"
    # "but let's keep it here", "mejor seguimos por aquí".
    r"|\b(?:let'?s keep|keep (?:it|this|talking|chatting|things)|let'?s (?:stay|talk|continue)|"
    r"seguimos|sigamos|continuemos|mejor) (?:\w+ ){0,2}(?:here|aqui|aca|por aqui|por aca|"
    r"in this chat|en este chat|on the platform|en la plataforma)\b"
)
# A message the writer received there, or what the writer did to a chat by mistake: "I got a
# WhatsApp from an unknown number", "silencié el chat de WhatsApp sin querer".
_RECEIVED_THERE = re.compile(
    r"\b(?:received|got|recibi|recibido|me llego|me ha llegado|me mandaron|me enviaron|"
    r"me escribieron)\s+(?:a|an|un|una|this|este|ese|some|unos|several|varios)\s+(?:\w+\s+)?$"
)
_OWN_ACTION = re.compile(
    r"\b(?:silenced|muted|archived|by mistake|accidentally|por error|sin querer|"
    r"por equivocacion)\b"
)


def find_app_mentions(
    text: str,
    squeezed: str,
    present: frozenset[str] | None = None,
    network: bool | None = None,
) -> list[Hit]:
    """Find messaging apps named as a contact channel (not negated, not a product feature).

    ``network`` is ``names_a_network(squeezed)`` if the caller has it already.
    """
    hits: list[Hit] = []
    present = _present(text, present)
    if network is None:
        network = names_a_network(squeezed)
    named = network and _APP_SQUEEZED.search(squeezed) is not None
    if not named and present.isdisjoint(_APP_TRIGGERS):
        return hits
    # Leave out the parts of ``_APP`` that cannot match: an app name, even spaced out, is one
    # in ``squeezed``; "whatsapp" is too, and the other short names and the nicknames are
    # whole-word triggers; the contextual part needs "signal", "line", "messenger" or "wa".
    apps = _APP.only(
        (
            named,
            named or not present.isdisjoint(_APP_SHORT_TRIGGERS),
            "wa" in present
            or "w/a" in text
            or "line" in text
            or "signal" in text
            or "messenger" in text
            or "green" in text
            or "verde" in text,
            not present.isdisjoint(_APP_NICKNAME_TRIGGERS),
            "ape" in text or "ppe" in text or "rame" in text,
        )
    )
    features = _FeatureMentions(text)
    for attempt, match in enumerate(apps.finditer(text)):
        if len(hits) >= _MAX_HITS or attempt >= _MAX_CANDIDATES:
            break
        start, end = match.span()
        sentence_start, sentence_end = _sentence_of(text, start)
        if _NEGATED.search(text[max(sentence_start, start - 40) : start]):
            continue
        if features.within(sentence_start, sentence_end):
            continue
        if _OTHERS_USE.search(text, max(sentence_start, start - 80), start):
            continue
        if _APP_FAILED_BEFORE.search(text, max(sentence_start, start - 24), start):
            continue
        if _RECEIVED_THERE.search(text, max(sentence_start, start - 40), start) or (
            _OWN_ACTION.search(text, sentence_start, sentence_end)
        ):
            continue
        if _PREFERS_HERE.search(text, sentence_start, sentence_end):
            # "I use WhatsApp with my family, but I'd rather keep our chat here."
            continue
        if _APP_AS_SUBJECT.match(text, end) or _DEFINITION.search(
            text, sentence_start, sentence_end
        ):
            # "Telegram saved it with a weird name", "TG en la tabla significa talla grande".
            continue
        if match.lastgroup == "nickname":
            if _FOOD_CONTEXT.search(text, sentence_start, sentence_end):
                continue
            hits.append(Hit("messaging_app", start, end, "messaging_app_named", "WhatsApp"))
            continue
        name = _APP_NAMES_BY_GROUP.get(match.lastgroup or "", "")
        if not name:
            value = match.group()
            name = next(
                (label for label in ("Signal", "Line", "Messenger") if label.lower() in value),
                "WhatsApp"
                if value in ("wsp", "wpp") or "green" in value or "verde" in value
                else "Telegram"
                if value.startswith("telegram")
                else "WhatsApp"
                if value.endswith(("a", "e", "ar", "ame", "anos", "amos"))
                else value.strip().title(),
            )
        hits.append(Hit("messaging_app", start, end, "messaging_app_named", name))
    return hits


# The app doing something to a file, not a way to reach the sender.
_APP_AS_SUBJECT = re.compile(
    r"\s+(?:saved|renamed|compressed|converted|exported|cropped|shrank|blurred|ruined|says|"
    r"said|dice|pay\b|"
    r"changed|guardo|renombro|comprimio|cambio|estropeo|keeps crashing|crashed|is down|"
    r"was down|isn'?t working|stopped working|no (?:me )?funciona|se (?:me )?cayo|"
    r"se (?:me )?colgo|esta caido)\b"
)
# The app failing, said before it: "se me cayo el WhatsApp".
_APP_FAILED_BEFORE = re.compile(r"\bse (?:me |nos )?(?:cayo|colgo|rompio|bloqueo) (?:el |la )?$")
# A short name read as an abbreviation: "in the manual FB stands for front bracket".
_DEFINITION = re.compile(
    r"\b(?:stands? for|means|short for|abbreviation|significa|quiere decir|abreviatura)\b"
)


def find_social_mentions(
    text: str,
    squeezed: str,
    present: frozenset[str] | None = None,
    network: bool | None = None,
) -> list[Hit]:
    """Find social networks given as a place to follow or contact the sender.

    ``network`` is ``names_a_network(squeezed)`` if the caller has it already.
    """
    hits: list[Hit] = []
    if network is None:
        network = names_a_network(squeezed)
    named = network and _SOCIAL_SQUEEZED.search(squeezed) is not None
    # The short names ("ig", "x", "tik tok") are whole-word triggers.
    short = not _present(text, present).isdisjoint(_SOCIAL_TRIGGERS)
    if not named and not short:
        return hits
    features = _FeatureMentions(text)
    for attempt, match in enumerate(_SOCIAL.only((named, short)).finditer(text)):
        if len(hits) >= _MAX_HITS or attempt >= _MAX_CANDIDATES:
            break
        start, end = match.span()
        sentence_start, sentence_end = _sentence_of(text, start)
        before = text[max(sentence_start, start - 40) : start]
        if _NEGATED.search(before) or features.within(sentence_start, sentence_end):
            continue
        if _DEFINITION.search(text, sentence_start, sentence_end):
            continue
        value = match.group()
        if value == "face" and _SPANISH_FACE_BEFORE.search(before) is None:
            # Facebook is "el face" in Spanish; "face" alone is the word.
            continue
        if not _names_an_account(text, start, end, before, value in _SOCIAL_WEAK):
            continue
        if _OTHERS_USE.search(text, max(sentence_start, start - 80), start) or (
            _RELATIVE_FOLLOWS.search(text, sentence_start, start)
        ):
            # "my brother follows your shop on TikTok": someone else's account.
            continue
        if value in _SOCIAL_WORDS and not _handle_like_after(text, start, end):
            # "72\" x 36\"", "the 2-snap wire": the word, not the network.
            continue
        name = _SOCIAL_NAMES_BY_GROUP.get(
            match.lastgroup or "", _SHORT_NETWORK_NAMES.get(value, value.upper())
        )
        hits.append(Hit("social_handle", start, end, "social_media_account", name))
    return hits


_RELATIVE_FOLLOWS = re.compile(
    r"\b(?:my|mi|mis)\s+(?:sister|brother|mom|mum|mother|dad|father|son|daughter|friends?|"
    r"wife|husband|partner|hermanas?|hermanos?|madre|padre|mama|papa|hijos?|hijas?|"
    r"amig[oa]s?|esposa|esposo|novi[oa]|pareja)\s+(?:follows?|sigue|siguen|saw|vio|found|"
    r"encontro)\b"
)


# Short names that are also words: they name the network only before a handle-like name.
_SOCIAL_WORDS = frozenset({"x", "snap"})


def _handle_like_after(text: str, start: int, end: int) -> bool:
    if start > 0 and (text[start - 1].isdigit() or text[start - 1] in "-\"'"):
        return False
    handle = _handle_after(text, end)
    return handle is None or not handle.group("name").isdigit()


def _names_an_account(text: str, start: int, end: int, before: str, weak: bool) -> bool:
    """Tell whether a network named at [start, end) is given as the sender's account."""
    after = text[end : end + 16]
    if _CHANNEL_AFTER.match(after):
        return True
    handle = _handle_after(text, end)
    # Each cue is searched at most once; the search cue needs one of its verbs.
    search_cue = any(verb in before for verb in _SEARCH_VERBS) and bool(_SEARCH_CUE.search(before))
    channel_cue: bool | None = None
    named_after = _NAMED_AFTER.match(after)
    if named_after:
        # "our instagram is casaverde", "en insta como casaverde"; not "Instagram is great".
        named = _handle_after(text, end + named_after.end())
        if named is not None:
            channel_cue = _CHANNEL_CUE.search(before) is not None
            if channel_cue or search_cue or not named.group("name").isalpha():
                return True
            # "en YouTube soy «Taller Chema»": the sender's own name there, in quotes.
            if named_after.group().strip() in _I_AM and text[named.start("name") - 1] in _QUOTES:
                return True
    if search_cue:
        return True
    if channel_cue is None:
        channel_cue = _CHANNEL_CUE.search(before) is not None
    if channel_cue:
        return not weak or handle is not None
    # A label: "IG casaverde", "Instagram: casa.verde" at the start of a clause.
    return (
        handle is not None
        and _CLAUSE_START.search(before) is not None
        and _CLAUSE_END.match(text, handle.end()) is not None
    )


_MAIL_HOST_HANDLE = re.compile(
    r"(?:gmail|googlemail|hotmail|outlook|yahoo|ymail|icloud|protonmail|proton|aol|gmx|yandex|"
    r"zoho|live|msn)\.[a-z]{2,6}\b"
)
# "hit me up on tele: @mesa_roja", "mi tele: @mika_shop": Telegram by its nickname.
_TELEGRAM_NICKNAME = re.compile(r"\b(?:tele|tlg|tlgm)\b[^a-z0-9\n]{0,4}$")


def classify_handles(
    text: str, squeezed: str, spans: list[Span], present: frozenset[str] | None = None
) -> list[Hit]:
    """Label @handles: a messaging-app username when an app is named just before."""
    hits: list[Hit] = []
    if not spans:
        return hits
    any_app = mentions_app(text, squeezed, present)
    for start, end in spans[:_MAX_HITS]:
        before = _preceding(text, start, 50)
        if _MAIL_HOST_HANDLE.match(text, start + 1, end):
            # "@gmail.com", "@ o u t l o o k . i e": an address's domain, not a handle.
            hits.append(Hit("email", start, end, "email_address"))
        elif any_app and _APP.search(before):
            hits.append(Hit("messaging_app", start, end, "messaging_app_username"))
        elif _TELEGRAM_NICKNAME.search(before):
            # "tele" is Telegram to some and a network's short name to others: both stand.
            hits.append(Hit("messaging_app", start, end, "messaging_app_username"))
            hits.append(Hit("social_handle", start, end, "social_media_handle"))
        else:
            hits.append(Hit("social_handle", start, end, "social_media_handle"))
    return hits


# --- requests for contact details ----------------------------------------------------------

_ASK_EN = (
    r"\b(?:what'?s|what is|whats|can i (?:have|get)|could i (?:have|get)|may i (?:have|get)|"
    r"(?:can|could|would) you (?:share|send|give|tell|text|pass)(?: me| us)?|"
    r"please (?:share|send|give)(?: me| us)?|share|send me|give me|tell me|i need|need|"
    r"leave me|drop me|provide|do you have|have you got|got|is there)"
    r"\s+(?:(?:your|ur|yr|a|an|any|the best|the right|the correct|a good)\s+)?"
    r"(?:(?:personal|private|direct|best|contact|own|work|cell|mobile|phone|whatsapp|"
    r"telegram|e-?mail)\s+){0,2}"
)
_NOUN_EN = (
    r"(?P<email>e-?mail(?: address)?|mail address|gmail|hotmail|outlook)|"
    r"(?P<phone>phone(?: number)?|cell(?:phone)?(?: number)?|mobile(?: number)?|telephone|"
    r"number|contact (?:info|information|details|number))|"
    r"(?P<app>whatsapp|telegram|signal|wechat|viber|skype|discord|line id)|"
    r"(?P<social>instagram|insta|ig|facebook|fb|tiktok|snapchat|socials|handle)|"
    r"(?P<url>web ?site|web ?page|site|online (?:store|shop)|(?:shop|store) (?:link|url)|"
    r"link to (?:your|the) (?:own )?(?:site|website|store|shop))"
)
_ASK_ES = (
    r"\b(?:me (?:das|pasas|dejas|compartes|facilitas|puedes dar|puedes pasar|podrias dar|"
    r"podrias pasar|da|pasa|deja|dices|dice)|dame|pasame|mandame|enviame|dime|cual es|"
    r"tienes|tiene|teneis|tienen|tenes|necesito|comparte(?:me)?|facilitame|"
    r"podrias darme|podria darme)"
    r"\s+(?:(?:tu|su|vuestro|un|una|el|algun|alguna)\s+)?"
)
_NOUN_ES = (
    r"(?P<email>correo(?: electronico)?|email|e-mail|mail|gmail|hotmail|outlook)|"
    r"(?P<phone>telefono|numero(?= ?[?.!,]|$| de (?:telefono|movil|celular|contacto))|"
    r"movil|celular|celu|cel|contacto|datos de contacto)|"
    r"(?P<app>whatsapp|wasap|guasap|telegram|telegrama|signal|wechat)|"
    r"(?P<social>instagram|insta|ig|facebook|face|tiktok)|"
    r"(?P<url>(?:pagina|sitio) web|web|tienda (?:online|en linea|web)|enlace a (?:tu|su) "
    r"(?:tienda|web|pagina))"
)
_NOT_CONTACT_AFTER = (
    r"(?!(?:\s+or\s+\w+)?\s+(?:login|log-?in|sign-?in|integration|support|compatib\w*)\b)"
    r"(?!\s+(?:case|cases|charger|cable|holder|stand|mount|model|screen|cover|protector|"
    r"version|plan|bill|of (?:the|items|units|pieces)|de (?:pedido|seguimiento|serie|"
    r"referencia|factura|unidades)))"
)
_ASKS = (
    re.compile(rf"{_ASK_EN}(?:{_NOUN_EN})\b{_NOT_CONTACT_AFTER}"),
    re.compile(rf"{_ASK_ES}(?:{_NOUN_ES})\b{_NOT_CONTACT_AFTER}"),
)
_NETWORK_NOUN = (
    r"(?P<app>whatsapp|whats|wasap|guasap|telegram|signal|wechat|viber|line)|"
    r"(?P<social>instagram|insta|ig|facebook|face|fb|tiktok|snapchat|snap)"
)
# Without the names that are also ordinary words ("line stock", "signal strength").
_NETWORK_NOUN_STRICT = (
    r"(?P<app>whatsapp|whats|wasap|guasap|telegram|wechat|viber)|"
    r"(?P<social>instagram|insta|ig|facebook|face|fb|tiktok|snapchat)"
)
# Each pattern of _ASKS_MORE with the substrings one of which its matches hold.
_ASKS_MORE_HINTS: tuple[tuple[str, ...], ...] = (
    ("are you on", "r u on", "are u on", "r you on"),
    ("do you use", "do you have", "d u use", "do u use", "d u have", "do u have"),
    ("estas en", "esta en", "estan en", "usas", "tenes", "tienes", "tiene "),
    ("como te",),
    (" number", " digits", " cell", " mobile", "mail"),
    ("what number", "what phone", "what email", "what e-mail"),
    ("numero", "telefono", "movil", "celular", "cel ", "correo", "mail"),
    ("numero", "telefono", "movil", "celular", "cel ", "correo", "mail"),
    ("own ",),
    ("mail", "inbox", "address"),
    ("correo", "mail"),
    ("sell", "vend", "link", "enlace", "pagina", "tienda"),
    ("call", "text", "ring", "phone", "llam", "sms", "mensaje al"),
)
_ASKS_MORE = (
    # "are you on Facebook?", "¿estás en Instagram?", "¿tenés whats?", "do you use Telegram?"
    re.compile(rf"\b(?:are|r) (?:you|u) on (?:{_NETWORK_NOUN})\b(?!\s+(?:too|as well)\b)"),
    re.compile(rf"\b(?:do|d) (?:you|u) (?:use|have) (?:{_NETWORK_NOUN})\b"),
    re.compile(
        rf"\b(?:estas|esta|estan|usas|usa|tenes|tienes|tiene) (?:en )?(?:{_NETWORK_NOUN})\b"
    ),
    re.compile(
        rf"\bcomo te (?:encuentro|busco|agrego|sigo|escribo) (?:en|por) (?:{_NETWORK_NOUN})\b"
    ),
    # "drop your number", "what number can I reach you on"
    re.compile(
        r"\b(?:drop|send|text|post|type|give|share|leave|put|write)(?: me| us)? (?:your|ur) "
        r"(?:(?:best|personal|private|direct|cell|mobile) )?"
        r"(?:(?P<phone>number|digits|cell|mobile)|(?P<email>e-?mail(?: address)?))\b"
    ),
    re.compile(
        r"\bwhat (?:(?P<phone>number|phone)|(?P<email>e-?mail(?: address)?)) "
        r"(?:can|could|should|do) (?:i|we) "
        r"(?:reach|call|text|contact|email|write|message|use for) (?:you|u)\b"
    ),
    # "¿a qué número te puedo llamar?", "¿podría dejarme un número?"
    re.compile(
        r"\b(?:a|en) (?:que|cual) (?:(?P<phone>numero|telefono|movil|celular|cel)|"
        r"(?P<email>correo|mail|email)) (?:te|le|les|os) (?:puedo|podemos|puede) "
        r"(?:llamar|escribir|marcar|localizar|contactar|mandar)"
    ),
    re.compile(
        r"\b(?:dejarme|dejame|pasame|mandame|dame|me pasas|me das|me dejas|me deja|me pasa) "
        r"(?:un|tu|su) (?:(?P<phone>numero|telefono|movil|celular|cel)|"
        r"(?P<email>correo|mail|email))\b(?! de (?:pedido|seguimiento|serie|referencia|factura))"
    ),
    # "the address of your shop's own site"
    re.compile(
        r"\bthe (?:address|url|link) of your (?:shop'?s |store'?s )?own "
        r"(?P<url>site|website|store|shop|page)\b"
    ),
    # "where can I email you the photos?", "which inbox should I use?", "can I email you?",
    # "let me know your email", "type the address below"
    re.compile(
        r"\b(?:(?:where|how) (?:can|could|should|do) (?:i|we) (?P<email>e-?mail) (?:you|u)\b|"
        r"(?:what|which) (?P<email2>e-?mail(?: address)?|inbox|mail address) (?:should|can|could|"
        r"do) (?:i|we|you) (?:use|send|write|email)\b|"
        r"is there an? (?P<email3>e-?mail(?: address)?|address) (?:i|we) (?:can|could) "
        r"(?:e-?mail|send|write)\b|"
        r"(?:can|could|may) (?:i|we) (?P<email4>e-?mail) (?:you|u)\b(?! (?:here|through|via|on "
        r"the))|"
        r"let me know (?:your|ur) (?P<email5>e-?mail(?: address)?)\b|"
        r"(?:type|write|put|leave|drop) (?:the|your|ur) (?P<email6>e-?mail(?: address)?|address) "
        r"(?:below|here|down)\b)"
    ),
    # "¿a qué correo te lo mando?", "¿dónde te mando las fotos por correo?", "escríbeme tu email"
    re.compile(
        r"\b(?:a|en) (?:que|cual) (?P<email>correo|mail|email|direccion de correo|e-mail) "
        r"(?:te|le|os|les) (?:\w+ )?(?:mando|envio|escribo|paso|reenvio|mandamos|enviamos)\b|"
        r"\bdonde te (?:lo |la |los |las )?(?:mando|envio|paso)\b[^.?!\n]{0,25}\bpor "
        r"(?P<email2>correo|mail|email)\b|"
        r"\b(?:escribeme|escribenos|anotame|ponme) (?:tu|su) (?P<email3>correo|mail|email)\b"
    ),
    # "where else do you sell?", "send me the link to your shop", "pásame el enlace de tu web",
    # "¿tienes página?", "¿dónde más vendes?"
    re.compile(
        r"\bwhere else (?:do|can|could) (?:you|u|i) (?P<url>sell|buy from you)\b|"
        r"\bdonde mas (?P<url2>vend\w*|te (?:puedo )?compr\w*)\b|"
        r"\b(?:send|give|share|drop) me (?:the|a|your) (?P<url3>link|url) (?:to|of|for) "
        r"(?:your|ur) (?:own )?(?:shop|store|site|website|page)\b|"
        r"\b(?:pasame|mandame|dame|me pasas|me mandas|me das|comparteme) (?:el|un|tu) "
        r"(?P<url4>link|enlace) (?:de|a) (?:tu|su|vuestra) (?:tienda|web|pagina)\b|"
        r"\b(?:tienes|tiene|teneis|tienen|tenes) (?P<url5>pagina|tienda online|tienda en linea|"
        r"tienda propia)\b(?=\s*(?:[?.!,]|$|propia|aparte|web|fuera))"
    ),
    # "can I call you?", "¿te puedo llamar?", "send me a text", "¿me mandas un SMS?"
    re.compile(
        r"\b(?:can|could|may) (?:i|we) (?P<phone>call|text|ring|phone) (?:you|u)\b"
        r"(?! (?:here|through|via|on the))|"
        r"\b(?:te|le|os) (?:puedo|podemos|podria) (?P<phone2>llamar)\b|"
        r"\bpuedo (?P<phone3>llamarte|llamarle)\b|"
        r"\b(?:send|shoot) me an? (?P<phone4>text|sms)\b|"
        r"\b(?:mandame|enviame|me mandas|me envias) (?:un|el) (?P<phone5>sms|mensaje al "
        r"(?:movil|celular|telefono|cel))\b"
    ),
)
_ASK_CATEGORY = {
    "email": ("email", "asks_for_email"),
    "phone": ("phone", "asks_for_phone"),
    "app": ("messaging_app", "asks_for_messaging_app"),
    "social": ("social_handle", "asks_for_social_media"),
    "url": ("url", "asks_for_link"),
}


_REQUEST_TRIGGERS = frozenset(
    (
        "mail",
        "correo",
        "phone",
        "number",
        "cell",
        "mobile",
        "contact",
        "whatsapp",
        "telegram",
        "signal",
        "wechat",
        "viber",
        "skype",
        "discord",
        "line id",
        "insta",
        "ig",
        "facebook",
        "fb",
        "tiktok",
        "snapchat",
        "socials",
        "handle",
        "telefono",
        "numero",
        "movil",
        "celular",
        "wasap",
        "guasap",
        "face",
        "cel",
        "whats",
        "digits",
        "line",
        "snap",
        "site",
        "web",
        "store",
        "shop",
        "enlace",
    )
)


# Phrases only the later requests of ``_ASKS_MORE`` need ("where else do you sell?", "can I
# call you?", "¿tienes página?"); the other requests, and every pointer, hold a trigger of
# ``_REQUEST_TRIGGERS`` ("mail", "number", "site", "contact", ...).
_MORE_REQUEST_TRIGGERS = frozenset(
    (
        *("inbox", "address below", "address here", "where else", "donde mas", "link de tu"),
        *("link de su", "link a tu", "tienes pagina", "tiene pagina", "teneis pagina"),
        *("tienen pagina", "tenes pagina", "tienes tienda", "tiene tienda", "teneis tienda"),
        *("tienen tienda", "tenes tienda", "can i call", "could i call", "may i call"),
        *("can we call", "can i text", "could i text", "can i ring", "could i ring"),
        *("puedo llamar", "podemos llamar", "podria llamar", "puedo llamarte"),
        *("puedo llamarle", "me a text", "me an sms", "me a sms", "un sms", "el sms"),
        *("mensaje al movil", "mensaje al celular", "mensaje al cel"),
    )
)

# Contact details the writer points to instead of writing them: "my number is in my profile",
# "mi correo está en la factura", "the website is printed on the card", "te paso mi número
# por privado".
_PLACE = (
    r"(?:profile|perfil|bio|invoice|factura|label|etiqueta|box|caja|card|tarjeta|leaflet|"
    r"folleto|flyer|packaging|paquete|package|parcel|receipt|recibo|albaran|delivery note|"
    r"business card|tarjeta de visita|manual|insert)"
)
_POINTED = (
    r"(?:(?P<email>e-?mail(?: address)?|correo(?: electronico)?|mail)|"
    r"(?P<phone>(?:phone |mobile |cell )?number|numero(?: de telefono| de movil)?|telefono|"
    r"contact (?:details|info)|datos de contacto)|"
    r"(?P<url>website|web ?site|web|site|pagina(?: web)?|tienda online)|"
    r"(?P<app>whatsapp|wasap|telegram))"
)
_POINTERS = re.compile(
    r"\b(?:my|our|mi|mis|nuestr[oa]s?)\s+(?:personal\s+|own\s+|direct\s+)?"
    rf"{_POINTED}\s+(?:is|are|es|esta|estan|aparece|aparecen|viene|vienen|sale)\s+"
    r"(?:also\s+|tambien\s+|all\s+)?(?:(?:printed|written|impres[oa]s?|escrit[oa]s?)\s+)?"
    rf"(?:in|on|at|inside|en|dentro de)\s+(?:my|the|your|mi|el|la|tu|su|los|las)\s+"
    rf"(?:\w+\s+)?{_PLACE}\b"
    r"|\b(?:the|la|el)\s+(?:(?P<url2>website|web ?site|web|pagina web)|"
    r"(?P<email2>e-?mail(?: address)?|correo))\s+(?:is\s+|esta\s+)?(?:printed|written|impres[oa]|"
    r"escrit[oa])\s+(?:on|in|en)\b"
    r"|\b(?:you(?:'ll)? (?:can )?find|encontraras|encuentras) (?:my|our|mi|mis|nuestr[oa]s?) "
    rf"{_POINTED.replace('?P<', '?P<x_')} (?:on|in|en) (?:the|el|la|my|mi) (?:\w+ )?{_PLACE}\b"
    r"|\b(?:te|le|os) (?:paso|mando|envio|doy) (?:mi|el|nuestro) (?:(?P<phone3>numero|"
    r"telefono|movil)|(?P<email3>correo|mail|email))\b[^.?!\n]{0,12}\b(?:por privado|por fuera|"
    r"aparte|por otro lado)"
    r"|\bi'?ll (?:send|give|text) you my (?:(?P<phone4>number|phone number|cell)|"
    r"(?P<email4>e-?mail))\b[^.?!\n]{0,25}\b(?:separately|privately|in a separate message|"
    r"outside|elsewhere)"
)
_POINTER_CODES = {
    "email": ("email", "email_address", ""),
    "phone": ("phone", "phone_number", ""),
    "url": ("url", "external_link", "website"),
    "app": ("messaging_app", "messaging_app_named", "WhatsApp"),
}
_POINTER_HINTS = (
    *("profil", "perfil", "invoice", "factura", "label", "etiqueta", "card", "tarjeta"),
    *("printed", "impres", "privado", "separate", "aparte", "box", "caja", "manual"),
    *("leaflet", "folleto", "flyer", "recibo", "receipt", "albaran", "paquete", "package"),
    *("parcel", "bio", "insert", "delivery note"),
)


def _pointers(text: str) -> list[Hit]:
    hits: list[Hit] = []
    for match in _POINTERS.finditer(text):
        kind = next(
            (
                name.removeprefix("x_").rstrip("0123456789")
                for name, value in match.groupdict().items()
                if value
            ),
            None,
        )
        if kind is None:
            continue
        category, code, detail = _POINTER_CODES[kind]
        if kind == "app" and "telegram" in match.group():
            detail = "Telegram"
        hits.append(Hit(category, match.start(), match.end(), code, detail))
    return hits


_ASKS_MORE_HINT_SETS = tuple(frozenset(hints) for hints in _ASKS_MORE_HINTS)
_POINTER_HINT_SET = frozenset(_POINTER_HINTS)
_ASK_HINT_SCAN = TriggerScan(
    frozenset(hint for hints in _ASKS_MORE_HINTS for hint in hints) | frozenset(_POINTER_HINTS)
)


def find_requests(text: str, present: frozenset[str] | None = None) -> list[Hit]:
    hits: list[Hit] = []
    present = _present(text, present)
    asks = not present.isdisjoint(_REQUEST_TRIGGERS)
    if not asks and present.isdisjoint(_MORE_REQUEST_TRIGGERS):
        return hits
    hinted = _ASK_HINT_SCAN.present(text)
    patterns = (_ASKS if asks else ()) + tuple(
        pattern
        for pattern, hints in zip(_ASKS_MORE, _ASKS_MORE_HINT_SETS, strict=True)
        if not hinted.isdisjoint(hints)
    )
    for match in (match for pattern in patterns for match in pattern.finditer(text)):
        groups = match.groupdict()
        kind = next(
            (
                name.rstrip("0123456789")
                for name, value in groups.items()
                if value and name.rstrip("0123456789") in _ASK_CATEGORY
            ),
            None,
        )
        if kind is None:
            continue
        category, code = _ASK_CATEGORY[kind]
        if kind in ("app", "social") and _RELATIVE_BEFORE.search(
            text, max(0, match.start() - 40), match.start()
        ):
            # "mi hermana tiene WhatsApp": someone else's account, not asked for.
            continue
        hits.append(Hit(category, match.start(), match.end(), code))
    if not hinted.isdisjoint(_POINTER_HINT_SET):
        hits.extend(_pointers(text))
    return hits


_RELATIVE_BEFORE = re.compile(
    r"\b(?:my|mi|mis|our|nuestr[oa]s?)\s+(?:sister|brother|mom|mum|mother|dad|father|son|"
    r"daughter|friends?|wife|husband|kids?|family|partner|hermanas?|hermanos?|madre|padre|mama|"
    r"papa|hijos?|hijas?|amig[oa]s?|esposa|esposo|novi[oa]|abuel[oa]s?|familia|pareja)\s+$"
)


# --- marketing ------------------------------------------------------------------------------

_FUTURE_ORDER = (
    r"(?:next|future|proxim[oa]s?|siguientes?|futur[oa]s?)\s+(?:order|purchase|compra|pedido|visit)"
)
_PRICE = (
    r"(?:only\s+|just\s+|solo\s+|tan solo\s+|apenas\s+|an extra\s+|another\s+|un extra de\s+|"
    r"otros\s+)?(?:[$€£]\s?\d[\d.,]*|\d[\d.,]*\s?(?:€|\$|£|eur\b|euros?\b|dollars?\b|bucks\b|usd\b|"
    r"dolares\b|pesos\b|%|more\b|mas\b|extra\b))"
)
_UPSELL_OFFER = (
    r"\b(?:want me to|would you like(?: me)? to|do you want(?: me)? to|shall i|should i|"
    r"(?:i|we) (?:can|could)(?: also)?|let me|quieres que(?: te)?|te (?:puedo|podemos)|"
    r"(?:puedo|podemos)(?: tambien)?)\s+(?:also\s+|tambien\s+)?"
    r"(?:add|include|throw in|send you|sell you|offer you|get you|anad\w*|agreg\w*|inclu\w*|"
    r"sum\w*|mand\w*|envi\w*|vend\w*|ofrec\w*)\b"
)
# Not an upsell: the seller putting right the order the buyer already has.
_UPSELL_ITEM = (
    r"(?![^.!?]{0,60}\b(?:replacement|replace|refund|return|label|missing|damaged|broken|"
    r"note|gift message|instructions|tracking|receipt|invoice|at no (?:extra )?(?:cost|charge)|"
    r"free|no charge|reembols\w*|reemplazo|repuesto|sustitu\w*|etiqueta|devolucion|faltante|"
    r"roto|danad\w*|factura|recibo|nota|seguimiento|gratis|sin (?:coste|costo|cargo))\b)"
)
# Marketing with no link: a multi-buy deal, a sales event, a new collection, a scarcity push,
# another product to buy, a discount for ordering again, ordering directly next time. The
# buyer's own words ("I bought it in the Black Friday sale") are not the seller's promotion.
_NOT_BUYER = r"(?![^.!?\n]{0,80}\b(?:i bought|i ordered|i got|i paid|compre|pedi|lo compre))"
_NOT_BUYER_BEFORE = (
    r"(?<!bought it )(?<!bought them )(?<!ordered it )(?<!got it )(?<!during the )"
    r"(?<!in the )(?<!en las )(?<!en el )(?<!durante el )(?<!durante las )"
)
_WEEKDAY = (
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|tomorrow|tonight|"
    r"lunes|martes|miercoles|jueves|viernes|sabado|domingo|manana)"
)
_PROMOTIONS: tuple[tuple[tuple[str, ...], str, str], ...] = (
    (
        (
            "x1",
            "x2",
            "x3",
            "x4",
            "2x",
            "xi",
            "axe",
            "bogo",
            "b.o.g.o",
            "3 for",
            "4 for",
            "5 for",
            "on us",
            "free",
            "gratis",
            "half",
            "mitad",
            "% off",
            "segund",
            "second",
            "2nd",
            "third",
            "tercer",
            "paga ",
            "pagas ",
            "pague ",
            "pay for ",
            "pay only",
            *(f"pay {count}" for count in ("one", "two", "three", "four", *"12345678")),
        ),
        # "2x1", "3 for 2", "BOGO", "buy two, get one free", "la segunda unidad al 50 %",
        # "lleva 3 y paga 2", "take three, pay for two",
        # "the third one's on us"
        r"(?<!medidas )(?<!medida )(?<!size )(?<!tamano )(?<!mide )(?<!measures )"
        r"(?<![\w.,])(?:[2-5] ?x ?1|[3-5] ?x ?2|[4-5] ?x ?3)(?![\w.,]| ?(?:cm|mm|m|in|ft|"
        r"metros?|metres?|meters?|mts|pulgadas|inch\w*|feet|pies)\b)"
        r"|\b(?:[3-5] for [2-4])\b(?! (?:the price|\$|€|£))"
        r"|\bb\.?o\.?g\.?o\b|\bbuy one,? get one\b"
        r"|\b(?:lleva|llevate|llevese|llevas|te llevas|compra|compras|take|buy|get)\s+"
        r"(?:[2-9]|dos|tres|cuatro|cinco|two|three|four|five)\b(?:\s+\w+)?\s*(?:,|y|and)?\s*"
        r"(?:paga|pagas|pague|pay(?: for)?|pay only for)\s+(?:solo\s+)?"
        r"(?:[1-8]|una?|dos|tres|cuatro|one|two|three|four)\b"
        r"|\b(?:buy|get|order|compra|llevate|lleva|pide)\s+(?:\w+\s+){0,3}?"
        r"(?:and|,|y)?\s*(?:get|the (?:third|second|next)|llevate|te llevas|la (?:tercera|segunda)|"
        r"el (?:tercero|segundo))\b[^.!?\n]{0,40}\b(?:free|on us|gratis|half|a mitad|al \d+ ?%|"
        r"\d+ ?% off)"
        r"|\b(?:second|2nd|segunda|segundo|2a)\s+(?:unit|item|one|pair|unidad|pieza|par)?\s*"
        r"(?:at|al|a|le sale a|te sale a|sale a)\s+(?:half|mitad|\d+ ?%)"
        r"|\b(?:the|el|la) (?:third|tercer[oa]?|second|segund[oa]) (?:one|unidad|pieza)?\s*"
        r"(?:is |'s |es |sale |va )?(?:on us|free|gratis|de regalo|a mitad)",
        "multi_buy_offer",
    ),
    (
        (
            "black friday",
            "cyber monday",
            "buen fin",
            "hot sale",
            "prime day",
            "rebajas",
            "liquidacion",
            "clearance",
            "outlet",
            "flash sale",
            "venta flash",
            "fin de temporada",
            "end of season",
            "closing down",
            "summer sale",
            "winter sale",
            "sale starts",
            "big sale",
            "mega sale",
        ),
        rf"{_NOT_BUYER_BEFORE}\b(?:black friday|cyber monday|buen fin|hot sale|prime day|rebajas|"
        r"liquidacion|clearance|outlet|flash sale|venta flash|fin de temporada|end of season|"
        r"closing down|summer sale|winter sale|big sale|mega sale)\b"
        r"(?=[^.!?\n]{0,80}(?:\d+ ?%|\boff\b|descuento|\bdto\b|deals|ofertas|precios|prices|"
        r"aprovecha|don'?t miss|no te (?:lo|la) pierdas|starts|empieza|comienza|arranca|"
        r"\blive\b|early|adelantad|desde \d|from \$?\d|todo|everything|toda la tienda|"
        r"whole (?:shop|store)|our (?:shop|store|storefront)|nuestra tienda|solo (?:esta|este|hoy)|"
        rf"only (?:this|today|until)|hasta el|until|\b{_WEEKDAY}\b|must go))" + _NOT_BUYER,
        "promotes_sale",
    ),
    (
        (
            "collection",
            "coleccion",
            "launch",
            "lanz",
            "drops",
            "estren",
            "new line",
            "nueva linea",
            "new range",
            "new arrivals",
            "new season",
            "nueva temporada",
            "novedades",
            "latest line",
            "ultima coleccion",
        ),
        # "our autumn line drops Friday", "acabamos de lanzar la colección de verano"
        r"\b(?:(?:our|nuestra|nuestro|the|la|el|a|una|un)\s+)?"
        r"(?:new|nueva|nuevo|nuevas|nuevos|latest|ultima)\s+(?:\w+\s+){0,2}"
        r"(?:collection|coleccion|line|linea|range|arrivals|drop|season|temporada)\b"
        r"(?=[^.!?\n]{0,60}\b(?:out|drops|dropping|launch\w*|lanz\w*|arrives|llega|sale el|"
        r"is here|ya esta|available|disponible|now|ya|check|mira|don'?t miss|no te (?:la|lo) "
        r"pierdas|on (?:our|the) (?:shop|store)|en (?:nuestra|la) tienda|"
        rf"\b{_WEEKDAY}\b))"
        r"|\b(?:we (?:just )?(?:launched|dropped|released)|just (?:launched|dropped|released)|"
        r"acabamos de (?:lanzar|sacar|estrenar)|lanzamos|estrenamos|we'?re launching|"
        r"(?:new|nueva|nuevo) (?:\w+ )?(?:collection|coleccion|line|linea|range) "
        rf"(?:is )?(?:out|drops|sale|llega)\b|drops (?:on )?\b{_WEEKDAY}\b)" + _NOT_BUYER,
        "new_collection",
    ),
    (
        (
            "ultimas",
            "last units",
            "last pieces",
            "last few",
            "last ones",
            "limited",
            "limitad",
            "agot",
            "gone",
            "no te quedes",
            "miss out",
            "quedan",
            " left",
            "remaining",
            "disponibles",
        ),
        r"\b(?:ultimas (?:unidades|piezas)"
        r"|last (?:few )?(?:units|pieces|ones)\b(?! (?:of|de) (?:your|tu|su) )"
        r"|limited (?:stock|edition|units|time)|stock limitado|unidades limitadas|"
        r"while (?:stocks?|supplies) last|hasta agotar(?: existencias| stock)?|"
        r"before (?:they'?re|they are|it'?s|it is) (?:all )?gone|antes de que se agoten|"
        r"no te quedes sin|don'?t miss out"
        r"|(?:only|just|solo|quedan) (?:\d+|a few|unas pocas|pocas) "
        r"(?:\w+ )?(?:left|remaining|units? left|unidades|en stock|disponibles)\b"
        r"(?=[^.!?\n]{0,60}(?:grab|hurry|don'?t wait|no esperes|date prisa|corre|aprovecha|"
        r"get yours|consigue|before|antes|!)))",
        "scarcity_push",
    ),
    (
        (
            "love our",
            "like our",
            "enjoy our",
            "also check",
            "too check",
            "check out our",
            "recomiendo",
            "prueba",
            "mira tambien",
            "vistazo",
            "who bought",
            "who buy",
            "who order",
            "compraron",
            "compran",
            "pairs",
            "our matching",
            "nuestra",
            "nuestro",
            "matching",
            "encantara",
            "gustara",
        ),
        # "you'd love our matching pillowcases too", "te recomiendo también nuestra manta"
        r"\b(?:you'?d|you would|you'?ll|you will|you might) (?:also )?(?:love|like|enjoy) our\b"
        r"|\b(?:also|too)\s+(?:check out|try|get|grab|see) our\b|\bcheck out our\b"
        r"|\b(?:te|le|les|os) recomiendo (?:tambien )?(?:nuestr|el |la |los |las )"
        r"|\b(?:prueba|pruebe|mira|echa un vistazo a) (?:tambien )?(?:a )?nuestr"
        r"|\bwho (?:bought|buy|order) this (?:\w+ )?(?:also|usually|often)\b"
        r"|\bque (?:compraron|compran|compra) (?:esto|este|esta) (?:tambien|suelen|se llevan)"
        r"|\bpairs? (?:well|perfectly|great|nicely) with (?:our|the matching)\b"
        r"|\b(?:our|nuestr[oa]s?) (?:\w+ )?(?:matching|a juego|que combina)"
        r"|\bmatching (?:\w+ ){1,3}(?:are|is|r) (?:back|in stock|available)"
        # "si te gustó la taza, te encantará la tetera a juego"
        r"|\b(?:te|le|les|os) (?:encantara|encantaran|gustara|gustaran) (?:tambien )?"
        r"(?:\w+ ){1,3}(?:a juego|que combina|de la misma (?:coleccion|linea|serie))"
        r"|\byou'?ll (?:also )?(?:love|like) (?:the|our|this|these) (?:matching|coordinating)",
        "other_products",
    ),
    (
        (
            "again",
            "vuelves a",
            "vuelve a",
            "reorder",
            "regular customers",
            "returning customers",
            "repeat customers",
            "regular buyers",
            "habituales",
            "fieles",
            "frecuentes",
        ),
        r"\b(?:si (?:vuelves|vuelve) a (?:comprar|pedir)|if you (?:order|buy|shop) "
        r"(?:again|from us again)|(?:order|buy|shop) (?:again|from us again)|when you reorder|"
        r"(?:regular|returning|repeat) (?:customers|buyers) get|(?:clientes|compradores) "
        r"(?:habituales|fieles|frecuentes) (?:tienen|reciben|obtienen))\b[^.!?\n]{0,60}"
        r"(?:\d+ ?%|discount|descuento|\boff\b|better price|mejor precio|cheaper|mas barato|"
        r"free|gratis)",
        "future_order_discount",
    ),
    (
        (
            "next time",
            "la proxima",
            "when you need",
            "cuando necesites",
            "order here",
            "order it here",
            "order on the site",
            "order through",
            "pidas",
            "compres",
            "sin pasar por",
            "pasar por la",
            "skip the",
            "comision",
        ),
        r"\b(?:next time|la proxima(?: vez)?|when you need \w+ again|cuando necesites)\b"
        r"[^.!?\n]{0,60}\b(?:directly|direct|directamente|directo|a mi|from me|to me|conmigo|"
        r"por fuera|outside)\b"
        r"|\b(?:don'?t (?:re)?order (?:it )?(?:here|on the site|through the site)|no (?:lo )?"
        r"(?:pidas|compres) (?:por )?aqui|sin pasar por la (?:app|plataforma|pagina)|"
        r"no hace falta pasar por la (?:app|plataforma)|skip the (?:marketplace|platform|site|app)|"
        r"(?:te )?ahorras la comision)\b",
        "sale_outside_marketplace",
    ),
)

# (trigger words, pattern, reason code): a pattern is tried only if one of its words occurs.
_MARKETING: tuple[tuple[tuple[str, ...], str, str], ...] = (
    (
        ("coupon", "code", "codigo", "cupon", "voucher", "discount", "descuento"),
        # Not a code something was registered or sent with ("registrada con el código X").
        r"(?<!registrada )(?<!registrado )(?<!registered )(?<!generada )(?<!generado )"
        r"\b(?:use|usa|utiliza|apply|aplica|here'?s|aqui tienes|te (?:dejo|regalo|envio|mando)|"
        r"enjoy|disfruta|with|con)\s+(?:(?!(?:qr|return|door|locker|pin|access|error|pairing|"
        r"activation|verification|zip|postal|tracking|devolucion|puerta|taquilla|acceso)\b)"
        r"\w+\s+){0,2}(?:coupon|code|codigo|cupon|voucher|discount|descuento)\b"
        r"(?!\s+(?:on|from|printed|in|of|del?|en) (?:the|your|this|la|tu|el|esta) "
        r"(?:label|email|box|package|receipt|locker|etiqueta|caja|paquete|recibo))",
        "coupon_code",
    ),
    (
        ("use", "enter", "apply", "redeem", "usa", "utiliza", "introduce", "aplica", "canjea"),
        # "Enter SAVE10 at checkout": a code-shaped word given to type in at a later purchase.
        r"\b(?:use|enter|apply|redeem|type|usa|utiliza|introduce|aplica|canjea)\s+"
        r"(?P<code>[a-z0-9]{4,15})\b[^.!?]{0,30}\b(?:checkout|check out|"
        r"next|future|off|discount|descuento|proxim\w*|al pagar|en caja|save|ahorra)\b",
        "coupon_code",
    ),
    (
        ("next", "future", "proxim", "siguiente", "futur"),
        r"(?:\b(?:coupon|cupon|code|codigo|discount|descuento|off|save|ahorra)\b|\d ?%)"
        r"[^.!?]{0,40}\b" + _FUTURE_ORDER,
        "future_order_discount",
    ),
    (
        ("next", "future", "proxim", "siguiente", "futur"),
        rf"\b{_FUTURE_ORDER}\b[^.!?]{{0,40}}(?:\boff\b|discount|descuento|coupon|cupon|\bfree\b|"
        r"gratis|%)",
        "future_order_discount",
    ),
    (
        ("%",),
        r"\d ?%\s+(?:off\s+)?(?:en\s+|de descuento en\s+)?(?:all|everything|todo|toda|todos|"
        r"todas|sitewide|storewide|the entire|our|nuestr)",
        "promotes_sale",
    ),
    (
        ("sale", "liquidacion", "rebajas", "flash"),
        r"\b(?:warehouse|clearance|flash|big|huge|summer|winter|spring|holiday|seasonal|"
        r"end of season)\s+sale\b|\b(?:liquidacion|rebajas|venta flash|ofertas? flash)\b|"
        r"\bsale\s+(?:ends|starts|this week|until|now on)\b",
        "promotes_sale",
    ),
    (
        (
            "newsletter",
            "mailing",
            "email list",
            "boletin",
            "lista de",
            "sign up",
            "subscribe",
            "join our",
            "suscrib",
            "unete",
            "early access",
            "acceso anticipado",
        ),
        r"\b(?:newsletter(?! (?:stand|holder|rack|display|box|tray|paper|racks|stands))|"
        r"mailing list|email list|boletin|lista de correo|lista de difusion|"
        r"sign up for (?:our|my|restock|stock|back in stock)|subscribe to (?:our|my)|"
        r"join our (?:list|club|community|vip)|"
        r"suscribete|suscribase|unete a nuestr|early access|acceso anticipado)",
        "newsletter",
    ),
    (
        ("refer", "invit", "recomienda", "bring a friend", "trae a"),
        r"\b(?:referral|refer a friend|refer your friends|refer friends|invite a friend|"
        r"bring a friend|trae a (?:una? amig[oa]|tus amig[oa]s)|"
        r"recomienda(?:nos)?(?: \w+){0,3} a (?:un|una|tus) amig|invita a (?:un|tus) amig|"
        r"codigo de (?:referido|invitacion)|referido)",
        "referral_credit",
    ),
    (
        ("loyal", "reward", "point", "puntos", "programa", "club"),
        r"\b(?:loyalty|rewards? (?:program|points|club)|points? (?:on|for|with) every|"
        r"earn points|puntos (?:de fidelidad|por cada|en cada)|acumula puntos|"
        r"programa de (?:fidelidad|puntos|fidelizacion)|club de (?:clientes|socios))",
        "loyalty_programme",
    ),
    (
        (
            "bundle",
            "combo",
            "pack",
            "oferta",
            "upgrade",
            "also",
            "tambien",
            "complete the",
            "more",
            "por solo",
            "por tan",
            "por apenas",
        ),
        r"\b(?:bundle (?:deal|offer)|combo deal|pack ahorro|oferta (?:combinada|pack)|"
        r"upgrade to (?:the )?(?:premium|pro|deluxe|plus)|you (?:might|may) also (?:like|love)|"
        r"tambien te (?:puede|podria) (?:interesar|gustar)|complete the (?:look|set))\b|"
        r"\bfor (?:only|just) \$?\d[\d.,]* ?(?:€|\$|euros?|dollars?)? more\b|"
        r"\b(?:anade|agrega|suma)\b[^.!?]{0,40}\bpor (?:solo|tan solo|apenas)\b",
        "upsell",
    ),
    (
        (
            "add",
            "includ",
            "throw in",
            "sell",
            "offer",
            "anad",
            "agreg",
            "inclu",
            "vend",
            "ofrec",
            "interes",
            "also",
            "tambien",
            "matching",
            "juego",
            "complementar",
            "coordinat",
        ),
        # "Want me to add a matching pillow for $10?": another item offered for a price.
        rf"{_UPSELL_OFFER}{_UPSELL_ITEM}[^.!?]{{0,50}}?\b(?:for|por|at|a)\s+{_PRICE}|"
        rf"{_UPSELL_OFFER}{_UPSELL_ITEM}[^.!?]{{0,40}}?\b(?:to your (?:order|cart|package)|"
        r"a tu (?:pedido|carrito|paquete)|al (?:pedido|carrito|paquete))\b|"
        rf"(?:^|[.!?\n]\s*|\b(?:just|simply|solo)\s+)(?:add|anade|agrega|suma)\b{_UPSELL_ITEM}"
        rf"[^.!?]{{0,50}}?\b(?:for|por)\s+{_PRICE}|"
        r"\b(?:can|could|may) (?:i|we) interest you in\b|"
        r"\bte interesar(?:i|ia)a?\b[^.!?]{0,50}\b(?:por|a juego|tambien|otr[oa]s?)\b|"
        r"\b(?:interested in|te interesa)\b[^.!?]{0,40}\b(?:matching|our other|another|"
        r"a juego|otro de nuestr|nuestr[oa]s? otr)|"
        r"\b(?:we|i) (?:also|tambien) (?:sell|offer|carry|make|stock|have matching)\b|"
        r"\btambien (?:vendemos|ofrecemos|fabricamos|hacemos|tenemos (?:\w+ )?a juego)\b|"
        rf"\b(?:matching|complementary|coordinating|a juego)\b[^.!?]{{0,30}}\b(?:for|por)\s+"
        rf"{_PRICE}",
        "upsell",
    ),
    (
        (
            "check",
            "look at",
            "browse",
            "discover",
            "explore",
            "vistazo",
            "mira",
            "descubre",
            "visita",
            "conoce",
            "explora",
            "new ",
            "just landed",
            "nuev",
            "see",
            "view",
            "visit",
            "shop",
            "other",
            "otr",
            "demas",
        ),
        r"\b(?:check(?: out)?|take a look at|have a look at|look at|browse|discover|explore|"
        r"see|view|visit|shop)\s+(?:(?:the )?(?:rest|remainder) of\s+)?"
        r"(?:our|my)\s+(?:new\s+|latest\s+|spring\s+|summer\s+|fall\s+|autumn\s+|winter\s+|"
        r"holiday\s+|christmas\s+|full\s+|other\s+|entire\s+|whole\s+|similar\s+|related\s+)?"
        r"(?:line|collection|range|catalog|catalogue|arrivals|products|items|listings|"
        r"storefront|store|shop|website|site|page|insta|instagram|"
        r"facebook|tiktok|deals|offers|sale|designs|patterns)\b|"
        r"\b(?:our|my)\s+other\s+(?:products|items|listings|designs|models|styles|colou?rs)\b"
        r"[^.!?]{0,40}\b(?:check|see|look|browse|love|like|interest|available|visit)|"
        r"\b(?:nuestr[oa]s|mis)\s+(?:otr[oa]s|demas)\s+(?:productos|articulos|modelos|disenos|"
        r"anuncios)\b|"
        r"\b(?:echa(?:le)? un vistazo|mira|descubre|visita|conoce|explora)\s+(?:a\s+)?"
        r"(?:nuestr[oa]s?|mis?)\s+(?:nuev[oa]s?\s+)?(?:linea|coleccion|catalogo|tienda|web|"
        r"pagina|productos|ofertas|novedades|instagram|insta|perfil|disenos)\b|"
        # Not the buyer asking about one ("the new collection in your listing: is it ...?").
        r"\bnew (?:arrivals|collection)\b(?![^.!?\n]{0,80}\?)|\bjust landed\b|"
        r"\bnuev[oa]s? (?:coleccion|linea de|temporada|llegadas)\b(?![^.!?\n]{0,80}\?)",
        "other_products",
    ),
    (
        ("again", "de nuevo", "otra vez", "vuelve a", "on us", "claim", "reclam"),
        r"\b(?:order|buy|shop|purchase|come back|compra|pide)\s+(?:\w+\s+)?(?:again|de nuevo|"
        r"otra vez)\b[^.!?]{0,60}(?:\bfree\b|\boff\b|discount|\bon us\b|gratis|descuento|%)|"
        r"\bvuelve a (?:comprar|pedir)\b[^.!?]{0,60}(?:gratis|descuento|%)|"
        r"\bshipping is on us\b|\bclaim your (?:free|gift|bonus|reward)|"
        r"\breclam[ae]\w* (?:su|tu) \w+ (?:gratis|de regalo)",
        "repeat_purchase_or_gift",
    ),
    (
        ("outside", "off", "fuera"),
        r"\b(?:outside|off|fuera de)\s+(?:of\s+)?(?:the |this |la |esta |el )?(?:site|"
        r"platform|marketplace|amazon|ebay|etsy|app|website|plataforma|web|pagina|aplicacion)\b|"
        r"\boff-(?:site|platform)\b|"
        # "¿por dónde te escribo fuera de aquí?"
        r"\b(?:escrib\w*|contact\w*|habl\w*|reach|talk|write|message)\b[^.!?]{0,30}"
        r"\b(?:fuera de aqui|outside (?:of )?here)\b|"
        r"\b(?:vend\w*|compr\w*|envi\w*|mand\w*|pag\w*|trato|negocio)\b[^.!?]{0,30}\bpor fuera\b"
        r"(?!\s+de\s+(?:plazo|hora|horario|tiempo|fecha))",
        "sale_outside_marketplace",
    ),
    (
        ("address", "direccion", "domicilio"),
        r"\b(?:send|give|text|tell|share|pass|what'?s|what is|dame|pasame|mandame|enviame|"
        r"escribeme|dime|cual es|me (?:das|pasas|mandas|envias|dices))\s+(?:me\s+|us\s+)?"
        r"(?:your|tu|su)\s+(?:(?:home|personal|private|mailing|real|full|own)\s+)?"
        r"(?:address|direccion|domicilio)\b[^.!?]{0,60}\b(?:ship\w*|send|mail|post|deliver|"
        r"envi\w*|mand\w*|outside|off|fuera|directly|directamente|cheaper|mas barato)\b",
        "asks_for_home_address",
    ),
    (
        ("direct", "privately", "en privado"),
        r"\b(?:buy|order|purchase|pay|shop|deal|trade|sell|ship|compra\w*|pag(?:a|ar|ame)|"
        r"vend\w*|envi\w*)\b[^.!?]{0,30}\b(?:directly|directamente|privately|en privado)\b|"
        r"\bdirect(?:ly)?\s+(?:from|with|through)\s+(?:me|us|our)\b",
        "sale_outside_marketplace",
    ),
    (
        ("website", "web", "site", "store", "tienda", "shop", "pagina"),
        r"\b(?:our|my|nuestr[oa]|mi)\s+(?:own\s+)?(?:website|web site|web|site|online store|"
        r"tienda online|tienda|store|pagina web|shop)\b[^.!?]{0,30}\b(?:instead|cheaper|"
        r"better price|en lugar|en vez|mas barato|mejor precio)|"
        r"(?:discount|descuento|cheaper|mas barato)[^.!?]{0,30}\b(?:on|en)\s+(?:our|nuestr[oa])"
        r"\s+(?:website|web|site|tienda|pagina)",
        "own_shop",
    ),
    (
        ("website", "web", "site", "store", "tienda", "shop", "pagina"),
        r"\b(?:buy|order|shop|purchase|compra\w*|pide\w*)\s+(?:\w+\s+)?(?:from|on|at|in|en|desde)"
        r"\s+(?:our|my|nuestr[oa]|mi)\s+(?:own\s+)?(?:website|web site|web|site|online store|"
        r"tienda online|tienda|store|pagina web|pagina|shop)\b",
        "own_shop",
    ),
    (
        ("follow", "sigue", "siguenos"),
        r"\b(?:follow|sigue\w*)\b[^.!?]{0,40}\b(?:for|para|to (?:get|hear|see|know|catch|be)|"
        r"and (?:get|never miss|be)|y (?:no te pierdas|recibe|entera))\b[^.!?]{0,20}\b"
        r"(?:deals|offers|"
        r"discounts|news|updates|alerts|restocks?|ideas|inspiration|tips|giveaways|ofertas|"
        r"descuentos|novedades|inspiracion|sorteos|promociones|promos|sales|first|drops?|"
        r"launches|new (?:products|arrivals|items)|nuev[oa]s)\b|"
        r"\b(?:follow|sigue\w*)\b[^.!?]{0,40}\b(?:never miss|no te pierdas)\b",
        "social_media_for_offers",
    ),
    (
        ("cancel",),
        r"\bcancel\w*\b[^.!?]{0,60}\b(?:cheaper|better price|lower price|discount|"
        r"mas barato|mejor precio|rebaja)",
        "cheaper_if_cancelled",
    ),
    (
        ("price", "deal", "precio", "oferta"),
        r"\b(?:better|lower|special|mejor|menor)\s+(?:price|deal|precio|oferta)\b[^.!?]{0,40}"
        r"\b(?:outside|directly|next time|fuera|directamente|la proxima|privately)\b",
        "sale_outside_marketplace",
    ),
    (
        (
            "paypal",
            "venmo",
            "zelle",
            "cash",
            "bizum",
            "western",
            "moneygram",
            "revolut",
            "bitcoin",
            "crypto",
            "transfer",
        ),
        r"\b(?:pay|send|pagar|paga|pagame|pagas|pagues|envia|enviame|manda|mandame|hazme|"
        r"make me)\b[^.!?]{0,25}"
        r"\b(?:paypal|venmo|zelle|cash ?app|bizum|western union|moneygram|revolut|bitcoin|"
        r"crypto|bank transfer|wire transfer|transferencia)\b",
        "payment_outside_marketplace",
    ),
    *_PROMOTIONS,
)
_MARKETING += (
    (
        (
            *("loyal", "returning", "repeat", "regular", "vip", "frequent"),
            *("fieles", "habituales", "frecuentes", "recurrentes"),
        ),
        # "loyal customers get 20% off their second order"
        r"\b(?:loyal|returning|repeat|regular|vip|frequent)\s+(?:customers?|buyers?|clients?|"
        r"shoppers?)\s+(?:always\s+)?(?:get|receive|enjoy|save|earn)\b"
        r"|\b(?:los\s+)?clientes\s+(?:fieles|habituales|frecuentes|vip|recurrentes)\s+"
        r"(?:siempre\s+)?(?:tienen|reciben|obtienen|se llevan|disfrutan|ahorran)\b",
        "loyalty_programme",
    ),
    (
        (
            *("bundle", "package", "combine", "special price", "special deal", "precio si"),
            *("precio por", "precio con", "precio especial"),
        ),
        # "I can bundle both at a special price", "te hago precio si las pides juntas"
        r"\b(?:i|we) (?:can|could|'ll|will|would) (?:bundle|package|combine)\b[^.!?\n]{0,40}"
        r"\b(?:price|discount|deal|offer|rate)\b"
        r"|\bspecial (?:price|deal|rate) (?:if|when|for) (?:you )?(?:buy|get|order|add|take)\b"
        r"|\bte (?:hago|dejo|doy) (?:un )?(?:buen |mejor )?precio(?: especial)? (?:si|por|con) "
        r"(?:\w+ ){0,3}(?:juntos|juntas|ambos|ambas|los dos|las dos|el set|el juego|todo)\b",
        "upsell",
    ),
    (
        (
            *("last chance", "final hours", "ends tonight", "ends at midnight", "ends today"),
            *("midnight", "prices go up", "price goes up", "prices increase", "prices rise"),
            *("stock up", "ultima oportunidad", "ultimas horas", "precios suben"),
            *("precios subiran", "precios aumentan", "precios van a subir", "esta noche"),
            *("medianoche", "termina hoy", "acaba hoy", "este finde", "este fin de semana"),
        ),
        # "last chance: the bundle disappears at midnight", "stock up now, prices go up"
        rf"{_NOT_BUYER_BEFORE}\b(?:last chance|final hours|(?:ends|disappears|goes away|expires|"
        r"is gone) (?:tonight|at midnight|today|soon|this (?:weekend|week))|"
        r"prices? (?:go(?:es)? up|(?:will )?(?:increase|rise|go up)) (?:on|from|after|next|soon|"
        r"tomorrow|this)|stock up (?:now|today|while|before)|ultima oportunidad|ultimas horas|"
        r"(?:los )?precios? (?:suben|subiran|aumentan|aumentaran|van a subir) (?:el|a partir|"
        r"desde|manana|pronto|la proxima|este)|(?:termina|se acaba|desaparece|acaba) (?:esta noche|"
        r"hoy|a medianoche|este (?:finde|fin de semana)))\b" + _NOT_BUYER,
        "scarcity_push",
    ),
    (
        (
            *("almost out", "almost sold", "almost gone", "selling fast", "selling out"),
            *("going fast", "sell out", "sells out", "handful left", "agotando", "casi agotad"),
            *("quedan pocos", "quedan pocas", "vuelan", "volando"),
        ),
        # "we're almost out of the blue ones", "selling fast!", "se están agotando"
        rf"{_NOT_BUYER_BEFORE}\b(?:(?:we'?re|we are|i'?m|i am) almost (?:out|sold out)|"
        r"almost (?:gone|sold out)|selling (?:out )?fast|going fast|(?:they |these |it )?"
        r"sells? out (?:fast|quickly|every time|quick)|only a handful left|"
        r"se (?:estan|van|nos estan) agotando|casi agotad[oa]s?|quedan (?:muy )?poc[oa]s|"
        r"(?:se )?(?:estan )?(?:vuelan|volando))\b" + _NOT_BUYER,
        "scarcity_push",
    ),
    (
        (
            *("added", "listed", "got in", "stocked", "uploaded", "put up", "acabamos de"),
            *("collection", "coleccion", "linea", " line ", "range", " drop ", "nuevos"),
            *("nuevas", "brand new", "new models", "new designs", "new colo", "new products"),
            *("new pieces", "new items", "new arrivals", "new styles"),
        ),
        # "we just added a brand new range of candles", "our winter line is finally here"
        r"\b(?:we|i) (?:just |have just |'ve just |recently )?(?:added|listed|got in|stocked|"
        r"uploaded|put up)\b[^.!?\n]{0,30}\b(?:new|brand new|fresh)\b[^.!?\n]{0,30}"
        r"\b(?:range|line|collection|designs?|models?|colou?rs?|styles?|items|products|pieces)\b"
        r"|\b(?:tenemos|nos (?:llegaron|han llegado)|sacamos|lanzamos)\s+(?:\w+\s+)?"
        r"(?:nuev[oa]s\s+(?:modelos|disenos|colores|productos|piezas|articulos|estampados|"
        r"referencias|bolsos)|(?:linea|coleccion) nueva)\b"
        r"|\b(?:we have|we'?ve got|we just got|we got)\s+(?:some\s+)?(?:brand\s+)?new\s+"
        r"(?:models|designs|colou?rs|products|pieces|items|arrivals|styles)\b"
        r"|\bacabamos de (?:subir|anadir|agregar|publicar|recibir|meter)\b[^.!?\n]{0,40}"
        r"\bnuev[oa]s?\b"
        r"|\b(?:our|my|nuestr[oa]|mi) (?:new |nueva |nuevo )?(?:\w+ )?(?:collection|coleccion|"
        r"line|linea|range|drop) (?:is |are |ya )?(?:finally |already |now )?(?:here|out|live|"
        r"in stock|available|disponible|aqui|esta aqui|llego|ha llegado)\b" + _NOT_BUYER,
        "new_collection",
    ),
    (
        (
            *("si compras", "si llevas", "si pides", "si te llevas", "if you buy"),
            *("si me compras", "si me llevas", "si me pides"),
            *("if you order", "if you get", "if you take", "if you add"),
        ),
        # "si compras dos te regalo el envío", "if you buy another one, shipping is free"
        r"\b(?:si (?:me )?(?:compras|llevas|te llevas|pides)|if you (?:buy|order|get|take|add))\s+"
        r"(?:dos|tres|cuatro|[2-9]|two|three|four|otr[oa]s?|another|one more|a second|uno mas|"
        r"una mas|mas)\b[^.!?\n]{0,40}\b(?:regalo|gratis|free|descuento|discount|off|on us|"
        r"rebaja|mejor precio|better price|mitad|half|mas barat\w*|cheaper)\b",
        "multi_buy_offer",
    ),
    (
        ("price of", "al precio de", "por el precio de", "por precio de"),
        # "3 for the price of 2", "tres al precio de dos"
        r"\b(?:[2-5]|two|three|four|five|dos|tres|cuatro|cinco)\s+(?:\w+\s+)?(?:for|por|al)\s+"
        r"(?:the )?(?:price|precio) (?:of|de)\s+"
        r"(?:[1-4]|one|two|three|four|una?|dos|tres|cuatro)\b",
        "multi_buy_offer",
    ),
    (
        ("might also", "may also", "could also", "puede interesar", "podria interesar"),
        # "you might also want the matching coasters", "te puede interesar la lámpara"
        r"\byou (?:might|may|could) also (?:want|need|like|love|enjoy|be interested)\b"
        r"|\b(?:te|le|les|os) (?:puede|podria|pueden|podrian) (?:interesar|gustar|encantar)\b",
        "other_products",
    ),
    (
        (
            *("future order", "next order", "fees", "comision", "not listed", "aren't listed"),
            *("isn't listed", "publicad", "fuera de la"),
        ),
        # "message me directly for future orders and save the fees", "tengo más modelos que
        # no están publicados aquí"
        r"\b(?:directly|direct|directamente|por fuera)\b[^.!?\n]{0,40}\b(?:future|next|"
        r"proxim[oa]s?|futur[oa]s?) (?:orders?|purchases?|pedidos?|compras?)\b"
        r"|\b(?:future|next|proxim[oa]s?|futur[oa]s?) (?:orders?|purchases?|pedidos?|compras?)"
        r"\b[^.!?\n]{0,40}\b(?:directly|direct|directamente|por fuera|conmigo|with me)\b"
        r"|\b(?:save|avoid|skip) (?:the |on )?(?:fees?|commission|platform fees?)\b"
        r"|\b(?:not|aren'?t|isn'?t) (?:listed|published|posted) "
        r"(?:here|on (?:the|this) (?:site|app|platform|marketplace))"
        r"|\bno (?:estan|esta|tengo) publicad[oa]s? (?:aqui|en la (?:app|plataforma|pagina))"
        r"|\bfuera de la (?:app|plataforma)\b[^.!?\n]{0,30}\b(?:mas barato|descuento|precio)",
        "sale_outside_marketplace",
    ),
    (
        ("oferta dura", "oferta vale", "offer ends", "offer is valid", "offer lasts", "aprovecha"),
        # "aprovecha, la oferta dura hasta el domingo", "the offer ends Sunday"
        r"\b(?:(?:la )?oferta (?:dura|vale|es valida|termina|acaba) (?:hasta|solo)|"
        r"(?:the |this )?offer (?:ends|is valid|lasts|runs) (?:until|till|through|only|on|this|"
        rf"\b{_WEEKDAY}\b)|aprovecha(?:lo|la|los|las|d)?\b[^.!?\n]{{0,40}}\b(?:oferta|descuento|"
        r"precio|rebaja|promo))" + _NOT_BUYER,
        "promotes_sale",
    ),
)
_MARKETING += (
    (
        (
            *("promo", "discount", "descuento", "rebajas", "oferta", " sale", "deal"),
            *("reduction", "markdown", "savings", "returning", "repeat", "loyal", "regular"),
            *("repiten", "vuelven"),
        ),
        # "we're running a little promotion this month", "loads of reductions across the
        # store", "promoción para clientes que repiten"
        r"\b(?:we'?re|we are|i'?m|i am|we'?ve got|we have|estamos|tenemos)\s+(?:running|having|"
        r"doing|holding|offering|haciendo|con|got)?\s*(?:a |an |una |un |our |nuestra )?"
        r"(?:\w+ ){0,2}(?:promotion|promo|sale|discount|deal|promocion|descuento|rebajas|"
        r"ofertas?)\b(?! (?:on|en) (?:your|tu|su) (?:order|pedido))"
        r"|\b(?:reductions?|discounts?|savings|markdowns?|deals|offers|descuentos|rebajas|"
        r"ofertas)\s+(?:across|throughout|on everything in|en toda|en todo) (?:the |our |la |"
        r"nuestra |el )?(?:store|shop|site|range|tienda|web|catalogo)"
        r"|\b(?:for|para) (?:our )?(?:returning|repeat|loyal|regular) (?:customers|buyers|clients)"
        r"|\bpara (?:los )?clientes que (?:repiten|vuelven|compran de nuevo)" + _NOT_BUYER,
        "promotes_sale",
    ),
    (
        ("short while", "limited time", "poco tiempo", "tiempo limitado", "while it last"),
        # "back in stock, but only for a short while", "disponible por poco tiempo"
        r"\b(?:back in stock|restocked|available again|disponible de nuevo|vuelve a estar "
        r"disponible|de vuelta|otra vez disponible|is back)\b[^.!?\n]{0,40}\b(?:(?:only )?for a "
        r"(?:short|limited) (?:while|time)|while (?:it|they|stocks?) lasts?|por (?:poco|tiempo "
        r"limitado)|solo por (?:unos dias|esta semana))" + _NOT_BUYER,
        "scarcity_push",
    ),
    (
        (
            *("tambien tenemos", "tambien la tenemos", "tambien lo tenemos", "tambien viene"),
            *("we also have", "we also do", "also comes in", "also available in"),
        ),
        # "también tenemos la misma lámpara en dorado, por si te interesa"
        r"\b(?:tambien (?:la |lo |los |las )?tenemos|tambien viene en|we also (?:have|do|sell)|"
        r"(?:it |they )?also comes? in|also available in)\b[^.!?\n]{0,60}\b(?:por si te interesa|"
        r"si te interesa|te interesa|if you'?re interested|in case you|interested|gratis|free|"
        r"descuento|discount|%|envio gratis|free shipping)",
        "other_products",
    ),
    (
        ("at cost", "cost price", "precio de coste", "precio de costo", "below cost"),
        # "what's left is going at cost", "lo que queda va a precio de coste"
        r"\b(?:going|goes|sold|selling|priced|va|van|sale|salen|vendemos|vendo|dejamos|dejo)\s+"
        r"(?:\w+\s+)?(?:at|a) (?:cost(?: price)?|precio de cost[eo])\b|\bbelow cost\b"
        r"|\bpor debajo (?:del? )?cost[eo]\b" + _NOT_BUYER,
        "promotes_sale",
    ),
    (
        ("if you grab", "if you get", "si te animas", "no extra charge", "no extra cost"),
        # "if you grab one this week I'll include a cover at no extra charge", "si te animas
        # esta semana te regalo una funda"
        r"\b(?:if you (?:grab|get|order|buy|pick up|take)|si te animas|si te decides)\b"
        r"[^.!?\n]{0,60}\b(?:at no (?:extra )?(?:charge|cost)|no extra (?:charge|cost)|for free|"
        r"free of charge|on the house|te regalo|de regalo|gratis|sin coste)",
        "multi_buy_offer",
    ),
)
_MARKETING += (
    (
        ("wholesale", "bulk", "por mayor", "mayoreo", "mayorista"),
        # "we also do wholesale", "hacemos precio por mayoreo"
        r"\b(?:we|i) (?:also )?(?:do|sell|offer|have)\b[^.!?\n]{0,20}\b(?:wholesale|bulk)\b"
        r"|\b(?:wholesale|bulk) (?:prices?|orders?|discounts?|rates?|price list)\b"
        r"|\b(?:vendo|vendemos|hago|hacemos|tenemos|tengo)\b[^.!?\n]{0,20}\b(?:al por mayor|"
        r"por mayor|mayoreo|precio mayorista|precios mayoristas)\b"
        r"|\bprecios? (?:de |por |al )?(?:por )?(?:mayor|mayoreo)\b",
        "other_products",
    ),
    (
        ("custom", "bespoke", "personalised", "personalized", "personalizados", "a medida"),
        # "I take custom orders too, just message me", "hago pedidos personalizados"
        r"\b(?:i|we) (?:also )?(?:take|do|make|accept) (?:custom|bespoke|personali[sz]ed) "
        r"(?:orders|pieces|designs|work|items)\b"
        r"|\b(?:hago|hacemos|acepto|aceptamos|tomo|tomamos) (?:tambien )?(?:pedidos|encargos|"
        r"trabajos|piezas) (?:personalizados|personalizadas|a medida)\b",
        "other_products",
    ),
    (
        ("pre-order", "preorder", "pre order", "preventa"),
        # "pre-orders for the spring collection open tomorrow", "abrimos preventa"
        r"\bpre-?\s?orders? (?:for|are|open|now|start|close)\b|\b(?:abrimos|abre|empieza|arranca) "
        r"(?:la )?preventa\b|\bpreventa (?:de|abierta|ya)\b",
        "new_collection",
    ),
    (
        ("giveaway", "raffle", "prize draw", "monthly draw", "sorteo", "sorteamos", "rifa"),
        # "we're doing a giveaway this month", "este mes sorteamos una cesta"
        r"\b(?:we'?re|we are|i'?m|i am|estamos|we'?ll be) (?:doing|running|having|holding|"
        r"haciendo)\s+(?:a |an |our |un |una |nuestro )?(?:\w+ )?(?:giveaway|raffle|prize draw|"
        r"sorteo|rifa)\b|\b(?:giveaway|raffle|sorteo|rifa)\s+(?:for|para|entre|this|este|each|"
        r"every|among)\b|\b(?:sorteamos|rifamos)\b|\benter(?:ed)? (?:you )?(?:into|in) (?:our|the) "
        r"(?:monthly )?(?:draw|giveaway|raffle)\b"
        r"|\b(?:entras|participas) en (?:el|un|nuestro) sorteo\b",
        "promotes_sale",
    ),
    (
        (
            *("order early", "pide pronto", "avoid disappointment", "christmas", "navidad"),
            *("holiday", "easter", "valentine", "mother's day", "dia de la madre"),
        ),
        # "our Christmas boxes are ready, order early to avoid disappointment"
        r"\border early\b|\bavoid disappointment\b|\bpide(?:la|lo|las|los)? pronto\b"
        r"|\b(?:our|nuestr[oa]s|the|las|los) (?:christmas|holiday|navidad|easter|valentine'?s?|"
        r"mother'?s day|dia de la madre|san valentin|halloween|pascua) (?:boxes|gift sets?|"
        r"hampers?|collection|range|specials?|cajas|cestas|coleccion|packs?|lotes) (?:are |is |"
        r"estan |ya estan |ya )?(?:ready|here|out|available|listas|listos|disponibles|aqui)\b",
        "new_collection",
    ),
    (
        ("want", "quieres", "queres"),
        # "want 10% off? just ask for the code"
        r"\b(?:want|quieres|queres)\s+(?:a |un )?\d+ ?%(?: off| de descuento| descuento| dto)?"
        r"(?=\s*\?)",
        "promotes_sale",
    ),
    (
        ("free gift", "free sample", "free shipping", "free delivery", "regalo con", "gratis con"),
        # "free gift with every order over $40", "regalo con cada pedido de más de 40 €"
        r"\b(?:free (?:gift|sample|shipping|delivery)|(?:un )?regalo|envio gratis|muestra gratis)"
        r"\s+(?:with|on|con|en|por)\s+(?:every|each|all|any|cada|todos? los|toda)\s+"
        r"(?:orders?|purchases?|pedidos?|compras?)\b",
        "promotes_sale",
    ),
)
_MARKETING += (
    (
        ("bundle", "pack", "lote", "combo", " set "),
        # "we've got a bundle of six at a really good price", "tenemos un pack de seis a buen
        # precio"
        r"\b(?:we'?ve got|we have|we do|tenemos|hacemos|hay)\s+(?:a |an |un |una )?(?:\w+ )?"
        r"(?:bundle|pack|set|lote|combo)\b[^.!?\n]{0,40}\b(?:price|precio|discount|descuento|"
        r"%|off|deal|oferta)",
        "upsell",
    ),
    (
        ("nuestra tienda", "our shop", "our store", "toda la tienda", "whole shop"),
        # "todo en nuestra tienda está al 30% hasta el domingo"
        r"\b(?:nuestra tienda|our (?:shop|store)|toda la tienda|the whole (?:shop|store))\b"
        r"[^.!?\n]{0,30}\b(?:al |at |a )?\d+ ?%",
        "promotes_sale",
    ),
)
_MARKETING_PATTERNS = tuple(
    (frozenset(triggers), re.compile(pattern), code) for triggers, pattern, code in _MARKETING
)


_MARKETING_TRIGGERS = frozenset(word for triggers, _, _ in _MARKETING for word in triggers)
_MARKETING_BY_TRIGGER = {
    word: tuple(index for index, (triggers, _, _) in enumerate(_MARKETING) if word in triggers)
    for word in _MARKETING_TRIGGERS
}


_CODE_SHAPE = re.compile(r"(?=[a-z]*\d)(?=\d*[a-z])")
# The buyer asking about their own order: "Can I add a matching pillow for $10?"
_BUYER_ASKS_FOR = (
    r"\b(?:(?:can|could|may) i|i'?d like|i would like|i want|i need|quiero|quisiera|"
    r"puedo|necesito)\b"
)
_BUYER_VOICE = re.compile(_BUYER_ASKS_FOR + r"[^.!?]*$")
_UPSELL = "upsell"
_ON_DIGITS = frozenset({"multi_buy_offer"})


def _marketing_match(
    pattern: re.Pattern[str], reason_code: str, text: str, plain: str
) -> re.Match[str] | None:
    if "code" not in pattern.groupindex and reason_code != _UPSELL:
        return pattern.search(text)
    for attempt, match in enumerate(pattern.finditer(text)):
        if attempt >= _MAX_CANDIDATES:
            break
        # Digits in a word were read as letters in ``text``; the code's shape is in ``plain``.
        if (
            "code" in pattern.groupindex
            and match.group("code") is not None
            and (
                _CODE_SHAPE.match(plain, match.start("code")) is None
                or plain[match.start("code") : match.end("code")].isdigit()
            )
        ):
            continue
        if reason_code == _UPSELL:
            sentence_start, _ = _sentence_of(text, match.start())
            if _BUYER_VOICE.search(text, sentence_start, match.start()):
                continue
        return match
    return None


def find_marketing(
    text: str, present: frozenset[str] | None = None, plain: str | None = None
) -> list[Hit]:
    """Find marketing; ``plain`` is ``text`` before digits in words were read as letters."""
    hits: list[Hit] = []
    present = _present(text, present)
    if present.isdisjoint(_MARKETING_TRIGGERS):
        return hits
    plain = text if plain is None else plain
    # The patterns, in their order, whose triggers occur: looked up from the few triggers
    # present rather than by testing every pattern's triggers.
    indices = sorted(
        {
            index
            for word in present
            if word in _MARKETING_BY_TRIGGER
            for index in _MARKETING_BY_TRIGGER[word]
        }
    )
    for index in indices:
        _, pattern, reason_code = _MARKETING_PATTERNS[index]
        if "code" in pattern.groupindex or reason_code == _UPSELL:
            match = _marketing_match(pattern, reason_code, text, plain)
        elif reason_code in _ON_DIGITS:
            # "2x1", "3x2": read before digits inside words are read as letters.
            match = pattern.search(plain)
        else:
            match = pattern.search(text)
        if match and (
            _asks_about_an_offer(text, match.start())
            or _buyer_before(text, match.start())
            or (reason_code not in _OFF_MARKETPLACE and _others_offer(text, match.start()))
        ):
            continue
        if match:
            hits.append(Hit("marketing", match.start(), match.end(), reason_code))
    return hits


# The buyer asking whether an offer they saw holds: "¿la oferta del 2x1 del anuncio sigue
# vigente?", "does the clearance in your listing include this one?"
_OFFER_QUESTION = re.compile(
    r"\b(?:anuncio|listing|your ad|the ad|sigue|siguen|still|vigente|valid|aplica|apply|"
    r"applies|incluye|include|includes|cuenta|count|"
    # "are you having a sale for Black Friday?", "¿tienen rebajas en enero?"
    r"are you (?:having|doing|running|planning)|do you (?:have|do|run|ever)|"
    r"will you (?:have|do|be having|run)|is there|are there|any chance|tienen|tienes|tendran|"
    r"how (?:do|can|could) i|como (?:puedo|me|hago)|is (?:this|it|that)|es (?:esta|este|esto)|"
    r"(?:tu|tus|your) (?:tienda|shop|store|listing|anuncio|web)|"
    r"(?:can|could) you do|if i|when i|si (?:compro|pido|me llevo|vuelvo)|me (?:haces|hace|dejas|"
    r"deja|das|da)|"
    r"tendras|hacen|haceis|haran|hay|habra|vais a|van a)\b"
)


# The buyer on what they bought or like, earlier in the sentence: "lo compré en rebajas",
# "I love the new collection!"
_BUYER_BEFORE_OFFER = re.compile(
    r"\b(?:i (?:bought|ordered|got|paid|love|loved|like|liked|adore|saw)|(?:lo|la|los|las) "
    r"(?:compre|pedi)|compre|pedi|me (?:encanta|encanto|gusta|gusto)|"
    r"(?:i'?ll|i will|we'?ll) wait|esperare|esperaremos|wait for|"
    # The buyer's own cart and invoice: "I had a coupon applied", "me quedo con descuento".
    r"i (?:had|used|applied)|my cart|mi carrito|me quedo|me salio|aplique|me aplicaron|"
    # ... or wants their order cancelled: "I'd like to cancel the order, refund me directly".
    r"(?:i'?d like|i want|i need) to cancel|(?:quiero|quisiera|necesito) cancelar)\b"
)


# An offer that is not the seller's to push: the marketplace's own coupon, one the buyer
# thanks for, one a relative used, or the buyer's own next order ("the marketplace gave me a
# coupon for my next order", "gracias por el descuento de la otra vez").
_OTHERS_OFFER = re.compile(
    r"\b(?:marketplace|plataforma|platform|the app|la app|app's)\b|"
    r"\b(?:thanks|thank you|gracias) (?:for|por) (?:the|that|el|la|ese|esa) (?:discount|"
    r"coupon|code|offer|deal|descuento|cupon|codigo|oferta|rebaja)\b|"
    r"\b(?:my|mi|mis)\s+(?:sister|brother|mom|mum|mother|dad|father|son|daughter|friends?|"
    r"wife|husband|partner|hermanas?|hermanos?|madre|padre|mama|papa|hijos?|hijas?|"
    r"amig[oa]s?|esposa|esposo|novi[oa]|pareja)\s+(?:bought|got|ordered|used|compro|pidio|"
    r"uso|consiguio)\b|"
    r"\b(?:my next|mi proxim[oa]|mi siguiente)\b"
)
# Codes about leaving the marketplace, which naming it never excuses.
_OFF_MARKETPLACE = frozenset(
    {
        "sale_outside_marketplace",
        "cheaper_if_cancelled",
        "payment_outside_marketplace",
        "asks_for_home_address",
        "own_shop",
        "social_media_for_offers",
    }
)


def _others_offer(text: str, position: int) -> bool:
    start, end = _sentence_of(text, position)
    return _OTHERS_OFFER.search(text[start:end].lstrip()) is not None


def _buyer_before(text: str, position: int) -> bool:
    start, _ = _sentence_of(text, position)
    return _BUYER_BEFORE_OFFER.search(text, start, position) is not None


def _asks_about_an_offer(text: str, position: int) -> bool:
    start, end = _sentence_of(text, position)
    question = text[end : end + 1] == "?" or text[start:end].lstrip().startswith("\u00bf")
    return question and _OFFER_QUESTION.search(text, start, end) is not None


# --- review manipulation --------------------------------------------------------------------

_REVIEW_WORD = (
    r"(?:reviews?|resenas?|valoracion(?:es)?|opinion(?:es)?|ratings?|feedback|comentarios?|"
    r"calificacion|puntuacion|(?:5|five|cinco)\s*-?\s*(?:stars?|estrellas?))"
)
# rf"\b{_REVIEW_WORD}\b" with the "\b" behind each first character (see
# ``word_start_after_letter``; "5(?<!\w5)" is the same test for the digit), so the engine skips
# positions by it. No two words start alike, so the order of the parts does not matter.
_REVIEW = re.compile(
    "(?:"
    + word_start_after_letter(
        [
            r"\breviews?",
            r"\bresenas?",
            r"\bvaloracion(?:es)?",
            r"\bopinion(?:es)?",
            r"\bratings?",
            r"\bfeedback",
            r"\bcomentarios?",
            r"\bcalificacion",
            r"\bpuntuacion",
            r"5(?<!\w5)\s*-?\s*(?:stars?|estrellas?|estrellitas?)",
            # "change your 2 stars to 5": any count of stars is a rating.
            r"[1-4](?<!\w[1-4])\s*-?\s*(?:stars?|estrellas?|estrellitas?)",
            # "una mala nota": a grade, where "nota" alone is a note
            r"\bmala nota",
            r"\bnota (?:baja|negativa|mala)",
            r"\bfive\s*-?\s*(?:stars?|estrellas?)",
            r"\bcinco\s*-?\s*(?:stars?|estrellas?)",
        ]
    )
    + r")\b"
)
_INCENTIVE = re.compile(
    r"\b(?:refund\w*|reimburs\w*|money back|cash ?back|gift ?cards?|gifts?|(?<!feel )free(?! to)|"
    r"freebies?|discount\w*|coupons?|vouchers?|credit|bonus|rewards?|compensat\w*|"
    r"surprises?|treats?|sorpresas?|regalitos?|detallitos?|"
    r"pay (?:you|for)|payment|samples?|reembols\w*|devuelv\w*|devolv(?:emos|ere|eremos)|"
    r"regal\w*|gratis|descuento\w*|cupon\w*|vale|credito|bono|recompensa|compens\w*|"
    r"pag(?:o|amos|are|aremos|ar)|muestras?)\b|\$\s?\d+(?:[.,]\d+)?|"
    r"\b\d+\s?%\s?(?:off|discount|descuento|de descuento)\b|"
    r"\b(?:desc|dto)\b\.?\s*(?:del?\s+)?\d+\s?%|"
    r"\d\s?(?:€|\$|eur\b|euros\b|usd\b|"
    r"dollars\b|dolares\b)"
)
_BUYER_REVIEW = re.compile(
    r"\b(?:my|mi)\s+(?:\w+\s+)?(?:reviews?|rating|feedback|resena|valoracion|opinion)\b|"
    r"\bi(?:'ll| will|'d| would| already| just)?\s+(?:leave|left|write|wrote|post|posted|"
    r"give(?!\s+(?:you|u|ya)\b)|gave|change|changed|update|updated|remove|removed|rate|"
    r"rated)\b|"
    # "que no publique una opinión negativa" is the subjunctive, asked of the buyer.
    r"(?<!\bque )(?<!\bno )\b(?:deje|escribi|puse|publique|he dejado|he escrito|dejare|"
    r"cambiare|pondre)\b"
)
_STEERING = re.compile(
    r"\b(?:leave|give|write|post|rate|drop)\s+(?:(?:us|me|it|the product|this)\s+)?"
    r"(?:(?:a|an)\s+)?(?:(?:5|five)\s*-?\s*stars?\b|(?:positive|good|great|glowing|"
    r"excellent|perfect|nice|favou?rable|5\s*-?\s*star|five\s*-?\s*star)\s+(?:review|rating|"
    r"feedback))|"
    r"\b(?:deja(?:nos|me)?|dejes|danos|dame|pon(?:nos|me)?|escribe(?:nos)?|regalanos|"
    r"califica(?:nos)?|valora(?:nos)?|puntua(?:nos)?)\s+(?:con\s+)?(?:una?\s+)?"
    r"(?:(?:buena|positiva|excelente|genial|estupenda)\s+(?:resena|valoracion|opinion|"
    r"calificacion|puntuacion)|(?:resena|valoracion|opinion|calificacion|puntuacion)\s+"
    r"(?:positiva|de (?:5|cinco) estrellas|excelente)|(?:5|cinco)\s+estrellas)|"
    r"\b(?:only|solo|solamente|unicamente)\s+(?:(?:leave|post|give|deja|publica)\s+)?"
    r"(?:positive|5\s*-?\s*star|good|buenas|positivas|5 estrellas)"
)
_FIRST_PERSON_BEFORE = re.compile(r"\b(?:i|i'll|i'd|i will|i would|yo|we'd)\s+(?:\w+\s+)?$")
_GATING = re.compile(
    r"\bonly\b[^.!?]{0,30}\b(?:review|rate|leave)[^.!?]{0,40}\bif\b|"
    r"\bsolo\b[^.!?]{0,30}\b(?:resena|valora|opina|deja)[^.!?]{0,40}\bsi\b|"
    r"\bonly (?:happy|satisfied|pleased|delighted)\b|"
    r"\bsolo (?:si estas |los |las )?(?:clientes )?(?:satisfech|content)\w*|"
    r"\bif you (?:loved|love|liked|like|enjoyed|are happy|'re happy)\b[^.!?]{0,60}"
    r"\b(?:if not|otherwise)\b|"
    r"\bsi te (?:gusto|encanto|ha gustado)\b[^.!?]{0,60}\b(?:si no|de lo contrario)\b"
)
# Review gating spread over two sentences: "If you're happy, leave a review. If not, ..."
_GATING_ACROSS = re.compile(
    r"\b(?:if you(?:'re| are)?\s+(?:loved|love|liked|like|enjoyed|enjoy|happy|satisfied|"
    r"pleased)|si (?:te )?(?:gusto|encanto|ha gustado|ha encantado|estas? (?:content|satisfech|"
    r"feliz)\w*|(?:quedaste|quedo|has quedado) (?:content|satisfech)\w*))\b[^\n]{0,100}?"
    r"\b(?:if not|otherwise|if you(?:'re| are)? not|if you didn'?t|if (?:there'?s|there is|"
    r"you have|you had) (?:a |an |any )?(?:problem|issue)|si no\b|de lo contrario|"
    r"en caso contrario|si (?:hay|tienes|tuviste) (?:algun )?problema)"
)
_NEGATIVE_REVIEW = re.compile(
    r"\b(?:negative|bad|poor|low|critical|1\s*-?\s*star|one\s*-?\s*star|mala|negativa|"
    r"baja|critica)\s+(?:review|feedback|rating|resena|valoracion|opinion|calificacion)|"
    r"\b(?:review|feedback|rating|resena|valoracion|opinion|calificacion)\s+"
    r"(?:negativa|mala)\b"
)
_CONTACT_US = re.compile(
    r"\b(?:contact us|message us|talk to us|write to us|reach out to us|reach us|"
    r"let us know|tell us|email us|get in touch|contactanos|contacta con nosotros|"
    r"escribenos|hablanos|avisanos|dinos|cuentanos|mandanos un mensaje)\b"
)
_CHANGE_REVIEW = re.compile(
    r"\b(?:change|changing|update|updating|edit|editing|revise|revising|modify|modifying|"
    r"remove|removing|delete|deleting|take down|taking down|retract|withdraw|reconsider|"
    r"raise|raising|increase|bump|improve|cambia|cambie|cambiar|cambiaras|modifica|"
    r"modifique|modificar|borra|borre|borrar|elimina|elimine|eliminar|quita|quite|quitar|"
    r"retira|retire|retirar|actualiza|actualice|actualizar|mejora|mejore|mejorar|sube|suba|"
    r"subir)\b(?P<gap>[^.!?]{0,25})\b(?:reviews?|ratings?|feedback|resena|valoracion|"
    r"opinion|calificacion|puntuacion|stars|estrellas)\b"
)


# "please don't post a negative review", "no deje una opinión negativa", "no califiques todavía"
_DONT_REVIEW = re.compile(
    r"(?<!\bi )(?<!\bwe )(?<!\byo )\b(?:don'?t|do not|dont|pls don'?t|no)\s+(?:\w+\s+)?"
    r"(?:post|leave|write|give|put|publish|dejes|deje|pongas|ponga|publiques|publique|"
    r"escribas|escriba|califiques|califique|valores|valore|opines|opine|menciones|mencione)\b"
    r"[^.!?]{0,30}?\b(?:negative|bad|low|poor|1\s*-?\s*star|one\s*-?\s*star|mala|mal|negativ\w*|"
    r"baja|todavia|aun|review|rating|feedback|resena|opinion|valoracion|calificacion)\b"
)
# "before you leave a review, talk to me", "antes de valorar, háblame", "instead of reviewing"
_CONTACT_BEFORE_REVIEW = re.compile(
    r"\b(?:before (?:you )?(?:leave|leaving|write|writing|post|posting|give|giving|rate|rating|"
    r"review|reviewing)|antes de (?:valorar|opinar|calificar|resenar|puntuar|escribir|dejar|"
    r"poner|publicar))\b[^.!?]{0,50}\b(?:talk|speak|contact|message|write|reach|let (?:me|us) "
    r"know|tell (?:me|us)|habla|hable|hablame|hablanos|escribe|escribeme|escribenos|"
    r"contacta|contacte|contactame|avisa|avisame|dime|digame|comunica|comuniquese)"
    r"|\b(?:talk to|contact|message|write to|reach out to|speak to|habla conmigo|"
    r"hable conmigo|escribeme|contactame|avisame)\b[^.!?]{0,40}\b(?:before|first|antes)\b"
    r"[^.!?]{0,30}\b(?:review|rating|rate|feedback|resena|valor|opin|calific|comentario)"
    r"|\b(?:instead of|rather than|en (?:lugar|vez) de)\s+(?:leaving |posting |writing )?"
    r"(?:a |an )?(?:review|reviewing|rating|calificar|valorar|opinar|resenar)"
    r"|\b(?:hold off|wait)\b[^.!?]{0,25}\b(?:review|rating|posting)"
)
# "a 3-star review could close my shop", "una mala calificación nos hunde"
_RATING_PRESSURE = re.compile(
    r"\b(?:bad|low|lower|negative|poor|\d\s*-?\s*star|one\s*-?\s*star|mala|baja|negativa|"
    r"\d\s*estrellas?|una estrella|1 estrella|\d ?\*)\s*(?:\w+\s+)?"
    r"(?:reviews?|ratings?|feedback|score|resenas?|valoraciones?|calificacion(?:es)?|"
    r"opinion(?:es)?|nota|estrellas?)?\b[^.!?]{0,40}\b(?:ruin|ruins|sink|sinks|kill|kills|"
    r"close|closes|shut|hurt|hurts|destroy|bury|push(?:es)? us down|drops? us|ban|suspend|"
    r"hunde|hunden|cierra|cierran|mata|matan|perjudica|afecta|nos deja en la calle|nos baja|"
    r"nos bajan|me baja|nos quita|hard (?:for us )?to recover)"
    r"|\b(?:ratings|reviews|calificaciones|valoraciones|notas) (?:below|under|lower than|"
    r"por debajo de|menores? (?:a|de)) (?:5|five|cinco)"
)


_REVIEW_VERB = re.compile(
    r"\b(?:valorar|valores|valore|calificar|califiques|califique|opinar|opines|opine|resenar|"
    r"puntuar|reviewing|rating|rate)\b"
)


_BUYER_QUESTION_BEFORE = re.compile(
    r"\b(?:can|could|may|should|how do|como|puedo)\s+i\s*$|\b(?:puedo|como)\s*$"
)


def _clauses(text: str) -> Iterator[tuple[int, str]]:
    yield from sentences(text)


_REVIEW_TRIGGERS = frozenset(
    (
        "review",
        "resen",
        "valoraci",
        "opinion",
        "rating",
        "feedback",
        "comentario",
        "calificaci",
        "califi",
        "valorar",
        "opinar",
        "puntuaci",
        "star",
        "estrella",
        "estrellit",
        "nota",
        "you rate",
        "rate the",
        "rate us",
        "rate me",
    )
)


# The buyer asking what they may do: "can I still review it if I got a refund?"
_BUYER_CAN_I = re.compile(
    r"^\W*(?:(?:can|may|could|should) i|am i allowed|is it ok if i|puedo|podria|se puede|"
    r"debo|deberia)\b"
)


def find_review_manipulation(text: str, present: frozenset[str] | None = None) -> list[Hit]:
    hits: list[Hit] = []
    if _present(text, present).isdisjoint(_REVIEW_TRIGGERS):
        return hits
    # Every hit needs a review word, in a sentence or in the gating wording, and a sentence
    # (or that wording) sees the same word boundaries as the whole text: the text is
    # searched once instead of sentence by sentence.
    if _REVIEW.search(text) is None and _REVIEW_VERB.search(text) is None:
        return hits
    for offset, sentence in _clauses(text):
        review = _REVIEW.search(sentence)
        if review is None:
            # "antes de valorar, háblame": the verb alone names the review.
            first = _CONTACT_BEFORE_REVIEW.search(sentence) or _DONT_REVIEW.search(sentence)
            if first and _BUYER_REVIEW.search(sentence) is None:
                hits.append(
                    Hit(
                        "review_manipulation",
                        offset + first.start(),
                        offset + first.end(),
                        "review_gating",
                    )
                )
            continue
        buyer = _BUYER_REVIEW.search(sentence) is not None
        incentive = _INCENTIVE.search(sentence)
        if (
            incentive
            and _BUYER_CAN_I.search(sentence)
            and (
                sentence.lstrip().startswith("\u00bf")
                or text[offset + len(sentence) : offset + len(sentence) + 1] == "?"
            )
        ):
            # "¿Puedo dejar una reseña aunque haya pedido el reembolso?"
            incentive = None
        if (
            incentive
            and ";"
            in sentence[min(review.start(), incentive.start()) : max(review.end(), incentive.end())]
        ):
            incentive = None
        if incentive and not buyer:
            start = min(review.start(), incentive.start())
            end = max(review.end(), incentive.end())
            hits.append(
                Hit(
                    "review_manipulation",
                    offset + start,
                    offset + end,
                    "review_incentive",
                )
            )
            continue
        steering = _STEERING.search(sentence)
        if steering and not _FIRST_PERSON_BEFORE.search(sentence[: steering.start()]):
            hits.append(
                Hit(
                    "review_manipulation",
                    offset + steering.start(),
                    offset + steering.end(),
                    "asks_for_positive_review",
                )
            )
            continue
        gating = _GATING.search(sentence)
        contact = _CONTACT_US.search(sentence)
        if gating or (contact and _NEGATIVE_REVIEW.search(sentence)):
            found = gating or contact
            assert found is not None
            hits.append(
                Hit(
                    "review_manipulation",
                    offset + found.start(),
                    offset + found.end(),
                    "review_gating",
                )
            )
            continue
        discouraging = _DONT_REVIEW.search(sentence) or _CONTACT_BEFORE_REVIEW.search(sentence)
        if discouraging and not buyer:
            hits.append(
                Hit(
                    "review_manipulation",
                    offset + discouraging.start(),
                    offset + discouraging.end(),
                    "review_gating",
                )
            )
            continue
        pressure = _RATING_PRESSURE.search(sentence)
        if pressure and not buyer:
            hits.append(
                Hit(
                    "review_manipulation",
                    offset + pressure.start(),
                    offset + pressure.end(),
                    "rating_pressure",
                )
            )
            continue
        change = _CHANGE_REVIEW.search(sentence)
        if change is None or re.search(r"\b(?:my|mi)\b", change.group("gap")):
            continue
        before = sentence[: change.start()]
        if _FIRST_PERSON_BEFORE.search(before) or _BUYER_QUESTION_BEFORE.search(before):
            continue
        hits.append(
            Hit(
                "review_manipulation",
                offset + change.start(),
                offset + change.end(),
                "asks_to_change_review",
            )
        )
    if not hits:
        gating = _GATING_ACROSS.search(text)
        if gating and _REVIEW.search(gating.group()):
            hits.append(
                Hit(
                    "review_manipulation",
                    gating.start(),
                    gating.end(),
                    "review_gating",
                )
            )
    return hits


# --- opt-out instructions -------------------------------------------------------------------

_REPLY_KEYWORD = re.compile(
    r"\b(?:reply|respond|text|txt|msg|sms|send|answer|type|write|responde|responda|respondenos|"
    r"contesta|conteste|envia|envie|escribe|escriba|manda|mande)\b"
    r"(?:\s+(?:with|con|us|nos|me))?\s*[:\-]?\s*[\"'(\[]?\s*"
    r"(?:stop|baja|opt[\s-]?out|unsubscribe|unsub|remove|no mas|salir|alto|parar|"
    r"desuscribir|basta|stop2end)\b"
    # "STOP to end", "BAJA al 22333": the word and where it goes or what it does
    r"|(?:^|(?<=[.!?\n])\s*|\b(?:text|txt|sms|msg|send|envia|manda)\s+)(?:stop|baja|basta|salir|"
    r"unsub)\s+(?:to|al|a)\s+(?:end|quit|cancel|stop|opt out|unsubscribe|\d{4,6}|terminar|"
    r"cancelar|salir)\b"
    # "para cancelar responde NO"
    r"|\b(?:para (?:cancelar|darte de baja|salir)|to (?:cancel|opt out|unsubscribe|stop))"
    r"[,:]?\s+(?:reply|text|send|responde|contesta|envia|manda|escribe)\s+[\"'(\[]?\s*"
    r"(?:no|n|stop|baja|end|fin|x)\b"
)
_UNSUBSCRIBE = re.compile(
    r"\b(?:unsubscribe|opt[\s-]?out|darte de baja|date de baja|dese de baja|darse de baja|"
    r"desuscribete|desuscribirte|cancela(?:r)? (?:tu |la )?suscripcion|dejar de recibir|"
    r"stop receiving|no recibir mas)\b"
)
_UNSUBSCRIBE_AFTER = re.compile(
    r"^\s*(?:here|aqui|below|abajo|:|at\b|en\b|via\b|by\b|clicking|link|enlace|using|"
    r"pulsando|haciendo clic|from (?:these|our|this|all)|de (?:estos|nuestr|todos)|"
    r"from (?:the )?(?:platform|marketplace|site|app)|de (?:la )?(?:plataforma|app|aplicacion)|"
    r"anytime|en cualquier momento)"
)
_UNSUBSCRIBE_BEFORE = re.compile(
    r"(?:\bto|\bpara|\byou can|\bpuedes|\bpuede|\bjust|\bsimply|\bclick (?:here )?to|"
    r"\btap to|\bif you (?:want|wish|would like|'d like|prefer) to|"
    r"\bsi (?:quieres|deseas|prefieres|desea))\s*$"
)
_FIRST_PERSON = re.compile(
    r"\b(?:i|i'd|i'm|i'll|me|yo|quiero|quisiera|necesito|me gustaria|how (?:do|can) i|"
    r"como (?:me|puedo)|can i|puedo|we'd)\b"
)
_TURN_OFF = re.compile(
    r"\b(?:turn off|switch off|disable|deactivate|mute|silence|block|desactiva|desactive|"
    r"desactivar|silencia|silencie|apaga|apague|bloquea|bloquee|quita|quite)\b[^.!?]{0,30}\b(?:messages|mensajes|notifications|notificaciones|emails|correos|"
    r"reminders|recordatorios|communications|comunicaciones|alerts|alertas|chat|avisos|"
    r"conversation|conversacion|notis)\b"
    # "los mensajes de la plataforma llegan tarde, le pido que los desactive"
    r"|\b(?:messages|mensajes|notifications|notificaciones|avisos)\b[^.!?]{0,80}"
    r"(?:\b(?:los|las) (?:desactive|desactives|desactiva|silencie|silencies|apague|apagues)|"
    r"\bdesactiv[ae](?:los|las)|\b(?:turn|switch)(?:ed|ing)? them off|"
    r"\b(?:mute|muted|disable|disabled|silence|silenced) them)\b"
    # "turn the app's alerts off", "switch these messages off"
    r"|(?:^|(?<=[.!?,;:\n])\s*|\b(?:please|pls|just|simply|and|then|so)\s+)(?:turn|switch) "
    r"(?:the |these |those |its |all )?(?:(?:app|site|platform|marketplace)"
    r"'?s )?(?:chat |app |in-app )?(?:messages|notifications|alerts|emails|reminders|notis) off\b"
)
_BY_MISTAKE = re.compile(
    r"\b(?:sin querer|por error|por accidente|by accident|accidentally|by mistake|"
    r"that'?s why|por eso|del grupo|group chat|de la familia|family chat|work chat)\b"
)
# Where the sender will go instead: the switch-off is the seller's, even asked politely.
_ELSEWHERE = re.compile(
    r"\b(?:another way|other ways?|elsewhere|outside (?:the|this)|"
    r"off (?:the )?(?:platform|site|app)|keep in touch|directly|por otro lado|por otra via|"
    r"por otro medio|por fuera|fuera de la|"
    r"directamente|de otra forma|de otra manera|myself|personally|on my own|yo mismo|yo misma|"
    r"por mi cuenta|my (?:own )?(?:number|phone|email|mobile)|mi (?:numero|telefono|correo|movil)|"
    r"(?:over|by|via) (?:text|sms|phone|email)|por (?:mensaje de texto|sms|texto|telefono))\b"
)


_REPLY_TRIGGERS = frozenset(
    (
        "basta",
        "para cancelar",
        "to cancel",
        "stop",
        "baja",
        "opt",
        "unsub",
        "remove",
        "no mas",
        "salir",
        "alto",
        "parar",
        "desuscrib",
    )
)
_UNSUBSCRIBE_TRIGGERS = frozenset(
    (
        "unsub",
        "opt",
        "baja",
        "desuscrib",
        "suscripcion",
        "dejar de recibir",
        "stop receiving",
        "no recibir",
    )
)
_CONDITIONAL_TRIGGERS = frozenset(("want", "wish", "stop", "receiv", "quier", "dese", "recibir"))
_TURN_OFF_TRIGGERS = frozenset(
    (
        "block",
        "bloque",
        "them off",
        "messages off",
        "alerts off",
        "notifications off",
        "quita",
        "quite",
        "turn off",
        "switch off",
        "disable",
        "deactivat",
        "mute",
        "silenc",
        "desactiv",
        "apag",
    )
)


_BUYER_ASKS = re.compile(r"\b(?:how|como|(?:can|could|would|will) you)\b|\bpod(?:eis|rias?)\b")
# "If you don't want more messages, reply NO": any reply word tied to stopping messages.
_STOP_MESSAGES = (
    r"(?:if you (?:don'?t|do not|no longer) (?:want|wish)|to (?:stop|no longer) (?:receiv|get)"
    r"\w*|si (?:ya )?no (?:quieres|quiere|deseas|desea)|para (?:no|dejar de) recibir)\b"
    r"[^.!?]{0,25}\b(?:messages|updates|emails|texts|notifications|offers|mensajes|"
    r"correos|notificaciones|ofertas|novedades|comunicaciones)\b"
)
_REPLY_WORD = (
    r"\b(?:reply|respond|text|answer|type|responde|responda|contesta|conteste|escribe|escriba|"
    r"envia|envie)\b"
)
_CONDITIONAL_REPLY = re.compile(
    rf"\b{_STOP_MESSAGES}[^.!?]{{0,30}}{_REPLY_WORD}|{_REPLY_WORD}[^.!?]{{0,30}}\b{_STOP_MESSAGES}"
)


def find_opt_out(text: str, present: frozenset[str] | None = None) -> list[Hit]:
    hits: list[Hit] = []
    present = _present(text, present)
    if present.isdisjoint(_OPT_OUT_TRIGGERS):
        return hits
    replies = () if present.isdisjoint(_REPLY_TRIGGERS) else _REPLY_KEYWORD.finditer(text)
    unsubscribes = () if present.isdisjoint(_UNSUBSCRIBE_TRIGGERS) else _UNSUBSCRIBE.finditer(text)
    turn_offs = () if present.isdisjoint(_TURN_OFF_TRIGGERS) else _TURN_OFF.finditer(text)
    for match in replies:
        before = _preceding(text, match.start(), 25)
        if re.search(r"\b(?:i|we)\s+(?:\w+\s+)?$", before):
            continue
        hits.append(Hit("opt_out", match.start(), match.end(), "reply_stop"))
        break
    for match in unsubscribes:
        before = _preceding(text, match.start(), 30)
        after = text[match.end() : match.end() + 20]
        instructed = _UNSUBSCRIBE_AFTER.match(after) or _UNSUBSCRIBE_BEFORE.search(before)
        if not instructed or _FIRST_PERSON.search(before) or after.startswith(" me"):
            continue
        hits.append(Hit("opt_out", match.start(), match.end(), "unsubscribe"))
        break
    for match in turn_offs:
        before = _preceding(text, match.start(), 30)
        _, sentence_end = _sentence_of(text, match.start())
        sentence_start, _ = _sentence_of(text, match.start())
        if (
            _FIRST_PERSON.search(before)
            or _BUYER_ASKS.search(before)
            or text[sentence_end : sentence_end + 1] == "?"
            # "desactivé las notificaciones, contéstame por aquí": staying in the chat.
            or _STAYS_HERE.search(text, sentence_start, sentence_end)
            # "silencie las notificaciones sin querer": what the writer did by mistake, or
            # to another chat.
            or _BY_MISTAKE.search(text, sentence_start, sentence_end)
        ) and not _ELSEWHERE.search(text, match.end(), match.end() + 120):
            continue
        hits.append(
            Hit(
                "opt_out",
                match.start(),
                match.end(),
                "switch_off_messages",
            )
        )
        break
    if not hits and not present.isdisjoint(_CONDITIONAL_TRIGGERS):
        conditional = _CONDITIONAL_REPLY.search(text)
        if conditional:
            hits.append(
                Hit(
                    "opt_out",
                    conditional.start(),
                    conditional.end(),
                    "reply_to_stop_messages",
                )
            )
    return hits


_OPT_OUT_TRIGGERS = (
    _REPLY_TRIGGERS | _UNSUBSCRIBE_TRIGGERS | _TURN_OFF_TRIGGERS | _CONDITIONAL_TRIGGERS
)
_APP_SQUEEZED = any_of(_APP_VARIANT_LIST)
_SOCIAL_SQUEEZED = any_of(_SOCIAL_VARIANT_LIST)
# Any app or network name: most texts have none, and one search then answers for both.
_NETWORK_SQUEEZED = any_of(_APP_VARIANT_LIST + _SOCIAL_VARIANT_LIST)
# Short names that are only a trigger on their own: "ig" but not "big", "tg" but not "btg".
_WHOLE_WORD_TRIGGERS = frozenset(
    {
        "ig",
        "fb",
        "tik",
        "snap",
        "x",
        "tt",
        "yt",
        "face",
        "tg",
        "wa",
        "wsp",
        "wpp",
        "line",
        "signal",
        "zalo",
        "kakao",
        "wasa",
        "wassa",
        "guasa",
        "whats",
        "wats",
    }
)
_ANYWHERE_TRIGGERS = (
    _APP_TRIGGERS
    | _SOCIAL_TRIGGERS
    | _REQUEST_TRIGGERS
    | _MORE_REQUEST_TRIGGERS
    | _MARKETING_TRIGGERS
    | _REVIEW_TRIGGERS
    | _OPT_OUT_TRIGGERS
) - _WHOLE_WORD_TRIGGERS
_TRIGGERS = TriggerScan(_ANYWHERE_TRIGGERS, whole_words=_WHOLE_WORD_TRIGGERS)
# The detectors rely on these being found only as whole words (see ``find_app_mentions``).
assert _APP_SHORT_TRIGGERS | _APP_NICKNAME_TRIGGERS | _SOCIAL_TRIGGERS <= _WHOLE_WORD_TRIGGERS
assert "wa" in _WHOLE_WORD_TRIGGERS


# What a sentence must be about for the statistical pass's finding in each category to
# stand: a review, the marketplace's messages, or something to buy.
_MODEL_TOPIC = {
    "review_manipulation": re.compile(
        r"review|rating|rate\b|rated|star|feedback|fb\b|resen|valora|opin|calific|estrella|"
        r"puntua|nota\b|comentario|\u2b50|\u2605|\u2606|\U0001f31f|\*"
    ),
    "opt_out": re.compile(
        r"message|notif|chat|alert|email|sms|text|stop|quit|unsub|mute|mensaje|aviso|notifica|"
        r"correo|baja|alto\b|silenc|desactiv|plataforma|platform|marketplace|app\b|"
        r"\U0001f515|\U0001f6d1|\u26d4"
    ),
    "marketing": re.compile(
        r"price|precio|discount|descuento|\bdto\b|\boff\b|%|\bsale\b|rebaja|oferta|offer|deal|"
        r"promo|coupon|cupon|\bcode\b|codigo|collection|coleccion|launch|lanz|estren|\bstock\b|"
        r"unidades|units|\bleft\b|quedan|nueva temporada|new season|\bfree\b|gratis|cheap|"
        r"barat|outlet|black friday|cyber|buen fin|liquidacion|clearance|"
        r"(?<!\d)\d ?x ?\d(?![.,]?\d)|also|too\b|"
        r"tambien|matching|a juego|next time|proxima|again|directly|directo|por fuera|outside|"
        r"comision|commission|\bon us\b|half|mitad|bogo|newsletter|points|puntos|refer"
    ),
}
_MODEL_MIN_WORDS = 4


def _topic_words(pattern: str) -> tuple[frozenset[str], frozenset[str]]:
    """Split a topic pattern's parts into plain words (a match wherever they occur) and the
    literal cores of the parts with a word boundary or a class, which need the pattern."""
    plain: set[str] = set()
    bounded: set[str] = set()
    for part in pattern.split("|"):
        core = part.replace("\\b", "")
        if core == part and re.escape(core) == core.replace(" ", "\\ "):
            plain.add(core)
        elif "\\d ?x ?\\d" in part:
            # "2x1", "3 x 2": a multi-buy, not a measurement ("10x10", "2x2.5")
            bounded.add("x")
        elif part.startswith(("\\u", "\\U")):
            # an emoji or a star, written as its escape
            plain.add(part.encode("ascii").decode("unicode_escape"))
        elif part == "\\*":
            plain.add("*")
        else:
            bounded.add(core)
    return frozenset(plain), frozenset(bounded)


_TOPIC_WORDS = {category: _topic_words(topic.pattern) for category, topic in _MODEL_TOPIC.items()}
# One Aho-Corasick pass over the text finds every topic's words; only a word that must stand
# alone ("rate", "off") sends the text to the topic's pattern.
_TOPIC_SCAN = TriggerScan(
    frozenset().union(*(plain | bounded for plain, bounded in _TOPIC_WORDS.values()))
)


def model_topics(text: str) -> frozenset[str]:
    """The semantic categories whose subject ``text`` touches: the only ones the statistical
    pass may find in it (see ``model_finding_stands``)."""
    present = _TOPIC_SCAN.present(text)
    if not present:
        return frozenset()
    topics = []
    for category, (plain, bounded) in _TOPIC_WORDS.items():
        if not present.isdisjoint(plain) or (
            not present.isdisjoint(bounded) and _MODEL_TOPIC[category].search(text)
        ):
            topics.append(category)
    return frozenset(topics)


def model_finding_stands(category: str, sentence: str) -> bool:
    """Tell whether the statistical pass may block ``sentence`` for ``category``: a sentence
    of a few words at least, about that category's subject, not in the buyer's own voice."""
    if len(sentence.split()) < _MODEL_MIN_WORDS:
        return False
    topic = _MODEL_TOPIC[category].search(sentence)
    if topic is None:
        return False
    if (
        category == "marketing"
        and topic.group() in ("price", "precio")
        and _MODEL_TOPIC[category].search(sentence, topic.end()) is None
        and _ADDRESSED.search(sentence) is None
    ):
        # A price named and nothing else about selling, addressed to no one: "US$1,000.01
        # order today, price check".
        return False
    return not buyer_voice(category, sentence)


_ADDRESSED = re.compile(r"\b(?:you|your|our|we|tu|tus|te|le|usted|nuestr[oa]s?)\b")


# The buyer on their own review: "I don't want to leave a bad review", "le di 5 estrellas";
# a neutral request for an honest one.
_BUYER_OWN_REVIEW = re.compile(
    r"\bi (?:don'?t|do not|won'?t|will not|wouldn'?t|would not|didn'?t|did not)\s+"
    r"(?:want to |plan to |intend to )?(?:leave|write|post|give|rate)\b"
    r"|\b(?:le |les )?(?:di|he dado|dimos|hemos dado|he puesto|pondre|dare|"
    r"voy a (?:dejar|poner|dar))\b"
    r"|\bno (?:quiero|voy a|pienso) (?:dejar|poner|escribir|publicar)\b"
    r"|\b(?:honest|sincer\w*|honest[oa]|imparcial)\b"
    # "seguro que dejo una buena reseña", "I'll definitely leave a good review"
    r"|\b(?:dejo|pongo|doy|escribo|dejaremos|pondremos)\s+(?:una |la |mi |las )?(?:buena |mala |"
    r"excelente )?(?:resena|valoracion|opinion|calificacion|\d estrellas|cinco estrellas)\b"
    r"|\bi(?:'ll| will)\s+(?:definitely |surely |certainly |for sure )?(?:leave|give|write|post)\b"
    # "sorry for the 3-star review", "perdón por las 3 estrellas"
    r"|\b(?:sorry|apologies|apologi[sz]e|perdon|disculpa|disculpe|lo siento)\b[^.!?]{0,12}"
    r"\b(?:for|about|por)\b[^.!?]{0,20}\b(?:review|rating|stars?|resena|valoracion|estrellas?|"
    r"calificacion|opinion|nota)\b"
)


# The buyer stopping messages to themselves: "unsubscribe me from the alerts", "please stop
# the notifications for this order", "dame de baja".
_BUYER_OPTS_OUT = re.compile(
    r"\b(?:unsubscribe|remove|take) me\b|\bstop (?:sending|messaging|texting|emailing) me\b|"
    r"\b(?:dame|darme|denme) de baja\b|\bno me (?:mandes|mande|envies|envie|escribas|escriba)\b|"
    r"\bi (?:already|have|'ve|turned|switched|muted|disabled)\b"
)


# The buyer thanking for something, or staying in the marketplace's chat.
_BUYER_THANKS = re.compile(r"^\W*(?:thanks|thank you|many thanks|gracias|muchas gracias)\b")
_STAYS_HERE = re.compile(
    r"\bhere (?:in|on) (?:the|this) (?:chat|site|platform|marketplace|app)\b|"
    r"\b(?:por aqui|aqui en el chat|en este chat|por este chat|por la plataforma)\b|"
    r"\b(?:reply|answer|write|message|respond) (?:to me |me )?here\b|"
    r"\b(?:contestame|respondeme|escribeme|contesta|responde) aqui\b"
)


# The buyer about reviews they read before buying: "the page says 4.8 stars from 200 reviews".
_READ_REVIEWS = re.compile(
    r"\b(?:i read|i've read|i checked|lei|he leido|mire|vi) (?:the |las |los |tus |your )?"
    r"(?:reviews|resenas|opiniones|valoraciones|ratings)\b|"
    r"\b\d(?:[.,]\d)? (?:stars|estrellas) (?:from|de|con|in|en) \d+ "
    r"(?:reviews|resenas|opiniones|valoraciones|ratings)\b|"
    # ... or a change they already made: "ya subi las estrellas", "I bumped my review up".
    r"\bya (?:subi|cambie|actualice|puse|deje|borre|quite)\b|"
    r"\bi (?:bumped|raised|updated|changed|edited)\b"
)


# The buyer about their own next order: "I'll stock up next time I order".
_BUYER_NEXT_ORDER = re.compile(
    r"\bnext time i (?:order|buy|shop)\b|\bla proxima vez que (?:pida|compre)\b"
)


def buyer_voice(category: str, sentence: str) -> bool:
    """Tell whether ``sentence`` speaks as the buyer about their own review, purchase or
    messages ("I'll leave a review when it arrives", "can I add a pillow?", "how can I turn
    off these notifications?"), or asks for an honest review: what a seller's marketing or
    pressure never says."""
    if category == "review_manipulation":
        return (
            _BUYER_REVIEW.search(sentence) is not None
            or _READ_REVIEWS.search(sentence) is not None
            or _BUYER_OWN_REVIEW.search(sentence) is not None
            or (_BUYER_ASKS.search(sentence) is not None and _INCENTIVE.search(sentence) is None)
            or (
                _BUYER_CAN_I.search(sentence) is not None
                and (sentence.lstrip().startswith("\u00bf") or sentence.rstrip().endswith("?"))
            )
        )
    if category == "opt_out":
        return (
            _BUYER_ASKS.search(sentence) is not None
            or _STAYS_HERE.search(sentence) is not None
            or _BUYER_OPTS_OUT.search(sentence) is not None
        )
    return (
        _BUYER_ASKING.search(sentence) is not None
        or _BUYER_THANKS.search(sentence) is not None
        or _BUYER_NEXT_ORDER.search(sentence) is not None
        or _asks_the_seller(sentence)
    )


# The buyer asking the seller what they will offer: "are you having a sale for Black
# Friday?", "¿tienen rebajas en enero?", "is there a discount for two?"
_ASKS_THE_SELLER = re.compile(
    r"^\W*(?:are you (?:having|doing|running|planning|going to)|do you (?:have|do|run|ever|"
    r"offer|give)|will you (?:have|do|be|run|offer)|is there|are there|any chance|"
    r"(?:tienen|tienes|tendran|tendras|hacen|haceis|haran|hay|habra|vais a|van a|ofrecen|"
    r"ofreces|dan|das)|(?:can|could) you do|if i|when i|si (?:compro|pido|me llevo|vuelvo)|"
    r"me (?:haces|hace|dejas|deja|das|da))\b"
)


# A question about the seller's own shop or listing: "¿todo en tu tienda está al 30%?"
_YOUR_SHOP = re.compile(r"\b(?:tu|tus|your) (?:tienda|shop|store|listing|listings|anuncio|web)\b")


def _asks_the_seller(sentence: str) -> bool:
    stripped = sentence.strip()
    return (stripped.endswith("?") or stripped.startswith("\u00bf")) and bool(
        _ASKS_THE_SELLER.search(stripped.lstrip("\u00bf")) or _YOUR_SHOP.search(stripped)
    )


# The buyer asking about their own order: "Can I add a matching pillow for $10?"
_BUYER_ASKING = re.compile(_BUYER_ASKS_FOR)


# The trigger words that name an app or network an id may follow (contacts.find_named_ids).
NAMED_ID_TRIGGERS = frozenset(
    {
        *("wa", "tg", "wsp", "line", "signal", "snap", "ig", "fb", "face", "insta"),
        *("discord", "facebook", "messenger", "snapchat", "telegram", "tiktok", "viber"),
        *("wechat", "whatsapp"),
    }
)
assert NAMED_ID_TRIGGERS <= _ANYWHERE_TRIGGERS | _WHOLE_WORD_TRIGGERS


def trigger_scan_with(extra_words: frozenset[str]) -> TriggerScan:
    """Return a scan finding what ``triggers_in`` finds, plus any of ``extra_words``.

    The extra words count anywhere, so none may be a whole-word trigger. The detectors only
    look up their own triggers in the result, so the extra words never change what they do.
    """
    if not extra_words.isdisjoint(_WHOLE_WORD_TRIGGERS):
        raise ValueError("an extra word is a whole-word trigger")
    return TriggerScan(_ANYWHERE_TRIGGERS | extra_words, whole_words=_WHOLE_WORD_TRIGGERS)


def triggers_in(text: str) -> frozenset[str]:
    """Return the trigger words of every wording detector that occur in ``text``."""
    return _TRIGGERS.present(text)
