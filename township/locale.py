"""The interface language: Chinese unless the user chose another in the header's switch."""

from __future__ import annotations

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


def language_chosen(request) -> str:
    """The language of the switch's cookie when it names one we offer, else LANGUAGE_CODE.

    The browser's Accept-Language is not consulted: offices share computers and phones set to
    English are common, and the people who use this app read Chinese first. A user who wants
    English says so once, with the switch.
    """
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    offered = {code for code, _name in settings.LANGUAGES}
    return chosen if chosen in offered else settings.LANGUAGE_CODE


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware (its response headers, its 404 handling) with our choice rule."""

    def process_request(self, request):
        language = language_chosen(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
