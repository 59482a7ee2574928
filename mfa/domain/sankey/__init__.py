"""Sankey diagram data: flows aggregated to nodes and links at a level, ordered into columns and positioned
(docs/sankey.md). Pure: frames in, a frozen SankeyData out; drawing and files are mfa.export.sankey_figure."""

from mfa.domain.sankey.data import SankeyData, sankey_data

__all__ = ["SankeyData", "sankey_data"]
