"""The contrast rule of shop branding: in the service, on the model, and through Wagtail's page editor."""

import pytest
from django.urls import reverse
from django.utils import translation
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from cms.colours import contrast_ratio
from cms.models import ShopPage
from cms.services import branding_validate
from pivot_site.exceptions import DomainError
from tests import factories


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        ("#000000", "#ffffff", 21.0),
        ("#ffffff", "#ffffff", 1.0),
        ("#ffffff", "#ffff00", 1.07),
        ("#777777", "#ffffff", 4.48),
    ],
)
def test_contrast_ratio_matches_wcag_reference_values(first, second, expected):
    assert contrast_ratio(first, second) == pytest.approx(expected, abs=0.01)
    assert contrast_ratio(second, first) == pytest.approx(expected, abs=0.01)


def test_readable_branding_passes():
    branding_validate(primary_colour="#1f6f50", secondary_colour="#f5efe3")
    branding_validate(primary_colour="#6b2d5c", secondary_colour="#ffffff")


def test_white_text_on_yellow_primary_is_refused_with_the_ratio():
    with translation.override("fr"), pytest.raises(DomainError) as caught:
        branding_validate(primary_colour="#ffff00", secondary_colour="#ffffff")
    error = caught.value
    assert error.code == "insufficient_contrast"
    assert error.field == "primary_colour"
    assert set(error.details["errors"]) == {"primary_colour", "secondary_colour"}
    assert "Contraste insuffisant" in error.details["errors"]["primary_colour"]
    assert "1,0:1" in error.details["errors"]["primary_colour"]
    assert "4,5:1" in error.details["errors"]["primary_colour"]


def test_primary_too_close_to_secondary_is_refused_on_the_secondary_field():
    # #1f6f50 carries white text (6.2:1) but is unreadable on a dark green background.
    with pytest.raises(DomainError) as caught:
        branding_validate(primary_colour="#1f6f50", secondary_colour="#2e8b57")
    assert list(caught.value.details["errors"]) == ["secondary_colour"]


def test_ratio_is_rounded_down_never_up_to_the_threshold():
    # #777777 on white is 4.48:1: shown as 4,4:1 so that the message never reads "4,5:1, at least 4,5:1 needed".
    with translation.override("fr"), pytest.raises(DomainError) as caught:
        branding_validate(primary_colour="#777777", secondary_colour="#ffffff")
    assert "4,4:1" in caught.value.details["errors"]["primary_colour"]


@pytest.mark.django_db
def test_model_clean_puts_the_errors_on_the_fields():
    page = factories.ShopFactory().page
    page.primary_colour, page.secondary_colour = "#ffffff", "#ffff00"
    with pytest.raises(Exception) as caught:
        page.full_clean()
    assert set(caught.value.message_dict) >= {"primary_colour", "secondary_colour"}


def edit_data(page, **changes):
    data = {
        "title": page.title,
        "slug": page.slug,
        "introduction": page.introduction,
        "logo": "",
        "banner": "",
        "primary_colour": page.primary_colour,
        "secondary_colour": page.secondary_colour,
        "body": streamfield([("paragraph", rich_text("<p>Bienvenue</p>"))]),
        "comments": inline_formset([]),
    }
    data.update(changes)
    return nested_form_data(data)


@pytest.mark.django_db
def test_page_editor_refuses_unreadable_colours_and_saves_nothing(client, org_a, staff_a):
    shop = factories.ShopFactory(organisation=org_a)
    page = shop.page
    revisions = page.revisions.count()
    client.force_login(staff_a)
    url = reverse("wagtailadmin_pages:edit", args=[page.pk])

    response = client.post(url, edit_data(page, primary_colour="#ffffff", secondary_colour="#ffff00"))

    assert response.status_code == 200
    form = response.context["form"]
    assert "primary_colour" in form.errors and "secondary_colour" in form.errors
    content = response.content.decode()
    assert "Contraste insuffisant" in content and "il faut au moins 4,5:1" in content
    page.refresh_from_db()
    assert page.revisions.count() == revisions
    assert ShopPage.objects.get(pk=page.pk).primary_colour == "#1f6f50"


@pytest.mark.django_db
def test_page_editor_accepts_readable_colours(client, org_a, staff_a):
    page = factories.ShopFactory(organisation=org_a).page
    client.force_login(staff_a)
    url = reverse("wagtailadmin_pages:edit", args=[page.pk])

    response = client.post(url, edit_data(page, primary_colour="#6b2d5c", secondary_colour="#fbeef2"))

    assert response.status_code == 302, response.context["form"].errors if response.context else response
    page.refresh_from_db()
    assert page.get_latest_revision_as_object().primary_colour == "#6b2d5c"
