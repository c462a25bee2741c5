"""The project's URLs plus a trivial view: the baseline every figure is divided by."""

from django.http import HttpResponse
from django.urls import path

from pivot_site.urls import urlpatterns as project_urlpatterns


def trivial(request):
    return HttpResponse("ok")


urlpatterns = [path("bench/trivial/", trivial), *project_urlpatterns]
