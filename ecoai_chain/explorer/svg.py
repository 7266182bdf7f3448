"""Server-side SVG charts (no JavaScript, no CDN): a line/area chart over (label, value) points.
Pure: strings in, strings out; values are escaped by the template engine's caller."""

from __future__ import annotations

from html import escape


def _fmt(v: float) -> str:
    for unit, div in (("T", 1e12), ("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if abs(v) >= div:
            return f"{v / div:.1f}{unit}"
    if v == int(v):
        return f"{v:.0f}"
    return f"{v:.3g}"  # small values keep 3 significant digits (0.0042 kWh, not 0.00)


# The plot area's margins inside a chart (room for the title, the y ticks and the x labels).
PAD_L, PAD_R, PAD_T, PAD_B = 56, 12, 28, 28


def _head(title: str, unit: str, width: int, height: int) -> str:
    """A chart's opening <svg> with its accessible title and the visible title (unit)."""
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
            f'viewBox="0 0 {width} {height}" width="{width}" height="{height}">'
            f'<title>{escape(title)}</title>'
            f'<text x="{PAD_L}" y="16" class="chart-title">{escape(title)} ({escape(unit)})</text>')


def _empty(width: int, height: int, message: str) -> str:
    """What a chart without data shows: ``message`` centred, and the closing tag."""
    return (f'<text x="{width / 2}" y="{height / 2}" text-anchor="middle" '
            f'class="chart-empty">{message}</text></svg>')


def _axes(top: float, w: float, h: float) -> str:
    """The x and y axes of a w x h plot area with the y ticks 0 and ``top``."""
    return (f'<line x1="{PAD_L}" y1="{PAD_T + h}" x2="{PAD_L + w}" y2="{PAD_T + h}" '
            'class="axis"/>'
            f'<line x1="{PAD_L}" y1="{PAD_T}" x2="{PAD_L}" y2="{PAD_T + h}" class="axis"/>'
            f'<text x="{PAD_L - 6}" y="{PAD_T + 4}" text-anchor="end" class="tick">'
            f'{_fmt(top)}</text>'
            f'<text x="{PAD_L - 6}" y="{PAD_T + h}" text-anchor="end" class="tick">0</text>')


def line_chart(points: list[tuple[str, float]], title: str, unit: str, width: int = 560,
               height: int = 200, color: str = "#2e7d32") -> str:
    """An SVG line chart with area fill, y-axis min/max labels and first/last x labels."""
    w, h = width - PAD_L - PAD_R, height - PAD_T - PAD_B
    head = _head(title, unit, width, height)
    if not points:
        return head + _empty(width, height, "no data yet")
    values = [float(v) for _, v in points]
    top = max(values) or 1.0
    n = len(points)

    def xy(i: int, v: float) -> tuple[float, float]:
        x = PAD_L + (w * i / (n - 1) if n > 1 else w / 2)
        return x, PAD_T + h - h * v / top

    coords = [xy(i, v) for i, v in enumerate(values)]
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    area = f"{coords[0][0]:.1f},{PAD_T + h} {line} {coords[-1][0]:.1f},{PAD_T + h}"
    dots = "".join(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{color}">'
                   f'<title>{escape(points[i][0])}: {_fmt(values[i])} {escape(unit)}</title>'
                   '</circle>' for i, (x, y) in enumerate(coords))
    return (head + _axes(top, w, h) +
            f'<text x="{PAD_L}" y="{height - 8}" class="tick">{escape(points[0][0])}</text>'
            f'<text x="{PAD_L + w}" y="{height - 8}" text-anchor="end" class="tick">'
            f'{escape(points[-1][0])}</text>'
            f'<polygon points="{area}" fill="{color}" fill-opacity="0.15"/>'
            f'<polyline points="{line}" fill="none" stroke="{color}" stroke-width="2"/>'
            f'{dots}</svg>')


def bound_bars(bars: list[tuple[str, float]], bound: float | None, title: str, unit: str,
               width: int = 560, height: int = 200, color: str = "#1565c0",
               over_color: str = "#c62828") -> str:
    """An SVG bar chart of (label, value) with a dashed line at ``bound`` (drawn in red where a
    bar exceeds it): energy per opened window against the node's max power x window."""
    w, h = width - PAD_L - PAD_R, height - PAD_T - PAD_B
    head = _head(title, unit, width, height)
    if not bars:
        return head + _empty(width, height, "no window opened yet")
    values = [float(v) for _, v in bars]
    top = max([*values, float(bound or 0)]) or 1.0
    slot_w = w / len(bars)
    body = []
    for i, ((label, _), v) in enumerate(zip(bars, values, strict=True)):
        bh = h * v / top
        x = PAD_L + i * slot_w + slot_w * 0.15
        fill = over_color if bound is not None and v > bound else color
        body.append(f'<rect x="{x:.1f}" y="{PAD_T + h - bh:.1f}" width="{slot_w * 0.7:.1f}" '
                    f'height="{bh:.1f}" fill="{fill}"><title>{escape(label)}: {_fmt(v)} '
                    f'{escape(unit)}</title></rect>'
                    f'<text x="{x + slot_w * 0.35:.1f}" y="{height - 8}" text-anchor="middle" '
                    f'class="tick">{escape(label)}</text>')
    if bound is not None:
        y = PAD_T + h - h * float(bound) / top
        body.append(f'<line x1="{PAD_L}" y1="{y:.1f}" x2="{PAD_L + w}" y2="{y:.1f}" '
                    f'stroke="{over_color}" stroke-dasharray="4 3" class="bound">'
                    f'<title>max power x window: {_fmt(float(bound))} {escape(unit)}</title>'
                    f'</line><text x="{PAD_L + w}" y="{y - 4:.1f}" text-anchor="end" '
                    f'class="tick">max power x window</text>')
    return head + _axes(top, w, h) + "".join(body) + "</svg>"
