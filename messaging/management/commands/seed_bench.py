"""Build a synthetic marketplace for benchmarks: `seed_bench --tier S|L` or `--messages N`.

The data is what the services would have produced, written in bulk: COPY on PostgreSQL,
``bulk_create`` in batches elsewhere. The same seed gives the same marketplace, and a larger
tier is the same generator run longer. Bench accounts use ``@bench.invalid`` addresses, and the
command refuses a database holding anything else unless ``--force``.
"""

import hashlib
import itertools
import random
import sys
import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

from accounts.models import User
from messaging.clock.deadline import due_time, format_duration, utc_day
from messaging.models import (
    Attachment,
    Message,
    MessageKind,
    MessageStatus,
    Obligation,
    ObligationOutcome,
    Participant,
    ParticipantRole,
    ResponseDay,
    Thread,
    ThreadKind,
    Topic,
)
from messaging.search import services as search
from orders.models import Order, OrderStatus

SEED_VERSION = 1
DEFAULT_SEED = 20_260_101
TIERS = {"S": 10_000, "L": 1_000_000, "XL": 10_000_000}
BENCH_DOMAIN = "bench.invalid"
MARKER_TABLE = "bench_seed"

# Shape of the marketplace (at the L tier; the heavy seller scales with the message count).
HEAVY_SELLER_THREADS_AT_L = 20_000
THREADS_PER_BUYER = 2.5
BUYERS_PER_SELLER = 10
BENCH_THREAD_MESSAGES = 50  # the heavy seller's first thread: the "thread page" benchmark
HISTORY_DAYS = 180
BLOCKED_SHARE = 0.003
ATTACHMENT_SHARE = 0.04
SPANISH_SHARE = 0.2
PLACEHOLDER_KEY = "attachments/bench/placeholder"
FLUSH_EVERY_THREADS = 2_000


def words(text: str) -> list[str]:
    return text.split()


# Marketplace mail vocabulary, most frequent first; word frequencies follow Zipf's law.
ENGLISH = words(
    """
the i to you and a my order it is for of in your thanks this have on can be please we was
with not item but that package hi if will me just what when it's received would do are at as
thank you've so there return refund get shipping tracking has an all sent any know no one
been from days out still arrived number hello could back did help they our how like here
should need time new send or size week box today replacement other product about up seller
more also damaged delivery buyer some again got address pay paid color wrong label photo
picture free ship exchange broken missing store shipped ordered works working issue problem
see sure great open opened cancel cancelled info account card charge charged price invoice
receipt warranty quality fit fits small large medium colour model version battery charger
cable screen case cover mug bowl plate glass shoes shirt dress jacket pants jeans socks bag
book toy lamp chair table sofa bed pillow towel kitchen knife pan pot blender kettle coffee
tea soap cream bottle lid strap watch ring necklace bracelet earrings phone tablet laptop
mouse keyboard headphones speaker camera lens tripod drone printer ink paper pen notebook
backpack wallet belt hat gloves scarf umbrella tent blanket mattress curtain rug frame
mirror clock vase candle plant seeds garden tool drill hammer saw screw nail glue tape paint
brush courier carrier post office customs duty tax fee discount coupon code voucher sale
promotion stock available unavailable backorder estimate expected late delayed early
tomorrow yesterday morning evening weekend monday tuesday friday sorry unfortunately
apologize appreciate understand confirm confirmed update updated status signature signed
doorstep neighbour neighbor porch mailbox locker pickup dropoff scratch scratched dent
dented crack cracked leak leaking stain defective faulty fake genuine original authentic
brand manual instructions assembly assemble parts spare screws missing piece pieces
"""
)
SPANISH = words(
    """
de la que el en y a los mi pedido se no por con un una para es gracias hola su lo del las me
al como pero más ya muy envío paquete cuando producto devolución reembolso favor puede
seguimiento recibido llegó todavía número días dirección artículo talla color cambio roto
dañado falta vendedor comprador tienda caja factura recibo garantía precio pago cobro
tarjeta cuenta cancelar cancelado mañana ayer semana hoy entrega correo mensajero aduana
impuesto descuento cupón código oferta disponible agotado retraso tarde pronto foto imagen
etiqueta calidad tamaño modelo batería cargador cable pantalla funda taza cuenco plato vaso
zapatos camisa vestido chaqueta pantalón bolso libro juguete lámpara silla mesa sofá cama
almohada toalla cocina cuchillo sartén olla cafetera té jabón crema botella tapa correa
reloj anillo collar pulsera pendientes teléfono portátil ratón teclado auriculares altavoz
cámara lente impresora papel bolígrafo mochila cartera cinturón sombrero guantes bufanda
paraguas manta colchón cortina alfombra marco espejo jarrón vela planta jardín herramienta
taladro martillo pegamento pintura disculpe lamentamos entiendo confirmar confirmado
actualizar estado firma vecino buzón recogida rasguño abolladura grieta fuga mancha
defectuoso falso original auténtico marca manual instrucciones montaje piezas
"""
)
TAIL_WORDS = 5_000  # brand and model names: the long tail that makes rare words rare
SYLLABLES = words("ka lo mi ra tu ve so ne xi pa zu ro fi da le mo ni ta go be ku sa")
ZIPF_EXPONENT = 1.07
TAIL_WEIGHT = 0.05  # names are much rarer than common words of the same rank

FIRST_NAMES = words(
    """
Alex Sam Lucía Marta Tom Ana Chris Noor Kenji Priya Omar Sofia Liam Mia Diego
"""
)
LAST_NAMES = words(
    """
Morgan Lee Fernández Ruiz Becker Silva Khan Sato Patel Haddad Rossi Novak
"""
)
SHOP_WORDS = words("Casa Gadget Urban Green Blue Nordic Sol Luna Atlas Pixel Oak Coral")
SHOP_NOUNS = words(
    """
Cerámica Garage Market Goods Store Supply Studio Trading Outlet Corner
"""
)
TOPICS = [
    (Topic.SHIPPING, 40),
    (Topic.RETURN_REFUND, 20),
    (Topic.DAMAGED_DEFECTIVE, 12),
    (Topic.PRODUCT_QUESTION, 10),
    (Topic.INVOICE, 8),
    (Topic.OTHER, 10),
]


def tail_vocabulary(rng: random.Random) -> list[str]:
    """Return the long tail of made-up brand and model names, unique and deterministic."""
    words: list[str] = []
    seen = set(ENGLISH) | set(SPANISH)
    while len(words) < TAIL_WORDS:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(3, 4)))
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


def search_words() -> dict[str, str]:
    """The words the search benchmark looks for: common, middling and rare."""
    tail = tail_vocabulary(random.Random(DEFAULT_SEED))
    return {"common": "order", "middling": "warranty", "rare": tail[300]}


class Vocabulary:
    """Draw words with Zipf frequencies over a language's words followed by the shared tail."""

    def __init__(self, words: Sequence[str], tail: Sequence[str]) -> None:
        self.words = [*words, *tail]
        weights = [
            (TAIL_WEIGHT if rank > len(words) else 1.0) / rank**ZIPF_EXPONENT
            for rank in range(1, len(self.words) + 1)
        ]
        self.cumulative = list(itertools.accumulate(weights))

    def text(self, rng: random.Random, count: int) -> str:
        words = rng.choices(self.words, cum_weights=self.cumulative, k=count)
        # Sentences of 6 to 14 words, capitalised, like hand-written mail.
        out: list[str] = []
        start = 0
        while start < count:
            end = min(count, start + rng.randint(6, 14))
            sentence = " ".join(words[start:end])
            out.append(sentence[:1].upper() + sentence[1:] + rng.choice(".....?!"))
            start = end
        return " ".join(out)


@dataclass
class Plan:
    """How many of everything a message count gives."""

    messages: int
    thread_lengths: list[int]
    heavy_threads: int
    buyers: int
    sellers: int

    @property
    def threads(self) -> int:
        return len(self.thread_lengths)


def thread_length(rng: random.Random) -> int:
    """Messages in one conversation: mostly short exchanges, a long tail of long ones."""
    if rng.random() < 0.002:
        return rng.randint(50, 150)
    return min(40, 1 + int(rng.expovariate(1 / 3)))


def plan_for(messages: int, seed: int) -> Plan:
    if messages < 1:
        raise CommandError("--messages must be at least 1.")
    rng = random.Random(seed)
    lengths = [min(BENCH_THREAD_MESSAGES, messages)]
    total = lengths[0]
    while total < messages:
        length = min(thread_length(rng), messages - total)
        lengths.append(length)
        total += length
    heavy = max(1, min(len(lengths), round(HEAVY_SELLER_THREADS_AT_L * messages / TIERS["L"])))
    buyers = max(2, round(len(lengths) / THREADS_PER_BUYER))
    sellers = max(2, round(buyers / BUYERS_PER_SELLER))
    return Plan(messages, lengths, heavy, buyers, sellers)


@dataclass
class Ids:
    """The next primary key of each table (bench rows get explicit keys)."""

    next: dict[type[models.Model], int] = field(default_factory=dict)

    def take(self, model: type[models.Model]) -> int:
        value = self.next[model]
        self.next[model] = value + 1
        return value


# Writers: a row is a tuple in the order of the attnames given for its model. Rows are held
# until flush(), so the tables of a batch are written one after another in foreign-key order
# (a connection runs one COPY at a time).


class Writer:
    def __init__(self, model: type[models.Model], attnames: Sequence[str]) -> None:
        self.model = model
        self.attnames = list(attnames)
        given = set(self.attnames)
        self.fields = {f.attname: f for f in model._meta.concrete_fields}
        # Columns the generator leaves to the model's defaults (e.g. added by a later migration).
        self.defaults = [
            (f.attname, f.get_default())
            for f in model._meta.concrete_fields
            if f.attname not in given and not f.primary_key
        ]
        self.rows: list[tuple[Any, ...]] = []
        self.count = 0

    def write(self, row: tuple[Any, ...]) -> None:
        self.rows.append(row)
        self.count += 1

    def flush(self) -> None:
        if self.rows:
            self.insert(self.rows)
            self.rows = []

    def insert(self, rows: list[tuple[Any, ...]]) -> None:
        raise NotImplementedError


class CopyWriter(Writer):
    """Stream rows into PostgreSQL with COPY (psycopg 3)."""

    def __init__(self, model: type[models.Model], attnames: Sequence[str]) -> None:
        super().__init__(model, attnames)
        with connection.cursor() as cursor:
            existing = {
                column.name
                for column in connection.introspection.get_table_description(
                    cursor, model._meta.db_table
                )
            }
        # A field whose migration is not applied yet has no column to fill.
        self.defaults = [(n, v) for n, v in self.defaults if self.fields[n].column in existing]
        self.extra = tuple(
            self.fields[name].get_db_prep_save(value, connection) for name, value in self.defaults
        )
        names = [*self.attnames, *(name for name, _ in self.defaults)]
        quoted = ", ".join(connection.ops.quote_name(str(self.fields[n].column)) for n in names)
        table = connection.ops.quote_name(model._meta.db_table)
        self.statement = f"COPY {table} ({quoted}) FROM STDIN"

    def insert(self, rows: list[tuple[Any, ...]]) -> None:
        with connection.cursor() as wrapper:
            cursor = wrapper.cursor  # the psycopg cursor under Django's wrapper
            with cursor.copy(self.statement) as copy:
                extra = self.extra
                for row in rows:
                    copy.write_row(row + extra if extra else row)


class BulkWriter(Writer):
    """Insert rows with bulk_create in batches (any database)."""

    BATCH = 500

    def insert(self, rows: list[tuple[Any, ...]]) -> None:
        defaults = dict(self.defaults)
        objects = [
            self.model(**defaults, **dict(zip(self.attnames, row, strict=True))) for row in rows
        ]
        self.model._default_manager.bulk_create(objects, batch_size=self.BATCH)


def json_value(value: object) -> object:
    """A JSON column value as the writer in use expects it."""
    if connection.vendor == "postgresql":
        from psycopg.types.json import Jsonb

        return Jsonb(value)
    return value


def writer_for(model: type[models.Model], attnames: Sequence[str]) -> Writer:
    if connection.vendor == "postgresql":
        return CopyWriter(model, attnames)
    return BulkWriter(model, attnames)


# Columns written for each table.
USER_COLUMNS = words(
    """
id password last_login is_superuser email display_name role language is_active is_staff
date_joined notification_mode digest_interval_minutes
"""
)
ORDER_COLUMNS = words(
    """
id number buyer_id seller_id status total currency placed_at shipped_at delivered_at
completed_at
"""
)
THREAD_COLUMNS = words(
    """
id kind order_id product_id buyer_id seller_id topic created_at last_message_at
last_message_id
"""
)
PARTICIPANT_COLUMNS = words(
    """
id thread_id user_id role last_message_at last_message_is_mine unread_count last_read_at
is_archived is_deleted needs_response_since
"""
)
MESSAGE_COLUMNS = words(
    """
id thread_id sender_id sender_role kind status body created_at findings review_outcome
reviewed_by_id reviewed_at
"""
)
ATTACHMENT_COLUMNS = words(
    """
id message_id position file thumbnail name content_type size sha256 width height created_at
"""
)
OBLIGATION_COLUMNS = words(
    """
id thread_id seller_id message_id received_at due_at outcome answered_at answer_id
excluded_at no_response_needed_at why
"""
)
RESPONSE_DAY_COLUMNS = words(
    """
seller_id day due answered_on_time answered_late excluded response_microseconds_total
"""
)


class Progress:
    """A one-line progress report on stderr (no dependency, redrawn at most ten times a second)."""

    def __init__(self, total: int, label: str, stream: Any = sys.stderr) -> None:
        self.total, self.label, self.stream = total, label, stream
        self.started = time.monotonic()
        self.shown = 0.0
        self.done = 0

    def update(self, done: int) -> None:
        self.done = done
        now = time.monotonic()
        if now - self.shown >= 0.1 or done >= self.total:
            self.shown = now
            share = done / self.total if self.total else 1.0
            elapsed = now - self.started
            rate = done / elapsed if elapsed else 0.0
            bar = "#" * int(share * 30)
            self.stream.write(
                f"\r{self.label} [{bar:<30}] {share:6.1%} {done:,}/{self.total:,} "
                f"{rate:,.0f}/s {elapsed:5.1f}s"
            )
            self.stream.flush()

    def finish(self) -> None:
        self.update(self.total)
        self.stream.write("\n")
        self.stream.flush()


def order_number(index: int) -> str:
    # A bijection of the index modulo 10**17 spreads the numbers like real ones, still unique.
    value = (index * 7_919_000_000_001 + 31_415_926_535) % 10**17
    text = f"{value:017d}"
    return f"{text[:3]}-{text[3:10]}-{text[10:]}"


@dataclass
class Sent:
    id: int
    role: str
    sender_id: int
    at: datetime
    delivered: bool


class Generator:
    """Produce every table's rows for one plan, deterministically."""

    def __init__(self, plan: Plan, *, seed: int, now: datetime, ids: Ids) -> None:
        self.plan, self.seed, self.now, self.ids = plan, seed, now, ids
        self.rng = random.Random(seed + 1)
        tail = tail_vocabulary(random.Random(DEFAULT_SEED))
        self.english = Vocabulary(ENGLISH, tail)
        self.spanish = Vocabulary(SPANISH, tail)
        self.response_days: dict[tuple[int, date], list[int]] = defaultdict(lambda: [0] * 5)
        self.seller_ids: list[int] = []
        self.buyer_ids: list[int] = []
        self.spanish_users: set[int] = set()

    # Users.

    def users(self) -> Iterator[tuple[Any, ...]]:
        rng = random.Random(self.seed + 2)
        joined = self.now - timedelta(days=3 * 365)
        for kind, count in (("seller", self.plan.sellers), ("buyer", self.plan.buyers)):
            width = 5 if kind == "seller" else 6
            for number in range(1, count + 1):
                user_id = self.ids.take(User)
                language = "es" if rng.random() < SPANISH_SHARE else "en"
                if language == "es":
                    self.spanish_users.add(user_id)
                (self.seller_ids if kind == "seller" else self.buyer_ids).append(user_id)
                mode = rng.choices(["immediate", "digest", "off"], weights=[7, 2, 1])[0]
                name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
                yield (
                    user_id,
                    "!",  # no usable password: bench sessions are created directly
                    None,
                    False,
                    f"bench-{kind}-{number:0{width}d}@{BENCH_DOMAIN}",
                    name,
                    kind,
                    language,
                    True,
                    False,
                    joined + timedelta(minutes=rng.randrange(2 * 365 * 24 * 60)),
                    mode,
                    60,
                )

    def seller_profiles(self) -> Iterator[tuple[Any, ...]]:
        rng = random.Random(self.seed + 3)
        for number, user_id in enumerate(self.seller_ids, start=1):
            shop = f"{rng.choice(SHOP_WORDS)} {rng.choice(SHOP_NOUNS)} {number:05d}"
            yield (user_id, user_id, shop)

    # Threads, with their order, participants, messages, attachments and obligations.

    def text(self, user_id: int, rng: random.Random) -> str:
        words = max(1, min(400, int(rng.lognormvariate(2.9, 0.8))))
        vocabulary = self.spanish if user_id in self.spanish_users else self.english
        return vocabulary.text(rng, words)

    def conversation(
        self, length: int, rng: random.Random, *, end: datetime
    ) -> list[tuple[str, datetime]]:
        """Who writes each message and when: the buyer opens, replies mostly alternate."""
        roles = [ParticipantRole.BUYER.value]
        for _ in range(length - 1):
            same = rng.random() < 0.25
            previous = roles[-1]
            other = "seller" if previous == "buyer" else "buyer"
            roles.append(previous if same else other)
        gaps = [0.0]
        for role, previous in itertools.pairwise(roles):
            hours = rng.expovariate(1 / (1.5 if role == previous else 6.0))
            if role == "seller" and rng.random() < 0.1:
                hours += rng.uniform(20, 60)  # sometimes the seller answers late
            gaps.append(hours * 3600)
        span = sum(gaps)
        start = end - timedelta(seconds=span)
        moments: list[tuple[str, datetime]] = []
        offset = 0.0
        for role, gap in zip(roles, gaps, strict=True):
            offset += gap
            moments.append((role, start + timedelta(seconds=int(offset))))
        return moments

    def threads(self, out: dict[str, Writer], progress: Progress) -> None:
        rng = self.rng
        heavy = self.seller_ids[0]
        other_sellers = self.seller_ids[1:]
        topics = [topic for topic, _ in TOPICS]
        topic_weights = [weight for _, weight in TOPICS]
        done = 0
        for index, length in enumerate(self.plan.thread_lengths):
            seller_id = heavy if index < self.plan.heavy_threads else rng.choice(other_sellers)
            buyer_id = rng.choice(self.buyer_ids)
            thread_id = self.ids.take(Thread)
            # Activity spread over the history, a little denser recently.
            age = timedelta(seconds=HISTORY_DAYS * 86_400 * rng.random() ** 1.3)
            end = self.now - age - timedelta(minutes=1)
            moments = self.conversation(length, rng, end=end)
            started = moments[0][1]
            order_id = self.ids.take(Order)
            placed = started - timedelta(minutes=rng.randint(60, 10 * 24 * 60))
            out["order"].write(self.order_row(order_id, buyer_id, seller_id, placed, rng))

            sent: list[Sent] = []
            for position, (role, at) in enumerate(moments):
                message_id = self.ids.take(Message)
                sender_id = buyer_id if role == "buyer" else seller_id
                # The first message and the benchmark thread are never blocked.
                blocked = (
                    position > 0
                    and index > 0
                    and rng.random() < BLOCKED_SHARE
                    and position < len(moments) - 1
                )
                body = self.text(sender_id, rng)
                findings: list[dict[str, object]] = []
                if blocked:
                    start = len(body) + 1
                    body = f"{body} reach me at buyer{message_id}@mail.example"
                    findings = [
                        {
                            "category": "contact_email",
                            "start": start,
                            "end": len(body),
                            "reason": "email address",
                            "source": "body",
                        }
                    ]
                out["message"].write(
                    (
                        message_id,
                        thread_id,
                        sender_id,
                        role,
                        MessageKind.MESSAGE.value,
                        (MessageStatus.BLOCKED if blocked else MessageStatus.DELIVERED).value,
                        body,
                        at,
                        json_value(findings),
                        "",
                        None,
                        None,
                    )
                )
                if rng.random() < ATTACHMENT_SHARE:
                    self.attachments(out["attachment"], message_id, at, rng)
                sent.append(Sent(message_id, role, sender_id, at, not blocked))
            delivered = [s for s in sent if s.delivered]
            last = delivered[-1]
            topic = rng.choices(topics, weights=topic_weights)[0]
            out["thread"].write(
                (
                    thread_id,
                    ThreadKind.ORDER.value,
                    order_id,
                    None,
                    buyer_id,
                    seller_id,
                    topic.value,
                    started,
                    last.at,
                    last.id,
                )
            )
            self.participants_and_obligations(out, thread_id, buyer_id, seller_id, delivered, rng)
            done += length
            if index % FLUSH_EVERY_THREADS == FLUSH_EVERY_THREADS - 1:
                self.flush(out)
                progress.update(done)
        self.flush(out)
        progress.update(done)

    @staticmethod
    def flush(out: dict[str, Writer]) -> None:
        for writer in out.values():  # in foreign-key order
            writer.flush()

    def order_row(
        self, order_id: int, buyer_id: int, seller_id: int, placed: datetime, rng: random.Random
    ) -> tuple[Any, ...]:
        shipped = placed + timedelta(hours=rng.randint(4, 72))
        delivered = shipped + timedelta(hours=rng.randint(24, 24 * 8))
        completed = delivered + timedelta(days=14)
        status = OrderStatus.PLACED
        times: list[datetime | None] = [None, None, None]
        for step, (moment, next_status) in enumerate(
            [
                (shipped, OrderStatus.SHIPPED),
                (delivered, OrderStatus.DELIVERED),
                (completed, OrderStatus.COMPLETED),
            ]
        ):
            if moment <= self.now:
                times[step] = moment
                status = next_status
        cents = int(rng.lognormvariate(3.5, 0.9) * 100) + 99
        return (
            order_id,
            order_number(order_id),
            buyer_id,
            seller_id,
            status.value,
            Decimal(cents) / 100,
            "USD",
            placed,
            *times,
        )

    def attachments(self, out: Writer, message_id: int, at: datetime, rng: random.Random) -> None:
        for position in range(rng.choice((1, 1, 1, 2, 3))):
            is_image = rng.random() < 0.75
            attachment_id = self.ids.take(Attachment)
            extension = "jpg" if is_image else "pdf"
            out.write(
                (
                    attachment_id,
                    message_id,
                    position,
                    f"{PLACEHOLDER_KEY}.{extension}",
                    f"{PLACEHOLDER_KEY}-thumb.jpg" if is_image else "",
                    f"{'photo' if is_image else 'invoice'}-{attachment_id}.{extension}",
                    "image/jpeg" if is_image else "application/pdf",
                    rng.randint(40_000, 4_000_000),
                    hashlib.sha256(str(attachment_id).encode()).hexdigest(),
                    1600 if is_image else None,
                    1200 if is_image else None,
                    at,
                )
            )

    def participants_and_obligations(
        self,
        out: dict[str, Writer],
        thread_id: int,
        buyer_id: int,
        seller_id: int,
        delivered: list[Sent],
        rng: random.Random,
    ) -> None:
        last = delivered[-1]
        # The response clock, replayed: buyer messages open obligations, a seller reply closes
        # every open one, and "no response needed" closes what is left on a quiet thread.
        open_ones: list[Sent] = []
        for message in delivered:
            if message.role == "buyer":
                open_ones.append(message)
            elif open_ones:
                for opened in open_ones:
                    self.obligation(out, thread_id, seller_id, opened, answer=message)
                open_ones = []
        excluded_at: datetime | None = None
        if open_ones and last.at < self.now - timedelta(days=3) and rng.random() < 0.8:
            excluded_at = min(self.now, last.at + timedelta(hours=rng.uniform(1, 48)))
        for opened in open_ones:
            self.obligation(out, thread_id, seller_id, opened, excluded_at=excluded_at)
        needs_response_since = open_ones[0].at if open_ones and excluded_at is None else None

        trailing = 0
        for message in reversed(delivered):
            if message.role != last.role:
                break
            trailing += 1
        for role, user_id in (("buyer", buyer_id), ("seller", seller_id)):
            own = [m.at for m in delivered if m.role == role]
            last_read_at = own[-1] if own else None
            unread = 0
            if role != last.role:
                recent = last.at > self.now - timedelta(days=7)
                if excluded_at is not None and role == "seller":
                    last_read_at = excluded_at
                elif rng.random() < (0.5 if recent else 0.9):
                    last_read_at = min(self.now, last.at + timedelta(minutes=rng.randint(5, 600)))
                else:
                    unread = trailing
            archived = last.at < self.now - timedelta(days=30) and rng.random() < (
                0.15 if role == "buyer" else 0.05
            )
            out["participant"].write(
                (
                    self.ids.take(Participant),
                    thread_id,
                    user_id,
                    role,
                    last.at,
                    role == last.role,
                    unread,
                    last_read_at,
                    archived,
                    False,
                    needs_response_since if role == "seller" else None,
                )
            )

    def obligation(
        self,
        out: dict[str, Writer],
        thread_id: int,
        seller_id: int,
        opened: Sent,
        *,
        answer: Sent | None = None,
        excluded_at: datetime | None = None,
    ) -> None:
        due_at = due_time(opened.at)
        counters = self.response_days[(seller_id, utc_day(due_at))]
        counters[0] += 1
        outcome, answered_at, answer_id, why = ObligationOutcome.OPEN, None, None, ""
        if answer is not None:
            waited = answer.at - opened.at
            answered_at, answer_id = answer.at, answer.id
            why = f"Seller replied {format_duration(waited)} after the buyer's message"
            if answer.at <= due_at:
                outcome = ObligationOutcome.ANSWERED_ON_TIME
                counters[1] += 1
            else:
                outcome = ObligationOutcome.ANSWERED_LATE
                why += f", {format_duration(answer.at - due_at)} past the deadline"
                counters[2] += 1
            counters[4] += waited // timedelta(microseconds=1)
        marked_at = excluded_at
        if answer is None and excluded_at is not None:
            if excluded_at <= due_at:
                outcome = ObligationOutcome.EXCLUDED
                waited = excluded_at - opened.at
                why = f"Seller marked 'No response needed' {format_duration(waited)} after it"
                counters[3] += 1
            else:
                # Marked after the deadline: the miss stands, the message stays unanswered.
                excluded_at = None
        out["obligation"].write(
            (
                self.ids.take(Obligation),
                thread_id,
                seller_id,
                opened.id,
                opened.at,
                due_at,
                outcome.value,
                answered_at,
                answer_id,
                excluded_at,
                marked_at,
                why,
            )
        )

    def response_day_rows(self) -> Iterator[tuple[Any, ...]]:
        for (seller_id, day), counters in sorted(self.response_days.items()):
            yield (seller_id, day, *counters)


# The marker: what was seeded, so the benchmark can reuse a database seeded the same way.


def marker_create() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {MARKER_TABLE} ("
            "version integer NOT NULL, seed integer NOT NULL, messages integer NOT NULL, "
            "tier varchar(8) NOT NULL, heavy_seller_id integer NOT NULL, "
            "bench_thread_id integer NOT NULL, seeded_at varchar(40) NOT NULL, "
            "seconds real NOT NULL)"
        )


def marker_read() -> dict[str, Any] | None:
    """Return what the database was seeded with, or None if it holds no bench seed."""
    if MARKER_TABLE not in connection.introspection.table_names():
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT version, seed, messages, tier, heavy_seller_id, bench_thread_id, "  # noqa: S608
            f"seeded_at, seconds FROM {MARKER_TABLE}"
        )
        row = cursor.fetchone()
    if row is None:
        return None
    names = "version seed messages tier heavy_seller_id bench_thread_id seeded_at seconds"
    return dict(zip(names.split(), row, strict=True))


def non_bench_users() -> int:
    return User.objects.exclude(email__endswith=f"@{BENCH_DOMAIN}").count()


def bench_tables() -> list[type[models.Model]]:
    return [User, Order, Thread, Participant, Message, Attachment, Obligation, ResponseDay]


def next_ids() -> Ids:
    ids = Ids()
    for model in (User, Order, Thread, Participant, Message, Attachment, Obligation):
        top = model._default_manager.aggregate(top=models.Max("pk"))["top"] or 0
        ids.next[model] = top + 1
    return ids


def sequences_reset() -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), bench_tables())
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def seed(
    *, messages: int, tier: str, seed_value: int = DEFAULT_SEED, now: datetime | None = None
) -> dict[str, Any]:
    """Write a bench marketplace of ``messages`` messages; return the marker written."""
    from accounts.models import SellerProfile

    started = time.monotonic()
    now = (now or timezone.now()).astimezone(UTC).replace(microsecond=0)
    plan = plan_for(messages, seed_value)
    with transaction.atomic():
        ids = next_ids()
        generator = Generator(plan, seed=seed_value, now=now, ids=ids)
        users = writer_for(User, USER_COLUMNS)
        for row in generator.users():
            users.write(row)
        users.flush()
        profiles = writer_for(SellerProfile, ["id", "user_id", "shop_name"])
        for row in generator.seller_profiles():
            profiles.write(row)
        profiles.flush()
        heavy_seller_id = generator.seller_ids[0]
        bench_thread_id = ids.next[Thread]
        # One COPY per table, open side by side while the threads are generated.
        out = {
            "order": writer_for(Order, ORDER_COLUMNS),
            "thread": writer_for(Thread, THREAD_COLUMNS),
            "message": writer_for(Message, MESSAGE_COLUMNS),
            "participant": writer_for(Participant, PARTICIPANT_COLUMNS),
            "attachment": writer_for(Attachment, ATTACHMENT_COLUMNS),
            "obligation": writer_for(Obligation, OBLIGATION_COLUMNS),
        }
        progress = Progress(plan.messages, f"seeding {plan.messages:,} messages")
        generator.threads(out, progress)
        progress.finish()
        days = writer_for(ResponseDay, RESPONSE_DAY_COLUMNS)
        for row in generator.response_day_rows():
            days.write(row)
        days.flush()
        # The search documents the services would have kept up to date, built in one pass.
        search.documents_rebuild()
        sequences_reset()
        marker_create()
        marker = {
            "version": SEED_VERSION,
            "seed": seed_value,
            "messages": plan.messages,
            "tier": tier,
            "heavy_seller_id": heavy_seller_id,
            "bench_thread_id": bench_thread_id,
            "seeded_at": now.isoformat(),
            "seconds": round(time.monotonic() - started, 1),
        }
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {MARKER_TABLE}")  # noqa: S608
            columns = ", ".join(marker)
            placeholders = ", ".join(["%s"] * len(marker))
            cursor.execute(
                f"INSERT INTO {MARKER_TABLE} ({columns}) VALUES ({placeholders})",  # noqa: S608
                list[Any](marker.values()),
            )
    if connection.vendor == "postgresql" and connection.get_autocommit():
        # What autovacuum would do in a while: statistics and the visibility map, so the
        # planner and index-only scans see the data as a long-running database would.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
    return marker


def _existing_summary() -> str:
    return ", ".join(
        f"{model._meta.label}: {model._default_manager.count():,}"
        for model in (User, Thread, Message)
    )


class Command(BaseCommand):
    help = "Seed a synthetic marketplace for benchmarks (bench accounts @bench.invalid)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--messages", type=int, help="How many messages to write.")
        parser.add_argument(
            "--tier", choices=sorted(TIERS), help="S = 10,000, L = 1,000,000, XL = 10,000,000."
        )
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
        parser.add_argument(
            "--force",
            action="store_true",
            help="Seed even though the database holds accounts that are not bench accounts.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        tier = options["tier"]
        messages = options["messages"] or (TIERS[tier] if tier else None)
        if messages is None:
            raise CommandError("Give --tier S|L|XL or --messages N.")
        if tier and options["messages"] and options["messages"] != TIERS[tier]:
            raise CommandError(f"Tier {tier} is {TIERS[tier]:,} messages; give one or the other.")
        if (
            marker_read() is not None
            or User.objects.filter(email__endswith=f"@{BENCH_DOMAIN}").exists()
        ):
            raise CommandError(
                "This database already holds bench data; seed a fresh database "
                f"({_existing_summary()})."
            )
        foreign = non_bench_users()
        if foreign and not options["force"]:
            raise CommandError(
                f"This database holds {foreign:,} accounts that are not bench accounts "
                f"({_existing_summary()}). Use a separate database, or --force to add bench "
                "data next to them."
            )
        marker = seed(messages=messages, tier=tier or "custom", seed_value=options["seed"])
        self.stdout.write(
            f"Seeded {marker['messages']:,} messages in {marker['seconds']}s "
            f"(heavy seller id {marker['heavy_seller_id']}, "
            f"benchmark thread id {marker['bench_thread_id']})."
        )
