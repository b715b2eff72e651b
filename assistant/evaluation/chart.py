"""Per-trigger precision/recall charts: a hand-written SVG, a text chart, and a PNG when matplotlib exists.

No plotting dependency is required: the SVG is built by hand (a small grouped
horizontal bar chart), and :func:`write_png` only draws when matplotlib happens
to be installed.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape

__all__ = ["ChartRow", "svg_bar_chart", "text_bar_chart", "write_png"]

ChartRow = tuple[str, float, float]  # (label, precision, recall), values in 0..1

_P_COLOUR = "#2f6db3"
_R_COLOUR = "#e08a1e"


def _clamp(value: float) -> float:
    return max(0.0, min(1.0, float(value)))


def svg_bar_chart(rows: Sequence[ChartRow], *, title: str = "Trigger precision / recall") -> str:
    """A self-contained SVG: one pair of bars (precision, recall) per row."""
    label_w, bar_w, value_w, bar_h, gap, top = 210, 360, 48, 12, 10, 46
    width = label_w + bar_w + value_w + 20
    row_h = 2 * bar_h + gap
    height = top + row_h * len(rows) + 30
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="Helvetica, Arial, sans-serif" font-size="12">',
        f"<title>{escape(title)}</title>",
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
        f'<text x="10" y="18" font-size="14" font-weight="bold">{escape(title)}</text>',
        f'<rect x="{label_w}" y="26" width="10" height="10" fill="{_P_COLOUR}"/>'
        f'<text x="{label_w + 14}" y="35">precision</text>',
        f'<rect x="{label_w + 90}" y="26" width="10" height="10" fill="{_R_COLOUR}"/>'
        f'<text x="{label_w + 104}" y="35">recall</text>',
    ]
    for tick in (0.0, 0.25, 0.5, 0.75, 1.0):
        x = label_w + bar_w * tick
        parts.append(
            f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{top + row_h * len(rows)}" '
            'stroke="#dddddd" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{x:.1f}" y="{top + row_h * len(rows) + 14}" text-anchor="middle" '
            f'fill="#666666">{tick:.2f}</text>'
        )
    for i, (label, precision, recall) in enumerate(rows):
        y = top + i * row_h
        parts.append(f'<text x="{label_w - 8}" y="{y + bar_h + 4}" text-anchor="end">{escape(label)}</text>')
        for j, (value, colour, name) in enumerate(((precision, _P_COLOUR, "P"), (recall, _R_COLOUR, "R"))):
            v = _clamp(value)
            by = y + j * bar_h
            parts.append(
                f'<rect x="{label_w}" y="{by}" width="{bar_w * v:.1f}" height="{bar_h - 2}" fill="{colour}">'
                f"<title>{escape(label)} {name} {v:.2f}</title></rect>"
            )
            parts.append(f'<text x="{label_w + bar_w * v + 4:.1f}" y="{by + bar_h - 3}">{v:.2f}</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def text_bar_chart(rows: Sequence[ChartRow], *, width: int = 24) -> str:
    """The same chart as monospace text (for the markdown report and terminals)."""
    label_w = max((len(label) for label, _, _ in rows), default=0)
    lines: list[str] = []
    for label, precision, recall in rows:
        for j, (name, value) in enumerate((("P", precision), ("R", recall))):
            v = _clamp(value)
            filled = round(v * width)
            bar = "█" * filled + "·" * (width - filled)
            lines.append(f"{(label if j == 0 else ''):<{label_w}}  {name} {bar} {v:.2f}")
    return "\n".join(lines)


def write_png(rows: Sequence[ChartRow], path: Path, *, title: str = "Trigger precision / recall") -> bool:
    """Draw the chart with matplotlib if it is installed; returns whether a PNG was written."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    labels = [label for label, _, _ in rows]
    ys = list(range(len(rows)))
    fig, ax = plt.subplots(figsize=(7, 0.5 * len(rows) + 1.2))
    ax.barh(
        [y - 0.2 for y in ys], [_clamp(p) for _, p, _ in rows], height=0.4, color=_P_COLOUR, label="precision"
    )
    ax.barh(
        [y + 0.2 for y in ys], [_clamp(r) for _, _, r in rows], height=0.4, color=_R_COLOUR, label="recall"
    )
    ax.set_yticks(ys, labels)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_title(title)
    ax.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True
