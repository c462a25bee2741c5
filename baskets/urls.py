"""The customer's basket and orders: /panier/ and /mes-reservations/ (under /en/ in English)."""

from django.urls import path

from . import views

app_name = "baskets"

urlpatterns = [
    path("panier/", views.basket_detail, name="basket"),
    path("panier/ajouter/", views.basket_add, name="add"),
    path("panier/retirer/<int:offer_id>/", views.basket_remove, name="remove"),
    path("panier/commande/", views.checkout, name="checkout"),
    path("panier/commande/<str:key>/", views.confirmation, name="confirmation"),
    path("mes-reservations/", views.reservation_list, name="reservations"),
    path("mes-reservations/<int:pk>/", views.reservation_detail, name="reservation"),
    path("mes-reservations/<int:pk>/annuler/", views.reservation_cancel, name="cancel"),
]
