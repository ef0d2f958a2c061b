"""Small charts drawn on the server as SVG: no JavaScript, nothing from a CDN, prints well."""

from __future__ import annotations

from html import escape

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 16, 40
COLOURS = ("#c0392b", "#1f618d", "#1e8449", "#b9770e")


def _nice_max(value: int) -> int:
    """A round top for the y axis at or above value."""
    if value <= 5:
        return 5
    step = 10 ** (len(str(value)) - 1)
    for factor in (1, 2, 5, 10):
        if value <= step * factor:
            return step * factor
    return value


def _frame(title: str, labels: list[str], top: int, kind: str) -> list[str]:
    plot_h = HEIGHT - TOP - BOTTOM
    plot_w = WIDTH - LEFT - RIGHT
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'class="chart chart-{kind}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    for i in range(5):
        y = TOP + plot_h - plot_h * i / 4
        value = round(top * i / 4)
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" class="grid"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" class="tick" text-anchor="end">{value}</text>'
        )
    step = plot_w / max(len(labels), 1)
    for i, label in enumerate(labels):
        x = LEFT + step * (i + 0.5)
        parts.append(
            f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 16}" class="tick" '
            f'text-anchor="middle">{escape(label)}</text>'
        )
    return parts


def bar_chart(title: str, labels: list[str], values: list[int]) -> str:
    """Bars, one per label, with the value written on top."""
    top = _nice_max(max(values, default=0))
    parts = _frame(title, labels, top, "bar")
    plot_h = HEIGHT - TOP - BOTTOM
    step = (WIDTH - LEFT - RIGHT) / max(len(labels), 1)
    for i, value in enumerate(values):
        h = plot_h * value / top if top else 0
        x = LEFT + step * i + step * 0.15
        y = TOP + plot_h - h
        parts.append(
            f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{step * 0.7:.1f}" '
            f'height="{h:.1f}" fill="{COLOURS[0]}">'
            f"<title>{escape(labels[i])}: {value}</title></rect>"
        )
        if value:
            parts.append(
                f'<text x="{x + step * 0.35:.1f}" y="{y - 3:.1f}" class="value" '
                f'text-anchor="middle">{value}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def line_chart(title: str, labels: list[str], series: list[tuple[str, list[int]]]) -> str:
    """One line per named series, with a legend."""
    top = _nice_max(max((v for _, values in series for v in values), default=0))
    parts = _frame(title, labels, top, "line")
    plot_h = HEIGHT - TOP - BOTTOM
    step = (WIDTH - LEFT - RIGHT) / max(len(labels), 1)
    for index, (name, values) in enumerate(series):
        colour = COLOURS[index % len(COLOURS)]
        points = " ".join(
            f"{LEFT + step * (i + 0.5):.1f},{TOP + plot_h - plot_h * v / top:.1f}"
            for i, v in enumerate(values)
        )
        parts.append(
            f'<polyline class="series" fill="none" stroke="{colour}" stroke-width="2.5" '
            f'points="{points}"><title>{escape(name)}</title></polyline>'
        )
        for i, v in enumerate(values):
            parts.append(
                f'<circle class="dot" cx="{LEFT + step * (i + 0.5):.1f}" '
                f'cy="{TOP + plot_h - plot_h * v / top:.1f}" r="3" fill="{colour}">'
                f"<title>{escape(name)} {escape(labels[i])}: {v}</title></circle>"
            )
        lx = LEFT + 8 + index * 130
        parts.append(
            f'<rect x="{lx}" y="{HEIGHT - 14}" width="12" height="4" fill="{colour}"/>'
            f'<text x="{lx + 16}" y="{HEIGHT - 9}" class="legend">{escape(name)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
