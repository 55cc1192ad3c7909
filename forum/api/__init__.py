"""The open read API (/api/v1/): published public news, events, boards and topics as JSON."""
