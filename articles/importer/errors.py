"""Why the importer turns a page away."""


class ImportRefused(ValueError):
    """A page the importer will not take, with a message for the editor (Chinese).

    Raised for empty, binary, oversized or non-Chinese input and for pages in
    which no body text can be found. ``str(error)`` is the user-facing message.
    """

    def __init__(self, message, *, code="refused"):
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self):
        return self.message
