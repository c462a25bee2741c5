"""Admin URLs of the pipeline, mounted under /admin/imports/ by imports.wagtail_hooks."""

from django.urls import path

from . import bulk_views, export_views, views
from .stock_views import StockFeedReportView, StockFeedsView

app_name = "pivot_imports"

urlpatterns = [
    path("", views.ImportHistoryView.as_view(), name="history"),
    path("stock-feeds/", StockFeedsView.as_view(), name="stock_feeds"),
    path("stock-feeds/<int:pk>/", StockFeedReportView.as_view(), name="stock_feed"),
    path("bulk/", bulk_views.BulkUploadView.as_view(), name="bulk_upload"),
    path("bulk/<int:pk>/", bulk_views.BulkJobView.as_view(), name="bulk_job"),
    path("bulk/<int:pk>/progress/", bulk_views.BulkProgressView.as_view(), name="bulk_progress"),
    path("bulk/<int:pk>/report.<str:file_format>", bulk_views.BulkReportView.as_view(), name="bulk_report"),
    path("reference-catalogue.csv", bulk_views.ReferenceExportView.as_view(), name="reference_export"),
    path("<slug:key>/", views.ImportUploadView.as_view(), name="upload"),
    path("<slug:key>/export/", views.ExportView.as_view(), name="export"),
    path("<slug:key>/export/choose/", export_views.ExportChooseView.as_view(), name="export_choose"),
    path("<slug:key>/<int:pk>/", views.ImportPreviewView.as_view(), name="preview"),
    path("<slug:key>/<int:pk>/status/", views.ImportStatusView.as_view(), name="status"),
    path("<slug:key>/<int:pk>/confirm/", views.ImportConfirmView.as_view(), name="confirm"),
]
