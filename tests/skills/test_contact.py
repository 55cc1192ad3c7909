"""Spotting contact details in match messages: what must be caught (so a young person's contact
stays on the platform) and what must not (so ordinary arrangements are not held for staff)."""

import pytest

from forum.skills.contact import contact_details

PHONE, EMAIL, SOCIAL, LINK = ("a phone number", "an e-mail address",
                              "a social media name or app", "a link")

CAUGHT = [
    # UK mobiles and landlines, as people type them
    ("Text me on 07700 900123", PHONE),
    ("my number is 07700900123", PHONE),
    ("07700-900-123 after six", PHONE),
    ("ring 07700 900 123", PHONE),
    ("+44 7700 900123", PHONE),
    ("+447700900123", PHONE),
    ("+44 (0)7700 900123", PHONE),
    ("0044 7700 900123", PHONE),
    ("Home is 020 7946 0018", PHONE),
    ("(01632) 960 001 is the shop", PHONE),
    ("0161 496 0000", PHONE),
    ("call 0800 123 4567", PHONE),
    ("oh seven seven oh oh nine oh oh one two three", PHONE),
    # e-mail addresses, written out or disguised
    ("maya@example.org", EMAIL),
    ("Email me: sam.jones+lessons@mail.co.uk", EMAIL),
    ("sam at gmail dot com", EMAIL),
    ("name at gmail dot com", EMAIL),
    ("sam (at) gmail (dot) com", EMAIL),
    ("sam [at] gmail [dot] com", EMAIL),
    ("sam @ gmail . com", EMAIL),
    # social media handles and apps
    ("I'm @skater_boi", SOCIAL),
    ("add me on snap", SOCIAL),
    ("my snapchat is sam123", SOCIAL),
    ("my insta is sk8r_sam", SOCIAL),
    ("follow me on instagram", SOCIAL),
    ("whatsapp me", SOCIAL),
    ("find me on tiktok", SOCIAL),
    ("message me on discord", SOCIAL),
    # links, with and without a scheme
    ("https://example.org/lessons", LINK),
    ("see http://example.org", LINK),
    ("www.example.org", LINK),
    ("go to example.com", LINK),
    ("mysite.co.uk has my videos", LINK),
    ("bit.ly/abc123", LINK),
    ("check out youtube.com/watch", LINK),
    ("my lessons are at sam-music.net", LINK),
    ("Have a look at www.example.org", LINK),
]

ORDINARY = [
    # dates and times
    "See you on 12/03/2025 at 4pm",
    "See you on 10/03/2025 at 14:30",
    "Meet at 18:30 on Tuesday",
    "See you at 5.30",
    "Meet at the library at 10.30",
    "I am free 1-3pm",
    "Meet at the library on 14.03.2025",
    # rooms, prices, numbers and years
    "Room 204 on the second floor",
    "We meet in room 3.14",
    "It costs £12.50, or £1,250 for the year",
    "It is £15 per session",
    "I started playing in 2019",
    "Between 2019 and 2023 I played in a band",
    "the 2024/25 season",
    "The bus is the 25 or the 38",
    "Page 12, exercises 4 to 9",
    "I got 10/10 in my test",
    "Score was 3-2 at half time",
    "Chapter 3.2 of the book",
    "Version 2.0 of the app is out",
    "dial 999 in an emergency",
    # ordinary sentences
    "Bring your guitar and a notebook",
    "The session went really well, thanks!",
    "Call the library on Tuesday",
    "Meet outside the Co-op at 10am",
    "Mr. Smith said hello",
    "e.g. scales and chords",
    "I am at school. Can we meet later?",
    "I was at work. Sorry!",
    "See you at 6. Bring the music",
    "Meet us at St. Mary's church hall",
]


@pytest.mark.parametrize(("text", "kind"), CAUGHT)
def test_contact_details_are_caught_and_named(text, kind):
    assert kind in contact_details(text)


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_arrangements_are_not_mistaken_for_contact_details(text):
    assert contact_details(text) == []


def test_each_kind_found_is_named_once_in_order():
    text = "Call 07700 900123, email sam@example.org, I'm @sam_plays, or see www.example.org"
    assert contact_details(text) == [PHONE, EMAIL, SOCIAL, LINK]


def test_nothing_to_find_in_nothing():
    assert contact_details("") == [] and contact_details(None) == []
