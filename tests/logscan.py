"""A pytest plugin: no client data in logs.

Every log record emitted anywhere in the test process during the whole run (at the levels
production logs) is checked for the test and demo clients' names and for condition words.
A hit fails the run at the end with the offending lines, whatever test caused it.
"""

from __future__ import annotations

import logging
import re

import pytest

NAMES = ["Cora Client", "Dan Different", "Zed Zone", "Robin Rowe", "Kai Kettle", "Jordan Park", "Riley Chen",
         "Casey Novak", "Taylor Brooks", "Avery Singh"]
CONDITIONS = ["psychosis", "seizure", "suicid", "bipolar", "mania", "hypertension", "zoloft", "sertraline",
              "pregnan", "epilep", "schizo", "self-harm", "overdose"]
PATTERN = re.compile("|".join(re.escape(w) for w in NAMES + CONDITIONS), re.IGNORECASE)


class Scanner(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.hits: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = record.getMessage()
            if record.exc_info and record.exc_info[1] is not None:
                text += f" {record.exc_info[1]!r}"
        except Exception:  # noqa: BLE001 (a badly formatted record is not our concern here)
            return
        if PATTERN.search(text) and record.name != "tests.logscan.selfcheck":
            self.hits.append(f"{record.name} {record.levelname}: {text[:300]}")


SCANNER = Scanner()


def pytest_configure(config):
    logging.getLogger().addHandler(SCANNER)


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session, exitstatus):
    logging.getLogger().removeHandler(SCANNER)
    if SCANNER.hits:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter:
            reporter.write_line("\nClient data found in logs:", red=True)
            for hit in SCANNER.hits[:50]:
                reporter.write_line("  " + hit)
        session.exitstatus = 1
