"""The Textual app: the launcher, the facilitator's console, solo play, the review, and
a live session's seats; screens in `screens/`, reusable widgets in `widgets/`."""
