"""Engine-neutral OCR model: Page -> Line -> Word.

Every OCR engine's output is converted into these plain objects before any
extractor, cross-check or reviewer screen sees it. Coordinates are pixels of the
upright, deskewed page image; boxes are ``(x0, y0, x1, y1)`` with x1/y1 exclusive.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

Box = tuple[int, int, int, int]


def union(boxes: list[Box]) -> Box:
    """Smallest box that covers every box in ``boxes`` (which must not be empty)."""
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


@dataclass(frozen=True, slots=True)
class Word:
    text: str
    box: Box
    confidence: float  # 0..1, the engine's own word confidence

    @property
    def height(self) -> int:
        return self.box[3] - self.box[1]

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "box": list(self.box), "conf": round(self.confidence, 4)}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Word:
        x0, y0, x1, y1 = d["box"]
        return cls(d["text"], (int(x0), int(y0), int(x1), int(y1)), float(d["conf"]))


@dataclass(frozen=True, slots=True)
class Line:
    words: tuple[Word, ...]

    @property
    def box(self) -> Box:
        return union([w.box for w in self.words])

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    def to_dict(self) -> dict[str, Any]:
        return {"words": [w.to_dict() for w in self.words]}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Line:
        return cls(tuple(Word.from_dict(w) for w in d["words"]))


@dataclass(frozen=True, slots=True)
class Page:
    """One OCRed page. ``number`` is 1-based within its source file."""

    number: int
    width: int
    height: int
    lines: tuple[Line, ...] = field(default_factory=tuple)
    #: The recognition model that read it (a Tesseract language), when known.
    lang: str | None = None

    @property
    def words(self) -> Iterator[Word]:
        for line in self.lines:
            yield from line.words

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    def relined(self, fix: Callable[[tuple[Word, ...]], tuple[Word, ...]]) -> Page:
        """The page with each line's words passed through ``fix`` (which sees a line's
        words together); the page itself when no line changes."""
        lines = tuple(Line(fix(line.words)) for line in self.lines)
        if all(new.words == old.words for new, old in zip(lines, self.lines, strict=True)):
            return self
        return Page(self.number, self.width, self.height, lines, self.lang)

    def retexted(self, text_of: Callable[[Word], str]) -> Page:
        """The page with each word's text replaced by ``text_of(word)``; the page itself
        when no text changes."""
        changed = False
        lines = []
        for line in self.lines:
            words = []
            for w in line.words:
                text = text_of(w)
                if text != w.text:
                    w = Word(text, w.box, w.confidence)
                    changed = True
                words.append(w)
            lines.append(Line(tuple(words)))
        if not changed:
            return self
        return Page(self.number, self.width, self.height, tuple(lines), self.lang)

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "width": self.width,
            "height": self.height,
            "lines": [line.to_dict() for line in self.lines],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Page:
        return cls(
            int(d["number"]),
            int(d["width"]),
            int(d["height"]),
            tuple(Line.from_dict(line) for line in d["lines"]),
        )
