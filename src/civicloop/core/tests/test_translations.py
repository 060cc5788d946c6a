"""The zh-hans catalogue: complete, faithful to its placeholders, compiled, in step with
the source strings, and actually used by the pages."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import polib
import pytest
from django.core.management import call_command
from django.urls import reverse

import civicloop

PACKAGE_DIR = Path(civicloop.__file__).resolve().parent
LC_MESSAGES = PACKAGE_DIR / "locale" / "zh_Hans" / "LC_MESSAGES"
PO_PATH = LC_MESSAGES / "django.po"
MO_PATH = LC_MESSAGES / "django.mo"

# %(name)s, %(n)d, %(s).1f, %s, %d … ("%%" is a literal percent sign and is removed first).
PERCENT_PLACEHOLDER = re.compile(r"%(?:\(\w+\))?[-#0 +]*(?:\d+|\*)?(?:\.\d+)?[diouxXeEfFgGcrsa]")
BRACE_PLACEHOLDER = re.compile(r"\{\w*\}")
CJK = re.compile(r"[\u4e00-\u9fff]")


def catalogue() -> polib.POFile:
    return polib.pofile(str(PO_PATH))


def key(entry) -> tuple[str, str]:
    return entry.msgctxt or "", entry.msgid


def placeholders(text: str, flags: list[str]) -> set[str]:
    found: set[str] = set()
    if "python-format" in flags:
        found |= set(PERCENT_PLACEHOLDER.findall(text.replace("%%", "")))
    if "python-brace-format" in flags:
        found |= set(BRACE_PLACEHOLDER.findall(text))
    return found


def edges(text: str) -> tuple[str, str]:
    """The leading and the trailing whitespace (spaces, newlines) of a string."""
    stripped = text.strip()
    if not stripped:
        return text, ""
    start = text.index(stripped)
    return text[:start], text[start + len(stripped) :]


def translations(entries) -> dict[tuple[str, str], tuple[str, ...]]:
    """Each entry's translation(s), keyed by (context, msgid): the one msgstr, or the plural forms."""
    result = {}
    for entry in entries:
        if entry.msgid == "" or entry.obsolete:
            continue
        if entry.msgid_plural:
            forms = tuple(entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural))
        else:
            forms = (entry.msgstr,)
        result[key(entry)] = forms
    return result


def test_every_catalogue_entry_is_translated_and_none_is_fuzzy():
    po = catalogue()
    assert len(po) > 0
    assert not po.metadata_is_fuzzy, "remove the '#, fuzzy' flag from the header"
    assert po.metadata.get("Language") == "zh_Hans"
    assert "nplurals=1" in po.metadata.get("Plural-Forms", "")
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not untranslated, f"untranslated: {untranslated}"
    assert not fuzzy, f"fuzzy: {fuzzy}"
    empty_plurals = [e.msgid for e in po if e.msgid_plural and not all(e.msgstr_plural.values())]
    assert not empty_plurals, f"plural forms missing: {empty_plurals}"


def test_every_translation_keeps_exactly_the_placeholders_of_its_source():
    problems = []
    for entry in catalogue():
        if entry.obsolete or not entry.msgid:
            continue
        source = placeholders(entry.msgid, entry.flags) | placeholders(
            entry.msgid_plural or "", entry.flags
        )
        targets = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for target in targets:
            if placeholders(target, entry.flags) != source:
                problems.append((entry.msgid, target))
    assert not problems, "\n".join(f"{msgid!r} → {msgstr!r}" for msgid, msgstr in problems)


def test_every_translation_keeps_the_leading_and_trailing_whitespace_of_its_source():
    problems = []
    for entry in catalogue():
        if entry.obsolete or not entry.msgid:
            continue
        targets = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for target in targets:
            if edges(target) != edges(entry.msgid):
                problems.append(entry.msgid)
    assert not problems, problems


def test_workflow_and_organisation_terms_follow_the_glossary():
    """The official Chinese term for each domain concept (../shared/docs/GLOSSARY.md)."""
    expected = {
        ("", "judge"): "研判",
        ("", "dispatch"): "派遣",
        ("", "accept"): "签收",
        ("", "return"): "回退",
        ("", "re-dispatch"): "改派",
        ("", "rework"): "返工",
        ("", "check"): "核查",
        ("", "close"): "办结",
        ("", "park"): "挂账",
        ("", "void"): "作废",
        ("", "escalate"): "督办",
        ("", "closed"): "已办结",
        ("", "urgent"): "紧急",
        ("urgency", "general"): "一般",
        ("", "multi-span"): "多跨",
        ("", "red butler"): "红管家",
        ("", "professional grid worker"): "专业网格员",
        ("", "part-time grid worker"): "兼职网格员",
        ("", "emergency response team"): "综合执法应急处突队伍",
        ("", "county social governance centre"): "县社会治理中心",
        ("", "the town command room"): "镇（街道）综合信息指挥室",
        ("", "enterprise liaison station"): "企业执法联络站",
        ("", "feedback form"): "处置反馈单",
        ("", "Collection form"): "民情收集单",
        ("", "legal reviewer"): "法制审核员",
        ("squad lawyer", "lawyer"): "驻队律师",
        ("", "tracking code"): "查询码",
    }
    found = translations(catalogue())
    wrong = {k: (found.get(k), v) for k, v in expected.items() if found.get(k, (None,))[0] != v}
    assert not wrong, wrong


def test_compiled_catalogue_holds_every_translation_of_the_po_file():
    assert MO_PATH.exists(), "run `civicloop compilemessages -l zh_Hans`"
    po = translations(catalogue())
    mo = translations(polib.mofile(str(MO_PATH)))
    stale = sorted(k for k in po if mo.get(k) != po[k])
    extra = sorted(set(mo) - set(po))
    assert not stale and not extra, (
        "django.mo is out of date: run `civicloop compilemessages -l zh_Hans`\n"
        f"differs or missing: {stale[:10]}\nonly in .mo: {extra[:10]}"
    )


def test_catalogue_has_exactly_the_strings_marked_for_translation_in_the_source(
    tmp_path, settings, monkeypatch
):
    """A new or changed source string without a translation fails here, as does a stale entry."""
    if shutil.which("xgettext") is None or shutil.which("msgmerge") is None:
        pytest.skip(
            "GNU gettext (xgettext, msgmerge) is not installed: "
            "cannot extract the source strings to compare with the catalogue"
        )
    copy = tmp_path / "civicloop"
    shutil.copytree(PACKAGE_DIR, copy, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    # Write only into the copy, never into the real package.
    settings.LOCALE_PATHS = [copy / "locale"]
    monkeypatch.chdir(copy)
    call_command(
        "makemessages",
        locale=["zh_Hans"],
        ignore_patterns=["testing/*", "*/tests/*"],
        no_obsolete=True,
        no_location=True,
        verbosity=0,
    )
    extracted = polib.pofile(str(copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    source = {key(e) for e in extracted if not e.obsolete and e.msgid}
    committed = {key(e) for e in catalogue() if not e.obsolete and e.msgid}
    assert source == committed, (
        "run `civicloop makemessages -l zh_Hans --no-obsolete --no-location -i 'testing/*' "
        "-i '*/tests/*'` in src/civicloop, translate, then compilemessages\n"
        f"new in the source: {sorted(source - committed)}\n"
        f"no longer in the source: {sorted(committed - source)}"
    )


def test_sign_in_page_speaks_chinese_to_a_chinese_browser(client, db):
    expected = translations(catalogue())[
        ("", "After repeated failed attempts, sign-in is locked for a while.")
    ][0]
    assert CJK.search(expected)
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert expected in page
    assert "Staff sign-in" not in page
    english = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "After repeated failed attempts, sign-in is locked for a while." in english


def test_work_queue_shows_chinese_navigation_and_headings(world, client):
    client.force_login(world.users["wuyuan_dispatcher"])
    page = client.get(reverse("events:queue"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    for text in ["我的待办", "登记事件", "通知", "退出登录"]:
        assert text in page, text
    assert "My queue" not in page
