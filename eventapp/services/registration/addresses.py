"""One person, one registration per event: the form of an address that decides who is who."""


def email_key(address):
    """The address as compared for uniqueness: trimmed and case-folded."""
    return address.strip().casefold()
