import uuid

from django.db import migrations, models
import django.db.models.deletion


def copy_shop_from_lines(apps, schema_editor):
    """Orders placed before routing had one shop per line; the order takes its first line's."""
    Reservation = apps.get_model("baskets", "Reservation")
    for reservation in Reservation.objects.filter(shop__isnull=True):
        line = reservation.lines.order_by("pk").first()
        reservation.shop_id = line.shop_id if line else reservation.pickup_shop_id
        reservation.organisation_id = line.organisation_id if line else reservation.pickup_shop.organisation_id
        reservation.checkout = uuid.uuid4()
        reservation.save(update_fields=["shop", "organisation", "checkout"])


class Migration(migrations.Migration):
    dependencies = [("baskets", "0002_routing_deadlines_payment_returns"), ("shops", "0004_organisation_order_deadlines")]

    operations = [
        migrations.RunPython(copy_shop_from_lines, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="reservation",
            name="organisation",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="reservations",
                to="shops.organisation",
                verbose_name="organisation",
            ),
        ),
        migrations.AlterField(
            model_name="reservation",
            name="shop",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="reservations", to="shops.shop", verbose_name="shop"
            ),
        ),
    ]
