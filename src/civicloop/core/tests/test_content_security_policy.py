"""The Content-Security-Policy: every page carries it, scripts come only from our own files
(no inline script, no event-handler attribute, no eval), and the pages that used inline code
(Swagger UI, htmx's indicator styles, the 503 page) no longer need it. The browser test
(test_browser_csp.py) checks that Chromium reports no violation on the main pages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

import civicloop

PACKAGE_DIR = Path(civicloop.__file__).resolve().parent
TEMPLATES = sorted(path for path in PACKAGE_DIR.rglob("templates/**/*.html") if path.is_file())
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
HANDLER_ATTRIBUTE = re.compile(r"<[a-z][^>]*\s(on[a-z]+|hx-on[:\-][\w:\-]*)\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.IGNORECASE)


def directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    parsed = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            parsed[words[0]] = words[1:]
    return parsed


def test_pages_carry_a_policy_without_inline_or_eval_scripts(world, client):
    client.force_login(world.wuyuan_dispatcher)
    for url in ("/login/", "/events/", "/report/"):
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        policy = directives(response)
        assert policy["script-src"] == ["'self'"], url
        assert policy["style-src"] == ["'self'"], url
        assert policy["object-src"] == ["'none'"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert "'unsafe-inline'" not in response["Content-Security-Policy"]
        assert "'unsafe-eval'" not in response["Content-Security-Policy"]


def test_the_map_tile_servers_are_allowed_as_images(settings):
    from civicloop.settings import _tile_sources

    assert _tile_sources("https://t{s}.tianditu.gov.cn/vec_w/{z}/{x}/{y}?tk={tk}", ["0", "1"]) == [
        "https://t0.tianditu.gov.cn",
        "https://t1.tianditu.gov.cn",
    ]
    assert _tile_sources("https://tiles.example.gov.cn/{z}/{x}/{y}.png", []) == [
        "https://tiles.example.gov.cn"
    ]
    assert _tile_sources("", []) == []


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(PACKAGE_DIR)))
def test_no_template_has_inline_script_or_style(path):
    text = path.read_text(encoding="utf-8")
    for match in SCRIPT_TAG.finditer(text):
        attributes = match.group(1)
        # A data block ({{ x|json_script }} renders type="application/json") is not run.
        assert "src=" in attributes or "application/json" in attributes, (path, match.group(0))
    assert not HANDLER_ATTRIBUTE.search(text), path
    assert not STYLE_ATTRIBUTE.search(text), path


def test_swagger_ui_loads_its_start_up_script_as_a_file(db):
    client = Client()
    page = client.get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    for match in SCRIPT_TAG.finditer(html):
        assert "src=" in match.group(1), match.group(0)
    assert "<style" not in html
    assert "cdn" not in html.lower()
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()


def test_htmx_is_told_not_to_add_its_inline_style(world, client):
    client.force_login(world.wuyuan_dispatcher)
    page = client.get("/events/").content.decode()
    assert '"includeIndicatorStyles": false' in page
    assert '"allowEval": false' in page
