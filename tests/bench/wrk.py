"""Load with wrk (Debian's package): one page, or a mixed scenario of many users and URLs.

wrk is a C load generator: unlike a Python one it takes little of the two cores the server
runs on, so the floor view's figure is the server's, not the load generator's. Each run
writes a small Lua script: it sets the session cookie (one user, or a different user per
request in the mixed scenario, each with its own list of URLs) and prints, when the run is
done, one JSON line with the requests, the errors (sockets, timeouts, statuses ≥ 400) and
the latency percentiles. Nothing here imports Django.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

MARK = "WRK-RESULT "

_DONE = r"""
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '%s{"requests": %d, "duration_us": %d, "connect": %d, "read": %d, "write": %d, ' ..
    '"status": %d, "timeout": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d}\n',
    "__MARK__", summary.requests, summary.duration, e.connect, e.read, e.write, e.status,
    e.timeout, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.max))
end
""".replace("__MARK__", MARK)


def _lua_string(value: str) -> str:
    return json.dumps(value)  # a JSON string is a valid Lua string literal for our ASCII values


def one_page_script(cookie: str | None) -> str:
    headers = 'wrk.headers["Accept"] = "text/html"\n'
    if cookie:
        headers += f'wrk.headers["Cookie"] = {_lua_string(cookie)}\n'
    return headers + _DONE


def mixed_script(users: list[tuple[str, list[str]]]) -> str:
    """Each request: the next user in turn (a session cookie) and a random one of their URLs."""
    rows = ",\n".join(
        "  {cookie = "
        + _lua_string(cookie)
        + ", urls = {"
        + ", ".join(_lua_string(u) for u in urls)
        + "}}"
        for cookie, urls in users
    )
    return (
        f"local users = {{\n{rows}\n}}\n"
        "local n = 0\n"
        "setup = function(thread) thread:set('seed', math.random(1, 1000000)) end\n"
        "init = function(args) math.randomseed(seed or 1) n = math.random(0, #users - 1) end\n"
        "request = function()\n"
        "  n = n + 1\n"
        "  local user = users[(n % #users) + 1]\n"
        "  local path = user.urls[math.random(1, #user.urls)]\n"
        '  return wrk.format("GET", path, {["Cookie"] = user.cookie, ["Accept"] = "text/html"})\n'
        "end\n" + _DONE
    )


@dataclass
class WrkResult:
    requests: int
    errors: int
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    detail: dict = field(default_factory=dict)


def available() -> bool:
    return shutil.which("wrk") is not None


def run(
    url: str,
    script: str,
    *,
    connections: int,
    duration: float,
    threads: int = 2,
    timeout: float = 10.0,
) -> WrkResult:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
        path = Path(handle.name)
    try:
        completed = subprocess.run(  # noqa: S603 - our own arguments
            [
                "wrk",
                f"-t{min(threads, connections)}",
                f"-c{connections}",
                f"-d{max(1, round(duration))}s",
                f"--timeout={timeout:g}s",
                "-s",
                str(path),
                url,
            ],
            capture_output=True,
            text=True,
            check=False,
            timeout=duration + timeout + 30,
        )
    finally:
        path.unlink(missing_ok=True)
    line = next((x for x in completed.stdout.splitlines() if x.startswith(MARK)), None)
    if line is None:
        raise RuntimeError(f"wrk gave no result: {completed.stdout}\n{completed.stderr}")
    data = json.loads(line[len(MARK) :])
    errors = sum(data[k] for k in ("connect", "read", "write", "status", "timeout"))
    seconds = data["duration_us"] / 1_000_000 or 1.0
    return WrkResult(
        requests=data["requests"],
        errors=errors,
        rps=data["requests"] / seconds,
        p50_ms=data["p50_us"] / 1000,
        p95_ms=data["p95_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        detail=data,
    )
