#!/usr/bin/python3
"""Reads an XLSX workbook the way a spreadsheet user's tools would (openpyxl,
Debian's python3-openpyxl) and prints what the tests check, as JSON on stdout:
  {"sheets": [{"name", "header": [...], "rows": [[{"t", "v", "date", "fmt"}]],
               "freeze", "orientation", "paper", "fit_width", "fit_height",
               "fit_to_page", "print_title_rows", "widths": {"A": 11.0, ...}}]}
t is openpyxl's data type (s string, n number, f formula, ...); v the value
(a date cell's as ISO text "2026-12-06T13:58:57"); date whether the cell is a
date; fmt its number format.
Usage: xlsx_check.py FILE
"""
import datetime
import json
import sys

import openpyxl

book = openpyxl.load_workbook(sys.argv[1])
sheets = []
for ws in book.worksheets:
    rows = []
    header = []
    for i, row in enumerate(ws.iter_rows()):
        if i == 0:
            header = [c.value for c in row]
            continue
        cells = []
        for c in row:
            v = c.value
            if isinstance(v, (datetime.datetime, datetime.date)):
                v = v.isoformat()
            cells.append({"t": c.data_type, "v": v, "date": bool(c.is_date),
                          "fmt": c.number_format})
        rows.append(cells)
    props = ws.sheet_properties.pageSetUpPr
    sheets.append({
        "name": ws.title,
        "header": header,
        "rows": rows,
        "freeze": ws.freeze_panes,
        "orientation": ws.page_setup.orientation,
        "paper": int(ws.page_setup.paperSize) if ws.page_setup.paperSize is not None else None,
        # Absent attributes take ECMA-376's defaults (fitToWidth 1, fitToHeight 1).
        "fit_width": 1 if ws.page_setup.fitToWidth is None else ws.page_setup.fitToWidth,
        "fit_height": 1 if ws.page_setup.fitToHeight is None else ws.page_setup.fitToHeight,
        "fit_to_page": bool(props.fitToPage) if props is not None else False,
        "print_title_rows": ws.print_title_rows,
        "widths": {k: d.width for k, d in ws.column_dimensions.items()},
    })
json.dump({"sheets": sheets}, sys.stdout, ensure_ascii=False)
