"""Sankey diagram data: flows aggregated to nodes and links at a level, in a view, ordered into columns and laid out
(docs/sankey.md). Pure: frames in, a frozen SankeyData and a Layout out; drawing and files are
mfa.export.sankey_figure."""

from mfa.domain.sankey.data import sankey_data
from mfa.domain.sankey.diagram import SankeyData
from mfa.domain.sankey.layout import Layout, lay_out
from mfa.domain.sankey.options import SankeyOptions, parse_order

__all__ = ["Layout", "SankeyData", "SankeyOptions", "lay_out", "parse_order", "sankey_data"]
