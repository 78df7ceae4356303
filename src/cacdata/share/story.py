"""The story the pictures and the site open on: the March 2021 summons, and who and what it involved.

One place for the event at the centre (IDs are minted once and never reused) and the values of the schemas'
enumerations the story is told with, so the pictures and the site's canned queries cannot drift apart.
"""

from __future__ import annotations

FOCUS_EVENT = "evt-0002"  # the summons of 11 companies, March 2021
SUMMONED = "summoned"  # participants.role of those summoned
CONVENED = "convened"  # participants.role of those who summoned them
COMPANY = "company"  # entities.entity_type of a company
