"""Cells of ruled tables from a page's drawn rules: pdfplumber's explicit-lines TableFinder, made cheap.

pdfplumber turns each rule into four edge dicts, snaps and joins them, and then tests every pair of
grid points by rebuilding sets of edge boxes (a third of the reader's time on pages with tables).
Here edges are tuples and each point's edge boxes are gathered once; every step keeps pdfplumber's
arithmetic and ordering (stable sorts, `x + (mean - x)` when snapping, the first edge of a run
keeping its depth when joining), so the cells are the very same floats.  pdfplumber itself is not
imported (a tenth of a second in every worker).  Rules are pdfplumber rect dicts in top-down
coordinates.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter

# pdfplumber's TableFinder defaults for the explicit strategy.
SNAP_TOLERANCE = 3
JOIN_TOLERANCE = 3
EDGE_MIN_LENGTH = 3
INTERSECTION_TOLERANCE = 3

Bbox = tuple[float, float, float, float]


@dataclass(frozen=True)
class GridTable:
    """A table of the grid: its box and its rows of cells (None where a merged cell covers the slot)."""

    bbox: Bbox
    rows: tuple[tuple[Bbox | None, ...], ...]


# An edge is a tuple (x0, top, x1, bottom, length): length is pdfplumber's width for a horizontal
# edge and height for a vertical one, kept apart from the coordinates as pdfplumber keeps them.
Edge = tuple[float, float, float, float, float]
X0, TOP, X1, BOTTOM, LENGTH = range(5)


def grid_tables(rules: list[dict]) -> list[GridTable]:
    """Tables the rules draw, in pdfplumber's order, each with its rows of cell boxes."""
    across, down = merged_edges(rules)
    cells = _cells(_intersections(across, down))
    return [GridTable(_bbox(group), _rows(group)) for group in _tables(cells)]


def merged_edges(rules: list[dict]) -> tuple[list[Edge], list[Edge]]:
    """(horizontal, vertical) edges of the rules, snapped, joined and filtered as pdfplumber does."""
    across: list[Edge] = []
    down: list[Edge] = []
    for r in rules:
        down.append((r["x0"], r["top"], r["x0"], r["bottom"], r["height"]))
        down.append((r["x1"], r["top"], r["x1"], r["bottom"], r["height"]))
        across.append((r["x0"], r["top"], r["x1"], r["top"], r["width"]))
        across.append((r["x0"], r["top"] + r["height"], r["x1"], r["bottom"], r["width"]))
    across = _joined(_snapped(across, TOP, BOTTOM), TOP, X0, X1)
    down = _joined(_snapped(down, X0, X1), X0, TOP, BOTTOM)
    return _long(across), _long(down)


def _long(edges: list[Edge]) -> list[Edge]:
    return [e for e in edges if e[LENGTH] >= EDGE_MIN_LENGTH]


def _snapped(edges: list[Edge], at: int, also: int) -> list[Edge]:
    """Edges whose position (`at`) lies within the tolerance of the next moved to their cluster's mean
    (`also` moving with it), listed cluster by cluster, as pdfplumber's snap_objects."""
    cluster_of: dict[float, int] = {}
    cluster, last = 0, None
    for value in sorted({e[at] for e in edges}):
        if last is not None and not value <= last + SNAP_TOLERANCE:
            cluster += 1
        cluster_of[value] = cluster
        last = value
    snapped: list[Edge] = []
    for _, group in groupby(sorted(edges, key=lambda e: cluster_of[e[at]]), key=lambda e: cluster_of[e[at]]):
        members = list(group)
        mean = sum(e[at] for e in members) / len(members)
        for e in members:
            moved = list(e)
            shift = mean - e[at]
            moved[at] = e[at] + shift
            moved[also] = e[also] + shift
            snapped.append(tuple(moved))  # type: ignore[arg-type]
    return snapped


def _joined(edges: list[Edge], line: int, start: int, end: int) -> list[Edge]:
    """Edges on one line (same `line` coordinate) that overlap or nearly touch joined into one, the
    first keeping its other values, as pdfplumber's join_edge_group."""
    joined: list[Edge] = []
    for _, group in groupby(sorted(edges, key=lambda e: e[line]), key=lambda e: e[line]):
        run: list[Edge] = []
        for e in sorted(group, key=lambda e: e[start]):
            if run and e[start] <= run[-1][end] + JOIN_TOLERANCE:
                if e[end] > run[-1][end]:
                    run[-1] = _extended(run[-1], end, e[end])
            else:
                run.append(e)
        joined.extend(run)
    return joined


def _extended(edge: Edge, end: int, value: float) -> Edge:
    """pdfplumber's resize_object of the far end: a width is recomputed, a height shifted by the change."""
    length = value - edge[X0] if end == X1 else edge[LENGTH] + (value - edge[BOTTOM])
    moved = list(edge)
    moved[end] = value
    moved[LENGTH] = length
    return tuple(moved)  # type: ignore[return-value]


def _intersections(across: list[Edge], down: list[Edge]) -> dict[tuple[float, float], tuple[set, set]]:
    """Grid points where a vertical edge meets a horizontal one (within the tolerance), each with the
    boxes of the vertical and of the horizontal edges through it."""
    tol = INTERSECTION_TOLERANCE
    points: dict[tuple[float, float], tuple[set, set]] = {}
    for v in down:
        for h in across:
            if v[TOP] <= h[TOP] + tol and v[BOTTOM] >= h[TOP] - tol and h[X0] - tol <= v[X0] <= h[X1] + tol:
                vertical, horizontal = points.setdefault((v[X0], h[TOP]), (set(), set()))
                vertical.add(v[:4])
                horizontal.add(h[:4])
    return points


def _cells(points: dict[tuple[float, float], tuple[set, set]]) -> list[Bbox]:
    """The smallest cell each grid point opens, in pdfplumber's order (its intersections_to_cells)."""
    ordered = sorted(points)
    below: dict[float, list[tuple[float, float]]] = {}
    right: dict[float, list[tuple[float, float]]] = {}
    place: dict[tuple[float, float], tuple[int, int]] = {}
    for point in ordered:
        column = below.setdefault(point[0], [])
        row = right.setdefault(point[1], [])
        place[point] = (len(column) + 1, len(row) + 1)
        column.append(point)
        row.append(point)
    cells = []
    for point in ordered:
        in_column, in_row = place[point]
        cell = _smallest_cell(point, below[point[0]][in_column:], right[point[1]][in_row:], points)
        if cell is not None:
            cells.append(cell)
    return cells


def _smallest_cell(point, below: list, right: list, points: dict) -> Bbox | None:
    for below_pt in below:
        if not _connected(points[point][0], points[below_pt][0]):
            continue
        for right_pt in right:
            if not _connected(points[point][1], points[right_pt][1]):
                continue
            corner = (right_pt[0], below_pt[1])
            if (corner in points and _connected(points[corner][0], points[right_pt][0])
                    and _connected(points[corner][1], points[below_pt][1])):
                return (point[0], point[1], corner[0], corner[1])
    return None


def _connected(edges: set, others: set) -> bool:
    return not edges.isdisjoint(others)


def _tables(cells: list[Bbox]) -> list[list[Bbox]]:
    """Cells gathered into tables of cells sharing corners, top-most first; lone cells dropped
    (pdfplumber's cells_to_tables)."""
    remaining = list(cells)
    corners: set[tuple[float, float]] = set()
    current: list[Bbox] = []
    tables = []
    while remaining:
        before = len(current)
        for cell in list(remaining):
            cell_corners = _corners(cell)
            if not current or any(corner in corners for corner in cell_corners):
                corners |= set(cell_corners)
                current.append(cell)
                remaining.remove(cell)
        if len(current) == before:
            tables.append(list(current))
            corners.clear()
            current.clear()
    if current:
        tables.append(list(current))
    tables.sort(key=lambda table: min((cell[1], cell[0]) for cell in table))
    return [table for table in tables if len(table) > 1]


def _corners(cell: Bbox) -> tuple[tuple[float, float], ...]:
    x0, top, x1, bottom = cell
    return ((x0, top), (x0, bottom), (x1, top), (x1, bottom))


def _bbox(cells: list[Bbox]) -> Bbox:
    return (min(c[0] for c in cells), min(c[1] for c in cells), max(c[2] for c in cells),
            max(c[3] for c in cells))


def _rows(cells: list[Bbox]) -> tuple[tuple[Bbox | None, ...], ...]:
    """Rows top to bottom, each with a slot for every column edge of the table (pdfplumber's Table.rows)."""
    xs = sorted({cell[0] for cell in cells})
    rows = []
    for _, row_cells in groupby(sorted(cells, key=itemgetter(1, 0)), key=itemgetter(1)):
        by_x = {cell[0]: cell for cell in row_cells}
        rows.append(tuple(by_x.get(x) for x in xs))
    return tuple(rows)
