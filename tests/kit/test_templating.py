"""{token} templates with encoding by destination."""

from __future__ import annotations

import json

from callcenter.kit.templating import json_encoder, render, tokens_in, unknown_tokens, url_encoder


def test_tokens_are_substituted_and_missing_ones_are_empty() -> None:
    assert render("id={callId}&x={missing}", {"callId": "c1"}) == "id=c1&x="


def test_url_encoding_handles_spaces_ampersands_and_unicode() -> None:
    rendered = render("https://t.example/p?q={q}", {"q": "a b&c=é"}, encode=url_encoder)
    assert rendered == "https://t.example/p?q=a%20b%26c%3D%C3%A9"


def test_json_encoding_keeps_the_document_valid() -> None:
    rendered = render('{"name": "{name}"}', {"name": 'He said "hi"\n'}, encode=json_encoder)
    assert json.loads(rendered) == {"name": 'He said "hi"\n'}


def test_double_braces_are_literal() -> None:
    assert render("{{x}} {y}", {"y": 1}) == "{x} 1"
    assert tokens_in("{{x}} {y}") == {"y"}


def test_unknown_tokens_are_listed() -> None:
    assert unknown_tokens("{a} {b.c} {d}", ["a", "d"]) == ["b.c"]
