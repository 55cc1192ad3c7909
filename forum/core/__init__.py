"""Shared machinery with few routes of its own: policy, content, signals, security."""
