"""``civicloop inspections draw|plan``: the pinned files in and out, bad lines, infeasible plans."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from civicloop.core.identifiers import credit_code_check_char


def uscc(n: int) -> str:
    first17 = f"91330424{n:09d}"
    return first17 + credit_code_check_char(first17)


SUBJECT_HEADER = "subject_id,uscc,name,industry,town_code,risk_grade,address"
INSPECTOR_HEADER = "inspector_id,dept_code,qualifications,conflicts,max_visits_per_day"
TASK_HEADER = (
    "task_id,dept_code,subject_id,item_codes,earliest,latest,inspectors_needed,qualification"
)


def subjects_csv(grades="AABBCCDD") -> str:
    lines = [SUBJECT_HEADER]
    for n, grade in enumerate(grades, start=1):
        lines.append(f"S{n},{uscc(n)},海盐企业{n},餐饮,330424001,{grade},武原街道{n}号")
    return "\n".join(lines) + "\n"


INSPECTORS = "\n".join(
    [
        INSPECTOR_HEADER,
        "I1,SCJ,食品;特种设备,S1,2",
        "I2,SCJ,食品,,2",
        "I3,XF,消防;食品,,2",
        "I4,XF,消防,S3,2",
        "I5,SCJ,食品,,2",
        "I6,XF,消防,S2;S5,2",
    ]
)

TASKS = "\n".join(
    [
        TASK_HEADER,
        "T1,SCJ,S1,SP-01;SP-02,2026-04-01,2026-04-30,2,食品",
        "T2,XF,S1,XF-01,2026-04-10,2026-05-10,2,消防",
        "T3,SCJ,S2,SP-01,2026-04-01,2026-04-05,2,食品",
        "T4,XF,S2,XF-02,2026-04-20,2026-04-25,1,消防",
    ]
)


@pytest.fixture
def files(tmp_path):
    def write(name, text):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return str(path)

    return write


def read_output(path):
    with open(path, encoding="utf-8", newline="") as fh:
        text = fh.read()
    assert not text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text)))


def run(*args):
    out = io.StringIO()
    call_command("inspections", *args, stdout=out)
    return out.getvalue()


def test_draw_writes_the_pinned_columns_and_prints_seed_hash_and_version(files, tmp_path):
    out = tmp_path / "draw.csv"
    args = [
        "draw",
        "--subjects",
        files("s.csv", subjects_csv()),
        "--inspectors",
        files("i.csv", INSPECTORS),
        "--ratio",
        "A=0.5,B=0.5",
        "--ratio",
        "D=1",
        "--seed",
        "2026-Q2",
        "--out",
        str(out),
    ]
    printed = run(*args)
    rows = read_output(out)
    assert rows[0] == ["subject_id", "stratum", "inspector_ids"]
    assert sorted(r[1] for r in rows[1:]) == ["A", "B", "D", "D"]
    for subject_id, _stratum, inspector_ids in rows[1:]:
        inspectors = inspector_ids.split(";")
        assert len(inspectors) == 2
        assert not (subject_id == "S1" and "I1" in inspectors)
    assert "随机种子 2026-Q2" in printed and "算法 civicloop-draw-1" in printed
    first = out.read_bytes()
    run(*args)
    assert out.read_bytes() == first


def test_plan_writes_the_pinned_columns_with_joint_visits(files, tmp_path):
    out = tmp_path / "visits.csv"
    printed = run(
        "plan",
        "--subjects",
        files("s.csv", subjects_csv()),
        "--tasks",
        files("t.csv", TASKS),
        "--inspectors",
        files("i.csv", INSPECTORS),
        "--out",
        str(out),
    )
    rows = read_output(out)
    assert rows[0] == ["visit_id", "date", "subject_id", "task_ids", "inspector_ids", "lead_dept"]
    visits = {r[3]: r for r in rows[1:]}
    assert set(visits) == {"T1;T2", "T3", "T4"}
    joint = visits["T1;T2"]
    assert "2026-04-10" <= joint[1] <= "2026-04-30" and joint[2] == "S1"
    assert "I1" not in joint[4].split(";") and joint[5] == "SCJ"
    assert "2026-04-01" <= visits["T3"][1] <= "2026-04-05"
    assert "I6" not in visits["T4"][4]
    assert "4 项任务合并为 3 次检查（下界 3" in printed


def test_plan_with_window_days_keeps_far_apart_tasks_separate(files, tmp_path):
    out = tmp_path / "visits.csv"
    run(
        "plan",
        "--subjects",
        files("s.csv", subjects_csv()),
        "--tasks",
        files("t.csv", TASKS),
        "--inspectors",
        files("i.csv", INSPECTORS),
        "--window-days",
        "5",
        "--out",
        str(out),
    )
    assert sorted(r[3] for r in read_output(out)[1:]) == ["T1", "T2", "T3", "T4"]


def test_bad_rows_are_reported_by_line_and_nothing_is_written(files, tmp_path):
    bad_check_digit = uscc(2)[:-1] + ("0" if uscc(2)[-1] != "0" else "1")
    subjects = "\n".join(
        [
            SUBJECT_HEADER,
            f"S1,{uscc(1)},甲,餐饮,330424001,A,",
            f"S2,{bad_check_digit},乙,餐饮,330424001,B,",
            f"S3,{uscc(3)},丙,餐饮,330424001,E,",
        ]
    )
    out = tmp_path / "draw.csv"
    with pytest.raises(CommandError) as caught:
        run(
            "draw",
            "--subjects",
            files("s.csv", subjects),
            "--inspectors",
            files("i.csv", INSPECTORS),
            "--ratio",
            "A=1",
            "--seed",
            "1",
            "--out",
            str(out),
        )
    message = str(caught.value)
    assert "第 3 行“uscc”列" in message and "第 4 行“risk_grade”列" in message
    assert "第 2 行" not in message
    assert not out.exists()


def test_bad_task_rows_name_their_line_unknown_subject_and_bad_date(files, tmp_path):
    tasks = "\n".join(
        [
            TASK_HEADER,
            "T1,SCJ,S1,SP-01,2026-04-01,2026-04-30,2,食品",
            "T2,SCJ,S99,SP-01,2026-04-01,2026-04-30,2,食品",
            "T3,SCJ,S1,SP-01,2026-04-31,2026-04-30,2,食品",
            "T4,SCJ,S1,SP-01,2026-04-10,2026-04-01,2,食品",
        ]
    )
    out = tmp_path / "visits.csv"
    with pytest.raises(CommandError) as caught:
        run(
            "plan",
            "--subjects",
            files("s.csv", subjects_csv()),
            "--tasks",
            files("t.csv", tasks),
            "--inspectors",
            files("i.csv", INSPECTORS),
            "--out",
            str(out),
        )
    message = str(caught.value)
    assert "第 3 行“subject_id”列" in message and "S99" in message
    assert "第 4 行“earliest”列" in message
    assert "第 5 行“latest”列" in message
    assert "第 2 行" not in message
    assert not out.exists()


def test_an_infeasible_plan_names_the_task_and_writes_nothing(files, tmp_path):
    tasks = TASKS + "\nT5,TZ,S3,TZ-01,2026-04-01,2026-04-30,2,特种设备"
    out = tmp_path / "visits.csv"
    with pytest.raises(CommandError) as caught:
        run(
            "plan",
            "--subjects",
            files("s.csv", subjects_csv()),
            "--tasks",
            files("t.csv", tasks),
            "--inspectors",
            files("i.csv", INSPECTORS),
            "--out",
            str(out),
        )
    assert "任务 T5" in str(caught.value) and "“特种设备”资格" in str(caught.value)
    assert not out.exists()


def test_a_ratio_that_is_not_a_grade_and_a_number_is_refused(files, tmp_path):
    with pytest.raises(CommandError):
        run(
            "draw",
            "--subjects",
            files("s.csv", subjects_csv()),
            "--inspectors",
            files("i.csv", INSPECTORS),
            "--ratio",
            "X=2",
            "--seed",
            "1",
            "--out",
            str(tmp_path / "d.csv"),
        )


def test_bad_inspector_rows_name_their_line(files, tmp_path):
    inspectors = "\n".join(
        [INSPECTOR_HEADER, "I1,SCJ,食品,,2", "I1,SCJ,食品,,2", "I3,SCJ,,,2", "I4,SCJ,食品,,两次"]
    )
    out = tmp_path / "draw.csv"
    with pytest.raises(CommandError) as caught:
        run(
            "draw",
            "--subjects",
            files("s.csv", subjects_csv()),
            "--inspectors",
            files("i.csv", inspectors),
            "--ratio",
            "A=1",
            "--seed",
            "1",
            "--out",
            str(out),
        )
    message = str(caught.value)
    assert "第 3 行“inspector_id”列" in message and "第 2 行使用" in message
    assert "第 4 行“qualifications”列" in message
    assert "第 5 行“max_visits_per_day”列" in message
    assert not out.exists()


def test_chinese_headers_are_read_too(files, tmp_path):
    subjects = subjects_csv().replace(
        SUBJECT_HEADER, "主体编号,统一社会信用代码,名称,行业,乡镇代码,风险等级,地址"
    )
    out = tmp_path / "draw.csv"
    run(
        "draw",
        "--subjects",
        files("s.csv", subjects),
        "--inspectors",
        files("i.csv", INSPECTORS),
        "--ratio",
        "D=1",
        "--seed",
        "1",
        "--out",
        str(out),
    )
    assert [r[:2] for r in read_output(out)[1:]] == [["S7", "D"], ["S8", "D"]]
