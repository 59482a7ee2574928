"""Data reconciliation of one period's flows (STAN-style weighted least squares; docs/reconciliation.md): `model`
builds the constraints and reads the result, `solver` is the numerical core."""

from mfa.domain.reconciliation.model import DEFAULT_UNCERTAINTY, Reconciliation, default_balanced, reconcile

__all__ = ["DEFAULT_UNCERTAINTY", "Reconciliation", "default_balanced", "reconcile"]
