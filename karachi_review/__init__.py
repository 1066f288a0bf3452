"""karachi_review: review documentary footage beside its time-synced transcript."""

__version__ = "0.1.0"
