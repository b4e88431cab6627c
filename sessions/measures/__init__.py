"""Symptom measures (PHQ-9, GAD-7, PCL-5): when they are due, the client's answers and scores,
and a PHQ-9 question 9 answer handled like a danger check-in."""
