"""Neighbourhood discussion boards: boards per ward and per topic, topics, posts."""
