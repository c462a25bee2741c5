"""Admin URLs of the pipeline, mounted under /admin/imports/ by imports.wagtail_hooks."""

from django.urls import path

from . import views

app_name = "pivot_imports"

urlpatterns = [
    path("", views.ImportHistoryView.as_view(), name="history"),
    path("<slug:key>/", views.ImportUploadView.as_view(), name="upload"),
    path("<slug:key>/export/", views.ExportView.as_view(), name="export"),
    path("<slug:key>/<int:pk>/", views.ImportPreviewView.as_view(), name="preview"),
    path("<slug:key>/<int:pk>/confirm/", views.ImportConfirmView.as_view(), name="confirm"),
]
