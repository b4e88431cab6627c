"""The log scanner (tests/logscan.py) catches names and condition words."""

import logging

from .logscan import Scanner


def test_scanner_catches_client_names_and_condition_words():
    scanner = Scanner()
    log = logging.getLogger("tests.logscan.selfcheck.isolated")
    log.propagate = False  # keep the whole-run scanner out of this
    log.addHandler(scanner)
    log.warning("check-in %s send failed (%s)", "a1b2", "SMTPException")
    assert scanner.hits == []
    log.warning("failed for %s", "Cora Client")
    log.error("flag: history of Psychosis")
    assert len(scanner.hits) == 2
