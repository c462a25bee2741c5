"""The one error type every service raises; each door (admin, API, import) translates it."""


class DomainError(Exception):
    """A business rule refused an action.

    ``code`` is stable and machine-readable, ``message`` is for people (translated),
    ``field`` names the input at fault when there is one, and ``details`` carry data
    the caller may show (e.g. the lines that lack stock).
    """

    code = "invalid"

    def __init__(self, message, *, code=None, field=None, **details):
        super().__init__(message)
        self.message = str(message)
        if code:
            self.code = code
        self.field = field
        self.details = details

    def as_dict(self):
        data = {"code": self.code, "detail": self.message, **self.details}
        if self.field:
            data["field"] = self.field
        return data
