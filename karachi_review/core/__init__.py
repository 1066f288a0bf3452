"""The core: transcripts, time, the project store and exports. No Qt, no VLC."""
