"""Server-side SVG charts drawn from the report data (no script, prints as vector)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from html import escape

from chuanyu.ledger.reports.model import StageView, TimelineItem

PALETTE = ("#b22222", "#1f5fa8", "#d98c1f", "#2e8b57", "#7a4fa3", "#5f6b73", "#c2577a", "#3a9ca6")
FONT = "font-family=\"'Noto Sans CJK SC','Noto Sans SC','Source Han Sans SC',sans-serif\""


def _text(x: float, y: float, body: str, size: int = 12, anchor: str = "start", **kw: str) -> str:
    extra = " ".join(f'{k.replace("_", "-")}="{v}"' for k, v in kw.items())
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" {FONT} '
        f"{extra}>{escape(body)}</text>"
    )


def bar_chart(
    counts: Mapping[str, Mapping[str, int]], kind_labels: Mapping[str, str], title: str
) -> str:
    """Grouped bars: entries per stage (groups) and kind (colours)."""
    groups = list(counts)
    kinds = sorted({k for row in counts.values() for k in row})
    width, height, left, top, bottom = 720, 320, 48, 40, 70
    plot_w, plot_h = width - left - 20, height - top - bottom
    peak = max([v for row in counts.values() for v in row.values()] + [1])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-label="{escape(title)}">',
        _text(width / 2, 22, title, 15, "middle", font_weight="bold"),
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" '
        'stroke="#333"/>',
    ]
    for tick in range(peak + 1):
        y = top + plot_h - plot_h * tick / peak
        parts.append(_text(left - 6, y + 4, str(tick), 10, "end", fill="#555"))
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="#e3e3e3"/>'
        )
    group_w = plot_w / max(len(groups), 1)
    bar_w = min(28.0, (group_w - 16) / max(len(kinds), 1))
    for gi, group in enumerate(groups):
        x0 = left + gi * group_w + (group_w - bar_w * len(kinds)) / 2
        for ki, kind in enumerate(kinds):
            value = counts[group].get(kind, 0)
            h = plot_h * value / peak
            x = x0 + ki * bar_w
            colour = PALETTE[ki % len(PALETTE)]
            parts.append(
                f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{bar_w - 2:.1f}" '
                f'height="{h:.1f}" fill="{colour}"><title>{escape(group)} · '
                f"{escape(kind_labels.get(kind, kind))}：{value}</title></rect>"
            )
            if value:
                label_y = top + plot_h - h - 3
                parts.append(_text(x + bar_w / 2 - 1, label_y, str(value), 10, "middle"))
        parts.append(_text(left + (gi + 0.5) * group_w, top + plot_h + 18, group, 12, "middle"))
    lx = left
    for ki, kind in enumerate(kinds):
        y = height - 22
        parts.append(
            f'<rect x="{lx}" y="{y - 10}" width="12" height="12" '
            f'fill="{PALETTE[ki % len(PALETTE)]}"/>'
        )
        label = kind_labels.get(kind, kind)
        parts.append(_text(lx + 16, y, label, 11))
        lx += 24 + 13 * len(label)
    parts.append("</svg>")
    return "\n".join(parts)


def timeline_chart(
    stages: Sequence[StageView], items: Sequence[TimelineItem], as_of: date, title: str
) -> str:
    """Stages as bands and each dated first on the days it fell (the period clamps the axis)."""
    if not stages or not items:
        return ""
    start = min(s.start for s in stages)
    span = max((as_of - start).days, 1)
    width, left, right, top, row = 760, 250, 20, 72, 22
    height = top + row * len(items) + 64
    plot_w = width - left - right

    def x_of(day: date) -> float:
        return left + plot_w * max(0, min((day - start).days, span)) / span

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-label="{escape(title)}">',
        _text(width / 2, 20, title, 15, "middle", font_weight="bold"),
    ]
    for i, stage in enumerate(stages):
        x1 = x_of(stage.start)
        x2 = x_of(stage.end) if stage.end else x_of(as_of)
        shade = ("#f7ecec", "#ecf1f8", "#eef6ef")[i % 3]
        parts.append(
            f'<rect x="{x1:.1f}" y="{top - 34}" width="{max(x2 - x1, 1):.1f}" '
            f'height="{row * len(items) + 40}" fill="{shade}"/>'
        )
        label_y = top - 6 - 16 * (i % 2)
        since = f"{stage.start.month}月{stage.start.day}日起"
        parts.append(_text(x1 + 4, label_y, f"{stage.name}（{since}）", 11))
    for i, item in enumerate(items):
        y = top + 6 + i * row
        parts.append(_text(left - 8, y + 10, item.label, 11, "end"))
        x1, x2 = x_of(item.start), x_of(item.end)
        if item.exact:
            parts.append(f'<circle cx="{x1:.1f}" cy="{y + 6}" r="5" fill="#b22222"/>')
        else:
            parts.append(
                f'<rect x="{x1:.1f}" y="{y + 1}" width="{max(x2 - x1, 2):.1f}" height="10" '
                'fill="#1f5fa8" fill-opacity="0.35" stroke="#1f5fa8" stroke-dasharray="3 2"/>'
            )
    axis_y = top + row * len(items) + 14
    parts.append(
        f'<line x1="{left}" y1="{axis_y}" x2="{left + plot_w}" y2="{axis_y}" stroke="#333"/>'
    )
    month = date(start.year, start.month, 1)
    while month <= as_of:
        if month >= start:
            parts.append(_text(x_of(month), axis_y + 16, f"{month.month}月", 10, "middle"))
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    parts.append(
        _text(left, height - 4, "● 原文注明的日期　▭ 只知月份（虚框为该月）", 10, fill="#555")
    )
    parts.append("</svg>")
    return "\n".join(parts)
