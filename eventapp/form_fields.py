"""WTForms fields with the bounds the database and the calendar need; forms use these, not WTForms' own.

An IntegerField takes any size and Unicode digits; a DateTimeLocalField takes the year 9999, which
overflows as soon as a duration is added. These refuse such input at the field, with a message.
"""
from datetime import datetime

from flask_babel import lazy_gettext as _l
from wtforms import DateTimeLocalField as _DateTimeLocalField
from wtforms import IntegerField as _IntegerField

from .services.numbers import MAX_INT

#: dates organisers may enter: wide enough for any real event, far from datetime's limits
MIN_YEAR, MAX_YEAR = 1970, 2200


class IntegerField(_IntegerField):
    """A whole number in ASCII digits between -MAX_INT and MAX_INT."""

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        text = valuelist[0].strip() if valuelist[0] else ""
        if not text:
            self.data = None
            return
        digits = text[1:] if text[:1] in "+-" else text
        if not (digits.isascii() and digits.isdigit()) or len(digits) > 10 or abs(int(text)) > MAX_INT:
            self.data = None
            raise ValueError(_l("Please enter a whole number no larger than %(max)d.", max=MAX_INT))
        self.data = int(text)


class DateTimeLocalField(_DateTimeLocalField):
    """A local date and time between MIN_YEAR and MAX_YEAR."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if isinstance(self.data, datetime) and not MIN_YEAR <= self.data.year <= MAX_YEAR:
            self.data = None
            raise ValueError(_l("Please enter a date between %(first)d and %(last)d.", first=MIN_YEAR, last=MAX_YEAR))


def id_value(value):
    """`coerce` for choice fields holding ids: `int()`, but only ASCII digits a column can hold."""
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        text = str(value).strip()
        digits = text[1:] if text[:1] == "-" else text
        if not digits or len(digits) > 10 or not (digits.isascii() and digits.isdigit()):
            raise ValueError(value)
        number = int(text)
    if abs(number) > MAX_INT:
        raise ValueError(value)
    return number
