"""Security events land in the audit log with the scope they concern, and the client address
comes through django-ipware as django-axes reads it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests import factories as f
from tests.conftest import BACKEND
from tests.factories import PASSWORD
from township.models import AuditLog
from township.scoping import scope_for

ROOT = Path(__file__).resolve().parent.parent


def only(action: str) -> AuditLog:
    return AuditLog.objects.get(action=action)


def visible_to(user) -> set[str]:
    return set(AuditLog.objects.within(scope_for(user)).values_list("action", flat=True))


# --- logins and lockouts ------------------------------------------------------------------------


def test_a_failed_login_belongs_to_the_township_of_the_user_named(client, cast):
    client.post(reverse("login"), {"username": "secretary", "password": "nope"})
    entry = only("auth.login_failed")
    assert entry.actor is None and entry.actor_name == "secretary"
    assert (entry.township, entry.county) == (cast.t1, cast.county)
    assert entry.object_id == str(cast.secretary.pk)
    assert "auth.login_failed" in visible_to(cast.office) and "auth.login_failed" in visible_to(
        cast.reviewer
    )
    assert "auth.login_failed" not in visible_to(cast.office2)


def test_a_failed_login_of_a_reviewer_belongs_to_their_county(client, cast):
    client.post(reverse("login"), {"username": "reviewer", "password": "nope"})
    entry = only("auth.login_failed")
    assert (entry.township, entry.county) == (None, cast.county)
    assert "auth.login_failed" in visible_to(cast.reviewer)
    assert "auth.login_failed" not in visible_to(cast.office)


def test_a_failed_login_for_an_unknown_name_has_no_scope(client, cast):
    client.post(reverse("login"), {"username": "nobody", "password": "nope"})
    entry = only("auth.login_failed")
    assert (entry.township, entry.county, entry.object_id) == (None, None, "")


def test_a_lockout_is_audited_for_the_users_township(client, cast, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post(reverse("login"), {"username": "secretary", "password": "nope"})
    assert not AuditLog.objects.filter(action="auth.locked_out").exists()
    client.post(reverse("login"), {"username": "secretary", "password": "nope"})
    entry = only("auth.locked_out")
    assert entry.actor_name == "secretary" and entry.township == cast.t1
    assert entry.ip_address == "127.0.0.1"


# --- refusals inside the app --------------------------------------------------------------------


def test_a_reviewers_refused_write_is_seen_by_their_county(client, cast):
    client.force_login(cast.reviewer, backend=BACKEND)
    assert client.post(reverse("branches:meeting_create")).status_code == 403
    entry = only("auth.permission_denied")
    assert (entry.township, entry.county) == (None, cast.county)
    assert "auth.permission_denied" in visible_to(cast.reviewer)
    other = cast.reviewer2  # of the second county
    assert "auth.permission_denied" not in visible_to(other)


def test_a_404_on_another_townships_meeting_is_audited(client, cast):
    theirs = f.meeting(branch=cast.b3)
    client.force_login(cast.office, backend=BACKEND)
    url = reverse("branches:meeting_detail", kwargs={"pk": theirs.pk})
    assert client.get(url).status_code == 404
    entry = only("security.not_found")
    assert entry.actor == cast.office and entry.township == cast.t1
    assert entry.data == {
        "path": url,
        "method": "GET",
        "view": "branches:meeting_detail",
        "ids": {"pk": str(theirs.pk)},
    }


def test_a_404_on_a_township_id_in_the_url_is_audited(client, cast):
    client.force_login(cast.office, backend=BACKEND)
    url = reverse("scoring:township_year", kwargs={"township_id": cast.t2.pk, "year": 2026})
    assert client.get(url).status_code == 404
    assert only("security.not_found").data["ids"] == {"township_id": str(cast.t2.pk)}


def test_no_404_entry_for_pages_without_ids_or_for_anonymous_visitors(client, cast):
    client.get("/no-such-page/")
    client.get(reverse("branches:meeting_detail", kwargs={"pk": 999999}))  # anonymous: login
    client.force_login(cast.office, backend=BACKEND)
    assert client.get("/no-such-page/").status_code == 404
    assert not AuditLog.objects.filter(action="security.not_found").exists()


def test_a_csrf_failure_is_audited_and_answered_in_chinese(cast):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.secretary, backend=BACKEND)
    response = client.post(reverse("branches:meeting_create"), {"topic": "x"})
    assert response.status_code == 403
    assert "请求已失效" in response.content.decode()
    entry = only("security.csrf_failed")
    assert entry.actor == cast.secretary and entry.township == cast.t1
    assert entry.data["path"] == reverse("branches:meeting_create")
    assert entry.data["reason"]


def test_a_refused_import_is_audited_for_the_offices_township(client, cast):
    client.force_login(cast.office, backend=BACKEND)
    upload = SimpleUploadedFile("t.json", b'{"format": "nonsense"', "application/json")
    response = client.post(reverse("exchange"), {"document": upload})
    assert response.status_code == 200
    entry = only("exchange.import_refused")
    assert entry.actor == cast.office and entry.township == cast.t1
    assert entry.data["problems"] >= 1 and entry.data["first"]


# --- the client address -------------------------------------------------------------------------


def test_without_proxies_the_address_is_remote_addr_and_a_forwarded_header_is_ignored(client, cast):
    client.post(
        reverse("login"),
        {"username": "office", "password": PASSWORD},
        REMOTE_ADDR="10.1.2.3",
        HTTP_X_FORWARDED_FOR="198.51.100.66",
    )
    assert only("auth.login").ip_address == "10.1.2.3"


def test_behind_two_proxies_the_address_is_the_client_before_them(client, cast, settings):
    # What AXES_IPWARE_PROXY_COUNT=2 sets up in township/settings.py.
    settings.AXES_IPWARE_PROXY_COUNT = 1
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
    client.post(
        reverse("login"),
        {"username": "office", "password": PASSWORD},
        REMOTE_ADDR="172.18.0.5",  # nginx
        HTTP_X_FORWARDED_FOR="203.0.113.9, 10.0.0.2",  # the client, then the TLS terminator
    )
    assert only("auth.login").ip_address == "203.0.113.9"


def test_a_forwarded_chain_longer_than_the_proxies_is_kept_but_not_believed(client, cast, settings):
    settings.AXES_IPWARE_PROXY_COUNT = 1
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
    forged = "198.51.100.66, 203.0.113.9, 10.0.0.2"
    client.post(
        reverse("login"),
        {"username": "office", "password": "nope"},
        REMOTE_ADDR="172.18.0.5",
        HTTP_X_FORWARDED_FOR=forged,
    )
    entry = only("auth.login_failed")
    assert entry.ip_address != "198.51.100.66"
    assert entry.data["forwarded_for"] == forged


def test_the_compose_proxy_count_matches_its_proxies_and_reads_the_client():
    compose = (ROOT / "docker-compose.yml").read_text()
    count = int(
        re.search(r"AXES_IPWARE_PROXY_COUNT: \$\{AXES_IPWARE_PROXY_COUNT:-(\d+)\}", compose)[1]
    )
    # The proxies in front of gunicorn: the TLS terminator the file asks for, and its nginx,
    # which appends the terminator's address to X-Forwarded-For.
    assert "terminate TLS\n# in front of it" in compose
    assert compose.count("proxy_pass http://web:8000") == 1
    assert "X-Forwarded-For $$proxy_add_x_forwarded_for" in compose
    assert count == 2
    # Those settings, loaded as the container loads them, read the client off such a request.
    script = (
        "from django.test import RequestFactory\n"
        "from township.audit import client_ip\n"
        "r = RequestFactory().get('/', REMOTE_ADDR='172.18.0.5',"
        " HTTP_X_FORWARDED_FOR='203.0.113.9, 10.0.0.2')\n"
        "print(client_ip(r))\n"
    )
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "AXES_IPWARE_PROXY_COUNT": str(count)}
    result = subprocess.run(  # noqa: S603 (our own manage.py)
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.strip() == "203.0.113.9", result.stderr
