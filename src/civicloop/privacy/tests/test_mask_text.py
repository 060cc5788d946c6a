from civicloop.privacy.masking import mask_text


def test_phone_and_id_numbers_inside_text_are_masked():
    text = "已联系当事人（电话13812345678，身份证330424199001011234），座机0573-86123456。"
    masked = mask_text(text)
    assert "13812345678" not in masked and "138****5678" in masked
    assert "330424199001011234" not in masked and "330424********1234" in masked
    assert "86123456" not in masked


def test_names_the_caller_knows_are_masked_and_other_text_is_kept():
    masked = mask_text("已告知反映人王小明，摊位已清理。", names=["王小明", ""])
    assert masked == "已告知反映人王**，摊位已清理。"


def test_numbers_that_are_not_personal_data_are_kept():
    assert mask_text("清理摊位3处，面积约6平方米，编号E2026030100042") == (
        "清理摊位3处，面积约6平方米，编号E2026030100042"
    )
