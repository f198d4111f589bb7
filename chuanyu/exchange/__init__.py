"""Signed, audited messaging between region nodes: service calls and durable event streams."""
