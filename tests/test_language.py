"""The interface language: Chinese by default, English only when the user switches."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from township.locale import language_chosen


class _Request:
    def __init__(self, cookie: str | None):
        self.COOKIES = {} if cookie is None else {settings.LANGUAGE_COOKIE_NAME: cookie}


def test_chinese_unless_an_offered_language_was_chosen():
    assert language_chosen(_Request(None)) == "zh-hans"
    assert language_chosen(_Request("en")) == "en"
    assert language_chosen(_Request("fr")) == "zh-hans"  # not offered
    assert language_chosen(_Request("")) == "zh-hans"


def test_a_browser_set_to_english_still_gets_chinese(client, db):
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert page["Content-Language"] == "zh-hans"
    assert "用户名" in page.content.decode()


def test_the_switch_on_the_login_page_turns_the_interface_english_and_back(client, db):
    login = reverse("login")
    page = client.get(login)
    assert 'name="language" value="en"' in page.content.decode()
    switched = client.post(reverse("set_language"), {"language": "en", "next": login})
    assert switched.status_code == 302 and switched["Location"] == login
    page = client.get(login)
    assert page["Content-Language"] == "en"
    assert "Username" in page.content.decode() and "用户名" not in page.content.decode()
    client.post(reverse("set_language"), {"language": "zh-hans", "next": login})
    assert client.get(login)["Content-Language"] == "zh-hans"


def test_the_switch_keeps_the_page_and_refuses_to_leave_the_site(client, cast):
    client.force_login(cast.office, backend="django.contrib.auth.backends.ModelBackend")
    here = reverse("branches:branch_list") + "?q=x"
    page = client.get(here)
    assert f'name="next" value="{here}"' in page.content.decode()
    back = client.post(reverse("set_language"), {"language": "en", "next": here})
    assert back["Location"] == here
    away = client.post(reverse("set_language"), {"language": "en", "next": "https://evil.example/"})
    assert away["Location"] == "/"
    assert client.get(here)["Content-Language"] == "en"
