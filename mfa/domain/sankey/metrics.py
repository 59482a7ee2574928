"""The measures of a drawn Sankey diagram, in figure px (docs/sankey.md, "Layout"): what the layout, the labels and
the figure share."""

WIDTH = 1200.0
MIN_STEP = 170.0
"""Smallest distance between two columns when the figure's width is automatic, px (room for middle labels)."""
MAX_WIDTH = 2000.0
MIN_GAP_STEP = 96.0
"""The least distance between two columns: room for a label of a name and its tonnes on two lines, px."""
MIN_FLOW = 40.0
"""Room left in a gap between columns beside the return tracks running through it, px."""
NODE_W = 14.0
GAP = 10.0
"""Smallest gap between two nodes of a column, px."""
MIN_NODE_PX = 1.0
"""A node is drawn at least this tall, however few tonnes it carries."""
MIN_RETURN_PX = 6.0
"""When a given width makes the return bands thinner than the nodes' scale, the heaviest stays this thick, px."""
LABEL_SIZE = 12.0
LABEL_H = 17.0
"""A node label's line, px: its box and the pitch labels keep from each other."""
VALUE_SIZE = 10.0
VALUE_H = 13.0
LABEL_PAD = 6.0
MIN_NODE_AREA = 420.0
NODE_SHARE = 0.61
"""A figure of automatic height grows until its nodes span this share of it (return lanes take the rest)."""
MAX_HEIGHT = 1800.0
HEADER_H = 36.0
"""Above the plot: the title (and the legend beside it)."""
LEGEND_ROW = 24.0
"""At facility level the legend (material groups and facility kinds) takes a row of its own below the title."""
FOOT_H = 26.0
"""Below the plot: the one-line source note."""
CLEAR = 14.0
"""Between the lowest node and the first return lane, px."""
LANE_GAP = 3.0
SCALE_PX = 400.0
"""With a fixed scale, scale_t tonnes are drawn this many px tall."""
VALUE_SHARE = 0.02
"""Links carrying at least this share of the drawn tonnes show their tonnes on the band."""
MAX_MARGIN = 0.28 * WIDTH
"""The first and last columns' labels take at most this many px."""
MIN_MARGIN = 72.0
"""In a given width too narrow for them, the first and last columns' labels shorten down to this many px."""
MAX_COLUMN_NODES = int((MAX_HEIGHT - HEADER_H - FOOT_H - 2 * CLEAR) // LABEL_H) - 4
"""More nodes than this in one column cannot all be labelled: the smallest merge into Other."""
