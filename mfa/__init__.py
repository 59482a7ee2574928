"""mfa: material flows of Hunan's industrial parks — the curated public API.

Names load on first use, so that `import mfa` (and the command line) stays fast.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_API = {
    "open_database": "mfa.db",
    "write_transaction": "mfa.db",
    "database_url": "mfa.settings",
    "import_files": "mfa.io.importer",
    "import_records": "mfa.io.importer",
    "ImportReport": "mfa.io.importer",
    "FlowFilter": "mfa.frames",
    "flow_table": "mfa.frames",
    "Scope": "mfa.indicators",
    "INDICATORS": "mfa.indicators",
    "compute_indicators": "mfa.indicators",
    "indicators_by_material": "mfa.indicators",
    "indicators_by_scope": "mfa.indicators",
    "evaluate_targets": "mfa.targets",
    "gap_attribution": "mfa.targets",
    "build_graph": "mfa.graph",
    "mass_balance": "mfa.graph",
    "find_loops": "mfa.graph",
    "trace_fate": "mfa.trace",
    "sankey_data": "mfa.sankey",
    "sankey_figure": "mfa.sankey_export",
    "export_figure": "mfa.sankey_export",
    "reconcile": "mfa.reconcile",
    "Reconciliation": "mfa.reconcile",
}

__all__ = sorted(_API)


def __getattr__(name: str) -> Any:
    if name in _API:
        return getattr(import_module(_API[name]), name)
    raise AttributeError(f"module 'mfa' has no attribute {name!r}")
