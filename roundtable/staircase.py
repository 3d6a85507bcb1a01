"""Geometry of the staircase graphic (an inline SVG, the same on the page and in the PDF).

Each step is a bar, indented a little more the further down the ladder it is; the three parties'
placements are lettered markers in their own column to the right, the agreed step is outlined.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

WIDTH = 720
ROW = 34
INDENT = 26
MARKER_COLUMN = 40
PARTIES = (
    # party, letter, colour (contrast >= 4.5:1 on white for the letter's circle)
    ("employee", "M", "#0b5ed7"),
    ("employer", "A", "#a61e4d"),
    ("consultant", "K", "#146c43"),
)


def staircase(*, ladder: list, placements: dict[str, int | None], agreed: int | None) -> dict:
    """`ladder`: [[position, name], ...] top first; `placements`: party -> position."""
    steps = []
    markers_x0 = WIDTH - MARKER_COLUMN * len(PARTIES)
    labels = {"employee": _("Employee"), "employer": _("Employer"), "consultant": _("Consultant")}
    for index, (position, name) in enumerate(ladder):
        y = 8 + index * ROW
        x = index * INDENT
        markers = []
        for column, (party, letter, colour) in enumerate(PARTIES):
            if placements.get(party) == position:
                markers.append({
                    "cx": markers_x0 + column * MARKER_COLUMN + MARKER_COLUMN // 2, "cy": y + ROW // 2 - 2,
                    "letter": letter, "colour": colour, "label": labels[party], "column": column + 1,
                })
        steps.append({
            "position": position, "name": name, "x": x, "y": y, "width": markers_x0 - 8 - x, "height": ROW - 4,
            "text_x": x + 10, "text_y": y + ROW // 2 + 3, "agreed": agreed == position, "markers": markers,
        })
    legend = [{"letter": letter, "colour": colour, "label": labels[party]} for party, letter, colour in PARTIES]
    height = 16 + len(ladder) * ROW
    return {"steps": steps, "width": WIDTH, "height": height, "legend": legend,
            "header_x": [markers_x0 + c * MARKER_COLUMN + MARKER_COLUMN // 2 for c in range(len(PARTIES))]}
