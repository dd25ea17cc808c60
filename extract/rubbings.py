"""Where a declaration's rubbings of its stamped numbers are (:mod:`ocr.rubbing`).

The form prints a box for each rubbing, titled "Nơi dán bản chà số máy" (engine number)
and "Nơi dán bản chà số khung" (chassis number), side by side; the rubbing is glued
inside, under its title. The region searched for it is found from the titles alone: it
starts under the title and reaches ``DEPTH`` line heights down; sideways it stops halfway
to the other title beside it (the boxes' shared edge), or a quarter of the page's width
either side of the title's middle when that one was not read.
"""

from __future__ import annotations

from collections.abc import Mapping

from extract.layout import PageLayout
from ocr.model import Box

#: The rubbing boxes' titles and the field whose stamped number each box holds.
TITLES: Mapping[str, str] = {
    "Nơi dán bản chà số máy": "engine_number",
    "Nơi dán bản chà số khung": "chassis_number",
}
#: The titles' common start, found alone when their last word is misread ("số ntáy"):
#: such a title is the box of the other number than the title read in full beside it.
SHORT = "Nơi dán bản chà"
#: How far under its title a rubbing may reach, in line heights (a rubbing glued in a box
#: about ten lines tall, the rubbing in its lower two thirds).
DEPTH = 12.0


def regions(layout: PageLayout, field: str) -> list[Box]:
    """The regions of ``layout``'s page that may hold a rubbing of ``field``'s value."""
    lh = layout.line_height
    titles = [h for h in layout.hits if h.wording in TITLES or h.wording == SHORT]
    fields = {id(h): TITLES.get(h.wording) for h in titles}
    for hit in titles:
        if hit.wording == SHORT:
            named = {
                TITLES[h.wording]
                for h in titles
                if h.wording in TITLES and abs(h.box[1] - hit.box[1]) <= 2 * lh
            }
            rest = set(TITLES.values()) - named
            if len(named) == 1 and len(rest) == 1:
                fields[id(hit)] = rest.pop()
    width, height = layout.page.width, layout.page.height
    out = []
    for hit in titles:
        if fields[id(hit)] != field:
            continue
        x0, _, x1, y1 = hit.box
        middle = (x0 + x1) / 2
        left, right = middle - width / 4, middle + width / 4
        for other in titles:
            if other is hit or abs(other.box[1] - hit.box[1]) > 2 * lh:
                continue
            beside = (other.box[0] + other.box[2]) / 2
            if beside > middle:
                right = min(right, (middle + beside) / 2)
            else:
                left = max(left, (middle + beside) / 2)
        top, bottom = int(y1 + 0.3 * lh), int(min(height, y1 + DEPTH * lh))
        box = (int(max(0, left)), top, int(min(width, right)), bottom)
        if box[2] - box[0] > lh and box[3] - box[1] > lh:
            out.append(box)
    return out
