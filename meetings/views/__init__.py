"""Views of the meetings app, by area: the calendar and iCal, meetings and the year plan,
the agenda and proposals, attendance and minutes, the decision register and documents.

Each view is thin: access (meetings.access) → form → service or selector → render. htmx
requests get a partial of the same page's template ("page.html#partial").
"""
