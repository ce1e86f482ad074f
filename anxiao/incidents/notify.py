"""Who hears about an incident's clocks: the school's principal and safety deputy (and whoever recorded it)
for a reminder; the bureau's safety office as well once a clock has run out."""

from __future__ import annotations

from typing import Any

from anxiao.core.choices import PostKind, Role
from anxiao.notifications import actions as outbox
from anxiao.org.models import Person


def recipients(event: Any) -> list[Person]:
    incident = event.incident
    people = set(Person.objects.filter(posts__unit=incident.unit, posts__is_active=True,
                                       posts__kind__in=[PostKind.PRINCIPAL, PostKind.SAFETY_DEPUTY]))
    if incident.recorded_by.person_id:
        people.add(incident.recorded_by.person)
    if event.kind == "escalated":
        chain = _region_chain(incident.unit.region_path)
        people.update(Person.objects.filter(account__grants__role=Role.BUREAU_ADMIN,
                                            account__grants__revoked_at__isnull=True,
                                            account__grants__region__path__in=chain))
    return sorted(people, key=lambda p: p.pk)


def _region_chain(region_path: str) -> list[str]:
    parts = [p for p in region_path.strip("/").split("/") if p]
    return ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1)]


def send(event: Any) -> int:
    incident = event.incident
    title = f"【{'超时上报' if event.kind == 'escalated' else '报告提醒'}】{incident.unit}：{incident.title}"
    if event.kind == "escalated":  # a clock ran out: the bureau's group robots hear it too
        return outbox.alert(recipients(event), incident.unit, title, event.note, f"/incidents/{incident.pk}/",
                            key=f"incident:{incident.pk}:{event.dedupe_key}")
    return outbox.notify(recipients(event), title, event.note, f"/incidents/{incident.pk}/",
                         key=f"incident:{incident.pk}:{event.dedupe_key}")
