"""Every interface string has a bokmål and a nynorsk translation.

The messages are extracted afresh from a copy of the source (so the committed
.po files are compared with what the code and templates actually use), then
each nb and nn entry must be translated and not fuzzy.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ["partnership", "meetings", "workgroups", "partnerpot", "reports", "templates", "locale"]
CHECKED_LANGUAGES = ["nb", "nn"]


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> Path:
    if shutil.which("xgettext") is None:
        pytest.skip("xgettext (GNU gettext) is not installed, so messages cannot be extracted")
    work = tmp_path_factory.mktemp("messages")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo")
    for name in SOURCES:
        if (ROOT / name).exists():
            shutil.copytree(ROOT / name, work / name, ignore=ignore)
    shutil.copy2(ROOT / "manage.py", work / "manage.py")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env["DJANGO_SETTINGS_MODULE"] = "partnership.settings"
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "nb",
            "-l",
            "nn",
            "-l",
            "en",
            "--no-location",
        ],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return work


def _problems(po: polib.POFile) -> list[str]:
    lines = []
    for entry in po.untranslated_entries():
        lines.append(
            f"untranslated: {entry.msgid!r}"
            + (f" (context {entry.msgctxt!r})" if entry.msgctxt else "")
        )
    for entry in po.fuzzy_entries():
        lines.append(
            f"fuzzy: {entry.msgid!r}" + (f" (context {entry.msgctxt!r})" if entry.msgctxt else "")
        )
    return lines


@pytest.mark.parametrize("language", CHECKED_LANGUAGES)
def test_every_message_is_translated(extracted, language):
    path = extracted / "locale" / language / "LC_MESSAGES" / "django.po"
    assert path.exists(), f"makemessages produced no {path.relative_to(extracted)}"
    po = polib.pofile(str(path))
    assert len(po) > 0, "no messages were extracted"
    problems = _problems(po)
    assert not problems, (
        f"{len(problems)} of {len(po)} messages lack a {language} translation in "
        f"locale/{language}/LC_MESSAGES/django.po:\n" + "\n".join(problems)
    )
