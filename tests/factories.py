"""Factories build objects through the services, as every door does."""

from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from offers import services as offer_services
from offers.models import Offer, Producer, Product, ProductCategory
from shops import services as shop_services
from shops.choices import ANIMATORS_GROUP, OrganisationKind, StaffRole
from shops.models import CustomerCategory, Depot, Member, Organisation, Shop

User = get_user_model()


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "pass-word-123")

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        if create:
            instance.save()


def make_superuser(**kwargs):
    return UserFactory(is_superuser=True, is_staff=True, **kwargs)


def make_animator(**kwargs):
    user = UserFactory(**kwargs)
    user.groups.add(Group.objects.get(name=ANIMATORS_GROUP))
    return user


def make_staff(organisation, role=StaffRole.STAFF, **kwargs):
    user = UserFactory(**kwargs)
    shop_services.staff_membership_set(organisation=organisation, user=user, role=role)
    return user


class ServiceFactory(factory.django.DjangoModelFactory):
    """Builds the instance, then hands it to the service named by ``service``."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        m2m = {name: kwargs.pop(name) for name in cls._m2m_fields if name in kwargs}
        instance = model_class(*args, **kwargs)
        return cls._save(instance, **m2m)

    _m2m_fields = ()


class OrganisationFactory(ServiceFactory):
    class Meta:
        model = Organisation

    kind = OrganisationKind.REUSE_SHOP
    name = factory.Sequence(lambda n: f"Organisation {n}")

    @classmethod
    def _save(cls, instance):
        return shop_services.organisation_save(organisation=instance)


class ShopFactory(ServiceFactory):
    class Meta:
        model = Shop

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Boutique {n}")
    address = "1 rue de la Paix"
    postcode = "75002"
    city = "Paris"
    latitude = Decimal("48.868600")
    longitude = Decimal("2.331400")

    @classmethod
    def _save(cls, instance):
        return shop_services.shop_save(shop=instance)


class DepotFactory(ServiceFactory):
    class Meta:
        model = Depot

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Dépôt {n}")
    postcode = "93100"
    city = "Montreuil"
    latitude = Decimal("48.861400")
    longitude = Decimal("2.441600")

    @classmethod
    def _save(cls, instance):
        return shop_services.depot_save(depot=instance, access_code="1234" if instance.restricted else "")


class CustomerCategoryFactory(ServiceFactory):
    class Meta:
        model = CustomerCategory

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Catégorie {n}")

    @classmethod
    def _save(cls, instance):
        return shop_services.customer_category_save(category=instance)


class MemberFactory(ServiceFactory):
    class Meta:
        model = Member

    _m2m_fields = ("categories", "volunteer_domains")
    organisation = factory.SubFactory(OrganisationFactory)
    first_name = "Camille"
    last_name = factory.Sequence(lambda n: f"Martin{n}")
    email = factory.Sequence(lambda n: f"member{n}@example.org")

    @classmethod
    def _save(cls, instance, **m2m):
        return shop_services.member_save(member=instance, **m2m)


class ProducerFactory(ServiceFactory):
    class Meta:
        model = Producer

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Producteur {n}")

    @classmethod
    def _save(cls, instance):
        return offer_services.producer_save(producer=instance)


class ProductCategoryFactory(ServiceFactory):
    class Meta:
        model = ProductCategory

    organisation = None
    parent = None
    name = factory.Sequence(lambda n: f"Rayon {n}")

    @classmethod
    def _save(cls, instance):
        return offer_services.product_category_save(category=instance)


class ProductFactory(ServiceFactory):
    class Meta:
        model = Product

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Produit {n}")
    category = factory.SubFactory(ProductCategoryFactory)

    @classmethod
    def _save(cls, instance):
        return offer_services.product_save(product=instance)


class OfferFactory(ServiceFactory):
    class Meta:
        model = Offer

    _m2m_fields = ("reserved_categories", "allowed_depots")
    organisation = factory.SubFactory(OrganisationFactory)
    product = factory.SubFactory(ProductFactory, organisation=factory.SelfAttribute("..organisation"))
    shop = factory.SubFactory(ShopFactory, organisation=factory.SelfAttribute("..organisation"))
    price_excl_tax = Decimal("10.0000")
    vat_rate = Decimal("20.0")
    stock_on_hand = 5
    status = "published"

    @classmethod
    def _save(cls, instance, **m2m):
        return offer_services.offer_save(offer=instance, **m2m)
