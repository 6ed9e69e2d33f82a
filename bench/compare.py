"""Python's read + write of a register, for comparison with the floor.

    python3 bench/compare.py pandas|polars IN.xlsx OUT.xlsx

pandas: pandas.read_excel with openpyxl, DataFrame.to_excel with openpyxl.
polars: polars.read_excel with fastexcel (calamine), DataFrame.write_excel
with xlsxwriter. The register's first row is its title, so the header is
the second row. bench/run times the whole process (imports included) with
/usr/bin/time -v; it only runs this where the packages are installed.
"""

import sys


def main() -> None:
    tool, src, out = sys.argv[1:4]
    if tool == "pandas":
        import pandas as pd

        df = pd.read_excel(src, engine="openpyxl", header=1)
        df.to_excel(out, index=False, engine="openpyxl")
    elif tool == "polars":
        import polars as pl

        df = pl.read_excel(src, engine="calamine", read_options={"header_row": 1})
        df.write_excel(out)
    else:
        sys.exit(f"unknown tool {tool!r}: pandas or polars")
    print(f"{tool}: {df.shape[0]} rows x {df.shape[1]} columns -> {out}")


if __name__ == "__main__":
    main()
