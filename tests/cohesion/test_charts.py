"""Charts: accessible SVG images that escape what people typed."""

import xml.etree.ElementTree as ET
from datetime import date

from forum.cohesion import charts
from forum.cohesion.stats import Share

SVG = "{http://www.w3.org/2000/svg}"


def _parse(svg):
    return ET.fromstring(str(svg))


def test_bar_chart_is_a_titled_described_image():
    root = _parse(charts.share_bars("c1", "Belonging", "Shares by ward",
                                    [Share.of("Riverside", 20, 15)]))
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "c1-title c1-desc"
    assert root.find(f"{SVG}title").text == "Belonging"
    assert root.find(f"{SVG}title").get("id") == "c1-title"
    assert root.find(f"{SVG}desc").get("id") == "c1-desc"
    texts = [element.text for element in root.iter(f"{SVG}text")]
    assert "Riverside" in texts and "75% (53%–89%)" in texts


def test_suppressed_group_is_drawn_hatched_and_labelled():
    root = _parse(charts.share_bars("c2", "t", "d", [Share.of("Small", 9, 9)]))
    texts = [element.text for element in root.iter(f"{SVG}text")]
    assert "too few to report" in texts
    assert any(rect.get("fill") == "url(#c2-hatch)" for rect in root.iter(f"{SVG}rect"))


def test_labels_are_escaped():
    ward = "<script>alert(1)</script>"
    bars = str(charts.share_bars("c3", ward, ward, [Share.of(ward, 12, 6)]))
    lines = str(charts.small_multiples("c4", ward, ward, [date(2026, 1, 1)], [(ward, [3])]))
    for svg in (bars, lines):
        assert "<script>" not in svg
        assert "&lt;script&gt;" in svg
        _parse(svg)  # still well-formed


def test_small_multiples_label_each_panel_and_its_last_value():
    root = _parse(charts.small_multiples(
        "c5", "Activity", "desc", [date(2026, 1, 1), date(2026, 2, 1)],
        [("Posts", [2, 5]), ("Events held", [0, 0])]))
    texts = [element.text for element in root.iter(f"{SVG}text")]
    assert {"Posts", "Events held", "5", "Jan 2026", "Feb 2026"} <= set(texts)
    assert len(list(root.iter(f"{SVG}polyline"))) == 2
