"""Word lists and lookup tables shared by the normaliser and the detectors."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

# Letters from other scripts that look like Latin letters, keyed after case folding.
CONFUSABLES: dict[str, str] = {
    # Cyrillic
    "а": "a",
    "в": "b",
    "с": "c",
    "ԁ": "d",
    "е": "e",
    "ё": "e",
    "һ": "h",
    "і": "i",
    "ї": "i",
    "ј": "j",
    "к": "k",
    "ӏ": "l",
    "м": "m",
    "н": "h",
    "о": "o",
    "р": "p",
    "ԛ": "q",
    "г": "r",
    "ѕ": "s",
    "т": "t",
    "ц": "u",
    "у": "y",
    "ү": "y",
    "ԝ": "w",
    "х": "x",
    "ь": "b",
    "ɡ": "g",
    "ʏ": "y",
    "ᴀ": "a",
    "ᴄ": "c",
    "ᴅ": "d",
    "ᴇ": "e",
    "ᴊ": "j",
    "ᴋ": "k",
    "ᴍ": "m",
    "ɴ": "n",
    "ᴏ": "o",
    "ᴘ": "p",
    "ʀ": "r",
    "ᴛ": "t",
    "ᴜ": "u",
    "ᴠ": "v",
    "ᴡ": "w",
    "ᴢ": "z",
    "ı": "i",
    "ȷ": "j",
    "ʟ": "l",
    # Greek
    "α": "a",
    "β": "b",
    "γ": "y",
    "δ": "d",
    "ε": "e",
    "ζ": "z",
    "η": "n",
    "ι": "i",
    "κ": "k",
    "μ": "u",
    "ν": "v",
    "ο": "o",
    "ρ": "p",
    "σ": "o",
    "ς": "c",
    "τ": "t",
    "υ": "u",
    "χ": "x",
    "ω": "w",
    # Armenian and others that are commonly abused
    "օ": "o",
    "ս": "u",
    "ց": "g",
    "ɑ": "a",
    "ɩ": "i",
    "ℓ": "l",
    # Punctuation look-alikes
    "‐": "-",
    "‑": "-",
    "‒": "-",
    "–": "-",
    "—": "-",
    "―": "-",
    "−": "-",
    "⁃": "-",
    "‘": "'",
    "’": "'",
    "‚": "'",
    "‛": "'",
    "′": "'",
    "“": '"',
    "”": '"',
    "„": '"',
    "«": '"',
    "»": '"',
    "‹": '"',
    "›": '"',
    "。": ".",
    "｡": ".",
    "·": ".",
    "•": ".",
    "∙": ".",
    "⋅": ".",
    "ꓸ": ".",
    "ⅼ": "l",
    "ǀ": "l",
    "∣": "l",
}

# Symbols that stand for a word in review-manipulation wording ("5 ⭐ = refund").
SYMBOL_WORDS: dict[str, str] = {
    "⭐": " star ",
    "🌟": " star ",
    "★": " star ",
    "☆": " star ",
    "✩": " star ",
    "✪": " star ",
    "✫": " star ",
    "✬": " star ",
    "✭": " star ",
    "✮": " star ",
    "✯": " star ",
    "✰": " star ",
    "⋆": " star ",
    "✦": " star ",
    "✧": " star ",
    "→": " = ",
    "⇒": " = ",
    "➡": " = ",
    "⟶": " = ",
    "➜": " = ",
}

# Characters that render as nothing (or as blank) and are used to split words.
INVISIBLE: frozenset[str] = frozenset(
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b\u200c\u200d\u200e\u200f"
    "\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068"
    "\u2069\u206a\u206b\u206c\u206d\u206e\u206f\u2800\u3164\ufeff\uffa0"
)

NUMBER_WORDS: dict[str, str] = {
    "zero": "0",
    "oh": "0",
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
    "cero": "0",
    "uno": "1",
    "dos": "2",
    "tres": "3",
    "cuatro": "4",
    "cinco": "5",
    "seis": "6",
    "siete": "7",
    "ocho": "8",
    "nueve": "9",
}

# Free mail providers: "name at gmail" is an address even without a top-level domain.
MAIL_PROVIDERS: frozenset[str] = frozenset(
    {
        "gmail",
        "googlemail",
        "hotmail",
        "outlook",
        "live",
        "msn",
        "yahoo",
        "ymail",
        "icloud",
        "me",
        "mac",
        "aol",
        "zoho",
        "protonmail",
        "proton",
        "pm",
        "gmx",
        "yandex",
        "mail",
        "tutanota",
        "tuta",
        "fastmail",
        "hey",
        "telefonica",
        "movistar",
        "orange",
        "terra",
        "prodigy",
        "web",
        "libero",
        "qq",
        "163",
    }
)

# Words that, left of a spoken "at"/"dot", show it is prose rather than an address.
PROSE_WORDS: frozenset[str] = frozenset(
    """a an the this that these those my our your his her their its me us you him them
    it i we they he she is are was were be been am to of in on at for from by with and or
    but so as if into about line email mail write contact reach here there home office
    look arrive arrived arrives stay available open sold buy bought ship shipped delivered
    left right up down out one all any some no not just only also
    then than when where what who how why please thanks thank hi hello dot point
    el la los las un una unos unos mi tu su de del al en y o que por para con es son
    este esta ese esa lo le les te se nos mas muy ya""".split()
)

# Top-level domains that are also everyday words: a spoken "dot" before them needs
# more evidence (an "at" in the same address, or the end of the sentence).
WORD_TLDS: frozenset[str] = frozenset(
    """ac ad ag ai al am as at be bi by ca cc ch co de do es fi fm go hm id ie il im in io
    is it la le lt ly ma me mo mu my nl no nu on one or pe ph pm re sa se sh si so st
    tk to tv tw uk us va vi ye""".split()
)

# Generic TLDs that are common words; a bare "word.tld" with no path, scheme or "www"
# is only a link with one of these when it also has three or more labels.
PROSE_TLDS: frozenset[str] = frozenset(
    """now one new top fit win work help care live life love fun best today world family
    email phone mobile inc ltd eat run how you red blue pink green black gold buy sale
    deal deals gift gifts free here link click page photo photos pics video watch show box
    bid bar fan hot kids men mom out day date news tips team talk chat call zone city
    fish fans wow yes ink art bio eco pro pet moi lat vin ski gay sex tax law hiv mba
    cafe bike book cars cash casa coupon coupons diet dog game golf guru host kim land
    lol luxe meet menu moda money movie music name ninja one page pay pics place plus
    porn rent rest rich rip rocks run save school shoes show sky soy spa style sucks
    surf talk tel tips tools toys trade tube vote voto wang watch wed wiki wine work
    yoga zip mov app md py sh rs ps so""".split()
)

# Extensions that file names carry; a "domain" ending in one of these is a file name.
FILE_EXTENSIONS: frozenset[str] = frozenset(
    """pdf jpg jpeg png gif heic heif webp bmp tif tiff svg zip rar 7z gz tgz bz2 xz tar
    mov mp4 m4v avi mkv webm wmv mp3 m4a wav ogg flac aac doc docx xls xlsx csv ppt pptx
    odt ods odp rtf txt md json xml html htm eps ai psd stl obj step stp dwg dxf exe msi
    dmg apk app pkg deb rpm iso img bin dat log cfg ini pages numbers key epub mobi
    vcf ics eml msg""".split()
)

SOCIAL_HOSTS: frozenset[str] = frozenset(
    """instagram.com instagr.am facebook.com fb.com fb.me fb.watch tiktok.com twitter.com
    x.com youtube.com youtu.be pinterest.com pin.it linkedin.com lnkd.in snapchat.com
    threads.net linktr.ee onlyfans.com twitch.tv tumblr.com reddit.com etsy.me
    bsky.app""".split()
)

MESSAGING_HOSTS: frozenset[str] = frozenset(
    """wa.me whatsapp.com api.whatsapp.com chat.whatsapp.com wa.link t.me telegram.me
    telegram.org telegram.dog signal.me signal.group signal.org line.me lin.ee viber.com
    vb.me invite.viber.com wechat.com weixin.qq.com m.me messenger.com discord.gg
    discord.com skype.com join.skype.com kakao.com zalo.me""".split()
)


@lru_cache(maxsize=1)
def top_level_domains() -> frozenset[str]:
    """Return every top-level label of the Public Suffix List shipped with publicsuffixlist."""
    data = (resources.files("publicsuffixlist") / "public_suffix_list.dat").read_text(
        encoding="utf-8"
    )
    labels: set[str] = set()
    for raw in data.splitlines():
        line = raw.strip()
        if not line or line.startswith("//"):
            continue
        label = line.split()[0].lstrip("!").rsplit(".", 1)[-1]
        if label and label != "*":
            labels.add(label.casefold())
    return frozenset(labels)
