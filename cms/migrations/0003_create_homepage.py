from django.db import migrations


def create_homepage(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    HomePage = apps.get_model("cms.HomePage")
    Locale = apps.get_model("wagtailcore.Locale")

    # Wagtail's own initial page is replaced by ours.
    Page.objects.filter(depth=2, content_type__app_label="wagtailcore").delete()
    content_type, _ = ContentType.objects.get_or_create(model="homepage", app_label="cms")
    root = Page.objects.get(depth=1)
    locale = Locale.objects.first()
    home = HomePage.objects.create(
        title="PIVOT", draft_title="PIVOT", slug="home", content_type=content_type,
        path=f"{root.path}0001", depth=2, numchild=0, url_path="/home/", locale=locale,
        intro="<p>Ressourceries, épiceries solidaires, commerces indépendants et jardins de Cocagne près de chez vous.</p>",
    )
    root.numchild = Page.objects.filter(depth=2).count()
    root.save(update_fields=["numchild"])
    Site.objects.all().delete()
    Site.objects.create(hostname="localhost", root_page=home, is_default_site=True, site_name="PIVOT")


def remove_homepage(apps, schema_editor):
    apps.get_model("cms.HomePage").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("cms", "0002_initial"), ("wagtailcore", "0098_apitoken")]
    operations = [migrations.RunPython(create_homepage, remove_homepage)]
