"""What changed between two versions of a policy, side by side (difflib): changed lines
are paired and the changed words inside them marked, long unchanged stretches folded."""

import difflib
import re
from dataclasses import dataclass, field

_WORDS = re.compile(r"\s+|[^\s]+")


@dataclass
class Cell:
    number: int | None
    segments: list[tuple[str, str]] = field(default_factory=list)  # (same|del|ins, text)


@dataclass
class Row:
    tag: str  # equal, replace, delete, insert, skip
    left: Cell | None = None
    right: Cell | None = None
    skipped: int = 0  # for "skip": how many unchanged lines are folded here


def _word_segments(old: str, new: str) -> tuple[list, list]:
    a, b = _WORDS.findall(old), _WORDS.findall(new)
    left, right = [], []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            left.append(("same", "".join(a[i1:i2])))
            right.append(("same", "".join(b[j1:j2])))
            continue
        if i2 > i1:
            left.append(("del", "".join(a[i1:i2])))
        if j2 > j1:
            right.append(("ins", "".join(b[j1:j2])))
    return left, right


def side_by_side(old: str, new: str, *, context: int = 2) -> list[Row]:
    """Rows of (old line, new line); unchanged runs longer than 2×context are folded."""
    a, b = (old or "").splitlines(), (new or "").splitlines()
    rows: list[Row] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            span = i2 - i1
            keep = range(span)
            if span > 2 * context + 1:
                keep = [*range(context), *range(span - context, span)]
            previous = -1
            for k in keep:
                if k - previous > 1:
                    rows.append(Row("skip", skipped=k - previous - 1))
                rows.append(
                    Row(
                        "equal",
                        Cell(i1 + k + 1, [("same", a[i1 + k])]),
                        Cell(j1 + k + 1, [("same", b[j1 + k])]),
                    )
                )
                previous = k
            if span and previous < span - 1:
                rows.append(Row("skip", skipped=span - 1 - previous))
            continue
        pairs = max(i2 - i1, j2 - j1)
        for k in range(pairs):
            i, j = i1 + k, j1 + k
            old_line = a[i] if i < i2 else None
            new_line = b[j] if j < j2 else None
            if old_line is not None and new_line is not None:
                left, right = _word_segments(old_line, new_line)
                rows.append(Row("replace", Cell(i + 1, left), Cell(j + 1, right)))
            elif old_line is not None:
                rows.append(Row("delete", Cell(i + 1, [("del", old_line)]), None))
            else:
                rows.append(Row("insert", None, Cell(j + 1, [("ins", new_line)])))
    return rows


def has_changes(rows: list[Row]) -> bool:
    return any(row.tag in {"replace", "delete", "insert"} for row in rows)


def unified(old: str, new: str, *, old_label: str, new_label: str) -> str:
    """The classic unified diff, for copying into an e-mail to the board."""
    return "\n".join(
        difflib.unified_diff(
            (old or "").splitlines(),
            (new or "").splitlines(),
            fromfile=old_label,
            tofile=new_label,
            lineterm="",
        )
    )
