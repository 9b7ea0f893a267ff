"""An e-mail backend for the Celery tests: each message is a file, delivered slowly.

``MAIL_DROP_DIR``: where each delivered message is written (``<uuid>.eml``, renamed into
place, so a reader never sees half a message). ``MAIL_DROP_DELAY``: seconds the server takes
to answer after it has taken the message, as a real one does: the message is delivered first
(end of DATA), then the "250 OK" comes back. Meanwhile ``in-flight-<pid>`` holds the
Message-ID, so a test can kill the worker inside that window (issue 10 §11).
"""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend


class DropDirBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        directory = Path(os.environ["MAIL_DROP_DIR"])
        delay = float(os.environ.get("MAIL_DROP_DELAY", "0"))
        flight = directory / f"in-flight-{os.getpid()}"
        for message in email_messages:
            data = message.message().as_bytes()
            name = uuid.uuid4().hex
            tmp = directory / f".{name}.tmp"
            tmp.write_bytes(data)
            tmp.rename(directory / f"{name}.eml")  # the server has the message
            marker = directory / f".flight-{name}.tmp"
            marker.write_text(message.extra_headers.get("Message-ID", ""))
            marker.rename(flight)  # whole, never half written
            time.sleep(delay)  # … and takes its time to say so
            flight.unlink(missing_ok=True)
        return len(email_messages)
