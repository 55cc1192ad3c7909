"""Reading labelled CSVs, the metrics, and `flask moderation evaluate`."""

import json

import pytest

from forum.moderation.commands import moderation_group
from forum.moderation.evaluate import LabelError, metrics, parse_label, read_labelled


@pytest.mark.parametrize("value", ["hateful", "hate", "HATE", "1", "true", "True", "yes",
                                   "hate_speech"])
def test_hateful_labels(value):
    assert parse_label(value) is True


@pytest.mark.parametrize("value", ["non-hateful", "not hateful", "noHate", "nothate", "0",
                                   "false", "no", "neither", "Non_Hateful"])
def test_not_hateful_labels(value):
    assert parse_label(value) is False


def test_unknown_label_is_an_error():
    with pytest.raises(LabelError):
        parse_label("maybe")


def test_metrics_for_the_hateful_class():
    # 3 hateful: 2 found, 1 missed; 5 not hateful: 1 flagged wrongly.
    pairs = [(True, True), (True, True), (True, False),
             (False, True), (False, False), (False, False), (False, False), (False, False)]
    m = metrics(pairs)
    assert (m["tp"], m["fn"], m["fp"], m["tn"]) == (2, 1, 1, 4)
    assert m["accuracy"] == pytest.approx(6 / 8)
    assert m["precision"] == pytest.approx(2 / 3)
    assert m["recall"] == pytest.approx(2 / 3)
    assert m["f1"] == pytest.approx(2 / 3)
    assert m["balanced_accuracy"] == pytest.approx((2 / 3 + 4 / 5) / 2)
    assert m["false_positive_rate"] == pytest.approx(1 / 5)


@pytest.fixture
def labelled_csv(tmp_path):
    path = tmp_path / "labelled.csv"
    path.write_text(
        "comment,verdict,target\n"
        "Muslims are vermin.,hate,muslims\n"
        "Kill all the gypsies.,hate,grt\n"
        "Travellers are not criminals.,noHate,grt\n"
        "Lovely weather for the fete.,noHate,none\n"
        "\"Gypsies, a lovely family, moved in.\",noHate,grt\n",
        encoding="utf-8",
    )
    return path


def test_read_labelled_with_named_columns(labelled_csv):
    rows = read_labelled(labelled_csv, "comment", "verdict", "target")
    assert [(row.hateful, row.group) for row in rows] == [
        (True, "muslims"), (True, "grt"), (False, "grt"), (False, "none"), (False, "grt")]


def test_read_labelled_names_a_missing_column(labelled_csv):
    with pytest.raises(KeyError, match="text"):
        read_labelled(labelled_csv)


def test_evaluate_command_prints_metrics_and_a_group_table(app, labelled_csv):
    result = app.test_cli_runner().invoke(moderation_group, [
        "evaluate", str(labelled_csv), "--text-column", "comment", "--label-column", "verdict",
        "--group-column", "target"])
    assert result.exit_code == 0, result.output
    for line in ("accuracy:          1.000", "balanced accuracy: 1.000",
                 "precision:         1.000", "recall:            1.000", "F1:                1.000",
                 "texts/s"):
        assert line in result.output
    table = result.output.split("group", 1)[1]
    assert "grt" in table and "muslims" in table and "none" in table


def test_evaluate_command_json(app, labelled_csv):
    result = app.test_cli_runner().invoke(moderation_group, [
        "evaluate", str(labelled_csv), "--text-column", "comment", "--label-column", "verdict",
        "--group-column", "target", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["overall"]["n"] == 5
    assert report["overall"]["f1"] == 1.0
    assert report["groups"]["grt"]["n"] == 3
    assert report["texts_per_second"] > 0
    assert "predictions" not in report


def test_evaluate_command_explains_bad_input(app, labelled_csv, tmp_path):
    runner = app.test_cli_runner()
    result = runner.invoke(moderation_group, ["evaluate", str(labelled_csv)])
    assert result.exit_code != 0
    assert "no column 'text'" in result.output
    odd = tmp_path / "odd.csv"
    odd.write_text("text,label\nhello,perhaps\n", encoding="utf-8")
    result = runner.invoke(moderation_group, ["evaluate", str(odd)])
    assert result.exit_code != 0
    assert "line 2" in result.output and "perhaps" in result.output
