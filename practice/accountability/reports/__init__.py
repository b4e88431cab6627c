"""Reports: the practice's activity, safety, dosing and outcomes over a period, in aggregate."""
