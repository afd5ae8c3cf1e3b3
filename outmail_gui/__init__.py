"""Outmail: configure and test the outgoing email servers of a service-management system."""

__version__ = "0.1.0"
