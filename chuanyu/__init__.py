"""Chuanyu (川渝通办): cross-region government services for Chongqing and Sichuan."""

__version__ = "0.1.0"
