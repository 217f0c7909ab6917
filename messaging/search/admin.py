"""The accounts admin, extended: renaming a shop or a buyer re-indexes their threads.

The other side finds a thread by the counterpart's public name, which each search document
holds. Accounts knows nothing of messaging (imports run one way), so messaging registers
these subclasses of the accounts admin in place of the originals.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest

from accounts.admin import SellerProfileAdmin, UserAdmin
from accounts.models import SellerProfile, User
from core.on_commit import after_commit
from messaging.search.tasks import party_search_documents_refresh


def _party_renamed(user_id: int) -> None:
    after_commit(party_search_documents_refresh.delay, user_id)


class RenameAwareUserAdmin(UserAdmin):
    def save_related(
        self,
        request: HttpRequest,
        form: forms.ModelForm[User],
        formsets: list[BaseInlineFormSet[Any, User, Any]],
        change: bool,
    ) -> None:
        super().save_related(request, form, formsets, change)
        shop_renamed = any(
            "shop_name" in inline.changed_data for formset in formsets for inline in formset.forms
        )
        if change and ("display_name" in form.changed_data or shop_renamed):
            _party_renamed(form.instance.pk)


class RenameAwareSellerProfileAdmin(SellerProfileAdmin):
    def save_model(
        self,
        request: HttpRequest,
        obj: SellerProfile,
        form: forms.ModelForm[SellerProfile],
        change: bool,
    ) -> None:
        super().save_model(request, obj, form, change)
        if change and "shop_name" in form.changed_data:
            _party_renamed(obj.user_id)


for model, model_admin in (
    (User, RenameAwareUserAdmin),
    (SellerProfile, RenameAwareSellerProfileAdmin),
):
    admin.site.unregister(model)
    admin.site.register(model, model_admin)
