from django.db import migrations, models
from django.db.models import Case, Exists, OuterRef, Q, Value, When


def list_public_offers(apps, schema_editor):
    """As OfferQuerySet.relist, on the historical models."""
    Offer = apps.get_model("offers", "Offer")
    Organisation = apps.get_model("shops", "Organisation")
    Shop = apps.get_model("shops", "Shop")
    public = (
        Q(status="published")
        & Exists(Organisation.objects.filter(pk=OuterRef("organisation_id"), active=True))
        & (Q(shop__isnull=True) | Exists(Shop.objects.filter(pk=OuterRef("shop_id"), active=True)))
    )
    Offer.objects.update(listed=Case(When(public, then=Value(True)), default=Value(False)))


class Migration(migrations.Migration):
    dependencies = [
        ("offers", "0009_offer_listing_copies"),
        ("shops", "0003_form_friendly_fields"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="offer", name="offer_listing_cover_idx"),
        migrations.AddField(
            model_name="offer",
            name="listed",
            field=models.BooleanField(default=False, editable=False, verbose_name="listed"),
        ),
        migrations.RunPython(list_public_offers, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="offer",
            index=models.Index(
                fields=["category", "shop", "product"], condition=Q(listed=True), name="offer_listing_cover_idx"
            ),
        ),
    ]
