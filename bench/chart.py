#!/usr/bin/env python3
"""Draws bench results as an SVG: for each metric, this shim's value over the Go shim's (ratio),
one bar per scope, with the 1.0 line (equal to the Go shim). Usage: chart.py RESULTS_DIR > chart.svg"""
import math
import sys
from pathlib import Path

METRICS = ["run_rm_ms", "start_ms", "exec_ms", "kill_wait_ms", "delete_ms", "parallel_start_s",
           "pss_kb_total", "rss_kb_total"]
SCOPES = [("group", "#d95f02", "default (group) scope"), ("namespace", "#1b9e77", "namespace scope")]


def ratios(path):
    out = {}
    if not path.exists():
        return out
    for line in path.read_text().splitlines():
        f = line.split()
        if len(f) == 3 and f[0] == "ratio":
            try:
                out[f[1]] = float(f[2])
            except ValueError:
                pass
    return out


def main():
    d = Path(sys.argv[1])
    data = {s: ratios(d / f"{s}.txt") for s, _, _ in SCOPES}
    w, h, left, top, bottom = 900, 420, 70, 40, 110
    plot_w, plot_h = w - left - 20, h - top - bottom
    # log scale, 0.1x .. 20x: ratios far apart stay readable
    lo, hi = math.log10(0.1), math.log10(20)
    y = lambda r: top + plot_h * (1 - (math.log10(max(min(r, 20), 0.1)) - lo) / (hi - lo))
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif" font-size="12">',
           f'<text x="{left}" y="20" font-size="14">containerd-shim-rune-v2 / containerd-shim-runc-v2 (lower is better; 1.0 = equal)</text>']
    for r in [0.1, 0.25, 0.5, 1, 2, 5, 10, 20]:
        out.append(f'<line x1="{left}" x2="{w - 20}" y1="{y(r):.1f}" y2="{y(r):.1f}" stroke="{"#000" if r == 1 else "#ddd"}"/>')
        out.append(f'<text x="{left - 8}" y="{y(r) + 4:.1f}" text-anchor="end">{r:g}x</text>')
    slot = plot_w / len(METRICS)
    bar = slot / (len(SCOPES) + 1)
    for i, m in enumerate(METRICS):
        x0 = left + i * slot
        for j, (s, color, _) in enumerate(SCOPES):
            r = data[s].get(m)
            if r is None:
                continue
            x, yr, y1 = x0 + bar * (j + 0.5), y(r), y(1)
            out.append(f'<rect x="{x:.1f}" y="{min(yr, y1):.1f}" width="{bar:.1f}" height="{abs(y1 - yr):.1f}" fill="{color}"/>')
            out.append(f'<text x="{x + bar / 2:.1f}" y="{(yr - 4 if r >= 1 else yr + 14):.1f}" text-anchor="middle" font-size="10">{r:.2f}</text>')
        out.append(f'<text transform="translate({x0 + slot / 2:.1f},{top + plot_h + 14}) rotate(30)" font-size="11">{m}</text>')
    for j, (s, color, label) in enumerate(SCOPES):
        out.append(f'<rect x="{left + j * 220}" y="{h - 22}" width="12" height="12" fill="{color}"/>')
        out.append(f'<text x="{left + j * 220 + 18}" y="{h - 12}">{label}</text>')
    out.append("</svg>")
    print("\n".join(out))


if __name__ == "__main__":
    main()
