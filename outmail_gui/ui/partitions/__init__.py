"""Partitions and routing: the Partition Settings dialog, its questions and the Routing view."""
