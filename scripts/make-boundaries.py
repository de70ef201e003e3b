#!/usr/bin/env python3
"""Writes config/boundaries.geojson: plausible demo boundaries of the
jurisdiction in config/jurisdiction.json (3 communities, 35 grids, 155
micro-grids around Longfengqiao, about 29.83 N, 106.43 E), and the named
residential areas and buildings in them.

The boundaries are drawn, not surveyed: a lattice of cells, slightly
jittered, rotated and bent so no edge runs straight north-south, is cut into
one band of columns per community; each micro-grid is one cell, taken in a
snake order through its community's band, and a grid is the run of its
micro-grids' cells. Every polygon is traced along the same lattice vertices,
so micro-grids tile their grid and grids their community exactly (shared
edges, no gaps, no overlaps) and Boost.Geometry's covered_by holds without
tolerance. The output is deterministic (fixed seed): re-running the script
on an unchanged jurisdiction.json rewrites the same file.

    python3 scripts/make-boundaries.py            # writes config/boundaries.geojson
    python3 scripts/make-boundaries.py --check    # exit 1 when the file is not what it would write
"""
import json
import math
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
JURISDICTION = ROOT / "config" / "jurisdiction.json"
OUTPUT = ROOT / "config" / "boundaries.geojson"

ORIGIN = (106.4185, 29.8230)  # lon, lat of the lattice's south-west corner
CELL = (0.00165, 0.00140)     # degrees: about 160 m x 155 m at 29.8 N
ROTATION = math.radians(12)   # the lattice turned anticlockwise
JITTER = 0.22                 # node jitter, as a fraction of a cell
BAND_WIDTH = {"LF": 8, "LY": 7, "JS": 6}  # columns per community, west to east

# The named compounds of config/jurisdiction.json's grid "area"s, and the
# short codes their buildings' codes start with.
AREA_CODES = {
    "衡器厂家属区": "HQC",
    "仪材小区": "YC",
    "西山坪家属区": "XSP",
    "马坪堡安置房小区": "MPB",
    "铁路家属区": "TL",
}
BUILDINGS_PER_MICRO_GRID = 2


def lattice(columns, rows, rng):
    """Node (i, j) -> (lon, lat), rounded to 1e-7 degrees (about 1 cm)."""
    nodes = {}
    for i in range(columns + 1):
        for j in range(rows + 1):
            dx = rng.uniform(-JITTER, JITTER) if 0 < i < columns else 0.0
            dy = rng.uniform(-JITTER, JITTER) if 0 < j < rows else 0.0
            x = (i + dx) * CELL[0]
            y = (j + dy) * CELL[1] + 0.0009 * math.sin(i / columns * math.pi)  # a gentle bend
            lon = ORIGIN[0] + x * math.cos(ROTATION) - y * math.sin(ROTATION) * CELL[0] / CELL[1]
            lat = ORIGIN[1] + x * math.sin(ROTATION) * CELL[1] / CELL[0] + y * math.cos(ROTATION)
            nodes[(i, j)] = [round(lon, 7), round(lat, 7)]
    return nodes


def outline(cells, nodes):
    """The closed counter-clockwise ring around a set of edge-connected cells
    without holes or pinches (a snake run of cells is one)."""
    edges = {}
    for (i, j) in cells:
        corners = [(i, j), (i + 1, j), (i + 1, j + 1), (i, j + 1)]
        for a, b in zip(corners, corners[1:] + corners[:1]):
            if (b, a) in edges:
                del edges[(b, a)]  # shared with a neighbour in the set: inside
            else:
                edges[(a, b)] = True
    following = {}
    for a, b in edges:
        if a in following:
            raise SystemExit(f"cells {sorted(cells)} touch at a corner only: {a}")
        following[a] = b
    start = min(following)
    ring = [start]
    node = following[start]
    while node != start:
        ring.append(node)
        node = following[node]
    if len(ring) != len(edges):
        raise SystemExit(f"cells {sorted(cells)} are not one piece")
    ring.append(start)
    return [nodes[n] for n in ring]


def snake(first_column, width, count):
    """`count` cells of a band of columns, row by row from the south,
    alternately eastwards and westwards."""
    cells = []
    row = 0
    while len(cells) < count:
        columns = range(first_column, first_column + width)
        if row % 2:
            columns = reversed(columns)
        for i in columns:
            if len(cells) < count:
                cells.append((i, row))
        row += 1
    return cells


def feature(code, level, name, geometry, **extra):
    return {"type": "Feature",
            "properties": {"code": code, "level": level, "name": name, **extra},
            "geometry": geometry}


def polygon(ring):
    return {"type": "Polygon", "coordinates": [ring]}


def centre(cell, nodes):
    i, j = cell
    corners = [nodes[(i, j)], nodes[(i + 1, j)], nodes[(i + 1, j + 1)], nodes[(i, j + 1)]]
    return [round(sum(c[0] for c in corners) / 4, 7), round(sum(c[1] for c in corners) / 4, 7)]


def build():
    jurisdiction = json.loads(JURISDICTION.read_text(encoding="utf-8"))
    communities = jurisdiction["communities"]
    columns = sum(BAND_WIDTH[c["code"]] for c in communities)
    rows = max(math.ceil(sum(len(g["micro_grids"]) for g in c["grids"]) / BAND_WIDTH[c["code"]])
               for c in communities)
    nodes = lattice(columns, rows, random.Random(22))

    features = []
    places = []
    first_column = 0
    for community in communities:
        width = BAND_WIDTH[community["code"]]
        micro_grids = [m for g in community["grids"] for m in g["micro_grids"]]
        cells = snake(first_column, width, len(micro_grids))
        first_column += width
        features.append(feature(community["code"], "community", community["name"],
                                polygon(outline(cells, nodes))))
        k = 0
        for grid in community["grids"]:
            grid_cells = cells[k:k + len(grid["micro_grids"])]
            features.append(feature(grid["code"], "grid", grid["name"],
                                    polygon(outline(grid_cells, nodes))))
            for m, cell in zip(grid["micro_grids"], grid_cells):
                features.append(feature(m["code"], "micro_grid", m["name"],
                                        polygon(outline([cell], nodes))))
            if grid.get("area") in AREA_CODES:
                places += named_places(community["code"], grid, grid_cells, nodes)
            k += len(grid["micro_grids"])
    return {"type": "FeatureCollection",
            "name": jurisdiction["name"] + "边界（演示数据，scripts/make-boundaries.py 生成）",
            "features": features + places}


def named_places(community, grid, cells, nodes):
    """The compound (in its grid's first micro-grid) and its buildings, two
    per micro-grid, numbered 1栋, 2栋, … (also called 1号楼, …)."""
    area = grid["area"]
    code = f"{community}-{AREA_CODES[area]}"
    first = grid["micro_grids"][0]["code"]
    out = [feature(code, "residential_area", area,
                   {"type": "Point", "coordinates": centre(cells[0], nodes)}, micro_grid=first)]
    number = 0
    for m, cell in zip(grid["micro_grids"], cells):
        middle = centre(cell, nodes)
        for b in range(BUILDINGS_PER_MICRO_GRID):
            number += 1
            offset = (b - 0.5) * 0.3 * CELL[0]  # side by side in the cell
            point = [round(middle[0] + offset, 7), middle[1]]
            out.append(feature(f"{code}-{number:02d}", "building", f"{area}{number}栋",
                               {"type": "Point", "coordinates": point},
                               micro_grid=m["code"], aliases=[f"{area}{number}号楼"]))
    return out


def text_of(doc):
    # One feature per line: reviewable diffs, a file that stays small.
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in doc["features"]]
    head = json.dumps({"type": doc["type"], "name": doc["name"]}, ensure_ascii=False)[:-1]
    return head + ',\n "features": [\n' + ",\n".join(lines) + "\n]}\n"


def main():
    text = text_of(build())
    if "--check" in sys.argv[1:]:
        if OUTPUT.read_text(encoding="utf-8") != text:
            print(f"{OUTPUT} differs from what scripts/make-boundaries.py writes", file=sys.stderr)
            return 1
        return 0
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUTPUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
