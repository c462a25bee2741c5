"""The platform's shared category tree, with ADEME's per-item manufacturing footprints as the
CO2e avoided by a second-hand purchase."""

from decimal import Decimal

from django.db import migrations

ADEME_SOURCE = (
    "ADEME, Base Empreinte® / Impact CO2 (impactco2.fr) : empreinte carbone de fabrication d'un article neuf, "
    "en kg CO2e, évitée par l'achat d'occasion. Masse de déchets évités : masse moyenne estimée d'un article "
    "(estimation PIVOT, à remplacer par le poids réel de l'objet quand il est saisi)."
)

# (parent, name, kg CO2e per item, kg of waste per item)
TREE = [
    (None, "Mobilier", None, None),
    ("Mobilier", "Chaise en bois", "19", "6"),
    ("Mobilier", "Table en bois", "80", "30"),
    ("Mobilier", "Canapé en tissu", "179", "45"),
    ("Mobilier", "Armoire", "907", "80"),
    (None, "Textile et chaussures", None, None),
    ("Textile et chaussures", "Jean", "23", "0.6"),
    ("Textile et chaussures", "T-shirt en coton", "5.2", "0.2"),
    ("Textile et chaussures", "Chaussures en cuir", "13.4", "1"),
    (None, "Électroménager", None, None),
    ("Électroménager", "Lave-linge", "341", "70"),
    ("Électroménager", "Réfrigérateur", "257", "55"),
    ("Électroménager", "Four à micro-ondes", "98", "15"),
    (None, "Informatique et téléphonie", None, None),
    ("Informatique et téléphonie", "Ordinateur portable", "183", "2"),
    ("Informatique et téléphonie", "Smartphone", "85", "0.2"),
    (None, "Alimentation", None, None),
    ("Alimentation", "Fruits et légumes", None, None),
    ("Alimentation", "Épicerie", None, None),
    ("Alimentation", "Produits laitiers et œufs", None, None),
]


def seed(apps, schema_editor):
    ProductCategory = apps.get_model("offers", "ProductCategory")
    created = {}
    for parent_name, name, co2e, waste in TREE:
        parent = created.get(parent_name)
        category, _ = ProductCategory.objects.get_or_create(
            organisation=None, parent=parent, name=name,
            defaults={
                "co2e_per_item_kg": Decimal(co2e) if co2e else None,
                "waste_per_item_kg": Decimal(waste) if waste else None,
                "impact_source": ADEME_SOURCE if co2e else "",
            },
        )
        category.path = f"{parent.path if parent else ''}{category.pk}/"
        category.save(update_fields=["path"])
        created[name] = category


class Migration(migrations.Migration):
    dependencies = [("offers", "0002_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
