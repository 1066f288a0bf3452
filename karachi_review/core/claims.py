"""Numeric claims: find the numbers worth checking in a transcript or a document, and explain why.

Detection is deterministic rules over plain text (no network, no model), so every suggestion
says why it was made and the same text always gives the same list:

1. **Sentences first.** Cues are joined into runs (the next cue starts within
   :data:`MAX_GAP_MS` and the text so far does not end a sentence), then split into sentences.
   ``of 115 cases of kidnap over a 12-month period, / there wasn't a single conviction`` is one
   sentence, so one claim with its numbers together. Timecodes (``0:22:37``, also glued to the
   text as in the sample transcript), SRT cue numbers and ``-->`` lines are blanked in raw text
   before anything else, so ``0:22:37133 children`` reads 133, never 37133.
2. **Quantities.** Digits with thousands separators and decimals, number words (``ten``,
   ``twenty-five``, ``two hundred``), ``a dozen``, ``millions of``, scale words (``24 million``),
   percentages (``6%``, ``6 per cent``, ``half of``), money (``$4m``, ``4 million ... ransom``,
   ``millions of dollars``), years (``in 2014``), durations (``12-month``, ``one year``), and
   the zero of ``wasn't a single conviction``. Each is normalised to a plain number.
3. **Roles.** A year or a duration is the *period* of a claim, not a value to check; a time of
   day, an age, ``one of the ...`` and ``one guy`` are not values either.
4. **Score.** Each remaining value collects weighted reasons (digits, size, qualifier, period,
   a counted thing that statistics count, a casualty or outcome verb) and loses some for scene
   description (``these two guys``, ``two of them``, ``footage of``). A sentence whose best value
   reaches :data:`THRESHOLD` is a suggestion; its ``reasons`` list the evidence.

``benchmarks/claims.py`` measures precision and recall against a hand-labelled set of every
number in the bundled sample transcript (``tests/data/claims_labels.json``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Final

from karachi_review.core.transcript import Cue

__all__ = [
    "MAX_GAP_MS",
    "STATUSES",
    "THRESHOLD",
    "Evaluation",
    "Quantity",
    "Sentence",
    "Suggestion",
    "assemble_sentences",
    "detect",
    "detect_text",
    "evaluate",
    "find_quantities",
    "measure_of",
    "parse_number_words",
    "strip_timecodes",
    "text_sentences",
]

#: Verdicts a claim can have, in the order a review usually moves through them.
STATUSES: Final = ("unchecked", "sourced", "supported", "disputed", "false", "needs context")
#: Cues further apart than this never belong to one sentence (a cut, a new scene).
MAX_GAP_MS: Final = 3000
#: At most this many cues make one sentence (a missing full stop must not swallow a scene).
MAX_CUES: Final = 6
#: A sentence is suggested when its best value scores at least this.
THRESHOLD: Final = 0.5
#: Other figures of a suggested sentence join it when they score within this of the threshold.
COMPANION_MARGIN: Final = 0.2

# ------------------------------------------------------------------------------ vocabulary

_UNITS: Final = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS: Final = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_SCALES: Final = {
    "hundred": 100,
    "thousand": 1_000,
    "million": 1_000_000,
    "billion": 1_000_000_000,
    "trillion": 1_000_000_000_000,
}
_SHORT_SCALES: Final = {"k": 1_000, "m": 1_000_000, "mn": 1_000_000, "bn": 1_000_000_000}

_QUALIFIERS: Final = (
    "more than",
    "less than",
    "fewer than",
    "at least",
    "at most",
    "up to",
    "as many as",
    "as few as",
    "on average",
    "an estimated",
    "estimated",
    "almost",
    "nearly",
    "under",
    "over",
    "about",
    "around",
    "roughly",
    "approximately",
    "some",
    "just",
    "only",
)
_TIME_UNITS: Final = (
    r"seconds?|minutes?|hours?|days?|weeks?|months?|years?|decades?|centur(?:y|ies)"
)
_MONTHS: Final = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
# Nouns that statistics count; the reason list names the one found.
_STAT_NOUNS: Final = frozenset(
    [
        "people",
        "residents",
        "inhabitants",
        "citizens",
        "population",
        "officers",
        "policemen",
        "police",
        "colleagues",
        "children",
        "students",
        "cases",
        "instances",
        "incidents",
        "killings",
        "murders",
        "deaths",
        "attacks",
        "bombings",
        "kidnappings",
        "abductions",
        "convictions",
        "members",
        "militants",
        "suspects",
        "prisoners",
        "victims",
        "civilians",
        "soldiers",
        "casualties",
        "robberies",
        "crimes",
        "arrests",
        "trials",
        "courts",
        "schools",
        "families",
        "dollars",
        "rupees",
    ]
)
# Verbs that make a small count a reported event ("were killed", "die ... every day").
_EVENT_VERBS: Final = re.compile(
    r"\b(?:(?:were|was|have been|has been|had been|are|been)\s+"
    r"(?:killed|shot|murdered|kidnapped|abducted|injured|wounded|convicted|arrested|executed|"
    r"reported|charged|released|freed|rescued|hanged)|"
    r"die|died|dies|lost|killed|convicted|reported)\b",
    re.IGNORECASE,
)
_PERIOD_RES: Final = (
    re.compile(r"\b(?:almost |nearly )?every (?:single )?(?:day|week|month|year)\b", re.I),
    re.compile(r"\beach (?:day|week|month|year)\b", re.I),
    re.compile(r"\b(?:a|per) (?:day|week|month|year)\b", re.I),
    re.compile(
        r"\b(?:in|over|during|within) (?:just |only )?(?:the |a |an )?(?:last |past )?"
        r"(?:one|two|three|four|five|six|ten|twelve|\d+|a)[- ](?:" + _TIME_UNITS + r")"
        r"(?: period)?\b",
        re.I,
    ),
    re.compile(r"\b(?:today|yesterday|tonight|this week|this month|this year)\b", re.I),
    re.compile(
        r"\b(?:in|since|by|during|of|for) (?:the )?(?:spring |summer |autumn |winter |"
        r"fall )?(?:of )?(?:1[89]\d\d|20\d\d)\b",
        re.I,
    ),
    re.compile(
        r"\b(?:just |only )?(?:last|this|next) (?:year|month|week|summer|winter|"
        r"spring|autumn)\b",
        re.I,
    ),
)
_PLACE_RE: Final = re.compile(r"\b(?:in|of|across|from) ((?:[A-Z][a-z'’]+)(?: [A-Z][a-z]+)?)")
_NOT_PLACES: Final = frozenset(
    [
        "The",
        "A",
        "An",
        "This",
        "That",
        "These",
        "Those",
        "Karachi's",
        "Taliban",
        "Police",
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ]
)

# ------------------------------------------------------------------------------ value types


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number found in a sentence.

    ``text`` is the number as written (``24 million``, ``6%``, ``a dozen``); ``value`` the plain
    number (24000000, 6, 12); ``kind`` one of count, percent, money, year, duration, zero;
    ``role`` is ``value`` (a figure to check), ``period`` (when the claim holds) or ``none``.
    ``start``/``end`` are character offsets in the sentence text.
    """

    text: str
    value: int | float
    kind: str
    role: str
    start: int
    end: int
    unit: str = ""
    qualifier: str = ""
    score: float = 0.0
    reasons: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """Plain fields for JSON (written and normalised number side by side)."""
        return {
            "text": self.text,
            "value": self.value,
            "kind": self.kind,
            "role": self.role,
            "unit": self.unit,
            "qualifier": self.qualifier,
        }


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence assembled from one or more cues (or a document's text)."""

    text: str
    start_ms: int
    end_ms: int
    cues: tuple[int, ...] = ()  # cue numbers (Cue.index) the sentence runs across
    char_start: int = 0  # offset in a document's text (0 for transcripts)
    line: int | None = None  # line in the source file where the sentence begins
    lines: tuple[int, ...] = ()  # source lines of the cues (transcripts)
    char_end: int = 0  # end offset in a document's text (the text itself is respaced)


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A sentence worth checking: its quantities, what they count, when and where, and why."""

    sentence: Sentence
    quantities: tuple[Quantity, ...]
    score: float
    reasons: tuple[str, ...]
    unit: str = ""
    qualifier: str = ""
    period: str = ""
    place: str = ""
    subject: str = ""
    speaker: str = ""

    @property
    def text(self) -> str:
        """The sentence as said or written."""
        return self.sentence.text

    @property
    def values(self) -> tuple[Quantity, ...]:
        """The figures to check (not the periods)."""
        return tuple(q for q in self.quantities if q.role == "value")

    def as_dict(self) -> dict[str, Any]:
        """Plain fields for JSON."""
        return {
            "start_ms": self.sentence.start_ms,
            "end_ms": self.sentence.end_ms,
            "cues": list(self.sentence.cues),
            "line": self.sentence.line,
            "text": self.text,
            "values": [q.as_dict() for q in self.quantities],
            "unit": self.unit,
            "qualifier": self.qualifier,
            "period": self.period,
            "place": self.place,
            "subject": self.subject,
            "score": round(self.score, 3),
            "reasons": list(self.reasons),
        }


# --------------------------------------------------------------------- raw text clean-up

# h:mm:ss(.fff) exactly: the minutes and seconds are two digits, so in "0:22:37133" the
# match stops after "37" and the glued "133" stays text.
_TIMECODE_RE: Final = re.compile(r"\b\d{1,2}:\d{2}(?::\d{2})?(?:[.,:;]\d{1,3})?(?=\D|\d|$)")
_ARROW_RE: Final = re.compile(r"(?:-->|\s>\s)")
_CUE_NUMBER_LINE_RE: Final = re.compile(r"^[ \t]*\d+[ \t]*$", re.M)


def strip_timecodes(text: str) -> str:
    """Blank timecodes, ``-->``/``>`` arrows and lines holding only a cue number.

    Characters are replaced by spaces, never removed, so offsets into the result are offsets
    into ``text``.
    """

    def blank(m: re.Match[str]) -> str:
        return " " * len(m.group(0))

    text = _CUE_NUMBER_LINE_RE.sub(blank, text)
    text = _TIMECODE_RE.sub(blank, text)
    return _ARROW_RE.sub(blank, text)


# -------------------------------------------------------------------------- sentences

_SENTENCE_END_RE: Final = re.compile(r"(?:[.!?…]+[\"'”’)\]]*)(?=\s+|$)")
_ABBREVIATIONS: Final = frozenset(
    ["mr", "mrs", "ms", "dr", "st", "no", "vs", "etc", "approx", "e.g", "i.e"]
)
_SOUND_CUE_RE: Final = re.compile(r"^[\[(]?[A-Z][A-Z ]+[\])]?$")


def _split_points(text: str) -> list[int]:
    """End offsets of the sentences of ``text`` (the last one is ``len(text)``)."""
    ends: list[int] = []
    for m in _SENTENCE_END_RE.finditer(text):
        before = text[: m.start()].split()
        word = before[-1].lower().strip("(\"'") if before else ""
        if m.group(0).startswith(".") and word in _ABBREVIATIONS:
            continue
        ends.append(m.end())
    if not ends or ends[-1] < len(text.rstrip()):
        ends.append(len(text))
    return ends


def text_sentences(text: str, *, line_offsets: bool = True) -> list[Sentence]:
    """Sentences of a document (paragraphs never run into each other); times are 0."""
    clean = strip_timecodes(text)
    out: list[Sentence] = []
    for para in re.finditer(r"[^\n]+(?:\n(?![ \t]*\n)[^\n]+)*", clean):
        start = 0
        body = para.group(0)
        for end in _split_points(body):
            piece = body[start:end]
            stripped = piece.strip()
            if stripped:
                offset = para.start() + start + (len(piece) - len(piece.lstrip()))
                line = clean.count("\n", 0, offset) + 1 if line_offsets else None
                lines = (
                    tuple(range(line, line + stripped.count("\n") + 1)) if line is not None else ()
                )
                out.append(
                    Sentence(
                        " ".join(stripped.split()),
                        0,
                        0,
                        (),
                        offset,
                        line,
                        lines,
                        offset + len(stripped),
                    )
                )
            start = end
    return out


def assemble_sentences(cues: Sequence[Cue]) -> list[Sentence]:
    """Join cues that continue one another, then split into sentences with their cue spans."""
    out: list[Sentence] = []
    run: list[Cue] = []

    def flush() -> None:
        if not run:
            return
        pieces: list[tuple[int, int, Cue]] = []
        joined = ""
        for cue in run:
            text = " ".join(strip_timecodes(cue.text).split())
            if joined:
                joined += " "
            pieces.append((len(joined), len(joined) + len(text), cue))
            joined += text
        start = 0
        for end in _split_points(joined):
            piece = joined[start:end]
            if piece.strip():
                lead = len(piece) - len(piece.lstrip())
                a, b = start + lead, end
                spanned = [c for s, e, c in pieces if s < b and e > a]
                if spanned:
                    out.append(
                        Sentence(
                            piece.strip(),
                            spanned[0].start_ms,
                            max(c.end_ms for c in spanned),
                            tuple(c.index for c in spanned),
                            0,
                            spanned[0].line,
                            tuple(c.line for c in spanned if c.line is not None),
                        )
                    )
            start = end
        run.clear()

    for cue in cues:
        text = cue.text.strip()
        if not text or _SOUND_CUE_RE.match(text):
            flush()
            continue
        if run:
            previous = run[-1]
            ended = bool(re.search(r"[.!?…][\"'”’)\]]*$", previous.text.strip()))
            if ended or cue.start_ms - previous.end_ms > MAX_GAP_MS or len(run) >= MAX_CUES:
                flush()
        run.append(cue)
    flush()
    return out


# ------------------------------------------------------------------------- number words

_WORD_NUMBER_RE: Final = re.compile(
    r"\b(?:(?:"
    + "|".join([*_UNITS, *_TENS])
    + r")(?:[- ](?:"
    + "|".join(_UNITS)
    + r"))?(?:[- ](?:hundred|thousand|million|billion)(?:(?: and)?[- ](?:"
    + "|".join([*_UNITS, *_TENS])
    + r"))*)*)\b",
    re.IGNORECASE,
)


def parse_number_words(text: str) -> int | None:
    """``"twenty-five"`` -> 25, ``"two hundred"`` -> 200, ``"ten"`` -> 10; None if not a number."""
    words = [w for w in re.split(r"[\s\-]+", text.lower().replace(" and ", " ")) if w]
    if not words:
        return None
    total = current = 0
    for word in words:
        if word in _UNITS:
            current += _UNITS[word]
        elif word in _TENS:
            current += _TENS[word]
        elif word == "hundred":
            current = max(current, 1) * 100
        elif word in _SCALES:
            total += max(current, 1) * _SCALES[word]
            current = 0
        else:
            return None
    return total + current


# ------------------------------------------------------------------------------ quantities

_NUMBER_RE: Final = re.compile(
    r"(?P<cur>[$£€]|\b(?:Rs\.?|PKR|USD)\s?)?"
    r"(?P<num>(?<![\d.,])\d{1,3}(?:,\d{3})+(?:\.\d+)?|(?<![\d.,])\d+(?:\.\d+)?)"
    r"(?:\s?(?P<scale>hundred|thousand|million|billion|trillion|bn|mn|m|k)\b)?"
    r"(?P<pct>\s?%|\s?per ?cent\b|\s?percent\b)?",
    re.IGNORECASE,
)
_VAGUE_RE: Final = re.compile(
    r"\b(?P<a>a |one )?(?P<w>dozens?|hundreds|thousands|millions|billions)(?P<of> of)?\b",
    re.IGNORECASE,
)
_DOZEN_RE: Final = re.compile(r"\b(?:a|one|half a) dozen\b", re.IGNORECASE)
_ZERO_RE: Final = re.compile(
    r"(?:\bnot|\b\w+n't|\bno|\bnever|\bwithout)\s+(?:even\s+)?(?:a|one)\s+single\b|\bzero\b",
    re.IGNORECASE,
)
_FRACTION_RE: Final = re.compile(
    r"\b(?P<f>half|a third|one third|a quarter|one quarter|two thirds|three quarters)(?= of\b)",
    re.IGNORECASE,
)
_FRACTIONS: Final = {
    "half": 50,
    "a third": 33.3,
    "one third": 33.3,
    "a quarter": 25,
    "one quarter": 25,
    "two thirds": 66.7,
    "three quarters": 75,
}
_DURATION_AFTER_RE: Final = re.compile(r"^[- ](?:" + _TIME_UNITS + r")\b", re.IGNORECASE)
_CLOCK_AFTER_RE: Final = re.compile(r"^\s*(?:o'clock|o’clock|am\b|pm\b|a\.m\.|p\.m\.|gmt\b)", re.I)
_DATE_AROUND_RE: Final = re.compile(
    r"(?:\b\d{1,2}\s+(?:" + _MONTHS + r")\.?\s*$)|(?:\b(?:" + _MONTHS + r")\.?\s+\d{1,2},?\s*$)",
    re.IGNORECASE,
)
_MONTH_AFTER_RE: Final = re.compile(r"^\s+(?:" + _MONTHS + r")\b", re.IGNORECASE)


def _number_value(num: str, scale: str | None) -> int | float:
    value = float(num.replace(",", ""))
    if scale:
        key = scale.lower()
        value *= _SCALES.get(key, _SHORT_SCALES.get(key, 1))
    return int(value) if value == int(value) else value


def _raw_quantities(text: str) -> list[tuple[int, int, str, int | float, str]]:
    """(start, end, written, value, kind) of every number-like span, left to right."""
    found: list[tuple[int, int, str, int | float, str]] = []
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in taken)

    def add(a: int, b: int, value: int | float, kind: str) -> None:
        if free(a, b):
            taken.append((a, b))
            found.append((a, b, text[a:b].strip(), value, kind))

    for m in _ZERO_RE.finditer(text):
        add(m.start(), m.end(), 0, "zero")
    for m in _FRACTION_RE.finditer(text):
        # "half of Canadians" is a share: a percentage, as written in words.
        add(m.start(), m.end(), _FRACTIONS[m.group("f").lower()], "percent")
    for m in _DOZEN_RE.finditer(text):
        add(m.start(), m.end(), 6 if m.group(0).lower().startswith("half") else 12, "count")
    for m in _NUMBER_RE.finditer(text):
        a, b = m.start(), m.end()
        num, scale = m.group("num"), m.group("scale")
        # "4m" is four million only as money; "5 m" may be metres.
        if (
            scale
            and scale.lower() in ("m", "k", "bn", "mn")
            and not m.group("cur")
            and not re.match(r"\s*(?:dollars?|rupees?|pounds?|in ransom)", text[b:], re.I)
        ):
            scale = None
            b = m.start("num") + len(num)
        value = _number_value(num, scale)
        kind = "percent" if m.group("pct") else ("money" if m.group("cur") else "count")
        add(a, b if scale or m.group("pct") or m.group("cur") else m.end("num"), value, kind)
    for m in _WORD_NUMBER_RE.finditer(text):
        parsed = parse_number_words(m.group(0))
        if parsed is None:
            continue
        a, b = m.start(), m.end()
        pct = re.match(r"\s?(?:%|per ?cent\b|percent\b)", text[b:], re.I)
        if pct:
            b += pct.end()
        add(a, b, parsed, "percent" if pct else "count")
    for m in _VAGUE_RE.finditer(text):
        word = m.group("w").lower()
        vague: int = 12 if word.startswith("dozen") else _SCALES[word.rstrip("s")]
        # "millions of" names a lower bound; the qualifier keeps the vagueness.
        if m.group("of") or word.endswith("s"):
            add(m.start("w"), m.end(), vague, "count")
    found.sort()
    return found


def _qualifier_before(text: str, start: int) -> str:
    before = text[:start].rstrip().lower()
    for q in _QUALIFIERS:
        if before.endswith(q) and (len(before) == len(q) or not before[-len(q) - 1].isalnum()):
            return q.removeprefix("an ")
    # Sentence-wide hedges ("On average, ten people ...", "It's estimated that ... millions").
    hedge = re.search(r"\b(on average|estimated|approximately|roughly)\b", before)
    return hedge.group(1) if hedge else ""


def _counted_after(text: str, end: int) -> str:
    """The thing counted: the words after a number up to a verb, comma or preposition break."""
    rest = text[end:]
    m = re.match(
        r"\s*(?:of\s+(?:the\s+|their\s+|his\s+|her\s+|our\s+)?)?"
        r"((?:[A-Za-z][\w'’-]*\s*){0,5}?)"
        r"(?=\s*(?:[,.;:!?]|\b(?:were|was|are|is|have|has|had|die|died|live|lived|who|that|"
        r"which|in|on|at|from|to|for|by|with|over|during|since|every|each|behind|go|went|"
        r"being|been|thought|handed|reported)\b|$))",
        rest,
    )
    if not m:
        return ""
    words = m.group(1).split()
    # An unknown verb ("officers polices the city") is not a stop word: cut after the first
    # noun statistics count, keeping its "of ..." ("cases of kidnapping").
    for i, word in enumerate(words):
        if word.lower() in _STAT_NOUNS:
            while i + 1 < len(words) and words[i + 1].lower() in _STAT_NOUNS:
                i += 1  # "police officers"
            end = i + 3 if i + 2 < len(words) and words[i + 1].lower() == "of" else i + 1
            words = words[:end]
            break
    return " ".join(words).strip(" ,.")


def _headword(subject: str) -> str:
    words = re.findall(r"[a-z]+", subject.lower())
    if "of" in words:  # "cases of kidnapping" counts cases; keep both for the reason
        return words[0] if words else ""
    return words[-1] if words else ""


def find_quantities(text: str) -> list[Quantity]:
    """Every number in ``text`` with its normalised value, kind, role, qualifier and score."""
    out: list[Quantity] = []
    raw = _raw_quantities(text)
    event_verb = _EVENT_VERBS.search(text)
    period_in_sentence = any(r.search(text) for r in _PERIOD_RES)
    for a, b, written, value, kind in raw:
        after, before = text[b:], text[:a]
        role = "value"
        unit = ""
        reasons: list[str] = []
        score = 0.0
        is_digits = any(ch.isdigit() for ch in written)
        if kind == "count" and is_digits and re.fullmatch(r"(?:1[89]\d\d|20\d\d)", written):
            kind, role = "year", "period"
        elif kind == "count" and _DURATION_AFTER_RE.match(after):
            kind, role = "duration", "period"
            unit = _DURATION_AFTER_RE.match(after).group(0).strip(" -").lower()  # type: ignore[union-attr]
        elif is_digits and (_CLOCK_AFTER_RE.match(after) or re.match(r"^\s*:\s*\d", after)):
            role = "none"
            reasons.append("time of day")
        elif is_digits and (_DATE_AROUND_RE.search(before) or _MONTH_AFTER_RE.match(after)):
            role = "none"
            reasons.append("day of a date")
        elif is_digits and re.search(r"\w:\s*$", before):
            role = "none"
            reasons.append("after a label and a colon (a time or a code)")
        elif is_digits and re.fullmatch(r"0\d+", written):
            role = "none"
            reasons.append("leading zero (a code or a time)")
        if (
            role == "value"
            and kind == "count"
            and re.match(
                r"\s*(?:dollars?|rupees?|pounds?|euros?)\b|\s+(?:\w+\s+){0,3}(?:in\s+)?ransom\b",
                after,
                re.I,
            )
        ):
            kind = "money"
        if role != "value":
            out.append(Quantity(written, value, kind, role, a, b, unit, "", 0.0, tuple(reasons)))
            continue
        if (
            kind == "count"
            and written.lower() in ("one", "a dozen")
            and re.match(r"\s+of\b", after)
        ):
            out.append(Quantity(written, value, kind, "none", a, b, "", "", 0.0, ("'one of'",)))
            continue
        qualifier = _qualifier_before(text, a)
        if re.fullmatch(r"(?:dozens|hundreds|thousands|millions|billions)(?: of)?", written, re.I):
            qualifier = qualifier or written.lower().split()[0] + " of"
        subject = _counted_after(text, b)
        head = _headword(subject)
        if kind == "percent":
            unit = "%"
            score += 0.45
            reasons.append("percentage")
        elif kind == "money":
            unit = _currency(text, a, b)
            score += 0.45
            reasons.append("money amount")
        elif kind == "zero":
            unit = head or subject
            score += 0.1
            reasons.append(f"zero ({written})")
        else:
            unit = subject
        if is_digits:
            score += 0.25
            reasons.append("written in digits")
        elif kind == "count" and value <= 10 and not written.lower().startswith(("a ", "mill")):
            score -= 0.1
            reasons.append("small number in words")
        if value >= 100 or re.search(r"million|thousand|billion|hundred", written, re.I):
            score += 0.2
            reasons.append("large figure")
        if qualifier:
            score += 0.1
            reasons.append(f"qualifier '{qualifier}'")
        if head in _STAT_NOUNS or (kind == "count" and re.search(r"\bcases?\b", subject)):
            score += 0.2
            reasons.append(f"counts {head}")
        near = _EVENT_VERBS.match(text, b + len(text[b:]) - len(text[b:].lstrip()))
        if near is None:
            tail = re.match(
                r"\s*(?:[\w'’-]+\s+){0,4}?(?=(?:who\s+|that\s+)?" + _EVENT_VERBS.pattern + ")",
                text[b:],
                re.I,
            )
            near = _EVENT_VERBS.search(text, b + tail.end()) if tail else None
        if near is not None:
            score += 0.35
            reasons.append(f"event verb '{near.group(0).lower()}' after the figure")
        elif event_verb:
            score += 0.1
            reasons.append(f"event verb '{event_verb.group(0).lower()}' in the sentence")
        if period_in_sentence:
            score += 0.15
            reasons.append("period or date in the sentence")
        if kind == "count" and written.lower() == "one":
            score -= 0.4
            reasons.append("'one' is rarely a statistic")
        if re.search(r"\b(?:these|those|the|this)\s+$", before, re.I):
            score -= 0.3
            reasons.append("points at people in the scene ('these two')")
        if re.match(r"\s+of\s+(?:them|us|you|those|these)\b", after, re.I):
            score -= 0.3
            reasons.append("'of them': people in the scene")
        if re.search(r"\b(?:footage|video|picture|photo)s?\s+of\s+$", before, re.I):
            score -= 0.3
            reasons.append("describes footage")
        if re.match(r"\s*(?:,\s*)?(?:years?\s+old|-year-old)\b", after, re.I) or re.search(
            r"[A-Z][a-z]+,\s*$", before
        ):
            score -= 0.3
            reasons.append("an age")
        out.append(
            Quantity(
                written,
                value,
                kind,
                "value",
                a,
                b,
                unit,
                qualifier,
                round(min(score, 1.0), 3),
                tuple(reasons),
            )
        )
    return out


def _currency(text: str, start: int, end: int) -> str:
    """ISO code of the currency named around a money figure, else ``money``."""
    around = text[max(0, start - 6) : end + 40].lower()
    for pattern, code in (
        (r"\$|dollar|usd", "USD"),
        (r"rupee|\brs\b|pkr", "PKR"),
        (r"£|pound", "GBP"),
        (r"€|euro", "EUR"),
    ):
        if re.search(pattern, around):
            return code
    return "money"


def _period_of(text: str) -> str:
    hits: list[tuple[int, str]] = []
    for r in _PERIOD_RES:
        for m in r.finditer(text):
            hits.append((m.start(), m.group(0)))
    hits.sort()
    return "; ".join(h for _, h in hits)


def _place_of(text: str) -> str:
    for m in _PLACE_RE.finditer(text):
        name = m.group(1)
        if name.split()[0] not in _NOT_PLACES:
            return name
        if name.split()[0] == "Karachi's":
            continue
    if "Karachi" in text:
        return "Karachi"
    return ""


def _suggest(
    sentence: Sentence, speaker: str = "", threshold: float = THRESHOLD
) -> Suggestion | None:
    quantities = find_quantities(sentence.text)
    values = [q for q in quantities if q.role == "value"]
    if not values:
        return None
    best = max(values, key=lambda q: q.score)
    # A zero ("not a single conviction") is a claim only beside another figure.
    keep = [q for q in values if q.score >= threshold and q.kind != "zero"]
    if keep:
        # Companions of a claimed figure join it ("of 286 members ..., just three had been
        # convicted"; "wasn't a single conviction"): a lower bar, said in the reasons.
        keep = [
            q
            for q in values
            if q.score >= threshold or q.kind == "zero" or q.score >= threshold - COMPANION_MARGIN
        ]
    if not keep:
        return None
    keep_set = set(keep)
    chosen = tuple(q for q in quantities if q in keep_set or q.role == "period")
    main = keep[0]
    reasons = tuple(dict.fromkeys(r for q in keep for r in q.reasons))
    return (
        Suggestion(
            sentence=sentence,
            quantities=chosen,
            score=max(q.score for q in keep),
            reasons=reasons,
            unit=main.unit,
            qualifier=main.qualifier,
            period=_period_of(sentence.text),
            place=_place_of(sentence.text),
            subject=main.unit
            if main.kind in ("count", "zero")
            else _counted_after(sentence.text, main.end),
            speaker=speaker,
        )
        if best.score >= threshold
        else None
    )


def detect(cues: Iterable[Cue], *, threshold: float = THRESHOLD) -> list[Suggestion]:
    """Suggestions for a transcript, in time order."""
    cue_list = list(cues)
    speakers = {c.index: c.speaker or "" for c in cue_list}
    out: list[Suggestion] = []
    for sentence in assemble_sentences(cue_list):
        speaker = next((speakers[i] for i in sentence.cues if speakers.get(i)), "")
        found = _suggest(sentence, speaker, threshold)
        if found is not None:
            out.append(found)
    return out


def detect_text(text: str, *, threshold: float = THRESHOLD) -> list[Suggestion]:
    """Suggestions for a document's plain text, in reading order (offsets into ``text``)."""
    out: list[Suggestion] = []
    for sentence in text_sentences(text):
        found = _suggest(sentence, "", threshold)
        if found is not None:
            out.append(found)
    return out


# --------------------------------------------------------------------------- comparison

_DEATH_RE: Final = re.compile(r"\b(?:die|died|dies|killed|deaths?|lost|murdered)\b", re.I)
_MEASURES: Final = (
    ("kidnapping cases", re.compile(r"kidnap|abduct", re.I), False),
    ("police officers killed", re.compile(r"\b(?:officers|policemen|colleagues)\b", re.I), True),
    ("violent deaths", re.compile(r"\b(?:people|civilians|residents)\b", re.I), True),
    ("population", re.compile(r"\b(?:people|residents|inhabitants|population)\b", re.I), False),
    ("police officers", re.compile(r"\b(?:officers|policemen|police force)\b", re.I), False),
    ("convictions", re.compile(r"\bconvict", re.I), False),
    ("target killings", re.compile(r"\b(?:target killings|assassinations)\b", re.I), False),
)


def measure_of(subject: str, text: str = "") -> str:
    """What a figure measures, for linking claims across sources (``population``, ...).

    ``subject`` is the thing counted, ``text`` the whole sentence: people who *die* are
    deaths, people who *live* somewhere are a population.
    """
    dying = bool(_DEATH_RE.search(text))
    for name, pattern, needs_death in _MEASURES:
        if pattern.search(subject) and (dying or not needs_death):
            return name
    return _headword(subject)


# --------------------------------------------------------------------------- evaluation


@dataclass(frozen=True, slots=True)
class Evaluation:
    """Detected figures against hand labels: true/false positives and the misses, by line."""

    true_positives: tuple[tuple[int, str], ...]
    false_positives: tuple[tuple[int, str], ...]
    missed: tuple[tuple[int, str], ...]

    @property
    def precision(self) -> float:
        """Share of detected figures that are labelled claims (1.0 when nothing was found)."""
        found = len(self.true_positives) + len(self.false_positives)
        return len(self.true_positives) / found if found else 1.0

    @property
    def recall(self) -> float:
        """Share of labelled claims that were detected with the right value."""
        wanted = len(self.true_positives) + len(self.missed)
        return len(self.true_positives) / wanted if wanted else 1.0


def evaluate(suggestions: Sequence[Suggestion], labels: Sequence[dict[str, Any]]) -> Evaluation:
    """Match each detected value to a label on one of its sentence's lines (same written text,
    same normalised value). A value with no such label, or matching a non-claim, is a false
    positive; a labelled claim nothing matched is missed."""
    unused = [dict(label) for label in labels]
    tp: list[tuple[int, str]] = []
    fp: list[tuple[int, str]] = []
    for suggestion in suggestions:
        lines = set(suggestion.sentence.lines)
        for q in suggestion.values:
            hit = next(
                (
                    label
                    for label in unused
                    if label["line"] in lines
                    and str(label["text"]).lower() == q.text.lower()
                    and label["value"] == q.value
                ),
                None,
            )
            if hit is not None and hit["claim"]:
                unused.remove(hit)
                tp.append((int(hit["line"]), q.text))
            else:
                if hit is not None:
                    unused.remove(hit)
                fp.append((min(lines) if lines else 0, q.text))
    missed = [(int(label["line"]), str(label["text"])) for label in unused if label["claim"]]
    return Evaluation(tuple(tp), tuple(fp), tuple(missed))
