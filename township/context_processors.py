"""What every page's header needs: the count of the user's unread messages (one query, lazily)."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from township.models import Notification


def unread_notifications(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "unread_notifications": SimpleLazyObject(
            lambda: Notification.objects.filter(user=user, read_at__isnull=True).count()
        )
    }
