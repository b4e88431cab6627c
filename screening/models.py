# Screening models arrive with the screening issue (issue 3).
