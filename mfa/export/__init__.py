"""What goes out as files: tables as CSV, XLSX and Parquet, and Sankey diagrams as plotly figures, HTML, SVG,
PNG, PDF and JSON."""
