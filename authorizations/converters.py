"""The URL converter of request and authorization numbers, registered once for every URL module."""

from django.urls import register_converter


class NumberConverter:
    """A request or authorization number (R26-0000001-K, A26-...): upper-case, so it never captures
    the lower-case page names other capabilities put beside it."""

    regex = "[A-Z][A-Z0-9-]{5,19}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(NumberConverter, "um_number")
