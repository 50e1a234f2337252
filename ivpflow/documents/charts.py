"""Small trend charts of the figures for the documents: one line per gemeente and Nederland
over the years, as PNG (Word shows it; HTML embeds it).

matplotlib (Agg backend) is imported only when a chart is drawn. The PNG carries no
timestamp or version, so unchanged figures give identical bytes and no new draft version.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from io import BytesIO

# Muted colours that stay apart in print and for colour-blind readers (Okabe-Ito); Nederland
# is the grey dashed line.
COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#F0E442")
NEDERLAND_COLOUR = "#555555"
WIDTH_CM, HEIGHT_CM = 14.0, 6.0


def trend_png(title: str, unit: str, lines: Mapping[str, Sequence[tuple[int, float]]], *,
              comparison: str | None = "Nederland") -> bytes:
    """A line chart of `lines` (name → (year, value) points) as PNG bytes, titled `title`
    with `unit` on the y-axis; the line named `comparison` is drawn grey and dashed."""
    # The same chart appears in the veiligheidsanalyse and the IVP: drawn once per run.
    frozen = tuple((name, tuple((int(y), float(v)) for y, v in points))
                   for name, points in lines.items())
    return _drawn(title, unit, frozen, comparison)


@lru_cache(maxsize=256)
def _drawn(title: str, unit: str, lines: tuple[tuple[str, tuple[tuple[int, float], ...]], ...],
           comparison: str | None) -> bytes:
    import matplotlib

    matplotlib.use("Agg", force=True)
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH_CM / 2.54, HEIGHT_CM / 2.54), dpi=150)
    axes = figure.subplots()
    years = sorted({year for _, points in lines for year, _ in points})
    colours = iter(COLOURS)
    for name, points in lines:
        xs = [year for year, _ in points]
        ys = [value for _, value in points]
        if name == comparison:
            axes.plot(xs, ys, color=NEDERLAND_COLOUR, linestyle="--", linewidth=1.6,
                      marker="o", markersize=3, label=name)
        else:
            axes.plot(xs, ys, color=next(colours, "#000000"), linewidth=1.6, marker="o",
                      markersize=3, label=name)
    axes.set_title(title, fontsize=9, loc="left")
    axes.set_ylabel(unit, fontsize=7)
    axes.set_xticks(years, [str(y) for y in years])
    axes.tick_params(labelsize=7)
    axes.set_ylim(bottom=0)
    axes.grid(axis="y", color="#dddddd", linewidth=0.6)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    # Dutch numbers on the axis: a decimal comma.
    axes.yaxis.set_major_formatter(
        matplotlib.ticker.FuncFormatter(lambda v, _pos: f"{v:g}".replace(".", ",")))
    axes.legend(fontsize=7, frameon=False, loc="center left", bbox_to_anchor=(1.0, 0.5))
    figure.tight_layout()
    buffer = BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()
