"""Which resource serves which admin table, by a short key used in URLs (``/admin/imports/<key>/``).

Apps register their resources in ``<app>/resources.py`` (autodiscovered by ``imports.apps``)::

    @register_resource("shops")
    class ShopResource(ServiceResource): ...

or ``register_resource("shops", ShopResource)``.
"""

from django.core.exceptions import ImproperlyConfigured

_resources: dict[str, type] = {}


def register_resource(key: str, resource_class: type | None = None):
    """Register ``resource_class`` under ``key``; without a class, return a class decorator."""

    def register(cls):
        if _resources.get(key, cls) is not cls:
            raise ImproperlyConfigured(f"Two import resources use the key {key!r}.")
        cls.key = key
        _resources[key] = cls
        return cls

    return register(resource_class) if resource_class is not None else register


def get_resource_class(key: str) -> type:
    """The resource registered under ``key``; ``KeyError`` when there is none."""
    return _resources[key]


def registered_resources() -> dict[str, type]:
    return dict(_resources)
