"""The Django admin: scoped like the pages, read-only for staff, audited for superusers."""

from django.contrib.auth.models import Permission
from django.urls import reverse

from branches.models import Meeting
from tests import factories as f
from township.models import AuditLog, User


def staff_office(cast):
    user = cast.office
    user.is_staff = True
    user.save()
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_meeting", "change_meeting"])
    )
    return User.objects.get(pk=user.pk)  # fresh permission cache


def test_staff_see_only_meetings_of_their_own_township(client, cast):
    mine = f.meeting(branch=cast.b1, topic="本镇的会议")
    theirs = f.meeting(branch=cast.b3, topic="外镇的会议")
    client.force_login(staff_office(cast))
    page = client.get(reverse("admin:branches_meeting_changelist")).content.decode()
    assert mine.topic in page and theirs.topic not in page
    assert client.get(reverse("admin:branches_meeting_change", args=[theirs.pk])).status_code in (
        302,
        404,
    )


def test_staff_cannot_change_records_through_the_admin(client, cast):
    meeting = f.meeting(branch=cast.b1, topic="原主题")
    client.force_login(staff_office(cast))
    url = reverse("admin:branches_meeting_change", args=[meeting.pk])
    response = client.post(url, {"topic": "改过的主题"})
    assert response.status_code == 403
    assert Meeting.objects.get(pk=meeting.pk).topic == "原主题"


def test_a_superusers_admin_change_is_audited(client, cast):
    meeting = f.meeting(branch=cast.b1, type="committee", topic="原主题")
    root = User.objects.create_superuser(username="root", password="x" * 16)
    client.force_login(root)
    url = reverse("admin:branches_meeting_change", args=[meeting.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data |= {"topic": "改过的主题", "date": "2026-03-05", "township": cast.t1.pk}
    data |= {"branch": cast.b1.pk, "type": "committee", "code": meeting.code}
    for prefix in ("attendance", "guests", "photos"):
        data |= {f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0}
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = AuditLog.objects.get(action="admin.changed")
    assert entry.actor == root and entry.township == cast.t1
    assert entry.data["model"] == "branches.Meeting"
