"""Refusals raised by the services; views show them on a form or as a 4xx."""


class DomainError(Exception):
    """A rule refused the action; the message is written for the person who tried it."""

    status_code = 400


class NotFound(DomainError):
    status_code = 404


class ValidationFailed(DomainError):
    status_code = 400
