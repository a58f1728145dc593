"""Login, lockout (django-axes, username + IP) and logout."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import PASSWORD


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _login(client, username, password, ip="10.0.0.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def test_login_page_renders_in_chinese(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="zh-hans"' in html
    assert "用户名" in html and "密码" in html and "登录" in html


def test_secretary_logs_in_and_lands_on_the_dashboard(client, cast):
    response = _login(client, "secretary", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")
    page = client.get(reverse("dashboard")).content.decode()
    assert cast.b1.name in page


def test_wrong_password_shows_a_chinese_error(client, cast):
    response = _login(client, "secretary", "wrong")
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()


def test_account_is_locked_after_the_failure_limit(client, cast, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "secretary", "wrong")
    # Even the right password is refused now, with the lockout page.
    response = _login(client, "secretary", PASSWORD)
    assert response.status_code == 429
    assert "账号已暂时锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_username_and_address(client, cast, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "secretary", "wrong", ip="10.0.0.1")
    # Another address, and another user from the same address, still get in.
    assert _login(client, "secretary", PASSWORD, ip="10.0.0.2").status_code == 302
    client.logout()
    assert _login(client, "office", PASSWORD, ip="10.0.0.1").status_code == 302


def test_failures_below_the_limit_do_not_lock(client, cast, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, "secretary", "wrong")
    assert _login(client, "secretary", PASSWORD).status_code == 302


def test_logout_refuses_get(client, cast):
    client.force_login(cast.secretary, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(reverse("logout")).status_code == 405
    assert "_auth_user_id" in client.session


def test_logout_by_post_ends_the_session(client, cast):
    client.force_login(cast.secretary, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("dashboard")).status_code == 302


def test_pages_redirect_to_login_with_next(client, cast):
    url = reverse("branches:meeting_list")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


def _fail_then_login(client, settings, *, failing_from: str, then_from: str):
    url = reverse("login")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            url,
            {"username": "secretary", "password": "wrong"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=failing_from,
        )
    return client.post(
        url,
        {"username": "secretary", "password": PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR=then_from,
    )


def test_behind_one_proxy_the_lockout_uses_the_forwarded_client_address(client, cast, settings):
    # What AXES_IPWARE_PROXY_COUNT=1 in the environment sets up (township/settings.py).
    settings.AXES_IPWARE_PROXY_COUNT = 0
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
    response = _fail_then_login(
        client, settings, failing_from="203.0.113.7", then_from="203.0.113.8"
    )
    assert response.status_code == 302


def test_without_a_proxy_a_forged_forwarded_header_does_not_dodge_the_lockout(
    client, cast, settings
):
    assert settings.AXES_IPWARE_META_PRECEDENCE_ORDER == ["REMOTE_ADDR"]
    response = _fail_then_login(
        client, settings, failing_from="203.0.113.7", then_from="198.51.100.1"
    )
    assert response.status_code == 429
