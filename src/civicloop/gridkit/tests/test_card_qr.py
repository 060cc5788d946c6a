"""The printed card carries the public report address as a QR code (core/qrcodes.py)."""

from __future__ import annotations

import segno
from django.urls import reverse

from civicloop.core.qrcodes import qr_svg


def test_the_card_prints_a_qr_code_of_the_public_report_address(world, client, settings):
    settings.CIVICLOOP_PUBLIC_URL = "https://civicloop.haiyan.example"
    client.force_login(world.grid_worker)
    page = client.get(reverse("gridkit:card", args=[world.wuyuan_grid.code])).content.decode()
    report = page[page.index('id="gk-public-url"') :]
    assert "https://civicloop.haiyan.example/report/" in report
    assert str(qr_svg("https://civicloop.haiyan.example/report/", scale=3)) in report


def test_the_qr_code_encodes_exactly_the_address():
    address = "https://civicloop.haiyan.example/t/ABCDEFGH23/"
    svg = str(qr_svg(address, title="扫码查看办理进度"))
    assert (
        svg.startswith("<svg")
        and 'class="qr-code"' in svg
        and "<title>扫码查看办理进度</title>" in svg
    )
    assert svg == str(qr_svg(address, title="扫码查看办理进度"))
    assert svg != str(qr_svg(address.replace("23", "24"), title="扫码查看办理进度"))
    # At least level M: a smudged print still reads.
    assert segno.make(address, error="m", micro=False).designator[-1] in "MQH"
