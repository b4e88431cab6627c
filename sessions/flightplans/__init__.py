"""Flight plans: the structured advance plan, versioned and co-signed. [Manual: Flight Plan]

models (versions, signatures), services (writes), selectors (reads, PDF), forms, views, urls.
"""
