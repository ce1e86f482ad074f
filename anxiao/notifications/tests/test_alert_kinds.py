"""Every alert kind reaches the bureau's group robots, not only overdue obligations: hazard escalation,
incident clocks that ran out, overdue agency tasks. Each goes through ``notifications.actions.alert``."""

from __future__ import annotations

import datetime

from django.utils import timezone

from anxiao.notifications.models import Channel, Outbox, WebhookEndpoint


def robot(world) -> WebhookEndpoint:  # type: ignore[no-untyped-def]
    return WebhookEndpoint.objects.create(bureau=world.bureau_a, name="安全办群", kind="dingtalk",
                                          url="http://127.0.0.1:9/robot/send?access_token=t")


def robot_messages(hook: WebhookEndpoint) -> list[Outbox]:
    return list(Outbox.objects.filter(channel=Channel.WEBHOOK, webhook=hook))


def test_an_overdue_hazard_reaches_the_robot(world) -> None:
    from anxiao.hazards import actions
    from anxiao.hazards.models import Hazard
    from anxiao.hazards.tests.test_hazards import report, to_rectifying

    hook = robot(world)
    hazard = to_rectifying(world, report(world))
    Hazard.objects.filter(pk=hazard.pk).update(deadline=timezone.localdate() - datetime.timedelta(days=1))
    assert actions.escalate_overdue() == 1
    (message,) = robot_messages(hook)
    assert message.title.startswith("隐患逾期未整改：新华中学") and message.url == f"/hazards/{hazard.pk}/"


def test_an_incident_clock_that_ran_out_reaches_the_robot_and_a_reminder_does_not(world) -> None:
    from anxiao.incidents import actions
    from anxiao.incidents.tests.factories import incident_in

    hook = robot(world)
    incident_in(world, minutes_ago=25)
    actions.sweep_clocks()  # a reminder: the school only
    assert robot_messages(hook) == []
    actions.sweep_clocks(now=timezone.now() + datetime.timedelta(minutes=10))
    (message,) = robot_messages(hook)
    assert message.title.startswith("【超时上报】新华中学")


def test_an_overdue_agency_task_reaches_the_robot(world) -> None:
    from anxiao.chiefs import actions
    from anxiao.chiefs.models import AgencyTask
    from anxiao.chiefs.tests.fixtures import chiefs_world

    c = chiefs_world(world)
    hook = robot(world)
    AgencyTask.objects.filter(pk=c.task.pk).update(deadline=timezone.localdate() - datetime.timedelta(days=1))
    assert actions.escalate_overdue(timezone.localdate()) == 1
    (message,) = robot_messages(hook)
    assert message.title == f"任务逾期：{c.task.title}"
