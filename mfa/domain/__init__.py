"""The domain: pure computation over polars frames, networkx graphs and numpy arrays (flows, indicators, targets,
balances, fate, reconciliation, Sankey data, labels). It never imports SQL, Streamlit, plotly or files; a test builds
its input inline."""
