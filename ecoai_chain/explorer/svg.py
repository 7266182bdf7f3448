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


def line_chart(points: list[tuple[str, float]], title: str, unit: str, width: int = 560,
               height: int = 200, color: str = "#2e7d32") -> str:
    """An SVG line chart with area fill, y-axis min/max labels and first/last x labels."""
    pad_l, pad_r, pad_t, pad_b = 56, 12, 28, 28
    w, h = width - pad_l - pad_r, height - pad_t - pad_b
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
            f'viewBox="0 0 {width} {height}" width="{width}" height="{height}">'
            f'<title>{escape(title)}</title>'
            f'<text x="{pad_l}" y="16" class="chart-title">{escape(title)} ({escape(unit)})</text>')
    if not points:
        return head + (f'<text x="{width / 2}" y="{height / 2}" text-anchor="middle" '
                       'class="chart-empty">no data yet</text></svg>')
    values = [float(v) for _, v in points]
    top = max(values) or 1.0
    n = len(points)

    def xy(i: int, v: float) -> tuple[float, float]:
        x = pad_l + (w * i / (n - 1) if n > 1 else w / 2)
        return x, pad_t + h - h * v / top

    coords = [xy(i, v) for i, v in enumerate(values)]
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    area = f"{coords[0][0]:.1f},{pad_t + h} {line} {coords[-1][0]:.1f},{pad_t + h}"
    dots = "".join(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{color}">'
                   f'<title>{escape(points[i][0])}: {_fmt(values[i])} {escape(unit)}</title>'
                   '</circle>' for i, (x, y) in enumerate(coords))
    return (head +
            f'<line x1="{pad_l}" y1="{pad_t + h}" x2="{pad_l + w}" y2="{pad_t + h}" '
            'class="axis"/>'
            f'<line x1="{pad_l}" y1="{pad_t}" x2="{pad_l}" y2="{pad_t + h}" class="axis"/>'
            f'<text x="{pad_l - 6}" y="{pad_t + 4}" text-anchor="end" class="tick">'
            f'{_fmt(top)}</text>'
            f'<text x="{pad_l - 6}" y="{pad_t + h}" text-anchor="end" class="tick">0</text>'
            f'<text x="{pad_l}" y="{height - 8}" class="tick">{escape(points[0][0])}</text>'
            f'<text x="{pad_l + w}" y="{height - 8}" text-anchor="end" class="tick">'
            f'{escape(points[-1][0])}</text>'
            f'<polygon points="{area}" fill="{color}" fill-opacity="0.15"/>'
            f'<polyline points="{line}" fill="none" stroke="{color}" stroke-width="2"/>'
            f'{dots}</svg>')


def bound_bars(bars: list[tuple[str, float]], bound: float | None, title: str, unit: str,
               width: int = 560, height: int = 200, color: str = "#1565c0",
               over_color: str = "#c62828") -> str:
    """An SVG bar chart of (label, value) with a dashed line at ``bound`` (drawn in red where a
    bar exceeds it): energy per opened window against the node's max power x window."""
    pad_l, pad_r, pad_t, pad_b = 56, 12, 28, 28
    w, h = width - pad_l - pad_r, height - pad_t - pad_b
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
            f'viewBox="0 0 {width} {height}" width="{width}" height="{height}">'
            f'<title>{escape(title)}</title>'
            f'<text x="{pad_l}" y="16" class="chart-title">{escape(title)} ({escape(unit)})</text>')
    if not bars:
        return head + (f'<text x="{width / 2}" y="{height / 2}" text-anchor="middle" '
                       'class="chart-empty">no window opened yet</text></svg>')
    values = [float(v) for _, v in bars]
    top = max([*values, float(bound or 0)]) or 1.0
    slot_w = w / len(bars)
    body = []
    for i, ((label, _), v) in enumerate(zip(bars, values, strict=True)):
        bh = h * v / top
        x = pad_l + i * slot_w + slot_w * 0.15
        fill = over_color if bound is not None and v > bound else color
        body.append(f'<rect x="{x:.1f}" y="{pad_t + h - bh:.1f}" width="{slot_w * 0.7:.1f}" '
                    f'height="{bh:.1f}" fill="{fill}"><title>{escape(label)}: {_fmt(v)} '
                    f'{escape(unit)}</title></rect>'
                    f'<text x="{x + slot_w * 0.35:.1f}" y="{height - 8}" text-anchor="middle" '
                    f'class="tick">{escape(label)}</text>')
    if bound is not None:
        y = pad_t + h - h * float(bound) / top
        body.append(f'<line x1="{pad_l}" y1="{y:.1f}" x2="{pad_l + w}" y2="{y:.1f}" '
                    f'stroke="{over_color}" stroke-dasharray="4 3" class="bound">'
                    f'<title>max power x window: {_fmt(float(bound))} {escape(unit)}</title>'
                    f'</line><text x="{pad_l + w}" y="{y - 4:.1f}" text-anchor="end" '
                    f'class="tick">max power x window</text>')
    return (head +
            f'<line x1="{pad_l}" y1="{pad_t + h}" x2="{pad_l + w}" y2="{pad_t + h}" '
            'class="axis"/>'
            f'<line x1="{pad_l}" y1="{pad_t}" x2="{pad_l}" y2="{pad_t + h}" class="axis"/>'
            f'<text x="{pad_l - 6}" y="{pad_t + 4}" text-anchor="end" class="tick">'
            f'{_fmt(top)}</text>'
            f'<text x="{pad_l - 6}" y="{pad_t + h}" text-anchor="end" class="tick">0</text>'
            + "".join(body) + "</svg>")
