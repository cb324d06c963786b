"""Pages of one township at a time (the compliance dashboard, the visits): a user who
supervises many townships, a superuser of a province's hundreds, picks one from a list
of links grouped by district, so that a page holds one township's villages however many
the user sees."""

from dataclasses import dataclass

from django.http import Http404


@dataclass
class TownshipChoice:
    townships: list  # every township the user may pick, in code order (districts grouped)
    current: object  # the one shown

    @property
    def query(self):
        """What links on the page add to keep the township: "township=<code>&", or
        nothing when the user has only one."""
        return f"township={self.current.code}&" if len(self.townships) > 1 else ""

    @property
    def by_district(self):
        groups = {}
        for township in self.townships:
            groups.setdefault(township.district, []).append(township)
        return list(groups.items())


def choose_township(request, townships):
    """The township of ?township=<code> among `townships` (a list, in code order; select
    their district along), or the first. An unknown code is a 404."""
    code = request.GET.get("township")
    if code is None:
        return TownshipChoice(townships, townships[0])
    current = next((township for township in townships if township.code == code), None)
    if current is None:
        raise Http404
    return TownshipChoice(townships, current)
