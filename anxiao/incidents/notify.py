"""Who hears about an incident's clocks: the school's principal and safety deputy for a reminder,
the bureau's admins (安全办) as well for an escalation."""

from __future__ import annotations

from typing import Any

from anxiao.core.choices import PostKind, Role


def recipients(event: Any) -> list[Any]:
    from anxiao.accounts.models import User

    incident = event.incident
    people = {incident.recorded_by}
    school_heads = User.objects.filter(person__posts__unit=incident.unit,
                                       person__posts__kind__in=[PostKind.PRINCIPAL, PostKind.SAFETY_DEPUTY])
    people.update(school_heads)
    if event.kind == "escalated":
        bureau = incident.unit.supervising_unit
        if bureau is not None:
            people.update(User.objects.filter(grants__role=Role.BUREAU_ADMIN, grants__revoked_at__isnull=True,
                                              grants__region__path__in=_region_chain(incident.unit.region_path)))
    return [u for u in people if u is not None and u.is_active]


def _region_chain(region_path: str) -> list[str]:
    parts = [p for p in region_path.strip("/").split("/") if p]
    return ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1)]


def send(event: Any) -> None:
    try:
        from anxiao.notifications import actions as outbox
    except ImportError:  # notifications app not installed: the event row is the record
        return
    enqueue = getattr(outbox, "notify_users", None)
    if enqueue is None:
        return
    incident = event.incident
    enqueue(recipients(event), subject=f"【事件报告】{incident.unit}：{incident.title}", body=event.note,
            link=f"/incidents/{incident.pk}/")
