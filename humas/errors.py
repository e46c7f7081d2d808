"""The one domain error: a service refuses an action with a message for the user. Views turn it into a
form error, the API into a 400/409 carrying the same message."""

from __future__ import annotations


class Refused(Exception):
    def __init__(self, message: str, *, code: str = "refused", status: int = 400):
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status
