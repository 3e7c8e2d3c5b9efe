"""Refusals raised by the services; views show them on a form or as a 4xx."""


class DomainError(Exception):
    """A rule refused the action; the message is written for the person who tried it.

    `field`: the name of the input the refusal is about, when there is one, so that a form can
    show the message beside that input.
    """

    status_code = 400

    def __init__(self, *args, field=None):
        super().__init__(*args)
        self.field = field


class NotFound(DomainError):
    status_code = 404


class ValidationFailed(DomainError):
    status_code = 400


class Forbidden(DomainError):
    status_code = 403


class ImportFailed(ValidationFailed):
    """A file had bad rows; `errors` lists (line, message) and nothing was imported."""

    def __init__(self, errors):
        self.errors = errors
        super().__init__("; ".join(f"line {line}: {message}" for line, message in errors))
