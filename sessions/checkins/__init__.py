"""Integration check-ins after a medicine session: schedule, emailed link, answers, danger
alerts and follow-ups. [Manual: Between Sessions]

models, services (writes and sending), selectors (reads: the trend charts), views, urls.
"""
