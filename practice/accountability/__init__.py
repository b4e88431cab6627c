"""Top layer: accountability work that reads across apps (client concerns so far)."""
