"""Notices: the in-app message centre (站内消息) and outbound delivery (e-mail, SMS)."""
