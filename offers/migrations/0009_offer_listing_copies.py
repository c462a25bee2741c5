from decimal import Decimal

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import F, OuterRef, Subquery, Value
from django.db.models.functions import Round


def copy_categories(apps, schema_editor):
    Offer = apps.get_model("offers", "Offer")
    Product = apps.get_model("offers", "Product")
    Offer.objects.update(category_id=Subquery(Product.objects.filter(pk=OuterRef("product_id")).values("category_id")))


class Migration(migrations.Migration):
    dependencies = [
        ("offers", "0008_listing_cover_indexes"),
        ("shops", "0003_form_friendly_fields"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="offer", name="offer_listing_cover_idx"),
        migrations.RemoveIndex(model_name="product", name="product_category_cover_idx"),
        migrations.AddField(
            model_name="offer",
            name="category",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="offers.productcategory",
                verbose_name="category",
            ),
        ),
        migrations.RunPython(copy_categories, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="offer",
            name="category",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="offers.productcategory",
                verbose_name="category",
            ),
        ),
        migrations.AddIndex(
            model_name="offer",
            index=models.Index(
                fields=["status", "category", "shop", "organisation", "product"], name="offer_listing_cover_idx"
            ),
        ),
        migrations.AddField(
            model_name="offer",
            name="listed_price",
            field=models.GeneratedField(
                db_persist=True,
                expression=Round(
                    F("price_excl_tax") * (Value(100) + F("vat_rate")) * Value(Decimal("0.01")) + Value(Decimal("1E-9")), 2
                ),
                output_field=models.DecimalField(decimal_places=2, max_digits=14),
                verbose_name="price incl. tax",
            ),
        ),
        migrations.AddIndex(
            model_name="offer",
            index=models.Index(fields=["listed_price", "id"], name="offer_price_idx"),
        ),
    ]
