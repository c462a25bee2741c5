from django.db import migrations

CODES = ["diy", "stand", "sales", "gardening", "cooking", "education", "logistics", "communication", "administration"]


def create_domains(apps, schema_editor):
    VolunteerDomain = apps.get_model("shops", "VolunteerDomain")
    for code in CODES:
        VolunteerDomain.objects.get_or_create(code=code)


class Migration(migrations.Migration):
    dependencies = [("shops", "0001_initial")]
    operations = [migrations.RunPython(create_domains, migrations.RunPython.noop)]
