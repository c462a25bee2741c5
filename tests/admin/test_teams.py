import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from shops.choices import ORGANISATION_STAFF_GROUP
from shops.models import StaffMembership
from tests import factories


@pytest.mark.django_db
def test_platform_admin_gives_and_removes_a_staff_role(client, admin_user, org_a):
    newcomer = factories.UserFactory(username="nouvelle")
    client.force_login(admin_user)
    response = client.post(
        reverse("staffmembership:add"), {"user": newcomer.pk, "organisation": org_a.pk, "role": "staff"}
    )
    assert response.status_code == 302
    assert set(newcomer.groups.values_list("name", flat=True)) == {ORGANISATION_STAFF_GROUP, org_a.staff_group.name}

    membership = StaffMembership.objects.get(user=newcomer)
    client.post(reverse("staffmembership:delete", args=[membership.pk]))
    assert not StaffMembership.objects.filter(user=newcomer).exists()
    assert not newcomer.groups.exists()


@pytest.mark.django_db
def test_manager_sees_the_team_but_staff_do_not(client, org_a, org_b, staff_a, staff_b):
    manager = factories.make_staff(org_a, role="manager", username="cheffe")
    client.force_login(manager)
    content = client.get(reverse("staffmembership:index")).content.decode()
    assert "staff_a" in content and "staff_b" not in content
    assert client.get(reverse("staffmembership:add")).status_code == 302
    client.force_login(staff_a)
    assert client.get(reverse("staffmembership:index")).status_code == 302
    assert Group.objects.get(name="Responsables des organisations").user_set.get() == manager
