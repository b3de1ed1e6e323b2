"""``{token}`` templates for bidder requests, pixels and webhooks.

A template is text with ``{name}`` placeholders (letters, digits, underscore, dot). ``{{`` and ``}}`` are
literal braces. Values are substituted through an encoder chosen by where the text goes: URL-encoded in
URLs, JSON-escaped inside JSON strings, raw elsewhere. A token with no value becomes the empty string.
Unknown tokens are found with ``tokens_in`` so that saving a template can refuse them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from urllib.parse import quote

_TOKEN = re.compile(r"\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_.]*)\}")

Encoder = Callable[[str], str]


def url_encoder(value: str) -> str:
    return quote(value, safe="")


def json_encoder(value: str) -> str:
    """Escapes for use inside a JSON string literal (the template supplies the quotes)."""
    return json.dumps(value)[1:-1]


def raw_encoder(value: str) -> str:
    return value


def tokens_in(template: str) -> set[str]:
    return {m.group(1) for m in _TOKEN.finditer(template) if m.group(1)}


def unknown_tokens(template: str, known: Iterable[str]) -> list[str]:
    return sorted(tokens_in(template) - set(known))


def render(template: str, values: Mapping[str, object], *, encode: Encoder = raw_encoder) -> str:
    def substitute(match: re.Match[str]) -> str:
        text = match.group(0)
        if text == "{{":
            return "{"
        if text == "}}":
            return "}"
        value = values.get(match.group(1))
        return encode("" if value is None else str(value))

    return _TOKEN.sub(substitute, template)
