"""What comes in: the importable tables, the readers of CSV and XLSX files, and the one validation every file and
form passes through."""
