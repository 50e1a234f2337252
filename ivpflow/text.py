"""Free text as ivpflow keeps it: only characters every document, page and e-mail can hold.

Every value a person or a program gives (a note, a name, a reason, a title, a value the
documents use, an id, the actor) passes `check_text` before it is written; Word's XML cannot
hold a control character, a lone surrogate or U+FFFE/U+FFFF, and a value that reached the
database would fail every later rendering. `scrub` is the other side: what is rendered from
data already stored shows such a character as U+FFFD instead of failing on it.
"""

from __future__ import annotations

import re
from typing import overload

from .errors import TextError

# Non-characters: U+FDD0..U+FDEF and the last two code points of every plane.
_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17))
# C0 controls but tab, line feed and carriage return; DEL and the C1 controls; surrogates.
_REFUSED = f"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff{_NONCHARACTERS}"
_BAD = re.compile(f"[{_REFUSED}]")
_BAD_IN_A_LINE = re.compile(f"[\t\n\r{_REFUSED}]")
REPLACEMENT = "\ufffd"


@overload
def check_text(what: str, value: str, *, one_line: bool = False) -> str: ...
@overload
def check_text(what: str, value: None, *, one_line: bool = False) -> None: ...
def check_text(what: str, value: str | None, *, one_line: bool = False) -> str | None:
    """A free-text value as it is kept, or a TextError naming the first character refused.

    Text of several lines may hold line breaks and tabs (a CR LF or a lone CR becomes one line
    feed); a one-line value (a name, a title, an id, the actor) holds neither.
    """
    if value is None:
        return None
    found = (_BAD_IN_A_LINE if one_line else _BAD).search(value)
    if found is not None:
        raise TextError(what, value, found.start(), one_line=one_line)
    if one_line or "\r" not in value:
        return value
    return value.replace("\r\n", "\n").replace("\r", "\n")


def scrub(text: str) -> str:
    """Text with every character `check_text` refuses (line breaks and tabs stay) shown as
    U+FFFD, for output made from data stored before it was checked."""
    return _BAD.sub(REPLACEMENT, text)
