"""Build a small demo marketplace with known logins. Running it again changes nothing."""

import hashlib
import io
from datetime import timedelta
from decimal import Decimal
from random import Random
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from accounts.demo import BUYERS, DEMO_PASSWORD, DEMO_STAFF_EMAIL, SELLERS, TEAM
from accounts.models import Role, SellerProfile, ShopMember, User
from messaging.models import Participant, ParticipantRole, SavedReply, Thread
from messaging.replies.services import saved_reply_create
from messaging.team.assignment import threads_assign
from messaging.threads.services import message_send, thread_mark_no_response_needed, thread_start
from notifications.models import Notification, NotificationStatus
from orders.images import image_prepare
from orders.models import Order, OrderItem, OrderStatus, Product
from orders.services import product_image_set

PRODUCTS = {
    "seller@example.com": [
        ("CC-MUG-01", "Hand-thrown stoneware mug, 350 ml", "24.00"),
        ("CC-BWL-02", "Serving bowl, ocean glaze", "58.00"),
        ("CC-PLT-03", "Dinner plates, set of 4", "96.00"),
    ],
    "gadgets@example.com": [
        ("GG-CHG-65", "65 W USB-C charger", "39.99"),
        ("GG-HUB-07", "7-port USB hub", "29.50"),
        ("GG-EAR-11", "Wireless earbuds", "79.00"),
    ],
}
# (buyer, seller, sku, status, days ago, conversation as (who, topic or None, text, hours ago))
ORDERS: list[tuple[str, str, str, str, int, list[tuple[str, str, int]]]] = [
    (
        "buyer@example.com",
        "seller@example.com",
        "CC-BWL-02",
        OrderStatus.DELIVERED,
        9,
        [
            ("buyer", "The bowl arrived with a chip on the rim. Can I get a replacement?", 30),
            ("seller", "I'm sorry to hear that! Could you attach a photo of the chip?", 28),
            ("buyer", "Sure, the chip is about 5 mm wide on the left side. Photo coming.", 3),
        ],
    ),
    (
        "buyer@example.com",
        "gadgets@example.com",
        "GG-CHG-65",
        OrderStatus.SHIPPED,
        3,
        [
            ("buyer", "Hi, when will my charger arrive? Tracking hasn't updated in two days.", 5),
        ],
    ),
    (
        "lucia@example.com",
        "seller@example.com",
        "CC-MUG-01",
        OrderStatus.SHIPPED,
        4,
        [
            ("buyer", "Hola, ¿podrían enviarme la factura con mi NIF? Gracias.", 20),
            ("seller", "¡Claro! Se la preparamos hoy mismo.", 19),
        ],
    ),
    (
        "sam@example.com",
        "seller@example.com",
        "CC-PLT-03",
        OrderStatus.DELIVERED,
        12,
        [
            (
                "buyer",
                "The plates are lovely, thank you! One question: are they dishwasher safe?",
                50,
            ),
        ],
    ),
    ("sam@example.com", "gadgets@example.com", "GG-HUB-07", OrderStatus.COMPLETED, 40, []),
    ("lucia@example.com", "gadgets@example.com", "GG-EAR-11", OrderStatus.PLACED, 1, []),
]
TOPIC_FOR_SKU = {"CC-BWL-02": "damaged_defective", "GG-CHG-65": "shipping", "CC-MUG-01": "invoice"}
# (seller, name, language, body): the saved replies each demo seller starts with.
SAVED_REPLIES = [
    (
        "seller@example.com",
        "Damaged on arrival: ask for a photo",
        "en",
        "Hi {buyer_name}, I'm so sorry your {item} arrived damaged. Could you attach a photo "
        "of the damage here in this conversation? As soon as I see it I will send a "
        "replacement for order {order_number}, at no cost to you.",
    ),
    (
        "seller@example.com",
        "Care: dishwasher and microwave",
        "en",
        "Hi {buyer_name}, thank you for asking! Our stoneware is glazed to be dishwasher and "
        "microwave safe. To keep the glaze bright for years, wash pieces with gold details "
        "by hand. Enjoy your {item}!",
    ),
    (
        "seller@example.com",
        "Pedido en camino",
        "es",
        "Hola, {buyer_name}: su pedido {order_number} ({item}) ya está en camino. Puede "
        "seguir el envío desde la página del pedido. ¡Muchas gracias por su compra!",
    ),
    (
        "gadgets@example.com",
        "Shipping update",
        "en",
        "Hi {buyer_name}, thanks for your patience! Your order {order_number} is with the "
        "carrier and on its way. Tracking can take up to 48 hours to update; you can follow "
        "it from the order page. I will keep an eye on it for you.",
    ),
    (
        "gadgets@example.com",
        "How returns work",
        "en",
        "Hi {buyer_name}, sorry the {item} is not working out for you. You can start a return "
        "from the order page within 30 days of delivery. Once it is back with us, the refund "
        "for order {order_number} is issued within 3 business days.",
    ),
    (
        "gadgets@example.com",
        "Actualización del envío",
        "es",
        "Hola, {buyer_name}: gracias por su paciencia. Su pedido {order_number} ya está en "
        "manos del transportista. El seguimiento puede tardar hasta 48 horas en "
        "actualizarse; puede consultarlo desde la página del pedido.",
    ),
]


# The demo sellers' last 90 days, so the Performance page has something to show: per seller,
# HISTORY_CONVERSATIONS answered conversations spread from 86 to 4 days ago, HISTORY_LATE of
# them answered after the 24 hours, and one whose only message was a thank-you, marked "no
# response needed". Times and picks come from a fixed seed: every run builds the same history.
HISTORY_SEED = 2026
HISTORY_CONVERSATIONS = 14
HISTORY_LATE = 2
# (topic, English question, Spanish question)
HISTORY_QUESTIONS = [
    (
        "shipping",
        "Hi, has my order shipped yet? I need it by the weekend.",
        "Hola, ¿ya salió mi pedido? Lo necesito para el fin de semana.",
    ),
    (
        "product_question",
        "Is this the same colour as in the photos?",
        "¿El color es el mismo que en las fotos?",
    ),
    (
        "invoice",
        "Could I get an invoice for this order, please?",
        "¿Me podrían mandar la factura de este pedido, por favor?",
    ),
    (
        "return_refund",
        "It's not quite what I expected. How do I return it?",
        "No es lo que esperaba. ¿Cómo lo devuelvo?",
    ),
    (
        "shipping",
        "Tracking says delivered but nothing arrived. Can you check?",
        "El seguimiento dice entregado pero no ha llegado nada. ¿Pueden revisarlo?",
    ),
]
HISTORY_REPLIES = (
    "Thanks for writing! I've checked your order and everything is on its way.",
    "¡Gracias por escribir! He revisado tu pedido y todo va en camino.",
)
HISTORY_THANKS = (
    "It arrived today and it's perfect. Thank you!",
    "Llegó hoy y es perfecto. ¡Gracias!",
)


# Demo product pictures: a tile in one of these colours (picked by SKU) with the initials.
PICTURE_COLOURS = ("#0b5cad", "#1e6b34", "#8a4b00", "#6639ba", "#b42318", "#0f766e")
PICTURE_SIZE = 240


def demo_picture(product: Product) -> bytes:
    """A PNG tile for a demo product: the same bytes for the same product on every run."""
    digest = hashlib.sha256(product.sku.encode()).digest()
    colour = PICTURE_COLOURS[digest[0] % len(PICTURE_COLOURS)]
    words = [word for word in product.title.split() if word[:1].isalpha() and len(word) > 1]
    initials = "".join(word[0] for word in words[:2]).upper()
    tile = Image.new("RGB", (PICTURE_SIZE, PICTURE_SIZE), "white")
    draw = ImageDraw.Draw(tile)
    draw.rounded_rectangle((12, 12, PICTURE_SIZE - 12, PICTURE_SIZE - 12), radius=36, fill=colour)
    font = ImageFont.load_default(size=96)
    draw.text((PICTURE_SIZE / 2, PICTURE_SIZE / 2), initials, fill="white", font=font, anchor="mm")
    out = io.BytesIO()
    tile.save(out, "PNG")
    return out.getvalue()


def order_number(index: int) -> str:
    return f"112-{1000000 + index * 7919:07d}-{5000000 + index * 104729:07d}"


def history_order_number(seller_index: int, index: int) -> str:
    return f"114-{7000000 + seller_index * 1000 + index:07d}-{3000000 + index * 7907:07d}"


class Command(BaseCommand):
    help = (
        "Create a small demo marketplace (sellers, buyers, orders, conversations, saved replies, "
        "and 90 days of answered conversations for each seller)."
    )

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        users: dict[str, User] = {}
        for email, name, shop, language in SELLERS:
            users[email] = self._user(email, name, Role.SELLER, language)
            SellerProfile.objects.get_or_create(user=users[email], defaults={"shop_name": shop})
        for email, name, language in BUYERS:
            users[email] = self._user(email, name, Role.BUYER, language)
        for email, name, shop_email, member_role, language in TEAM:
            users[email] = self._user(email, name, Role.BUYER, language)
            ShopMember.objects.get_or_create(
                user=users[email], defaults={"shop": users[shop_email], "role": member_role}
            )
        if not User.objects.filter(email=DEMO_STAFF_EMAIL).exists():
            User.objects.create_superuser(
                DEMO_STAFF_EMAIL, DEMO_PASSWORD, display_name="Trust & Safety"
            )
        products: dict[str, Product] = {}
        for seller_email, items in PRODUCTS.items():
            for sku, title, price in items:
                products[sku], _ = Product.objects.get_or_create(
                    seller=users[seller_email],
                    sku=sku,
                    defaults={"title": title, "price": Decimal(price)},
                )
                if not products[sku].image:
                    product_image_set(
                        product=products[sku], image=image_prepare(demo_picture(products[sku]))
                    )
        for index, (buyer, seller, sku, status, days, conversation) in enumerate(ORDERS, 1):
            order = self._order(
                order_number(index), users[buyer], users[seller], products[sku], status, days, now
            )
            if conversation and not Thread.objects.filter(order=order).exists():
                self._conversation(order, sku, conversation, now)
        if not Thread.objects.filter(product=products["GG-EAR-11"]).exists():
            thread_start(
                sender=users["sam@example.com"],
                product=products["GG-EAR-11"],
                topic="product_question",
                body="Do these earbuds support multipoint pairing with a laptop and a phone?",
                now=now - timedelta(hours=2),
            )
        # Gadget Garage's agent has the product question in *Mine*; the rest are unassigned.
        earbuds = Participant.objects.filter(
            thread__product=products["GG-EAR-11"], role=ParticipantRole.SELLER
        )
        if not earbuds.filter(assignee__isnull=False).exists():
            threads_assign(
                shop=users["gadgets@example.com"],
                thread_ids=list(earbuds.values_list("thread_id", flat=True)),
                assignee_id=users["agent@example.com"].pk,
            )
        for seller_index, (seller_email, *_) in enumerate(SELLERS):
            self._history(seller_index, users[seller_email], users, products, now)
        for seller_email, name, language, body in SAVED_REPLIES:
            owner = users[seller_email]
            if not SavedReply.objects.filter(seller=owner, name=name).exists():
                saved_reply_create(seller=owner, name=name, body=body, language=language)
        self.stdout.write(self.style.SUCCESS("Demo marketplace ready. Sign in with:"))
        for email, *_ in SELLERS:
            self.stdout.write(f"  seller  {email:<22} {DEMO_PASSWORD}")
        for email, *_ in BUYERS:
            self.stdout.write(f"  buyer   {email:<22} {DEMO_PASSWORD}")
        for email, _name, shop_email, member_role, _language in TEAM:
            self.stdout.write(
                f"  {member_role:<7} {email:<22} {DEMO_PASSWORD}  ({shop_email}'s team)"
            )
        self.stdout.write(f"  staff   {DEMO_STAFF_EMAIL:<22} {DEMO_PASSWORD}  (/admin/)")

    def _user(self, email: str, name: str, role: str, language: str) -> User:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email, DEMO_PASSWORD, display_name=name, role=role, language=language
            )
        return user

    def _order(
        self,
        number: str,
        buyer: User,
        seller: User,
        product: Product,
        status: str,
        days: int,
        now: Any,
    ) -> Order:
        placed = now - timedelta(days=days)
        order, created = Order.objects.get_or_create(
            number=number,
            defaults={
                "buyer": buyer,
                "seller": seller,
                "status": status,
                "total": product.price,
                "placed_at": placed,
                "shipped_at": placed + timedelta(days=1) if status != OrderStatus.PLACED else None,
                "delivered_at": (
                    placed + timedelta(days=3)
                    if status in (OrderStatus.DELIVERED, OrderStatus.COMPLETED)
                    else None
                ),
                "completed_at": placed + timedelta(days=33) if status == "completed" else None,
            },
        )
        if created:
            OrderItem.objects.create(
                order=order, product=product, title=product.title, unit_price=product.price
            )
        return order

    def _conversation(
        self, order: Order, sku: str, conversation: list[tuple[str, str, int]], now: Any
    ) -> None:
        first_role, first_text, first_hours = conversation[0]
        assert first_role == "buyer"
        thread_start(
            sender=order.buyer,
            order=order,
            topic=TOPIC_FOR_SKU.get(sku, "product_question"),
            body=first_text,
            now=now - timedelta(hours=first_hours),
        )
        thread = Thread.objects.get(order=order)
        for role, text, hours in conversation[1:]:
            sender = order.buyer if role == "buyer" else order.seller
            message_send(thread=thread, sender=sender, body=text, now=now - timedelta(hours=hours))

    def _history(
        self,
        seller_index: int,
        seller: User,
        users: dict[str, User],
        products: dict[str, Product],
        now: Any,
    ) -> None:
        """Give a demo seller 90 days of answered conversations (once; quietly)."""
        numbers = [history_order_number(seller_index, i) for i in range(HISTORY_CONVERSATIONS)]
        if Thread.objects.filter(order__number__in=numbers).exists():
            return
        chance = Random(f"{HISTORY_SEED}:{seller.email}")
        picked = chance.sample(range(HISTORY_CONVERSATIONS), HISTORY_LATE + 1)
        late, excluded = set(picked[:HISTORY_LATE]), picked[HISTORY_LATE]
        skus = [sku for sku, *_ in PRODUCTS[seller.email]]
        last_notification = Notification.objects.order_by("-id").values_list("id", flat=True)
        before = last_notification.first() or 0
        for i in range(HISTORY_CONVERSATIONS):
            days = 4 + round(i * 82 / (HISTORY_CONVERSATIONS - 1))
            received = now - timedelta(days=days, minutes=chance.randint(0, 12 * 60))
            buyer_email, _, language = BUYERS[i % len(BUYERS)]
            spanish = int(language == "es")
            order = self._order(
                numbers[i],
                users[buyer_email],
                seller,
                products[skus[i % len(skus)]],
                OrderStatus.COMPLETED if days > 40 else OrderStatus.DELIVERED,
                days + 3,
                now,
            )
            if i == excluded:
                thread_start(
                    sender=order.buyer,
                    order=order,
                    topic="other",
                    body=HISTORY_THANKS[spanish],
                    now=received,
                )
                thread_mark_no_response_needed(
                    participant=Participant.objects.get(thread__order=order, user=seller),
                    now=received + timedelta(minutes=chance.randint(30, 180)),
                )
                continue
            topic, *question = HISTORY_QUESTIONS[i % len(HISTORY_QUESTIONS)]
            thread = thread_start(
                sender=order.buyer, order=order, topic=topic, body=question[spanish], now=received
            ).thread
            minutes = chance.randint(26 * 60, 40 * 60) if i in late else chance.randint(20, 20 * 60)
            message_send(
                thread=thread,
                sender=seller,
                body=HISTORY_REPLIES[spanish],
                now=received + timedelta(minutes=minutes),
            )
        # Old news: nobody is emailed about conversations of weeks ago.
        Notification.objects.filter(pk__gt=before, status=NotificationStatus.PENDING).update(
            status=NotificationStatus.SKIPPED
        )
