"""Measure the detector against a labelled CSV: accuracy, precision, recall, F1, per group.

Plain functions, so that the `flask moderation evaluate` command, the tests and the benchmark
share them:

    rows = read_labelled(path, text_column="text", label_column="label", group_column=None)
    report = evaluate(rows)            # {"overall": {...}, "groups": {...}, "texts_per_second": …}
    print(format_report(report))
"""

import csv
import time
from collections import defaultdict
from dataclasses import dataclass

from forum.moderation.detector import assess, is_hateful

_HATEFUL = {"hateful", "hate", "hate_speech", "hatespeech", "1", "true", "yes", "y", "t",
            "abusive", "offensive_hate", "positive", "pos"}
_NOT_HATEFUL = {"non-hateful", "nonhateful", "not hateful", "not_hateful", "nothate", "not_hate",
                "nohate", "no hate", "non-hate", "none", "0", "false", "no", "n", "f", "neither",
                "normal", "negative", "neg", "clean", "ok", "non_hateful", "not-hateful"}


class LabelError(ValueError):
    """A label that is neither clearly hateful nor clearly not."""


def parse_label(value):
    """True for a hateful label ("hateful", "hate", "1", "true"…), False for a clean one."""
    key = str(value).strip().lower()
    if key in _HATEFUL:
        return True
    if key in _NOT_HATEFUL:
        return False
    compact = key.replace(" ", "").replace("-", "").replace("_", "")
    if compact in {"nonhateful", "nothateful", "nohate", "nothate", "nonhate"}:
        return False
    if compact in {"hateful", "hate", "hatespeech"}:
        return True
    raise LabelError(f"Don't know whether the label {value!r} means hateful or not.")


@dataclass(frozen=True)
class Row:
    text: str
    hateful: bool
    group: str = ""


def read_labelled(path, text_column="text", label_column="label", group_column=None):
    """Rows of a labelled CSV. Raises KeyError naming a missing column, LabelError for an
    unknown label (with its line number)."""
    rows = []
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        columns = reader.fieldnames or []
        for needed in filter(None, (text_column, label_column, group_column)):
            if needed not in columns:
                raise KeyError(f"{path} has no column {needed!r} (it has: {', '.join(columns)})")
        for line, record in enumerate(reader, start=2):
            try:
                hateful = parse_label(record[label_column])
            except LabelError as error:
                raise LabelError(f"line {line}: {error}") from None
            group = (record.get(group_column) or "").strip() if group_column else ""
            rows.append(Row(record[text_column] or "", hateful, group))
    return rows


def metrics(pairs):
    """Scores for the hateful class from (actual, predicted) pairs of booleans."""
    tp = fp = tn = fn = 0
    for actual, predicted in pairs:
        if actual and predicted:
            tp += 1
        elif actual:
            fn += 1
        elif predicted:
            fp += 1
        else:
            tn += 1
    total = tp + fp + tn + fn
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    specificity = tn / (tn + fp) if tn + fp else 0.0
    if tp + fn and tn + fp:
        balanced = (recall + specificity) / 2
    else:  # only one class present: balanced accuracy is the accuracy on that class
        balanced = recall if tp + fn else specificity
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "n": total, "hateful": tp + fn, "tp": tp, "fp": fp, "tn": tn, "fn": fn,
        "accuracy": (tp + tn) / total if total else 0.0,
        "balanced_accuracy": balanced, "precision": precision, "recall": recall, "f1": f1,
        "false_positive_rate": fp / (fp + tn) if fp + tn else 0.0,
    }


def evaluate(rows, detector=assess, context=None):
    """Run the detector over rows; overall and per-group metrics, and texts per second."""
    predictions = []
    started = time.perf_counter()
    for row in rows:
        predictions.append(is_hateful(detector(row.text, context)))
    elapsed = time.perf_counter() - started
    pairs = [(row.hateful, predicted) for row, predicted in zip(rows, predictions, strict=True)]
    by_group = defaultdict(list)
    for row, pair in zip(rows, pairs, strict=True):
        if row.group:
            by_group[row.group].append(pair)
    return {
        "overall": metrics(pairs),
        "groups": {group: metrics(group_pairs) for group, group_pairs in sorted(by_group.items())},
        "texts_per_second": len(rows) / elapsed if elapsed else 0.0,
        "seconds": elapsed,
        "predictions": predictions,
    }


def format_report(report, title=""):
    """The report as the command prints it: the overall figures, then a table by group."""
    overall = report["overall"]
    lines = [title] if title else []
    lines += [
        f"texts: {overall['n']:,} ({overall['hateful']:,} labelled hateful)",
        f"accuracy:          {overall['accuracy']:.3f}",
        f"balanced accuracy: {overall['balanced_accuracy']:.3f}",
        f"precision:         {overall['precision']:.3f}  (hateful class)",
        f"recall:            {overall['recall']:.3f}",
        f"F1:                {overall['f1']:.3f}",
        f"false positives:   {overall['fp']:,} of {overall['fp'] + overall['tn']:,} "
        f"not hateful ({overall['false_positive_rate']:.1%})",
        f"speed:             {report['texts_per_second']:,.0f} texts/s",
    ]
    if report["groups"]:
        width = max(12, *(len(group) for group in report["groups"]))
        lines.append("")
        lines.append(f"{'group':<{width}} {'n':>6} {'hateful':>8} {'acc':>6} {'prec':>6} "
                     f"{'recall':>6} {'F1':>6} {'FPR':>6}")
        for group, m in report["groups"].items():
            lines.append(f"{group:<{width}} {m['n']:>6} {m['hateful']:>8} {m['accuracy']:>6.3f} "
                         f"{m['precision']:>6.3f} {m['recall']:>6.3f} {m['f1']:>6.3f} "
                         f"{m['false_positive_rate']:>6.3f}")
    return "\n".join(lines)


def as_json(report):
    """The report without the per-row predictions, for --json."""
    return {key: value for key, value in report.items() if key != "predictions"}
