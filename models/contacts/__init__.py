"""Contacts that keep themselves current: each institution confirms or corrects its own."""
