"""The binding's own messages quote what the user gave as the library
quotes it (ql_text_quote): a key, a type's name or a value of 120 × 企
(360 bytes) with a character that must be escaped gives a message that is
valid UTF-8, bounded, and still names the thing, cut at a character with
its length.  The C side formatted '%.200s' and '%.127s', which cut inside
a character: the message held half a 企, which Python kept as a
surrogate, and printing the error raised UnicodeEncodeError."""
import os

import pytest

import quotalevy

SRC = os.path.abspath(os.environ.get("QL_SOURCE_DIR",
                                    os.path.join(os.path.dirname(__file__), "..", "..", "..")))

LONG = "企" * 120 + "\x7f"
CUT = "'" + "企" * 50 + "…' (121 characters)"


def valid(text):
    """text is valid UTF-8 (no surrogate of a cut character) and bounded."""
    text.encode("utf-8")  # raises on a surrogate
    assert len(text.encode("utf-8")) < 1024, text
    assert "\x7f" not in text
    return text


@pytest.fixture(scope="module")
def de():
    return quotalevy.RuleSet.load(os.path.join(SRC, "rules", "de", "sgb9.yaml"))


def de_record():
    return {"positions": ["121"] * 12, "severely_disabled": ["3"] * 12}


def test_a_long_key_past_a_list_is_quoted_whole_characters(de):
    rec = dict(de_record(), **{"positions[" + LONG + "]": "1"})
    with pytest.raises(quotalevy.RecordError) as e:
        de.evaluate(rec, "2024-12-31")
    msg = valid(str(e.value))
    assert "has no input called '" in msg, msg
    assert "(132 characters)" in msg, msg
    valid(e.value.field)
    got = list(de.evaluate_many([rec], "2024-12-31", errors="yield"))
    assert "(132 characters)" in valid(str(got[0]))


def test_a_long_key_refused_by_extra_error_is_quoted(de):
    with pytest.raises(quotalevy.RecordError) as e:
        de.evaluate(dict(de_record(), **{LONG: "1"}), "2024-12-31", extra="error")
    msg = valid(str(e.value))
    assert "has no input called " + CUT in msg, msg


def test_a_type_with_a_long_name_is_named_valid(de):
    odd = type(LONG, (), {})
    with pytest.raises(TypeError) as e:
        de.evaluate(dict(de_record(), workshop_labour=odd()), "2024-12-31")
    msg = valid(str(e.value))
    assert "or None, not " + "企" * 50 + "…" in msg, msg


def test_a_long_value_is_quoted_by_the_library(de):
    with pytest.raises(quotalevy.RecordError) as e:
        de.evaluate(dict(de_record(), workshop_labour=LONG), "2024-12-31")
    assert CUT in valid(str(e.value))
