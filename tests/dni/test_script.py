"""``GET /js/t.js``: small, cacheable, revalidated by ETag, gzipped for browsers that take it."""

from __future__ import annotations

import gzip

import httpx

from callcenter.dni.script import SOURCE, compact

GZIP_BUDGET = 3 * 1024


async def test_script_is_served_compact_cacheable_and_under_three_kilobytes_gzipped(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/js/t.js", headers={"Accept-Encoding": "identity"})

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/javascript; charset=utf-8"
    assert "max-age=600" in response.headers["cache-control"]
    assert response.headers["etag"].startswith('"')
    assert response.text == compact(SOURCE.read_text())
    assert "\n//" not in response.text and "\n " not in response.text
    assert len(gzip.compress(response.content, compresslevel=9)) < GZIP_BUDGET


async def test_script_is_gzipped_when_accepted(client: httpx.AsyncClient) -> None:
    plain = await client.get("/js/t.js", headers={"Accept-Encoding": "identity"})
    zipped = await client.get("/js/t.js", headers={"Accept-Encoding": "gzip, br"})

    assert zipped.headers["content-encoding"] == "gzip"
    assert zipped.headers["vary"] == "Accept-Encoding"
    assert zipped.content == plain.content  # httpx decodes it
    assert int(zipped.headers["content-length"]) < GZIP_BUDGET
    assert zipped.headers["etag"] != plain.headers["etag"]


async def test_a_browser_holding_this_version_gets_304(client: httpx.AsyncClient) -> None:
    etag = (await client.get("/js/t.js")).headers["etag"]

    again = await client.get("/js/t.js", headers={"If-None-Match": etag})
    stale = await client.get("/js/t.js", headers={"If-None-Match": '"older"'})

    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    assert stale.status_code == 200


def test_compaction_drops_comment_lines_and_indentation_only() -> None:
    source = "// header\n(function () {\n  // inside\n  var url = 'http://x/y';\n\n  return url;\n})();\n"
    assert compact(source) == "(function () {\nvar url = 'http://x/y';\nreturn url;\n})();\n"
