"""The model itself on a small fixture: it learns, its predictions have the promised
shape, it is deterministic, and cross-validation reports what the docs quote."""

from __future__ import annotations

import numpy as np
import pytest

from civicloop.core.text import message_text
from civicloop.router import learning, text
from civicloop.router.learning import Corpus, TrainingError

from .conftest import NEW_TEXTS, SMALL


def corpus() -> Corpus:
    return Corpus(
        [message_text(t, b) for t, b, _label in SMALL], [label for _t, _b, label in SMALL]
    )


def test_a_model_trained_on_a_few_dozen_texts_predicts_their_labels():
    model = learning.fit(learning.BEST, corpus())
    predictions = learning.predict(model, list(NEW_TEXTS.values()))
    assert [p.label for p in predictions] == list(NEW_TEXTS)


def test_a_prediction_has_a_label_a_confidence_and_ranked_alternatives():
    model = learning.fit(learning.BEST, corpus())
    labels = set(corpus().labels)
    for prediction in learning.predict(model, list(NEW_TEXTS.values()), top=3):
        assert prediction.label in labels
        assert 0 <= prediction.confidence <= 1
        assert len(prediction.alternatives) == 2
        ranked = [prediction.confidence] + [c for _label, c in prediction.alternatives]
        assert ranked == sorted(ranked, reverse=True)
        assert {label for label, _c in prediction.alternatives} == labels - {prediction.label}
        assert sum(ranked) == pytest.approx(1, abs=0.01)


def test_training_twice_gives_the_same_model():
    texts = list(NEW_TEXTS.values())
    first = learning.fit(learning.BEST, corpus()).predict_proba(texts)
    second = learning.fit(learning.BEST, corpus()).predict_proba(texts)
    assert np.array_equal(first, second)


def test_the_baseline_recipe_also_trains_and_predicts():
    model = learning.fit(learning.BASELINE, corpus())
    assert len(learning.predict(model, ["出租车乱收费"])) == 1


def test_taxonomy_texts_only_add_to_labels_the_data_has():
    weak = Corpus(["大气污染：废气、扬尘", "教育：学校、幼儿园"], ["环境保护", "教育文体"])
    model = learning.fit(learning.BEST, corpus(), weak=weak)
    assert set(model.classes_) == {"环境保护", "交通运输", "城乡建设"}


def test_cross_validation_reports_accuracy_macro_f1_and_every_label():
    metrics = learning.cross_validate(learning.BEST, corpus(), folds=3)
    assert metrics["folds"] == 3 and metrics["n"] == len(SMALL)
    assert 0 <= metrics["accuracy"] <= 1 and 0 <= metrics["macro_f1"] <= 1
    assert set(metrics["per_label"]) == {"环境保护", "交通运输", "城乡建设"}
    assert set(metrics["per_label"]["环境保护"]) == {"precision", "recall", "f1", "support"}
    assert np.array(metrics["confusion"]).sum() == len(SMALL)
    assert metrics["accuracy"] > 0.6  # well above the 1/3 of guessing


def test_labels_with_very_few_texts_still_train_and_cross_validate():
    few = Corpus(
        ["噪声扰民", "废气污染", "污水直排", "出租车乱收费", "公交太少", "道路坑洼", "物业乱收费"],
        ["环境保护"] * 3 + ["交通运输"] * 3 + ["城乡建设"],
    )
    model = learning.fit(learning.BEST, few)
    assert set(model.classes_) == {"环境保护", "交通运输", "城乡建设"}
    three = few.subset(range(6))
    assert learning.cross_validate(learning.BEST, three, folds=3)["n"] == 6


def test_training_needs_two_labels():
    one = Corpus(["噪声扰民", "废气污染", "污水直排", "粉尘污染"], ["环境保护"] * 4)
    with pytest.raises(TrainingError):
        learning.fit(learning.BEST, one)


def test_words_leave_out_punctuation_numbers_and_anonymised_places():
    words = text.words(message_text("A3区小区物业乱收费！", "停车费从200元涨到500元。"))
    assert "！" not in words and "。" not in words
    assert not any(w.startswith("a3") for w in words)
    assert "物业" in words and "<num>" in words


def test_subject_and_details_make_one_text_without_repeating_the_subject():
    assert message_text("停水", "停水三天了") == "停水三天了"
    assert message_text("小区停水", "\n\t三天了_x000D_\n ") == "小区停水。三天了"


def test_jieba_keeps_its_cache_under_var_dir(settings, monkeypatch):
    monkeypatch.setattr(text, "_tokenizer", None)
    text._words.cache_clear()
    text.words("小区物业乱收停车费")
    tokenizer = text._tokenizer
    assert tokenizer.cache_file.startswith(str(settings.VAR_DIR))
    assert (settings.VAR_DIR / "router" / "jieba.cache").exists()
