"""People with their titles, and organizations with their aliases."""

from .types import OrganizationFact, PersonFact  # noqa: F401


def extract_entities(page, *, gazetteer=None):
    """``(persons, organizations)`` named in ``page``'s title, lede and body.

    ``gazetteer`` maps names and short forms already known in the database to
    an organization's full name (``Gazetteer`` in ``extract``); may be None.
    """
    return [], []
