"""`civicloop --help`: Civicloop's commands with Chinese descriptions, Django's set apart."""

from __future__ import annotations

import re

import pytest

from civicloop import cli


@pytest.mark.parametrize("argv", [["civicloop"], ["civicloop", "--help"], ["civicloop", "help"]])
def test_help_lists_civicloop_commands_in_chinese_and_django_commands_under_advanced(argv, capsys):
    cli.main(argv)
    out = capsys.readouterr().out
    own, _sep, advanced = out.partition("高级")
    listed = re.findall(r"^  (\S+(?: [a-z-]+)?) {2,}(.+)$", own, flags=re.MULTILINE)
    names = {name for name, _help in listed}
    assert {"demo", "serve", "worker", "kpi", "import events", "export document"} <= names
    for name, description in listed:
        assert re.search(r"[\u4e00-\u9fff]", description), (name, description)
    # Django's internals are not mixed into Civicloop's list, but still named for administrators.
    assert "migrate" not in names and "squashmigrations" not in names
    assert "migrate" in advanced and "createsuperuser" in advanced
    assert "用法" in out
