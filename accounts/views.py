"""Customer account pages: each one parses a form, calls a service and shows its refusal next to the field."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from offers.impact import impact_summary

from .exceptions import InvalidAccount
from .forms import DeleteAccountForm, LoginForm, ProfileForm, SignupForm
from .models import CustomerProfile
from .selectors import is_staff_account
from .services import customer_delete, customer_register, customer_update_profile


def _home_url() -> str:
    """The home page in the current language (French has no prefix)."""
    return reverse("wagtail_serve", args=[""])


def _safe_next(request) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return url
    return ""


def _show_refusal(form, error: InvalidAccount) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


@sensitive_post_parameters("password", "password_again")
@never_cache
def signup(request):
    next_url = _safe_next(request)
    if request.user.is_authenticated:
        return redirect(next_url or "accounts:account")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = customer_register(
                email=data["email"],
                password=data["password"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                phone=data["phone"],
            )
        except InvalidAccount as error:
            _show_refusal(form, error)
        else:
            login(request, user)
            messages.success(request, _("Welcome! Your account is ready."))
            return redirect(next_url or "accounts:account")
    return render(request, "accounts/signup.html", {"form": form, "next": next_url})


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    def get_default_redirect_url(self):
        return _home_url()


@login_required
@never_cache
def account(request):
    user = request.user
    profile = CustomerProfile.objects.filter(user=user).first() or CustomerProfile(user=user)
    initial = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "phone": profile.phone,
        "contact_by_email": profile.contact_by_email,
        "contact_by_sms": profile.contact_by_sms,
    }
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            customer_update_profile(user=user, **form.cleaned_data, actor=user)
        except InvalidAccount as error:
            _show_refusal(form, error)
        else:
            messages.success(request, _("Your profile is saved."))
            return redirect("accounts:account")
    impact = impact_summary(customer_id=user.pk)
    return render(request, "accounts/account.html", {"form": form, "impact": impact})


@sensitive_post_parameters("password")
@login_required
@never_cache
def delete(request):
    user = request.user
    form = DeleteAccountForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            customer_delete(user=user, actor=user)
        except InvalidAccount as error:
            _show_refusal(form, error)
        else:
            logout(request)
            messages.success(request, _("Your account and your personal data are deleted. Goodbye!"))
            return redirect(_home_url())
    # Staff are told at once, without a form; the service refuses them whatever is posted.
    return render(request, "accounts/delete.html", {"form": form, "staff": is_staff_account(user)})


@method_decorator(never_cache, name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/emails/password_reset.txt"
    subject_template_name = "accounts/emails/password_reset_subject.txt"
    extra_email_context = {"site_name": settings.WAGTAIL_SITE_NAME}  # not the host name
    success_url = reverse_lazy("accounts:password_reset_done")
