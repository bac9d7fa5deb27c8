"""pdfplumber's table finder, with two of its steps done with less work.

`find_tables(page, settings)` is pdfplumber's `page.find_tables(settings)`: its TableFinder's
edges (strategies, snapping, joining), intersections, cells-to-tables and Table objects, all
pdfplumber's own, but for two functions, each giving the same answers:

- `intersections_to_cells`, by `cells` below: the same cells in the same order. pdfplumber's
  function lists, for every intersection, the later points below and to the right by scanning
  all later points, and rebuilds the sets of edges at two points for each pair it tries (most of
  the table finder's time on a ruled page); here each point's column and row are listed once and
  its edge sets made once. A point with a NaN coordinate (never on a sound page) leaves the
  whole page to pdfplumber's function.
- `snap_edges` (within `merge_edges`, for the "lines" strategies), by `snap_edges` below: the
  same edges, in the same order. pdfplumber clusters the edges through several sorted lists of
  tuples and rebuilds every edge, moved or not, from its items plus the new values; here the
  clusters are made in one pass over the sorted values and each edge is copied with its moved
  values set. A NaN position leaves that orientation to pdfplumber's own snap_objects.
"""
from __future__ import annotations

import itertools
from operator import itemgetter

__all__ = ["find_tables", "cells", "merge_edges", "snap_edges"]

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


def merge_edges(edges: list[dict], snap_x_tolerance: float, snap_y_tolerance: float,
                join_x_tolerance: float, join_y_tolerance: float) -> list[dict]:
    """pdfplumber's table.merge_edges: edges snapped (snap_edges below), then grouped by
    orientation and position and each group joined by pdfplumber's own join_edge_group."""
    from pdfplumber.table import join_edge_group

    if snap_x_tolerance > 0 or snap_y_tolerance > 0:
        edges = snap_edges(edges, snap_x_tolerance, snap_y_tolerance)

    def group(edge: dict) -> tuple:
        return ("h", edge["top"]) if edge["orientation"] == "h" else ("v", edge["x0"])

    out: list[dict] = []
    for key, items in itertools.groupby(sorted(edges, key=group), key=group):
        out += join_edge_group(items, key[0], join_x_tolerance if key[0] == "h" else join_y_tolerance)
    return out


def snap_edges(edges: list[dict], x_tolerance: float, y_tolerance: float) -> list[dict]:
    """pdfplumber's table.snap_edges: vertical edges whose x0 are within x_tolerance of one another
    (chained), and horizontal ones whose tops are within y_tolerance, moved to their cluster's
    average. pdfplumber clusters through several sorted lists and rebuilds each edge from its items
    and the new values; here each edge is copied and its moved values set, the same dict."""
    v = [e for e in edges if e["orientation"] == "v"]
    h = [e for e in edges if e["orientation"] == "h"]
    if len(v) + len(h) != len(edges):  # (an edge with no orientation: pdfplumber's KeyError)
        from pdfplumber.table import snap_edges as plumber_snap_edges

        return plumber_snap_edges(edges, x_tolerance, y_tolerance)
    return _snapped(v, "x0", x_tolerance) + _snapped(h, "top", y_tolerance)


def _snapped(edges: list[dict], attr: str, tolerance: float) -> list[dict]:
    """pdfplumber's utils.snap_objects(edges, attr, tolerance) for x0 (moved along x) or top (along y)."""
    values = [e[attr] for e in edges]
    if any(x != x for x in values):  # NaN: pdfplumber's clustering is its own
        from pdfplumber.utils.geometry import snap_objects

        return snap_objects(edges, attr, tolerance)
    distinct = sorted(set(values))
    cluster_of: dict = {}  # pdfplumber's make_cluster_dict: values sorted, each within tolerance of the last chains
    k = -1
    last = None
    for x in distinct:
        if last is None or not x <= last + tolerance:
            k += 1
        cluster_of[x] = k
        last = x
    clusters: list[list[dict]] = [[] for _ in range(k + 1)]
    for e, x in zip(edges, values):  # each cluster's edges in their order
        clusters[cluster_of[x]].append(e)
    out = []
    for cluster in clusters:
        avg = sum(map(itemgetter(attr), cluster)) / len(cluster)
        for e in cluster:
            out.append(_moved(e, attr, avg - e[attr]))
    return out


def _moved(edge: dict, attr: str, value: float) -> dict:
    """pdfplumber's utils.move_object(edge, axis, value): along x for x0, along y for top."""
    moved = dict(edge)
    if attr == "x0":
        moved["x0"] = edge["x0"] + value
        moved["x1"] = edge["x1"] + value
    else:
        moved["top"] = edge["top"] + value
        moved["bottom"] = edge["bottom"] + value
        if "doctop" in edge:
            moved["doctop"] = edge["doctop"] + value
        if "y0" in edge:
            moved["y0"] = edge["y0"] - value
            moved["y1"] = edge["y1"] - value
    return moved


_FINDER: list = []


def _finder():
    """pdfplumber's TableFinder with `cells` for its intersections_to_cells (made on first use:
    pdfplumber is imported only when a PDF is read)."""
    if not _FINDER:
        from pdfplumber import utils
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

            def get_edges(self):
                """TableFinder.get_edges for the "lines" strategy both ways (explicit lines
                added), with merge_edges above; any other strategy: pdfplumber's own."""
                st = self.settings
                if st.vertical_strategy != "lines" or st.horizontal_strategy != "lines":
                    return super().get_edges()
                x0, top, x1, bottom = self.page.bbox
                v_explicit, h_explicit = [], []
                for desc in st.explicit_vertical_lines or []:
                    if isinstance(desc, dict):
                        v_explicit += [e for e in utils.obj_to_edges(desc) if e["orientation"] == "v"]
                    else:
                        v_explicit.append({"x0": desc, "x1": desc, "top": top, "bottom": bottom,
                                           "height": bottom - top, "orientation": "v"})
                for desc in st.explicit_horizontal_lines or []:
                    if isinstance(desc, dict):
                        h_explicit += [e for e in utils.obj_to_edges(desc) if e["orientation"] == "h"]
                    else:
                        h_explicit.append({"x0": x0, "x1": x1, "width": x1 - x0, "top": desc, "bottom": desc,
                                           "orientation": "h"})
                v, h = [], []  # utils.filter_edges(page.edges, "v" / "h", min_length=prefilter), in one pass
                shortest = st.edge_min_length_prefilter
                for e in self.page.edges:
                    if e["orientation"] == "v":
                        if e["height"] >= shortest:
                            v.append(e)
                    elif e["orientation"] == "h" and e["width"] >= shortest:
                        h.append(e)
                v += v_explicit
                h += h_explicit
                merged = merge_edges(v + h, snap_x_tolerance=st.snap_x_tolerance,
                                     snap_y_tolerance=st.snap_y_tolerance, join_x_tolerance=st.join_x_tolerance,
                                     join_y_tolerance=st.join_y_tolerance)
                return utils.filter_edges(merged, min_length=st.edge_min_length)

        _FINDER.append(_Finder)
    return _FINDER[0]
