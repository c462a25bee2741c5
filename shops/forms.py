from django import forms
from django.utils.translation import gettext_lazy as _

from . import services
from .viewsets import ScopedModelForm


class OrganisationForm(ScopedModelForm):
    def service_save(self, instance):
        return services.organisation_save(organisation=instance, actor=self.user)


class StaffMembershipForm(ScopedModelForm):
    def service_save(self, instance):
        return services.staff_membership_set(
            organisation=instance.organisation, user=instance.user, role=instance.role, actor=self.user
        )


class ShopForm(ScopedModelForm):
    def service_validate(self):
        services.opening_hours_validate(self.formset_instances("opening_hours"))

    def service_save(self, instance):
        return services.shop_save(shop=instance, actor=self.user)


class DepotForm(ScopedModelForm):
    access_code = forms.CharField(
        label=_("New access code"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Only for a restricted depot. Leave empty to keep the current code."),
    )

    def service_validate(self):
        services.depot_validate(depot=self.instance, access_code=self.cleaned_data.get("access_code", ""))

    def service_save(self, instance):
        return services.depot_save(
            depot=instance, access_code=self.cleaned_data.get("access_code", ""), actor=self.user
        )


class CustomerCategoryForm(ScopedModelForm):
    def service_save(self, instance):
        return services.customer_category_save(category=instance, actor=self.user)


class MemberForm(ScopedModelForm):
    def service_validate(self):
        services.require_same_organisation(
            self.instance.organisation_id, self.cleaned_data.get("categories") or [], field="categories"
        )

    def service_save(self, instance):
        return services.member_save(
            member=instance,
            categories=self.cleaned_data.get("categories"),
            volunteer_domains=self.cleaned_data.get("volunteer_domains"),
            actor=self.user,
        )
