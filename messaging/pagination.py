"""Keyset (cursor) pagination, shared by every app (see ``messagecenter.pagination``)."""

from messagecenter.pagination import Page, decode_cursor, encode_cursor

__all__ = ["Page", "decode_cursor", "encode_cursor"]
