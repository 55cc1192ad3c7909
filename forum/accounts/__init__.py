"""Accounts: people, wards, roles, sign-up and sign-in, profiles, privacy."""
