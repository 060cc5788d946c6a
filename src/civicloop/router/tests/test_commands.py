"""`civicloop router train | classify | evaluate | status`: files in, files out,
bad input refused with a clear message, exit status 1 and nothing written."""

from __future__ import annotations

import csv
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from civicloop.cli import main
from civicloop.events import services as event_services
from civicloop.events.choices import Span, Urgency
from civicloop.router import services
from civicloop.router.choices import ModelSource
from civicloop.router.learning import TrainingError
from civicloop.router.models import RouterModel
from civicloop.testing.journeys import report

from .conftest import COLUMNS, SMALL, small_rows, write_csv

LABELS = {"环境保护", "交通运输", "城乡建设"}


def read_output(path) -> list[dict]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def run(*args) -> int:
    """The command as a person runs it; its exit status."""
    try:
        main(["civicloop", "router", "--language", "en", *map(str, args)])
    except SystemExit as exc:
        return exc.code
    return 0


# Transactional: the `civicloop` entry point closes the database connections when it ends.
def test_training_from_a_csv_file_records_the_model_with_its_metadata(
    transactional_db, small_csv, capsys
):
    assert run("train", "--csv", small_csv, "--folds", "3") == 0
    model = RouterModel.objects.get()
    assert model.source == ModelSource.CSV and model.source_detail == "csv:small.csv"
    assert model.labels == sorted(LABELS) and model.n_samples == len(SMALL)
    assert model.trained_at is not None and model.is_active
    assert {"accuracy", "macro_f1", "per_label", "confusion"} <= set(model.metrics)
    assert model.get_training_data()["labels"][0] == SMALL[0][2]
    assert services.active_model() == model
    out = capsys.readouterr().out
    assert "macro-F1" in out and "环境保护" in out


def test_classify_keeps_the_message_ids_and_ignores_other_columns(small_model, tmp_path):
    rows = [
        {
            "留言编号": "7",
            "留言用户": "A1",
            "留言主题": "出租车不打表",
            "留言详情": "出租车司机拒载乱收费",
            "其他": "x",
        },
        {
            "留言编号": "9",
            "留言用户": "A2",
            "留言主题": "工厂排放废气",
            "留言详情": "烟囱冒黑烟，污染空气",
            "其他": "y",
        },
    ]
    source = write_csv(tmp_path / "in.csv", rows)
    target = tmp_path / "out.csv"
    assert run("classify", "--in", source, "--out", target, "--model", small_model.version) == 0
    assert target.read_bytes().startswith(
        "留言编号,predicted".encode()
    )  # UTF-8 like the input, no BOM
    output = read_output(target)
    assert list(output[0]) == [
        "留言编号",
        "predicted",
        "confidence",
        "department",
        "department_name",
        "category",
        "category_name",
    ]
    assert [r["留言编号"] for r in output] == ["7", "9"]
    assert [r["predicted"] for r in output] == ["交通运输", "环境保护"]
    assert all(0 <= float(r["confidence"]) <= 1 for r in output)
    assert [r["department"] for r in output] == ["dept-jtys", "dept-sthj"]
    assert output[0]["department_name"] == "县交通运输局"


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030"])
def test_classify_reads_utf8_with_or_without_bom_and_gb18030(small_model, tmp_path, encoding):
    source = write_csv(tmp_path / "in.csv", small_rows()[:5], columns=COLUMNS, encoding=encoding)
    target = tmp_path / "out.csv"
    services.classify_file(source, target, model=small_model)
    output = read_output(target)
    assert [r["留言编号"] for r in output] == [r["留言编号"] for r in small_rows()[:5]]
    assert {r["predicted"] for r in output} <= LABELS


def test_classify_can_write_a_bom_for_excel(small_model, tmp_path):
    target = tmp_path / "out.csv"
    assert (
        run(
            "classify",
            "--in",
            write_csv(tmp_path / "in.csv", small_rows()[:2], columns=COLUMNS),
            "--out",
            target,
            "--model",
            small_model.version,
            "--bom",
        )
        == 0
    )
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")


def test_classify_without_an_id_column_writes_the_predictions_only(small_model, tmp_path):
    source = write_csv(
        tmp_path / "in.csv", [{"留言主题": "道路坑洼", "留言详情": "乡道路面坑洼，请求维修"}]
    )
    target = tmp_path / "out.csv"
    services.classify_file(source, target, model=small_model)
    assert list(read_output(target)[0]) == [
        "predicted",
        "confidence",
        "department",
        "department_name",
        "category",
        "category_name",
    ]


BAD_INPUTS = {
    "missing column": ("留言编号,留言主题\n1,噪声扰民\n".encode(), "lacks the column(s) 留言详情"),
    "empty file": (b"", "is empty"),
    "header only": ("留言主题,留言详情\n".encode(), "has no rows"),
    "unreadable encoding": (
        "留言主题,留言详情\n噪声,扰民".encode() + b"\xff\xfe\x80\n",
        "neither UTF-8 nor GB18030",
    ),
    "UTF-16 text": ("留言主题,留言详情\n噪声,扰民\n".encode("utf-16"), "neither UTF-8 nor GB18030"),
    "a workbook, not CSV": (
        b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00",
        "not a CSV text file",
    ),
}


# Transactional: the `civicloop` entry point closes the database connections when it ends.
@pytest.mark.parametrize("case", BAD_INPUTS)
def test_bad_csv_input_is_refused_with_a_clear_message_and_nothing_written(
    transactional_db, tmp_path, capsys, case
):
    content, message = BAD_INPUTS[case]
    source = tmp_path / "in.csv"
    source.write_bytes(content)
    target = tmp_path / "out.csv"
    assert run("classify", "--in", source, "--out", target) == 1
    assert message in capsys.readouterr().err
    assert not target.exists()
    assert list(tmp_path.iterdir()) == [source]
    assert not RouterModel.objects.exists()  # refused before any model was loaded


def test_a_missing_input_file_is_refused(db, tmp_path, capsys):
    assert run("classify", "--in", tmp_path / "nope.csv", "--out", tmp_path / "out.csv") == 1
    assert "Cannot read" in capsys.readouterr().err


# Transactional: the `civicloop` entry point closes the database connections when it ends.
def test_training_from_a_csv_without_labels_is_refused(transactional_db, tmp_path, capsys):
    source = write_csv(tmp_path / "in.csv", [{"留言主题": "噪声", "留言详情": "扰民"}])
    assert run("train", "--csv", source) == 1
    assert "一级分类" in capsys.readouterr().err
    assert not RouterModel.objects.exists()


def test_evaluate_prints_cross_validated_accuracy_macro_f1_and_each_label(db, small_csv, capsys):
    call_command(
        "router",
        "evaluate",
        "--csv",
        str(small_csv),
        "--folds",
        "3",
        "--repeat",
        "1",
        "--baseline",
        language="en",
    )
    out = capsys.readouterr().out
    assert "3-fold cross-validation" in out and "accuracy" in out and "macro-F1" in out
    assert out.count("baseline") == 1
    for label in LABELS:
        assert label in out


def test_evaluate_can_average_shuffles_of_the_folds(db, small_csv, capsys):
    call_command(
        "router", "evaluate", "--csv", str(small_csv), "--folds", "3", "--repeat", "2",
        language="en",
    )  # fmt: skip
    out = capsys.readouterr().out
    assert "Mean of 2 shuffles of the folds: accuracy" in out
    mean = re.search(r"accuracy (0\.\d{3}) \((0\.\d{3}) / (0\.\d{3})\)", out)
    assert mean and float(mean.group(1)) == pytest.approx(
        (float(mean.group(2)) + float(mean.group(3))) / 2, abs=0.001
    )


def judged(world, description, *, intake, final):
    event = report(world, description=description, category=intake)
    event_services.judge_event(
        event,
        by=world.wuyuan_dispatcher,
        urgency=Urgency.GENERAL,
        span=Span.SINGLE,
        reason="研判",
        category=final,
    )
    return event


def test_training_from_the_database_learns_the_dispatchers_final_category(
    world, mapped, monkeypatch
):
    monkeypatch.setattr(services, "HISTORY_ALONE", 6)
    # Reported as street vending; the dispatcher judged them otherwise.
    for title, body, label in SMALL:
        final = {"环境保护": mapped["pollution"], "交通运输": mapped["transport"]}.get(label)
        if final:
            judged(world, f"{title}，{body}", intake=world.street_vending, final=final)
    report(world, description="未研判的事件不参与训练")  # collected, not judged
    corpus, _weak, _detail, n_history, n_starter = services.county_training_set()
    assert n_history == 24 and n_starter == 0
    assert set(corpus.labels) == {"pollution", "transport"}
    result = services.train_from_history(folds=3)
    model = result.model
    assert model.source == ModelSource.COUNTY_HISTORY
    assert model.labels == ["pollution", "transport"]
    assert services.active_model() == model
    assert services.predict_texts(model, ["出租车乱收费不打表"])[0].label == "transport"


def test_with_little_history_the_starter_messages_are_added(world, mapped):
    judged(world, "夜间工地噪声扰民", intake=None, final=mapped["pollution"])
    corpus, weak, detail, n_history, n_starter = services.county_training_set()
    assert (n_history, n_starter) == (1, 347)
    assert corpus.texts[0] == "夜间工地噪声扰民" and corpus.weights[0] == services.HISTORY_WEIGHT
    # Starter classes take their category where the mapping names one, else keep their name.
    assert {"pollution", "transport", "market-order", "health", "城乡建设", "教育文体"} <= set(
        corpus.labels
    )
    assert "环境保护" not in corpus.labels and "环境保护" not in weak.labels


def test_training_from_the_database_without_judged_events_is_refused(world, capsys):
    report(world)
    with pytest.raises(TrainingError):
        services.county_training_set()
    assert run("train") == 1
    assert "No judged event" in capsys.readouterr().err


def test_status_lists_the_models_and_the_one_in_use(small_model, capsys):
    call_command("router", "status", language="en")
    out = capsys.readouterr().out
    assert small_model.version in out and "*" in out


def test_an_unknown_model_version_is_refused(small_csv, db, tmp_path, capsys):
    assert run("classify", "--in", small_csv, "--out", tmp_path / "out.csv", "--model", "nope") == 1
    assert "no routing model" in capsys.readouterr().err
    assert not (tmp_path / "out.csv").exists()


def test_call_command_raises_command_error_for_bad_input(db, tmp_path):
    source = tmp_path / "in.csv"
    source.write_bytes(b"")
    with pytest.raises(CommandError):
        call_command("router", "classify", "--in", str(source), "--out", str(tmp_path / "out.csv"))
