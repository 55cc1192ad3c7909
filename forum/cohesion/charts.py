"""Charts as SVG drawn on the server from numbers: no JavaScript, nothing fetched.

Each chart is an image with a title and a description (role="img", aria-labelledby), carries
its numbers as text, and sits beside a table of the same numbers. Colours have at least 3:1
contrast with the white background, and nothing is told by colour alone. Every label is
escaped: ward names are typed by people.
"""

from markupsafe import Markup, escape

INK = "#1b1f23"       # text, whiskers: 16:1 on white
BAR = "#0b5d4b"       # bars and lines: 7.8:1 on white
MUTED = "#4f5660"     # hatching, axes: 7.4:1 on white
GRID = "#c9cfcc"      # decorative grid lines only
FONT = 'font-family="system-ui, sans-serif" font-size="13"'


def _e(value):
    return str(escape(value))


def _short(label, limit=26):
    label = str(label)
    return label if len(label) <= limit else label[:limit - 1] + "…"


def _percent(value):
    return f"{round(100 * value)}%"


def _frame(chart_id, title, desc, width, height, body):
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%" style="max-width:{width}px" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" {FONT}>'
        f'<title id="{chart_id}-title">{_e(title)}</title>'
        f'<desc id="{chart_id}-desc">{_e(desc)}</desc>'
        f'{"".join(body)}</svg>')


def share_bars(chart_id, title, desc, shares):
    """Horizontal bars (0–100%) with 95% interval whiskers; suppressed groups hatched.

    :param shares: objects with label, value, low, high, suppressed and hidden_because (see
        `stats.Share`).
    """
    label_width, plot, row, top = 290, 330, 30, 34
    width = label_width + plot + 150
    height = top + row * len(shares) + 10

    def x(value):
        return label_width + plot * value

    body = [
        f'<defs><pattern id="{chart_id}-hatch" width="8" height="8" '
        f'patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        f'<line x1="0" y1="0" x2="0" y2="8" stroke="{MUTED}" stroke-width="2"/>'
        f'</pattern></defs>'
    ]
    for tick in (0, 0.25, 0.5, 0.75, 1):
        body.append(f'<line x1="{x(tick):.1f}" y1="{top - 6}" x2="{x(tick):.1f}" '
                    f'y2="{height - 10}" stroke="{GRID}"/>')
        body.append(f'<text x="{x(tick):.1f}" y="{top - 12}" text-anchor="middle" '
                    f'fill="{MUTED}">{_percent(tick)}</text>')
    for index, share in enumerate(shares):
        y = top + row * index
        middle = y + row / 2
        body.append(f'<text x="{label_width - 8}" y="{middle + 4:.1f}" text-anchor="end" '
                    f'fill="{INK}">{_e(_short(share.label, 40))}</text>')
        if share.suppressed:
            body.append(f'<rect x="{label_width}" y="{y + 6}" width="{plot}" '
                        f'height="{row - 12}" fill="url(#{chart_id}-hatch)" '
                        f'stroke="{MUTED}" opacity="0.5"/>')
            body.append(f'<rect x="{label_width + 8}" y="{y + 8}" width="{plot - 16}" '
                        f'height="{row - 16}" fill="#fff"/>')
            body.append(f'<text x="{label_width + plot / 2}" y="{middle + 4:.1f}" '
                        f'text-anchor="middle" fill="{INK}">{_e(share.note)}</text>')
            continue
        body.append(f'<rect x="{label_width}" y="{y + 7}" width="{plot * share.value:.1f}" '
                    f'height="{row - 14}" fill="{BAR}"/>')
        low, high = x(share.low), x(share.high)
        body.append(f'<path d="M{low:.1f} {middle:.1f}H{high:.1f}M{low:.1f} {y + 5}'
                    f'V{y + row - 5}M{high:.1f} {y + 5}V{y + row - 5}" stroke="{INK}" '
                    f'stroke-width="2" fill="none"/>')
        body.append(f'<text x="{label_width + plot + 10}" y="{middle + 4:.1f}" fill="{INK}">'
                    f'{_percent(share.value)} ({_percent(share.low)}–{_percent(share.high)})'
                    f'</text>')
    return _frame(chart_id, title, desc, width, height, body)


def small_multiples(chart_id, title, desc, months, panels, columns=2, date_format="%b %Y"):
    """One small line chart per panel, over the same months, each with its own scale.

    :param months: dates (first days of months, or weeks), oldest first.
    :param panels: [(label, [number per month])].
    """
    panel_width, panel_height, gap = 330, 130, 24
    rows = (len(panels) + columns - 1) // columns
    width = columns * panel_width + (columns - 1) * gap
    height = rows * (panel_height + gap)
    body = []
    for index, (label, values) in enumerate(panels):
        left = (index % columns) * (panel_width + gap)
        top = (index // columns) * (panel_height + gap)
        plot_left, plot_top = left + 52, top + 28
        plot_width, plot_height = panel_width - 104, panel_height - 58  # room for "12,345"
        peak = max(max(values, default=0), 1)

        step = plot_width / max(len(values) - 1, 1)
        points = [(plot_left + step * position,
                   plot_top + plot_height - plot_height * value / peak)
                  for position, value in enumerate(values)]
        body.append(f'<text x="{left}" y="{top + 14}" font-weight="bold" fill="{INK}">'
                    f'{_e(_short(label, 44))}</text>')
        body.append(f'<path d="M{plot_left} {plot_top}V{plot_top + plot_height}'
                    f'H{plot_left + plot_width}" stroke="{MUTED}" fill="none"/>')
        body.append(f'<text x="{plot_left - 6}" y="{plot_top + 4}" text-anchor="end" '
                    f'fill="{MUTED}">{_number(peak)}</text>')
        body.append(f'<text x="{plot_left - 6}" y="{plot_top + plot_height + 4}" '
                    f'text-anchor="end" fill="{MUTED}">0</text>')
        if months:
            body.append(f'<text x="{plot_left}" y="{plot_top + plot_height + 18}" '
                        f'fill="{MUTED}">{months[0].strftime(date_format)}</text>')
            body.append(f'<text x="{plot_left + plot_width}" y="{plot_top + plot_height + 18}"'
                        f' text-anchor="end" fill="{MUTED}">'
                        f'{months[-1].strftime(date_format)}</text>')
        if points:
            body.append('<polyline points="' + " ".join(f"{px:.1f},{py:.1f}"
                                                        for px, py in points)
                        + f'" stroke="{BAR}" stroke-width="2.5" fill="none"/>')
            body.extend(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3" fill="{BAR}"/>'
                        for px, py in points)
            last_x, last_y = points[-1]
            body.append(f'<text x="{last_x + 6:.1f}" y="{last_y + 4:.1f}" fill="{INK}">'
                        f'{_number(values[-1])}</text>')
    return _frame(chart_id, title, desc, width, height, body)


def _number(value):
    return f"{value:,.0f}"
