from hypothesis import given, settings
from hypothesis import strategies as st

from messaging.policy import check, split_attachment_lines

_TRICKY = st.sampled_from(
    ["@", ".", " at ", " dot ", "[.]", "(at)", "\u200b", "\u200d", "５", "о", "seven ", "1", "-"]
)
_TEXT = st.lists(st.one_of(st.text(max_size=20), _TRICKY), max_size=30).map("".join)


@settings(max_examples=300, deadline=None)
@given(text=_TEXT, filenames=st.lists(_TEXT, max_size=3))
def test_check_never_raises_and_spans_stay_within_their_source(text, filenames):
    verdict = check(text, filenames=filenames)

    for finding in verdict.findings:
        source = text if finding.source == "body" else filenames[int(finding.source[9:])]
        assert 0 <= finding.start < finding.end <= len(source)
        assert finding.reason


@settings(max_examples=200, deadline=None)
@given(text=_TEXT)
def test_check_is_deterministic(text):
    assert check(text) == check(text)


@settings(max_examples=200, deadline=None)
@given(text=_TEXT)
def test_verdict_is_block_exactly_when_there_are_findings(text):
    verdict = check(text)

    assert verdict.is_blocked is bool(verdict.findings)
    assert verdict.categories == tuple(sorted({f.category for f in verdict.findings}))


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=200))
def test_split_attachment_lines_never_raises(text):
    body, names = split_attachment_lines(text)

    assert isinstance(body, str)
    assert all(isinstance(name, str) for name in names)


def test_split_attachment_lines_strips_trailing_attachment_lines():
    assert split_attachment_lines("Photos:\n[attachment: a.zip]\n[attachment: b c.pdf]") == (
        "Photos:",
        ["a.zip", "b c.pdf"],
    )
