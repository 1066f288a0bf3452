"""Where the window keeps projects it makes by itself: the sample, and one per opened
transcript, in the user's data folder (never next to the user's own files without asking)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from karachi_review.core.samples import sample_path
from karachi_review.core.store import PROJECT_SUFFIX, Project, ProjectExistsError
from karachi_review.core.timecode import parse_time

__all__ = ["SAMPLE_ANNOTATOR", "SAMPLE_TAGS", "ensure_sample_project", "transcript_project_path"]

SAMPLE_ANNOTATOR = "karachi_review sample"

# A few example annotations, so the first window shows what tagging looks like (delete them
# freely: the sample project is the user's to change).
SAMPLE_TAGS: tuple[tuple[str, str, str, str], ...] = (
    ("0:01:59", "0:02:03", "statistic-claim", "Karachi population: 24 million (check the census)"),
    ("0:02:50", "0:02:54", "funeral", ""),
    ("0:03:23", "0:03:29", "statistic-claim", "15,000 officers for 24 million people"),
    ("0:03:31", "0:03:35", "statistic-claim", "156 officers killed in one year: source?"),
    ("0:04:57", "0:05:07", "archive-footage", "CCTV of two preachers: date and source"),
    ("0:06:18", "0:06:43", "expert-commentary", ""),
    ("0:10:07", "0:11:28", "raid", "Slum raid with Officer Ijaz"),
    ("0:10:24", "0:10:26", "sound-event", "GUNSHOT"),
    ("0:10:30", "0:10:33", "sound-event", ""),
    ("0:10:44", "0:10:51", "graphic-content", "Check before broadcast"),
    ("0:11:25", "0:11:28", "sound-event", "ALARM RINGS"),
    ("0:12:12", "0:12:16", "interview", ""),
    ("0:22:32", "0:22:37", "statistic-claim", "133 children killed"),
)


def _slug(path: Path) -> str:
    digest = hashlib.sha1(str(path.resolve()).encode()).hexdigest()[:10]
    return f"{path.stem}-{digest}{PROJECT_SUFFIX}"


def transcript_project_path(transcript: Path, data_dir: Path) -> Path:
    """The project the window keeps for ``transcript`` (one per transcript file)."""
    return data_dir / "projects" / _slug(transcript)


def ensure_sample_project(data_dir: Path) -> Path:
    """The sample project (created from the bundled transcript on first use)."""
    target = data_dir / f"karachi-sample{PROJECT_SUFFIX}"
    if target.exists():
        return target
    from karachi_review.core.reader import read_transcript  # only when first made

    source = sample_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    transcript = read_transcript(source).transcript
    try:
        project = Project.create(
            target, transcript, title="Karachi's Taliban hunters (sample)", transcript_path=source
        )
    except ProjectExistsError:
        return target  # another window made it meanwhile
    with project:
        for start, end, tag, note in SAMPLE_TAGS:
            project.add_annotation(
                parse_time(start), parse_time(end), tag, note=note, annotator=SAMPLE_ANNOTATOR
            )
    return target
