"""pdfplumber's table finder, with its one quadratic step done without rescanning.

`find_tables(page, settings)` is pdfplumber's `page.find_tables(settings)`: its TableFinder's
edges (strategies, snapping, joining), intersections, cells-to-tables and Table objects, all
pdfplumber's own. Only `intersections_to_cells` is replaced, by `cells` below: the same cells
in the same order. pdfplumber's function lists, for every intersection, the later points below
and to the right by scanning all later points, and rebuilds the sets of edges at two points
for each pair it tries (most of the table finder's time on a ruled page); here each point's
column and row are listed once and its edge sets made once. A point with a NaN coordinate
(never on a sound page) leaves the whole page to pdfplumber's function.
"""
from __future__ import annotations

from operator import itemgetter

__all__ = ["find_tables", "cells"]

_BBOX = itemgetter("x0", "top", "x1", "bottom")  # pdfplumber's utils.obj_to_bbox


def find_tables(page, settings=None) -> list:
    """pdfplumber's page.find_tables(settings), through _Finder."""
    from pdfplumber.table import TableSettings

    return _finder()(page, TableSettings.resolve(settings)).tables


def cells(intersections: dict) -> list[tuple]:
    """pdfplumber's table.intersections_to_cells(intersections): for each point in sorted order,
    the smallest cell it is the top-left corner of (the first point below it, then the first
    to its right, that edges join to it and to a fourth point)."""
    points = sorted(intersections)
    if any(x != x or y != y for x, y in points):
        from pdfplumber.table import intersections_to_cells

        return intersections_to_cells(intersections)
    v = {p: {_BBOX(e) for e in got["v"]} for p, got in intersections.items()}
    h = {p: {_BBOX(e) for e in got["h"]} for p, got in intersections.items()}
    columns: dict[float, list] = {}
    rows: dict[float, list] = {}
    below_at, right_at = [], []  # per point: where the later points of its column / row start
    for p in points:
        column = columns.setdefault(p[0], [])
        row = rows.setdefault(p[1], [])
        column.append(p)
        row.append(p)
        below_at.append((column, len(column)))
        right_at.append((row, len(row)))
    out = []
    for pt, (column, b), (row, r) in zip(points, below_at, right_at):
        v_pt, h_pt = v[pt], h[pt]
        right = [q for q in row[r:] if not h_pt.isdisjoint(h[q])]
        if not right:
            continue
        found = None
        for below in column[b:]:
            if v_pt.isdisjoint(v[below]):
                continue
            h_below = h[below]
            for right_pt in right:
                corner = (right_pt[0], below[1])
                if corner in intersections and not v[corner].isdisjoint(v[right_pt]) \
                        and not h[corner].isdisjoint(h_below):
                    found = (pt[0], pt[1], corner[0], corner[1])
                    break
            if found:
                break
        if found:
            out.append(found)
    return out


_FINDER: list = []


def _finder():
    """pdfplumber's TableFinder with `cells` for its intersections_to_cells (made on first use:
    pdfplumber is imported only when a PDF is read)."""
    if not _FINDER:
        from pdfplumber.table import Table, TableFinder, cells_to_tables, edges_to_intersections

        class _Finder(TableFinder):
            def __init__(self, page, settings):  # TableFinder.__init__, but for the cells
                self.page = page
                self.settings = settings
                self.edges = self.get_edges()
                self.intersections = edges_to_intersections(
                    self.edges, settings.intersection_x_tolerance, settings.intersection_y_tolerance)
                self.cells = cells(self.intersections)
                self.tables = [Table(self.page, group) for group in cells_to_tables(self.cells)]

        _FINDER.append(_Finder)
    return _FINDER[0]
