"""Tests for the staff console."""
