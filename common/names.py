"""How a person's name is written on pages, posters and exports."""

import unicodedata


def person_name(user):
    """A user's name as villagers write it: 韩兴和, not 兴和 韩; else the username.
    Everywhere a reviewer or an accountant is named (pages, posters) goes through here."""
    if user is None:
        return ""
    first, last = user.first_name.strip(), user.last_name.strip()
    if not (first or last):
        return user.username
    if any(unicodedata.east_asian_width(char) == "W" for char in first + last):
        return f"{last}{first}"
    return f"{first} {last}".strip()
