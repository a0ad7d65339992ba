"""Server-drawn SVG charts for the overview page (no JavaScript, no CDN).

Each function takes plain numbers and labels and returns SVG markup, escaped,
using presentation attributes and CSS classes only (no inline style: the CSP
forbids it). The SVG scales with its container through ``viewBox``.
"""

from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

WIDTH = 640
BAR_GAP = 0.25


def _svg(height, title, body, width=WIDTH, css="chart"):
    return mark_safe(
        f'<svg class="{css}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" preserveAspectRatio="xMidYMid meet">'
        f"<title>{escape(title)}</title>{body}</svg>"
    )


def _nice_max(value):
    """A round upper bound for an axis (1, 2, 5, 10, 20, 50, …)."""
    value = max(1, value)
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10


def monthly_bars(title, months, series):
    """Grouped vertical bars per month.

    ``months`` are labels (2025年1月); ``series`` is a list of
    ``(name, css class, [value per month])``.
    """
    height, left, bottom, top = 260, 40, 40, 16
    plot_w, plot_h = WIDTH - left - 10, height - top - bottom
    top_value = _nice_max(
        max((v for _n, _c, values in series for v in values), default=0)
    )
    parts = []
    for fraction in (0, 0.5, 1) if top_value % 2 == 0 else (0, 1):
        y = top + plot_h * (1 - fraction)
        parts.append(
            format_html(
                '<line class="chart__grid" x1="{}" x2="{}" y1="{}" y2="{}"/>'
                '<text class="chart__tick" x="{}" y="{}" text-anchor="end">{}</text>',
                left,
                WIDTH - 10,
                round(y, 1),
                round(y, 1),
                left - 6,
                round(y + 4, 1),
                round(top_value * fraction),
            )
        )
    slot = min(plot_w / max(1, len(months)), 120)
    bar_w = slot * (1 - BAR_GAP) / max(1, len(series))
    label_every = max(1, len(months) // 8)
    for index, month in enumerate(months):
        x0 = left + slot * index + slot * BAR_GAP / 2
        for number, (name, css, values) in enumerate(series):
            value = values[index]
            bar_h = plot_h * value / top_value
            parts.append(
                format_html(
                    '<rect class="chart__bar {}" x="{}" y="{}" width="{}" height="{}">'
                    "<title>{} {}：{}</title></rect>",
                    css,
                    round(x0 + bar_w * number, 1),
                    round(top + plot_h - bar_h, 1),
                    round(max(bar_w - 1, 1), 1),
                    round(bar_h, 1),
                    month,
                    name,
                    value,
                )
            )
        if index % label_every == 0:
            parts.append(
                format_html(
                    '<text class="chart__label" x="{}" y="{}" '
                    'text-anchor="middle">{}</text>',
                    round(left + slot * index + slot / 2, 1),
                    height - bottom + 18,
                    month,
                )
            )
    legend_x = left
    for name, css, _values in series:
        parts.append(
            format_html(
                '<rect class="chart__bar {}" x="{}" y="{}" width="12" height="12"/>'
                '<text class="chart__label" x="{}" y="{}">{}</text>',
                css,
                legend_x,
                height - 14,
                legend_x + 16,
                height - 3,
                name,
            )
        )
        legend_x += 16 + 14 * (len(str(name)) + 2)
    return _svg(height, title, "".join(parts))


def ranking_bars(title, rows, css="chart__bar--a"):
    """Horizontal bars, largest first: ``rows`` is ``[(label, value, url)]``."""
    row_h, left, right, width = 30, 130, 40, 420
    height = max(1, len(rows)) * row_h + 10
    top_value = max((value for _l, value, _u in rows), default=1) or 1
    plot_w = width - left - right
    parts = []
    for index, (label, value, url) in enumerate(rows):
        y = 5 + index * row_h
        bar_w = plot_w * value / top_value
        name = label if len(label) <= 8 else label[:7] + "…"
        text = format_html(
            '<text class="chart__label" x="{}" y="{}" text-anchor="end">{}</text>',
            left - 8,
            y + 19,
            name,
        )
        if url:
            text = format_html('<a href="{}"><title>{}</title>{}</a>', url, label, text)
        parts.append(text)
        parts.append(
            format_html(
                '<rect class="chart__bar {}" x="{}" y="{}" width="{}" height="{}">'
                "<title>{}：{}</title></rect>"
                '<text class="chart__value" x="{}" y="{}">{}</text>',
                css,
                left,
                y + 4,
                round(max(bar_w, 2), 1),
                row_h - 10,
                label,
                value,
                round(left + bar_w + 6, 1),
                y + 19,
                value,
            )
        )
    return _svg(height, title, "".join(parts), width=width, css="chart chart--ranking")
