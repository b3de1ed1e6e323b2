"""Validating our TwiML against Twilio's own XML schema.

The schema is Twilio's (MIT), kept by the steering repository in ``shared/conformance/twiml`` beside this
checkout; it is not copied into the project. Where it is absent (a clone without shared/) the documents
are still checked for being well-formed TwiML with known verbs only.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from lxml import etree

SCHEMA_NAME = "twiml_v20100401_twilioRealtimeCallSchema.xsd"
KNOWN_VERBS = {"Say", "Play", "Dial", "Gather", "Record", "Redirect", "Hangup", "Pause", "Reject"}


def _schema_dir() -> Path | None:
    candidates = [
        os.environ.get("CALLCENTER_TWIML_XSD_DIR", ""),
        str(Path(__file__).resolve().parents[2] / "shared" / "conformance" / "twiml"),
    ]
    return next((Path(c) for c in candidates if c and (Path(c) / SCHEMA_NAME).is_file()), None)


@lru_cache(maxsize=1)
def _schema() -> etree.XMLSchema | None:
    directory = _schema_dir()
    return None if directory is None else etree.XMLSchema(etree.parse(str(directory / SCHEMA_NAME)))


def assert_valid_twiml(document: str) -> None:
    root = etree.fromstring(document.encode())
    assert root.tag == "Response", document
    assert {child.tag for child in root} <= KNOWN_VERBS, document
    schema = _schema()
    if schema is not None:
        assert schema.validate(root), f"{schema.error_log}\n{document}"


def schema_available() -> bool:
    return _schema() is not None
