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
from functools import lru_cache
from urllib.parse import quote

_TOKEN = re.compile(r"\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_.]*)\}")

Encoder = Callable[[str], str]


# The encoders remember recent values: an auction renders the same call's values (caller, request id,
# timestamps) into every bidder's request at once, so all but the first encoding of each are lookups.
@lru_cache(maxsize=4096)
def url_encoder(value: str) -> str:
    return quote(value, safe="")


@lru_cache(maxsize=4096)
def json_encoder(value: str) -> str:
    """Escapes for use inside a JSON string literal (the template supplies the quotes)."""
    return json.dumps(value)[1:-1]


def raw_encoder(value: str) -> str:
    return value


def tokens_in(template: str) -> set[str]:
    return {m.group(1) for m in _TOKEN.finditer(template) if m.group(1)}


def unknown_tokens(template: str, known: Iterable[str]) -> list[str]:
    return sorted(tokens_in(template) - set(known))


@lru_cache(maxsize=1024)
def _compiled(template: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    """The template as its leading text and (token, text after it) pairs, braces already unescaped.

    Templates are few (one per bidder, pixel or webhook) and rendered on every ping or delivery, so they
    are parsed once: an auction renders every bidder's template together, at its start.
    """
    texts: list[list[str]] = [[]]  # the text before the first token, then after each token
    tokens: list[str] = []
    position = 0
    for match in _TOKEN.finditer(template):
        texts[-1].append(template[position : match.start()])
        position = match.end()
        token = match.group(1)
        if token is None:
            texts[-1].append(match.group(0)[0])  # "{{" -> "{", "}}" -> "}"
        else:
            tokens.append(token)
            texts.append([])
    texts[-1].append(template[position:])
    joined = ["".join(text) for text in texts]
    return joined[0], tuple(zip(tokens, joined[1:], strict=True))


def has_tokens(template: str) -> bool:
    return bool(_compiled(template)[1])


def render(template: str, values: Mapping[str, object], *, encode: Encoder = raw_encoder) -> str:
    pairs = _compiled(template)[1]
    encoded = {}
    for token, _ in pairs:
        value = values.get(token)
        encoded[token] = encode("" if value is None else str(value))
    return render_encoded(template, encoded)


def render_encoded(template: str, encoded: Mapping[str, str]) -> str:
    """``render`` with values already encoded for where they land (a token without one becomes empty):
    an auction encodes the call's values once for all its bidders."""
    head, pairs = _compiled(template)
    if not pairs:
        return head
    parts = [head]
    for token, text in pairs:
        parts.append(encoded.get(token, ""))
        parts.append(text)
    return "".join(parts)
