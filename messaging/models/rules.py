"""The marketplace rules' data: proactive reasons, a buyer's opt-out and blocked sellers."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ProactiveReason(models.TextChoices):
    """Why a seller may write first about an order (see messaging/proactive.py for the rules)."""

    CUSTOMIZATION = "customization", _("Confirm customization details")
    DELIVERY_SCHEDULING = "delivery_scheduling", _("Confirm delivery details")
    UNEXPECTED_PROBLEM = "unexpected_problem", _("Unexpected problem with the order")
    INVOICE = "invoice", _("Send an invoice")
    WARRANTY = "warranty", _("Warranty information")
    LEGAL_DISCLOSURE = "legal_disclosure", _("Legal disclosure")
    DIGITAL_ACCESS_KEY = "digital_access_key", _("Digital access key")
    ORDER_DETAILS = "order_details", _("Confirm order details")


# --- Marketplace rules: buyer preferences, seller restrictions, the moderation queue ----------
class UnsolicitedOptOut(models.Model):
    """A buyer who does not want unsolicited seller messages (critical reasons still arrive)."""

    buyer = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="unsolicited_opt_out"
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.buyer_id} opted out"


class SellerBlock(models.Model):
    """A buyer blocked a seller: no proactive messages from them except critical reasons."""

    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="seller_blocks"
    )
    seller = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocked_by"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["buyer", "seller"], name="seller_block_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.buyer_id} blocked {self.seller_id}"
