#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
"""Plot the overhead table of a bench.py results file: one panel per workload, one bar per
configuration (median overhead against no monitor, whiskers at the first and third
quartiles of the rounds). Needs matplotlib; bench.py falls back to gnuplot when no python has it.

    plot.py RESULTS.json OUT.png
"""
import json
import sys

GROUP_COLOURS = {"baseline": "#bbbbbb", "libtetra": "#1f6fb4", "peer": "#e08a1e"}


def plot(results, out):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ov = results["overhead"]
    workloads = ov["workloads"]
    configs = [c for c in ov["configs"] if c["status"] == "measured"]
    cols = 3
    rows = (len(workloads) + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(5.2 * cols, 0.42 * len(configs) * rows + 1.8 * rows),
                             squeeze=False)
    for i, w in enumerate(workloads):
        ax = axes[i // cols][i % cols]
        names, vals, lo, hi, colours = [], [], [], [], []
        for c in configs:
            r = c["results"].get(w)
            if not r:
                continue
            med = (r["ratio_median"] - 1) * 100
            names.append(c["name"])
            vals.append(med)
            lo.append(max(0.0, med - (r.get("ratio_q1", r["ratio_min"]) - 1) * 100))
            hi.append(max(0.0, (r.get("ratio_q3", r["ratio_max"]) - 1) * 100 - med))
            colours.append(GROUP_COLOURS.get(c["group"], "#888888"))
        y = list(range(len(names)))[::-1]
        ax.barh(y, vals, xerr=[lo, hi], color=colours, capsize=3, ecolor="#333333")
        ax.set_yticks(y)
        ax.set_yticklabels(names, fontsize=8)
        ax.axvline(0, color="black", linewidth=0.8)
        base = ov["baseline_ns"].get(w)
        title = f"{w} ({base / 1000:.1f} µs/op bare)" if base and base >= 1000 else \
            f"{w} ({base:.0f} ns/op bare)" if base else w
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("overhead vs no monitor (%)", fontsize=8)
        ax.tick_params(axis="x", labelsize=8)
        for yy, v, h, l in zip(y, vals, hi, lo):
            x = v + h if v >= 0 else v - l
            ax.annotate(f"{v:+.1f}%", (x, yy), xytext=(4 if v >= 0 else -4, 0),
                        textcoords="offset points", va="center",
                        ha="left" if v >= 0 else "right", fontsize=7)
        ax.margins(x=0.15)
    for j in range(len(workloads), rows * cols):
        axes[j // cols][j % cols].axis("off")
    meta = results.get("meta", {})
    fig.suptitle(f"libtetra overhead per configuration vs peers — {meta.get('kernel', '')}, "
                 f"{meta.get('cpus', '?')} CPUs, {ov['rounds']} interleaved rounds "
                 f"(bars: median, whiskers: quartiles)", fontsize=10)
    missing = [f"{c['name']} ({c['status']})" for c in ov["configs"] if c["status"] != "measured"]
    if missing:
        fig.text(0.5, 0.005, "Not in the plot: " + ", ".join(missing), ha="center", fontsize=8)
    fig.tight_layout(rect=(0, 0.02, 1, 0.96))
    fig.savefig(out, dpi=110)


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    with open(sys.argv[1]) as f:
        results = json.load(f)
    plot(results, sys.argv[2])
    return 0


if __name__ == "__main__":
    sys.exit(main())
