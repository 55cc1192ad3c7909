"""The overview finds every kind's first few matches in one pass: the same as each kind's own
pages would show, best first, with the same counts."""

from forum.search import services


def test_the_overview_agrees_with_each_kinds_own_pages(topic, reply):
    threads = [topic(f"Hedgehog sighting {number}", "A hedgehog in the garden at dusk.")
               for number in range(7)]
    for number in range(9):
        reply(threads[number % 3], "Hedgehog hedgehog, " + "and more " * number)
    overview = {group.kind: group for group in services.search("hedgehog", None).groups}
    for kind in ("topic", "post"):
        (own,) = services.search("hedgehog", None, kind=kind).groups
        assert overview[kind].total == own.total
        assert [hit["id"] for hit in overview[kind].hits] == \
            [hit["id"] for hit in own.hits][:services.PREVIEW]


def test_the_overview_leaves_out_kinds_without_matches_and_honours_filters(topic, reply,
                                                                          places):
    riverside = topic("Otters by the weir", "Two otters seen.", board=places.riverside)
    reply(riverside, "Otters again this morning")
    topic("Otters in the park pond?", "Surely not.", board=places.parks)
    results = services.search("otters", None, board="ward-riverside")
    assert [(group.kind, group.total) for group in results.groups] == [("topic", 1),
                                                                         ("post", 1)]
    assert [(group.kind, group.total) for group in
            services.search("otters", None, board="parks-and-gardens").groups] == [("topic", 1)]
