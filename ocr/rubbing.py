"""Pencil rubbings of stamped engine and chassis numbers ("bản chà số máy, số khung").

A declaration (ĐKX10 and its predecessors) carries, glued in the boxes under "Nơi dán bản
chà số máy" and "Nơi dán bản chà số khung", pencil rubbings of the numbers stamped into
the engine and the frame: graphite grain over the paper, with the stamped characters left
light. A rubbing is a second, physical copy of the two numbers the form types above it,
with its own letter shapes and its own damage, so its reading is a witness for or
against the typed value, and the only copy left where a fold band or a seal made the
typed line unreadable.

Tesseract reads light characters in grain badly: its threshold makes the grain ink and
the characters holes in it. The rubbing is therefore found in the region under its label
(:func:`locate`: the largest block of dark grain, several line heights wide), cut out,
its light grain specks removed by a grey opening (an erosion then a dilation of the light
parts, smaller than a character's stroke and larger than a grain), and thresholded so
that the characters come out dark on white (:func:`prepare`). The stamped characters are
capital letters, digits and hyphens (:data:`CHARSET`), which the reading is restricted to.

Measured on generated declarations (the rubbing as it is pasted, 300 dpi), each rubbing
read alone with the Latin model and the character set: 23 of 33 right on a clean set and
15 of 18 on a hard one (seeds 7171, 31337), where the typed values of hard declarations
are right about two times in three. The errors are single look-alike characters (6/G,
4/A, 9/S), so a reading of the rubbing never outweighs the typed value's readings alone
(:func:`extract.reread.vote`).
"""

from __future__ import annotations

import cv2
import numpy as np

from ocr import components
from ocr.model import Box

#: What a reading of a rubbing may hold: a stamped number's capitals, digits and hyphens,
#: and the small letters, which the field's parser makes capitals. Leaving the small
#: letters out costs nothing in accuracy but Tesseract's confidence: a stamped "J" that
#: the model reads "j" first comes back as "J" with confidence 0.
CHARSET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-"
#: A rubbing's grain is darker than the paper around it by this many grey levels, on
#: average over half a line height (a stroke of print is thinner than that window).
GRAIN_CONTRAST = 30
#: A rubbing holds one number of 6-17 characters: at least this many line heights wide,
#: between these many high, and at least twice as wide as high (a seal is round, a
#: photograph tall).
MIN_WIDTH = 8.0
MIN_HEIGHT, MAX_HEIGHT = 1.5, 10.0
#: ... and a solid block: the grain covers at least this share of its bounding box.
SOLID = 0.6
#: Dark specks left in a prepared rubbing smaller than this square (in line heights) are
#: grain, not parts of characters.
SPECK = 0.3


def locate(region: np.ndarray, line_height: float) -> Box | None:
    """The box, in ``region``'s pixels, of the largest block of dark grain in it that is
    shaped like a rubbing of one number; None when there is none (a box left empty)."""
    if region.size == 0:
        return None
    paper = float(np.percentile(region, 90))
    k = max(3, int(line_height / 2))
    dark = (cv2.blur(region, (k, k)) < paper - GRAIN_CONTRAST).astype(np.uint8)
    n, _, stats, _ = components.with_stats(dark, connectivity=8)
    if n < 2:
        return None
    i = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    x, y, w, h, area = (int(v) for v in stats[i])
    if not (MIN_HEIGHT * line_height <= h <= MAX_HEIGHT * line_height):
        return None
    if w < MIN_WIDTH * line_height or w < 2 * h:
        return None
    if area < SOLID * w * h:
        return None  # the box's printed frame, or rows of print: not a block of grain
    inset = k // 2  # the box blur widened the block by half its window
    return (x + inset, y + inset, x + w - inset, y + h - inset)


def prepare(region: np.ndarray, line_height: float) -> np.ndarray | None:
    """The rubbing in ``region`` as dark characters on white (8-bit, 0 and 255), ready for
    Tesseract; None when the region holds no rubbing."""
    box = locate(region, line_height)
    if box is None:
        return None
    x0, y0, x1, y1 = box
    rubbing = region[y0:y1, x0:x1]
    # Light grain specks are a few pixels; a stamped character's stroke is about a fifth
    # of a line height.
    k = max(3, round(0.2 * line_height) | 1)
    opened = cv2.morphologyEx(
        rubbing, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
    )
    smooth = cv2.GaussianBlur(opened, (0, 0), max(0.5, line_height / 24))
    _, ink = cv2.threshold(smooth, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    # Dark grain pits the threshold leaves as specks (a character's parts are larger).
    _, labels, stats, _ = components.with_stats(255 - ink, connectivity=8)
    specks = np.flatnonzero(stats[:, cv2.CC_STAT_AREA] < (SPECK * line_height) ** 2)
    ink[np.isin(labels, specks[specks > 0])] = 255
    return np.asarray(ink, dtype=np.uint8)
