"""Reading and writing files: CSV (UTF-8, UTF-8 with BOM, GBK), XLSX and Parquet."""
