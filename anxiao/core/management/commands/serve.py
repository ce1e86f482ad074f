"""`anxiao serve`: the production web server (gunicorn), configured from the environment."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = ("生产环境的 Web 服务（gunicorn）。监听地址、进程数、线程数、超时取自 ANXIAO_BIND、ANXIAO_WEB_WORKERS、"
            "ANXIAO_WEB_THREADS、ANXIAO_WEB_TIMEOUT，也可用参数覆盖。启动前收集静态文件。")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--bind", default=settings.SERVE_BIND, help="监听地址，如 127.0.0.1:8000 或 unix:/run/anxiao.sock")
        parser.add_argument("--workers", type=int, default=settings.WEB_WORKERS, help="进程数")
        parser.add_argument("--threads", type=int, default=settings.WEB_THREADS, help="每个进程的线程数")
        parser.add_argument("--timeout", type=int, default=settings.WEB_TIMEOUT, help="单个请求的超时秒数")
        parser.add_argument("--no-collectstatic", action="store_true", help="不收集静态文件（已由部署脚本收集时）")

    def handle(self, *args: Any, **opts: Any) -> None:
        for key in ("workers", "threads", "timeout"):
            if opts[key] < 1:
                raise CommandError(f"--{key} 必须是正整数")
        if not opts["no_collectstatic"]:
            # Pages link to the hashed names of the manifest: without it every page answers 500 in production.
            call_command("collectstatic", interactive=False, verbosity=0)
        from gunicorn.app.base import BaseApplication

        trusted = getattr(settings, "ANXIAO_TRUSTED_PROXIES", None) or ["127.0.0.1", "::1"]
        config = {
            "bind": [b.strip() for b in opts["bind"].split(",") if b.strip()],
            "workers": opts["workers"], "threads": opts["threads"], "worker_class": "gthread",
            "timeout": opts["timeout"], "graceful_timeout": 30,
            # anxiao.core.logs writes one line per request (with its id, without personal data); nginx keeps
            # the access log with addresses.
            "accesslog": None, "errorlog": "-", "loglevel": settings.LOG_LEVEL.lower(),
            "forwarded_allow_ips": ",".join(str(t) for t in trusted),
            "limit_request_field_size": 16380, "control_socket_disable": True,
        }

        class Application(BaseApplication):  # type: ignore[misc]
            def load_config(self) -> None:
                for key, value in config.items():
                    self.cfg.set(key, value)

            def load(self) -> Any:
                from django.core.wsgi import get_wsgi_application

                return get_wsgi_application()

        self.stdout.write(f"安校 Web 服务：{', '.join(config['bind'])}（{opts['workers']} 进程 × {opts['threads']} 线程）")
        Application().run()
