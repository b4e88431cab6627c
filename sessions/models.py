"""The sessions app's models, one capability each (this module is only an index for Django)."""

from sessions.checkins.models import CheckIn, CheckInAcknowledgement, CheckInAnswer, CheckInEscalation, OpenAnswer
from sessions.flightplans.models import FlightPlanSignature, FlightPlanVersion
from sessions.livelog.models import DoseGiven, SessionEvent, VitalsReading, WaterIntake
from sessions.measures.models import MeasureAcknowledgement, MeasureEscalation, MeasureResponse, MeasureSchedule
from sessions.notes.models import NoteAddendum, NoteCoSignature, SessionNote
from sessions.preparation.models import PreparationTick
from sessions.readiness.models import GateCheck, GateRefusal
from sessions.reminders.models import SessionReminder
from sessions.scheduling.models import CalendarFeed, Kind, Status, TherapySession
from sessions.surveys.models import (
    RuptureAcknowledgement,
    RuptureAlert,
    SurveyRequest,
    SurveyResponse,
    SurveySchedule,
)

__all__ = [
    "CalendarFeed", "CheckIn", "CheckInAcknowledgement", "CheckInAnswer", "CheckInEscalation", "DoseGiven",
    "FlightPlanSignature", "FlightPlanVersion", "GateCheck", "GateRefusal", "Kind", "MeasureAcknowledgement",
    "MeasureEscalation", "MeasureResponse", "MeasureSchedule", "NoteAddendum", "NoteCoSignature", "OpenAnswer", "PreparationTick",
    "RuptureAcknowledgement", "RuptureAlert", "SessionEvent", "SessionNote", "SessionReminder", "Status",
    "SurveyRequest", "SurveyResponse", "SurveySchedule", "TherapySession", "VitalsReading", "WaterIntake"
]
