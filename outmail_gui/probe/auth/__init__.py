"""SASL mechanisms for SMTP AUTH, and the choice between them."""

from __future__ import annotations

from outmail_gui.probe.auth.base import Credentials, Mechanism, MechanismError
from outmail_gui.probe.auth.select import AuthPlan, create_mechanism, plan_auth

__all__ = ["AuthPlan", "Credentials", "Mechanism", "MechanismError", "create_mechanism", "plan_auth"]
