"""/healthz (liveness) and /readyz (readiness) as JSON, answered before any other middleware.

They sit first in MIDDLEWARE so that a load balancer or systemd check on 127.0.0.1 gets an answer whatever
ALLOWED_HOSTS, the HTTPS redirect or the session say. Neither needs a log-in; neither shows personal data.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone


def healthz() -> tuple[int, dict[str, Any]]:
    """The process answers: no database, no files."""
    return 200, {"status": "ok"}


_state = {"migrated": False}


def readyz() -> tuple[int, dict[str, Any]]:
    """Ready to serve: database reachable, every migration applied, a worker reported lately; the outbox
    backlog (due, failed) is reported but does not make the site unready."""
    checks: dict[str, Any] = {}
    try:
        from django.db import connection
        from django.db.migrations.executor import MigrationExecutor

        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
        if not _state["migrated"]:  # loading the migration graph takes a while: once applied, stays applied
            executor = MigrationExecutor(connection)
            pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
            checks["migrations_pending"] = len(pending)
            if pending:
                return 503, {"status": "unavailable", "checks": checks}
            _state["migrated"] = True
        checks.setdefault("migrations_pending", 0)
        return _worker_and_outbox(checks)
    except Exception as exc:  # any database error means "not ready", reported by class name only
        return 503, {"status": "unavailable", "checks": {**checks, "error": type(exc).__name__}}


def _worker_and_outbox(checks: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    from anxiao.notifications.models import Outbox, OutboxStatus, WorkerHeartbeat

    now = timezone.now()
    last = WorkerHeartbeat.objects.order_by("-beat_at").values_list("beat_at", flat=True).first()
    age = int((now - last).total_seconds()) if last else None
    checks["worker_heartbeat_age_seconds"] = age
    worker_ok = age is not None and age <= settings.READY_WORKER_MINUTES * 60
    checks["worker"] = "ok" if worker_ok else "stale" if last else "never"
    ok = worker_ok
    due = Outbox.objects.filter(status__in=[OutboxStatus.PENDING, OutboxStatus.SENDING], next_attempt_at__lte=now)
    checks["outbox_due"] = due.count()
    checks["outbox_failed"] = Outbox.objects.filter(status=OutboxStatus.FAILED).count()
    oldest = due.order_by("next_attempt_at").values_list("next_attempt_at", flat=True).first()
    checks["outbox_oldest_due_seconds"] = int((now - oldest) / datetime.timedelta(seconds=1)) if oldest else 0
    return (200 if ok else 503), {"status": "ok" if ok else "unavailable", "checks": checks}


PROBES: dict[str, Callable[[], tuple[int, dict[str, Any]]]] = {"/healthz": healthz, "/readyz": readyz}


class HealthMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        probe = PROBES.get(request.path_info.rstrip("/")) if request.method in ("GET", "HEAD") else None
        if probe is None:
            return self.get_response(request)
        status, body = probe()
        response = JsonResponse(body, status=status)
        response["Cache-Control"] = "no-store"
        return response
