import factory

from accounts.models import Role, SellerProfile, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    display_name = factory.Sequence(lambda n: f"User {n}")
    role = Role.BUYER
    password = factory.PostGenerationMethodCall("set_password", "pass-word-123")

    @factory.post_generation
    def _save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save(update_fields=["password"])


class BuyerFactory(UserFactory):
    role = Role.BUYER


class SellerProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SellerProfile

    user = factory.SubFactory("tests.accounts.factories.SellerFactory", seller_profile=None)
    shop_name = factory.Sequence(lambda n: f"Shop {n}")


class SellerFactory(UserFactory):
    role = Role.SELLER
    seller_profile = factory.RelatedFactory(SellerProfileFactory, factory_related_name="user")


class StaffFactory(UserFactory):
    role = Role.STAFF
    is_staff = True
    is_superuser = True
