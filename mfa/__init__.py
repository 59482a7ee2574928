"""mfa: material flows of Hunan's industrial parks — the curated public API.

Names load on first use, so that `import mfa` (and the command line) stays fast.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_API = {
    "open_database": "mfa.services.database",
    "write_transaction": "mfa.storage.engine",
    "database_url": "mfa.services.database",
    "import_files": "mfa.services.writing",
    "import_records": "mfa.services.editing",
    "ImportReport": "mfa.services.writing",
    "Selection": "mfa.domain.flowframe",
    "flow_table": "mfa.storage.declarations",
    "Scope": "mfa.domain.flowframe",
    "INDICATORS": "mfa.domain.indicators",
    "compute_indicators": "mfa.domain.indicators",
    "indicators_by_material": "mfa.domain.indicators",
    "indicators_by_scope": "mfa.domain.indicators",
    "evaluate_targets": "mfa.domain.targets",
    "gap_attribution": "mfa.domain.targets",
    "build_graph": "mfa.domain.network",
    "mass_balance": "mfa.domain.balance",
    "find_loops": "mfa.domain.network",
    "trace_fate": "mfa.domain.fate",
    "sankey_data": "mfa.domain.sankey",
    "sankey_figure": "mfa.export.sankey_figure",
    "export_figure": "mfa.export.sankey_files",
    "reconcile": "mfa.domain.reconciliation",
    "Reconciliation": "mfa.domain.reconciliation",
}
"""name -> the module that defines it. `FlowFilter` became `Selection` (one filter type for the CLI, the app and
the exports: a year or month, a Scope, a material, facility kinds, reported or reconciled quantities)."""

__all__ = sorted(_API)


def __getattr__(name: str) -> Any:
    if name in _API:
        return getattr(import_module(_API[name]), name)
    raise AttributeError(f"module 'mfa' has no attribute {name!r}")
