"""The consistency rules' judgements, case by case; the fault corpus runs them through both engines."""

from __future__ import annotations

import pytest

from cacdata.validation.consistency import ends_before, precision_reason, url_reason


@pytest.mark.parametrize(
    ("url", "fault"),
    [
        ("https://www.example.org/a?b=c#d", None),
        ("http://example.org", None),
        ("HTTPS://Example.org/", None),
        ("https:///etc/passwd", "no host"),
        ("https://:443/x", "no host"),
        ("file:///etc/passwd", "http or https"),
        ("javascript:alert(1)", "http or https"),
        ("ftp://example.org/", "http or https"),
        ("https://user:secret@example.org/", "user name or password"),
        ("https://user@example.org/", "user name or password"),
        ("http://localhost:8001/", "this machine"),
        ("http://127.0.0.1/", "this machine"),
        ("http://10.1.2.3/", "private network"),
        ("http://169.254.169.254/latest/meta-data/", "private network"),
        ("http://[::1]/", "this machine"),
        ("http://[::1/", "cannot be read"),
        ("https://8.8.8.8/", None),
    ],
)
def test_url_reason(url: str, fault: str | None) -> None:
    said = url_reason(url)
    assert (said is None) == (fault is None), said
    assert fault is None or fault in str(said)


@pytest.mark.parametrize(
    ("precision", "start", "end", "ok"),
    [
        ("day", "2021-03-18", "2021-03-18", True),
        ("day", "2021-03-18", "2021-03-19", False),
        ("day", "2021-03-18", "", False),
        ("month", "2021-03-01", "2021-03-31", True),
        ("month", "2021-03-05", "", False),
        ("month", "2021-03-01", "2021-04-01", False),
        ("year", "2021-01-01", "", True),
        ("year", "2021-02-01", "", False),
        ("range", "2021-01-01", "2021-02-01", True),
        ("range", "", "2021-02-01", False),
        ("not_after", "", "2021-03-18", True),
        ("not_after", "2021-03-01", "2021-03-18", False),
        ("unknown", "", "", True),
        ("unknown", "", "2021-01-01", False),
        ("day", "2021-3-18", "2021-03-18", True),  # a malformed date is a date-format failure, not this one
        ("someday", "2021-03-18", "", True),  # an unknown precision is an enum failure, not this one
    ],
)
def test_precision_reason(precision: str, start: str, end: str, ok: bool) -> None:
    assert (precision_reason(precision, start, end) is None) == ok


def test_a_part_may_come_after_but_never_before_the_whole() -> None:
    launch = ("2025-04-30", "2025-04-30")  # a campaign dated by its launch
    assert not ends_before(("2025-06-20", "2025-06-20"), launch)
    assert ends_before(("2025-04-01", "2025-04-29"), launch)
    assert not ends_before(("2025-04-01", ""), launch)  # an unknown end is open
    assert not ends_before(("2025-04-01", "2025-04-29"), ("", "2025-04-30"))  # so is an unknown start
