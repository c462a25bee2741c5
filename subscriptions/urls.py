"""The member's deliveries: /mes-livraisons/ and its actions (under /en/ in English)."""

from django.urls import path, re_path

from . import views

app_name = "my_deliveries"

urlpatterns = [
    path("mes-livraisons/", views.delivery_list, name="list"),
    path("mes-livraisons/<int:pk>/reporter/", views.delivery_postpone, name="postpone"),
    path("mes-livraisons/<int:pk>/annuler/", views.delivery_cancel, name="cancel"),
    path("mes-livraisons/<int:pk>/doubler/", views.delivery_double, name="double"),
    path("mes-livraisons/absence/", views.absence, name="absence"),
    path("mes-livraisons/abonnement/<int:pk>/depot/", views.change_depot, name="change_depot"),
    path("mes-livraisons/abonnement/<int:pk>/jour/", views.change_day, name="change_day"),
    path("mes-livraisons/releve/", views.statement_current, name="statement_current"),
    re_path(
        r"^mes-livraisons/releve/(?P<year>20[0-9]{2})-(?P<month>0[1-9]|1[0-2])/$", views.statement, name="statement"
    ),
]
