"""The main window: the one place that wires widgets, models, the player and the store together.

Layout (splitter sizes are remembered in QSettings): the video with its transport bar and a
banner for what is missing, the transcript with find bar and follow button, the annotation
list, the tag bar, the timeline and the status bar.

Opening things (File menu, command line, drag and drop):

* a project file (``*.kreview``) opens as it is; if another karachi_review window or process
  holds its lock (``PROJECT.lock``, a QLockFile), it opens read-only and says so;
* a transcript opens in a project of its own kept in the user's data folder (created on first
  open, found again afterwards), so tagging works without asking where to save; File > New
  makes a project wherever the user wants, with or without the film;
* a media file is attached to the open project.

Without the film (not attached, moved, or libVLC missing) the window runs in transcript-only
mode: a ClockPlayer plays the transcript in real time and a banner says what is missing, with
a button to locate the file or the command that installs libVLC.
"""

from __future__ import annotations

import contextlib
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from fractions import Fraction
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QIODevice,
    QLockFile,
    QSettings,
    QStandardPaths,
    Qt,
)
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QImage,
    QKeyEvent,
    QKeySequence,
    QUndoGroup,
)
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from karachi_review import __version__
from karachi_review.core.errors import KarachiError, TimecodeError
from karachi_review.core.media import MediaInfo
from karachi_review.core.samples import SAMPLE_TRANSCRIPT, sample_path
from karachi_review.core.store import PROJECT_SUFFIX, Project
from karachi_review.core.timecode import (
    format_rate,
    frame_to_ms,
    ms_to_frame,
    parse_time,
    smpte_to_frame,
)
from karachi_review.player.base import Player, PlayerState
from karachi_review.player.demo import DemoMaker, demo_path_for
from karachi_review.player.shuttle import ShuttleDriver
from karachi_review.ui.annotations import AnnotationPanel, TagBar
from karachi_review.ui.clock_player import ClockPlayer
from karachi_review.ui.commands import (
    AcceptClaimsCommand,
    AddAnnotationCommand,
    new_suggestions,
)
from karachi_review.ui.keymap import (
    BINDINGS,
    PreferencesDialog,
    install_focus_filter,
    load_jump,
    load_keys,
    save_keys,
)
from karachi_review.ui.samples import ensure_sample_project, transcript_project_path
from karachi_review.ui.session import ReviewSession
from karachi_review.ui.timeline import Timeline
from karachi_review.ui.transcript_view import (
    COL_TEXT,
    TranscriptModel,
    TranscriptView,
    format_time,
)
from karachi_review.ui.transport import TransportBar
from karachi_review.ui.video_view import VideoView

if TYPE_CHECKING:
    # Imported where they are first used (File > Export, the Claims dock): the export dialog
    # pulls in every exporter and its libraries, and the window starts without either.
    from karachi_review.ui.export_dialog import ExportDialog
    from karachi_review.ui.ledger import ClaimLedger

__all__ = ["APP_NAME", "MEDIA_SUFFIXES", "Banner", "FrameGrabber", "MainWindow", "PlayerFactory"]

APP_NAME = "karachi_review"
MAX_RECENT = 8
GRAB_CACHE_BYTES = 32 * 1024 * 1024  # the stills decoder keeps a few frames around one claim
SOURCE_FILTER = "Documents (*.txt *.text *.md *.html *.htm);;All files (*)"
MEDIA_SUFFIXES = frozenset(
    {
        ".mp4",
        ".mov",
        ".mkv",
        ".m4v",
        ".avi",
        ".mxf",
        ".webm",
        ".mpg",
        ".mpeg",
        ".ts",
        ".m2ts",
        ".wmv",
        ".flv",
        ".mp3",
        ".m4a",
        ".wav",
        ".aac",
        ".ogg",
        ".flac",
    }
)

PlayerFactory = Callable[[], Player]


def default_player_factory() -> Player:
    """The real player (raises PlayerBackendError when libVLC is missing)."""
    from karachi_review.player.vlc_player import VlcPlayer, libvlc_version

    libvlc_version()  # fails now, with the install command, rather than at the first load
    return VlcPlayer()


class FrameGrabber:
    """Exact frames of the film as PNG bytes, for the ledger's evidence stills.

    It decodes with a FrameDecoder of its own on the film the player plays (same file, same
    probe): the player's decoder belongs to its worker thread, and a PyAV container must not
    be used from two threads. The decoder is opened at the first grab, not when the film loads.
    """

    def __init__(
        self, path: str, info: MediaInfo, on_error: Callable[[str], Any] | None = None
    ) -> None:
        """Grab from ``path`` (probed as ``info``); ``on_error`` hears why a grab failed."""
        self.path = path
        self.info = info
        self.on_error = on_error
        self._decoder: Any = None

    def __call__(self, ms: int) -> bytes | None:
        """The exact picture on screen at ``ms`` as PNG (None when it cannot be decoded)."""
        from karachi_review.player.frames import FrameDecoder

        try:
            if self._decoder is None:
                self._decoder = FrameDecoder(self.path, GRAB_CACHE_BYTES, info=self.info)
            frame = self._decoder.frame_at_ms(ms)
        except (KarachiError, OSError) as exc:
            if self.on_error is not None:
                self.on_error(f"Could not grab the frame at {ms} ms: {exc}")
            return None
        pixels = frame.data  # the QImage borrows these bytes until it is saved
        image = QImage(pixels, frame.width, frame.height, frame.stride, QImage.Format.Format_RGB888)
        buffer = QBuffer()
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        # The stubs say bytes, PySide6 6.11 refuses bytes at run time and takes str.
        if not image.save(buffer, "PNG"):  # type: ignore[call-overload]
            return None
        return bytes(buffer.data().data())

    def close(self) -> None:
        """Close the decoder (the grabber can open it again)."""
        if self._decoder is not None:
            self._decoder.close()
            self._decoder = None


class Banner(QFrame):
    """A strip above the video saying what is missing, with buttons to fix it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        """A hidden banner."""
        super().__init__(parent)
        self.setObjectName("banner")
        self.setAccessibleName("Notice")
        self.setStyleSheet(
            "#banner { background: #fff4ce; border: 1px solid #e0c060; border-radius: 3px; }"
            "#banner QLabel { color: #3a3000; }"
        )
        self.label = QLabel(self)
        self.label.setObjectName("banner_text")
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._buttons: list[QPushButton] = []
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(8, 4, 8, 4)
        self._layout.addWidget(self.label, 1)
        self.hide()

    def show_message(self, text: str, buttons: list[tuple[str, str, Callable[[], Any]]]) -> None:
        """Show ``text`` with ``(object name, label, callback)`` buttons."""
        for b in self._buttons:
            self._layout.removeWidget(b)
            b.deleteLater()
        self._buttons = []
        self.label.setText(text)
        for name, label, callback in buttons:
            b = QPushButton(label, self)
            b.setObjectName(name)
            b.setAccessibleName(label)
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            b.clicked.connect(lambda _=False, cb=callback: cb())
            self._layout.addWidget(b)
            self._buttons.append(b)
        self.show()

    def button(self, name: str) -> QPushButton | None:
        """The button named ``name``."""
        return next((b for b in self._buttons if b.objectName() == name), None)


class MainWindow(QMainWindow):
    """The review window."""

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        settings: QSettings | None = None,
        player_factory: PlayerFactory | None = None,
        data_dir: Path | None = None,
        cache_dir: Path | None = None,
    ) -> None:
        """``settings`` (layout, keys, recent files), ``player_factory`` (the film player; the
        real libVLC one by default) and ``data_dir`` (where transcript projects live)."""
        super().__init__(parent)
        self.setObjectName("main_window")
        self.setAccessibleName("karachi_review")
        self.settings = settings if settings is not None else QSettings()
        self._player_factory = player_factory or default_player_factory
        base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
        self.data_dir = (
            data_dir
            if data_dir is not None
            else Path(base or Path.home() / ".local/share/karachi-review")
        )
        self.cache_dir = cache_dir  # where stand-in videos go (None: the user's cache folder)
        self.demo_maker: DemoMaker | None = None
        self.session: ReviewSession | None = None
        self._lock: QLockFile | None = None
        self.player: Player = ClockPlayer(0, self)
        self.shuttle: ShuttleDriver | None = None
        self.media_mode = "clock"  # "film", "stand-in" or "clock"
        self.mark_in_ms: int | None = None
        self.mark_out_ms: int | None = None
        self.last_message = ""
        self._fps: Fraction | None = None
        self._start_frame = 0
        self._cue_bounds: list[int] = []
        self.undo_group = QUndoGroup(self)
        self.ledger: ClaimLedger | None = None
        self.grabber: FrameGrabber | None = None
        self.current_export_dialog: ExportDialog | None = None

        self._build_widgets()
        self._build_actions()
        self._build_menus()
        self._use_player(self.player)
        self.restore_layout()
        self._update_project_actions()
        install_focus_filter()
        self.setAcceptDrops(True)
        self.resize(1360, 860)
        self._update_title()

    # ------------------------------------------------------------------------------ layout

    def _build_widgets(self) -> None:
        self.banner = Banner(self)
        self.video_view = VideoView(self)
        self.video_view.setObjectName("video")
        self.video_view.setAccessibleName("Video")
        self.transport = TransportBar(self)
        video_panel = QWidget(self)
        video_panel.setObjectName("video_panel")
        v = QVBoxLayout(video_panel)
        v.setContentsMargins(0, 0, 0, 0)
        v.setSpacing(2)
        v.addWidget(self.banner)
        self.clock_face = QLabel(self)
        self.clock_face.setObjectName("clock_face")
        self.clock_face.setAccessibleName("Transcript clock")
        self.clock_face.setTextFormat(Qt.TextFormat.PlainText)
        self.clock_face.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.clock_face.setWordWrap(True)
        self.clock_face.setMinimumSize(160, 90)
        self.clock_face.setStyleSheet(
            "#clock_face { background: #1e2329; color: #e8eaed; font-size: 20px; padding: 24px; }"
        )
        self.video_stack = QStackedWidget(self)
        self.video_stack.setObjectName("video_stack")
        self.video_stack.addWidget(self.video_view)
        self.video_stack.addWidget(self.clock_face)
        v.addWidget(self.video_stack, 1)
        v.addWidget(self.transport)

        self.model = TranscriptModel(parent=self)
        self.transcript_view = TranscriptView(self)
        self.transcript_view.setModel(self.model)
        self.follow_button = QToolButton(self)
        self.follow_button.setObjectName("follow_button")
        self.follow_button.setAccessibleName("Follow the playhead")
        self.follow_button.setText("Following playhead")
        self.follow_button.setToolTip("Keep the current cue in view (F)")
        self.follow_button.setCheckable(True)
        self.follow_button.setChecked(True)
        self.follow_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.follow_button.clicked.connect(lambda on: self.set_following(bool(on)))
        self.transcript_view.follow_changed.connect(self._show_following)
        self.summary = QLabel(self)
        self.summary.setObjectName("transcript_summary")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.find_bar = QWidget(self)
        self.find_bar.setObjectName("find_bar")
        self.find_field = QLineEdit(self.find_bar)
        self.find_field.setObjectName("find_field")
        self.find_field.setAccessibleName("Find in transcript")
        self.find_field.setPlaceholderText("Find in transcript (Enter / F3: next)")
        self.find_field.setClearButtonEnabled(True)
        self.find_field.textChanged.connect(self._on_find_text)
        self.find_field.returnPressed.connect(self.find_next)
        self.find_count = QLabel(self.find_bar)
        self.find_count.setObjectName("find_count")
        self.find_count.setTextFormat(Qt.TextFormat.PlainText)
        fb = QHBoxLayout(self.find_bar)
        fb.setContentsMargins(0, 0, 0, 0)
        fb.addWidget(self.find_field, 1)
        fb.addWidget(self.find_count)
        self.find_bar.hide()
        head = QHBoxLayout()
        head.setContentsMargins(0, 0, 0, 0)
        head.addWidget(self.summary, 1)
        head.addWidget(self.follow_button)
        transcript_panel = QWidget(self)
        transcript_panel.setObjectName("transcript_panel")
        t = QVBoxLayout(transcript_panel)
        t.setContentsMargins(0, 0, 0, 0)
        t.setSpacing(2)
        t.addLayout(head)
        t.addWidget(self.find_bar)
        t.addWidget(self.transcript_view, 1)

        self.annotation_panel = AnnotationPanel(self)
        self.tag_bar = TagBar(self)
        self.timeline = Timeline(self)

        self.side_splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.side_splitter.setObjectName("side_splitter")
        self.side_splitter.addWidget(transcript_panel)
        self.side_splitter.addWidget(self.annotation_panel)
        self.side_splitter.setSizes([520, 220])
        self.top_splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.top_splitter.setObjectName("top_splitter")
        self.top_splitter.addWidget(video_panel)
        self.top_splitter.addWidget(self.side_splitter)
        self.top_splitter.setSizes([620, 740])
        bottom = QWidget(self)
        bottom.setObjectName("bottom_panel")
        b = QVBoxLayout(bottom)
        b.setContentsMargins(0, 0, 0, 0)
        b.setSpacing(2)
        tag_scroll = QScrollArea(self)
        tag_scroll.setObjectName("tag_bar_scroll")
        tag_scroll.setWidget(self.tag_bar)
        tag_scroll.setWidgetResizable(True)
        tag_scroll.setFrameShape(QFrame.Shape.NoFrame)
        tag_scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        probe = QPushButton("1 Tag", self)
        tag_scroll.setFixedHeight(
            probe.sizeHint().height()
            + 6
            + self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        )
        probe.deleteLater()
        b.addWidget(tag_scroll)
        b.addWidget(self.timeline, 1)
        self.main_splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.main_splitter.setObjectName("main_splitter")
        self.main_splitter.addWidget(self.top_splitter)
        self.main_splitter.addWidget(bottom)
        self.main_splitter.setSizes([500, 310])
        self.main_splitter.setStretchFactor(0, 1)
        self.setCentralWidget(self.main_splitter)

        self.claims_dock = QDockWidget("Claims", self)
        self.claims_dock.setObjectName("claims_dock")
        self.claims_dock.setAccessibleName("Claims ledger")
        self.claims_placeholder = QLabel("Open a project to see the claims of its film.", self)
        self.claims_placeholder.setObjectName("claims_placeholder")
        self.claims_placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.claims_dock.setWidget(self.claims_placeholder)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.claims_dock)
        self.claims_dock.visibilityChanged.connect(self._on_claims_dock_visible)

        status = self.statusBar()
        status.setObjectName("status_bar")

        def label(name: str, accessible: str) -> QLabel:
            w = QLabel(self)
            w.setObjectName(name)
            w.setAccessibleName(accessible)
            w.setTextFormat(Qt.TextFormat.PlainText)
            status.addPermanentWidget(w)
            return w

        self.status_timecode = label("status_timecode", "Timecode")
        font = self.status_timecode.font()
        font.setFamily("monospace")
        font.setStyleHint(font.StyleHint.Monospace)
        self.status_timecode.setFont(font)
        self.status_frame = label("status_frame", "Frame number")
        self.status_rate = label("status_rate", "Frame rate and playback rate")
        self.status_project = label("status_project", "Project file")
        self.status_read_only = label("status_read_only", "Read-only state")

        self.transcript_view.seek_requested.connect(self.seek)
        self.timeline.seek_requested.connect(self.seek)
        self.annotation_panel.seek_requested.connect(self.seek)
        self.tag_bar.tag_clicked.connect(self.apply_tag)
        self.transport.toggle_requested.connect(self.toggle_play)
        self.transport.step_requested.connect(self.step)
        self.transport.rate_chosen.connect(lambda r: self.player.set_rate(r))
        self.transport.volume_changed.connect(lambda v: self.player.set_volume(v))
        self.transport.mute_toggled.connect(lambda m: self.player.set_muted(m))
        self.transport.seek_requested.connect(self.seek)
        self.transport.timecode_entered.connect(self.go_to_text)

    def _build_actions(self) -> None:
        handlers: dict[str, Callable[[], Any]] = {
            "play_pause": self.toggle_play,
            "shuttle_back": lambda: self.shuttle_key("j"),
            "shuttle_stop": lambda: self.shuttle_key("k"),
            "shuttle_forward": lambda: self.shuttle_key("l"),
            "frame_back": lambda: self.step(-1),
            "frame_forward": lambda: self.step(1),
            "jump_back": lambda: self.jump(-1),
            "jump_forward": lambda: self.jump(1),
            "prev_cue": lambda: self.go_cue_boundary(-1),
            "next_cue": lambda: self.go_cue_boundary(1),
            "prev_annotation": lambda: self.go_annotation(-1),
            "next_annotation": lambda: self.go_annotation(1),
            "mark_in": self.mark_in,
            "mark_out": self.mark_out,
            "go_in": lambda: self.go_mark(self.mark_in_ms),
            "go_out": lambda: self.go_mark(self.mark_out_ms),
            "clear_marks": self.clear_marks,
            "annotate_range": self.annotate_range,
            "marker": self.drop_marker,
            "marker_note": lambda: self.drop_marker(ask=True),
            "go_start": lambda: self.seek(0),
            "go_end": self.go_end,
            "go_to": self.focus_timecode,
            "find": self.show_find,
            "find_next": self.find_next,
            "find_previous": lambda: self.find_next(backwards=True),
            "follow": lambda: self.set_following(True),
            "focus_video": self.focus_video,
        }
        for n in range(1, 10):
            handlers[f"tag_{n}"] = partial(self.apply_hotkey, str(n))
        self.key_actions: dict[str, QAction] = {}
        keys = load_keys(self.settings)
        for binding in BINDINGS:
            action = QAction(binding.text, self)
            action.setObjectName(f"action_{binding.id}")
            action.setShortcuts(keys[binding.id])
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(lambda _=False, h=handlers[binding.id]: h())
            self.addAction(action)
            self.key_actions[binding.id] = action
        self.undo_action = self.undo_group.createUndoAction(self, "Undo")
        self.undo_action.setObjectName("action_undo")
        self.undo_action.setShortcuts([QKeySequence("Ctrl+Z")])
        self.redo_action = self.undo_group.createRedoAction(self, "Redo")
        self.redo_action.setObjectName("action_redo")
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.addAction(self.undo_action)
        self.addAction(self.redo_action)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.setObjectName("menu_file")

        def add(menu: QMenu, text: str, slot: Callable[[], Any], key: str | None = None) -> QAction:
            action = menu.addAction(text)
            action.triggered.connect(lambda _=False: slot())
            if key:
                action.setShortcut(QKeySequence(key))
            return action

        add(file_menu, "&New project…", self.new_project_dialog, "Ctrl+N")
        add(file_menu, "&Open…", self.open_dialog, "Ctrl+O")
        self.recent_menu = file_menu.addMenu("Open &recent")
        self.recent_menu.setObjectName("menu_recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        add(file_menu, "Open the &sample", self.open_sample)
        file_menu.addSeparator()
        self.attach_action = add(file_menu, "&Attach media…", self.attach_media_dialog)
        self.export_action = add(file_menu, "&Export…", self.export_dialog, "Ctrl+E")
        self.export_action.setObjectName("action_export")
        file_menu.addSeparator()
        add(file_menu, "&Quit", self.close, "Ctrl+Q")
        edit = bar.addMenu("&Edit")
        edit.setObjectName("menu_edit")
        edit.addAction(self.undo_action)
        edit.addAction(self.redo_action)
        edit.addSeparator()
        add(edit, "&Delete selected annotations", self.annotation_panel.delete_selected)
        edit.addSeparator()
        add(edit, "&Preferences…", self.preferences_dialog, "Ctrl+,")
        menus = {
            "&Playback": (
                "play_pause",
                "shuttle_back",
                "shuttle_stop",
                "shuttle_forward",
                None,
                "frame_back",
                "frame_forward",
                "jump_back",
                "jump_forward",
                None,
                "prev_cue",
                "next_cue",
                "go_start",
                "go_end",
                "go_to",
            ),
            "&Mark": (
                "mark_in",
                "mark_out",
                "go_in",
                "go_out",
                "clear_marks",
                None,
                "annotate_range",
                "marker",
                "marker_note",
                None,
                "prev_annotation",
                "next_annotation",
                None,
                *(f"tag_{n}" for n in range(1, 10)),
            ),
            "&View": ("find", "find_next", "find_previous", "follow", "focus_video"),
        }
        for title, ids in menus.items():
            menu = bar.addMenu(title)
            menu.setObjectName("menu_" + title.strip("&").lower())
            for action_id in ids:
                if action_id is None:
                    menu.addSeparator()
                else:
                    menu.addAction(self.key_actions[action_id])
            if title == "&View":
                menu.addSeparator()
                self.claims_view_action = self.claims_dock.toggleViewAction()
                self.claims_view_action.setObjectName("action_view_claims")
                self.claims_view_action.setText("&Claims ledger")
                # Also while the window itself is not shown yet (no visibilityChanged then).
                self.claims_view_action.toggled.connect(self._on_claims_dock_visible)
                menu.addAction(self.claims_view_action)
        claims = bar.addMenu("&Claims")
        claims.setObjectName("menu_claims")
        self.detect_action = add(claims, "&Detect claims", self.detect_claims)
        self.detect_action.setObjectName("action_detect_claims")
        self.detect_action.setStatusTip("Find the figures the film states and list them as claims")
        self.add_source_action = add(claims, "Add &source…", self.add_source_dialog)
        self.add_source_action.setObjectName("action_add_source")
        self.add_source_action.setStatusTip(
            "Add an article or report and compare its figures with the film's"
        )

    # ------------------------------------------------------------------------------ layout memory

    def save_layout(self) -> None:
        """Remember the window geometry and splitter positions."""
        s = self.settings
        s.setValue("layout/geometry", self.saveGeometry())
        for name in ("main_splitter", "top_splitter", "side_splitter"):
            s.setValue(f"layout/{name}", getattr(self, name).saveState())
        s.setValue("layout/docks", self.saveState())
        s.setValue("view/claims_dock", self.claims_view_action.isChecked())
        s.sync()

    def restore_layout(self) -> None:
        """Put the splitters and geometry back as they were."""
        s = self.settings
        geometry = s.value("layout/geometry")
        if isinstance(geometry, QByteArray | bytes):
            self.restoreGeometry(QByteArray(geometry))
        for name in ("main_splitter", "top_splitter", "side_splitter"):
            state = s.value(f"layout/{name}")
            if isinstance(state, QByteArray | bytes):
                getattr(self, name).restoreState(QByteArray(state))
        docks = s.value("layout/docks")  # where the Claims dock is and whether it shows
        if isinstance(docks, QByteArray | bytes):
            self.restoreState(QByteArray(docks))
        # Hidden until asked for (View > Claims ledger, Detect, Add source): the window's
        # first look stays the transcript and the film. The choice is remembered.
        shown = s.value("view/claims_dock", False)
        self.claims_dock.setVisible(shown is True or str(shown).lower() == "true")

    # ------------------------------------------------------------------------------ player

    def _use_player(self, player: Player) -> None:
        old = self.player
        if old is not player:
            with contextlib.suppress(RuntimeError, TypeError):
                old.position_changed.disconnect(self._on_position)
                old.state_changed.disconnect(self._on_state)
                old.media_loaded.disconnect(self._on_media_loaded)
                old.error.disconnect(self._on_player_error)
                old.picture_ready.disconnect(self.video_view.show_picture)
            old.close()
            old.deleteLater()
        self.player = player
        player.setParent(self)
        player.position_changed.connect(self._on_position)
        player.state_changed.connect(self._on_state)
        player.media_loaded.connect(self._on_media_loaded)
        player.error.connect(self._on_player_error)
        player.picture_ready.connect(self.video_view.show_picture)
        if self.shuttle is not None:
            self.shuttle.deleteLater()
        self.shuttle = ShuttleDriver(player, self)
        player.state_changed.connect(self._show_shuttle)
        if player.info is not None:
            self._on_media_loaded(player.info)
        self._on_state(player.state)

    def _clock_mode(self, message: str, buttons: list[tuple[str, str, Callable[[], Any]]]) -> None:
        """Play the transcript on a clock; say why in the banner."""
        duration = self.session.transcript.end_ms if self.session is not None else 0
        if self.session is not None:
            end = self.session.project.end_of_media_ms()
            duration = max(duration, end or 0)
        self.media_mode = "clock"
        self.video_view.clear()
        self.video_stack.setCurrentWidget(self.clock_face)
        self._use_player(ClockPlayer(duration, self))
        self._update_grab()
        self.banner.show_message(message, buttons)

    def _load_media(self, path: Path, mode: str) -> bool:
        """Play ``path`` with the film player; on failure fall back to the clock."""
        try:
            player = self._player_factory()
        except KarachiError as exc:
            self._clock_mode(
                f"No video: {exc.message}. The transcript plays on a clock meanwhile.",
                [],
            )
            return False
        self.media_mode = mode  # before load: media_loaded is emitted from inside it
        self.video_stack.setCurrentWidget(self.video_view)
        self._use_player(player)
        if not player.load(path):
            self._clock_mode(
                f"Could not play {path.name}: {self.last_message or 'unknown error'}. "
                "The transcript plays on a clock.",
                [("banner_locate", "Locate media…", self.attach_media_dialog)],
            )
            return False
        if mode == "film":
            self.banner.hide()
        return True

    def _on_position(self, ms: int) -> None:
        """The playhead moved: highlight, timeline, transport, status bar."""
        self.transcript_view.show_position(ms)
        self.timeline.set_playhead(ms)
        label = self.timecode_label(ms)
        self.transport.set_position(ms, label)
        self.status_timecode.setText(label)
        self.status_frame.setText(f"frame {self.player.frame}")
        if self.media_mode == "clock":
            self._show_clock_face(ms, label)

    def _show_clock_face(self, ms: int, label: str) -> None:
        row = self.model.current_row
        line = ""
        if row >= 0:
            line = str(self.model.data(self.model.index(row, COL_TEXT)))
        text = f"{label}\n\n{line}" if line else label
        if self.clock_face.text() != text:
            self.clock_face.setText(text)

    def _on_state(self, state: object) -> None:
        if isinstance(state, PlayerState):
            self.transport.set_state(state)
            self._update_rate_label()

    def _show_shuttle(self, _state: object = None) -> None:
        if self.shuttle is not None:
            self.transport.set_shuttle(self.shuttle.shuttle.direction, self.shuttle.shuttle.speed)

    def _on_media_loaded(self, info: object) -> None:
        if not isinstance(info, MediaInfo):
            return
        self._fps = info.fps
        self._start_frame = 0
        if info.start_timecode:
            with contextlib.suppress(KarachiError, ValueError):
                self._start_frame = smpte_to_frame(info.start_timecode, info.fps)
        duration = info.duration_ms
        if self.session is not None:
            duration = max(duration, self.session.transcript.end_ms)
        self.transcript_view.transcript_model().set_fps(
            info.fps if self.media_mode != "clock" else None
        )
        self.annotation_panel.model.set_fps(info.fps if self.media_mode != "clock" else None)
        self.timeline.set_duration(duration)
        self.transport.set_duration(duration)
        if self.media_mode == "film" and self.session is not None and not self.session.read_only:
            media = self.session.project.media()
            if media.duration_ms is None or media.fps is None:
                # What probing found belongs to the project (annotations are checked against
                # the media's end); not an undoable edit, a fact about the file.
                with contextlib.suppress(KarachiError):
                    self.session.project.set_media_info(
                        duration_ms=info.duration_ms, fps=info.fps, start_tc=info.start_timecode
                    )
        self._update_rate_label()
        self._update_grab()
        self._on_position(self.player.position_ms)

    def _on_player_error(self, message: str) -> None:
        self.show_message(message)

    def _update_rate_label(self) -> None:
        fps = self._fps
        mode = {"film": "", "stand-in": " stand-in", "clock": " clock"}[self.media_mode]
        rate = (
            f"{format_rate(fps)} fps"
            if fps is not None and self.media_mode != "clock"
            else "no video"
        )
        self.status_rate.setText(f"{rate} · {self.player.rate:g}x{mode}")

    def timecode_label(self, ms: int) -> str:
        """The playhead as SMPTE (media rate) or ``HH:MM:SS.mmm`` on the clock."""
        fps = self._fps if self.media_mode != "clock" else None
        try:
            return format_time(ms, fps, self._start_frame)
        except TimecodeError:
            return format_time(ms, None)

    # ------------------------------------------------------------------------------ transport

    def toggle_play(self) -> None:
        """Play or pause."""
        self.player.toggle()
        self._show_shuttle()

    def shuttle_key(self, key: str) -> None:
        """J, K or L."""
        if self.shuttle is None:
            return
        {"j": self.shuttle.press_j, "k": self.shuttle.press_k, "l": self.shuttle.press_l}[key]()
        self._show_shuttle()

    def step(self, frames: int) -> None:
        """Pause and move ``frames`` frames."""
        self.player.step(frames)
        self._show_shuttle()

    def jump(self, direction: int) -> None:
        """Shift+Left/Right: 10 or 5 frames, or one second (Preferences)."""
        size = load_jump(self.settings)
        if size == "1s":
            self.player.pause()
            self.seek(max(self.player.position_ms + direction * 1000, 0))
        else:
            self.step(direction * (5 if size == "5f" else 10))

    def seek(self, ms: int) -> None:
        """Move the playhead to ``ms``."""
        self.player.seek_ms(int(ms))

    def go_mark(self, ms: int | None) -> None:
        """Shift+I / Shift+O: seek to a mark when it is set."""
        if ms is not None:
            self.seek(ms)

    def go_end(self) -> None:
        """Seek to the last frame."""
        info = self.player.info
        if info is not None:
            self.player.seek_frame(max(info.frame_count - 1, 0))

    def go_to_text(self, text: str) -> bool:
        """Seek to a typed time (SMPTE at the media rate, H:MM:SS, seconds...)."""
        fps = self._fps if self.media_mode != "clock" else None
        try:
            if fps is not None and self._start_frame and text.count(":") + text.count(";") == 3:
                ms = frame_to_ms(
                    smpte_to_frame(text.strip(), fps, start_frame=self._start_frame), fps
                )
            else:
                ms = parse_time(text, fps)
        except KarachiError as exc:
            self.show_message(str(exc))
            return False
        self.seek(ms)
        self.focus_video()
        return True

    def focus_timecode(self) -> None:
        """Ctrl+G: type a timecode."""
        self.transport.timecode.setFocus()
        self.transport.timecode.selectAll()

    def focus_video(self) -> None:
        """Esc: give the keys back to transport."""
        self.video_view.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def go_cue_boundary(self, direction: int) -> None:
        """Seek to the previous or next cue start or end."""
        ms = self.player.position_ms
        bounds = self._cue_bounds
        if direction > 0:
            i = bisect_right(bounds, ms)
            if i < len(bounds):
                self.seek(bounds[i])
        else:
            i = bisect_left(bounds, ms)
            if i > 0:
                self.seek(bounds[i - 1])

    def go_annotation(self, direction: int) -> None:
        """Seek to the previous or next annotation's start and select it in the list."""
        if self.session is None:
            return
        ms = self.player.position_ms
        span = (
            self.session.spans.first_after(ms)
            if direction > 0
            else self.session.spans.last_before(ms)
        )
        if span is not None:
            self.seek(span.start_ms)
            self.annotation_panel.select_annotation(span.id)

    def set_following(self, on: bool) -> None:
        """Resume (or pause) following the playhead in the transcript and the timeline."""
        self.transcript_view.set_following(on)
        self.timeline.follow = on
        self._show_following(on)
        if on:
            self.timeline.set_playhead(self.player.position_ms)

    def _show_following(self, on: bool) -> None:
        self.follow_button.setChecked(on)
        self.follow_button.setText("Following playhead" if on else "Resume follow (F)")

    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        """Releasing K ends "hold K + J/L" frame stepping."""
        if event.key() == Qt.Key.Key_K and not event.isAutoRepeat() and self.shuttle is not None:
            self.shuttle.release_k()
        super().keyReleaseEvent(event)

    # ------------------------------------------------------------------------------ find

    def show_find(self) -> None:
        """Ctrl+F: show the find field."""
        self.find_bar.show()
        self.find_field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.find_field.selectAll()

    def _on_find_text(self, text: str) -> None:
        hits = self.model.set_find_text(text)
        self.find_count.setText(f"{len(hits)} found" if text else "")

    def find_next(self, backwards: bool = False) -> int:
        """F3: the next cue containing the find text; its row or -1."""
        row = self.transcript_view.find_next(backwards)
        hits = self.model.hits
        if row >= 0:
            self.find_count.setText(f"{hits.index(row) + 1} of {len(hits)}")
        return row

    # ------------------------------------------------------------------------------ tagging

    def show_message(self, text: str) -> None:
        """Say something in the status bar (and remember it for tests)."""
        self.last_message = text
        self.statusBar().showMessage(text, 10000)

    def tag_range(self) -> tuple[int, int] | None:
        """What 1-9 annotates: the selected cues, or the in-out range (None: nothing)."""
        rows = self.transcript_view.selected_rows()
        marks = self.mark_in_ms is not None and self.mark_out_ms is not None
        if rows and (self.transcript_view.hasFocus() or not marks):
            transcript = self.model.transcript()
            assert transcript is not None
            cues = [transcript[r] for r in rows]
            return min(c.start_ms for c in cues), max(c.end_ms for c in cues)
        if marks:
            assert self.mark_in_ms is not None and self.mark_out_ms is not None
            return min(self.mark_in_ms, self.mark_out_ms), max(self.mark_in_ms, self.mark_out_ms)
        return None

    def add_annotation(self, start_ms: int, end_ms: int, tag: str, note: str = "") -> bool:
        """Tag ``[start_ms, end_ms)`` through an undo command."""
        if self.session is None:
            self.show_message("Open a project or a transcript first")
            return False
        limit = self.session.project.end_of_media_ms()
        if limit is not None and end_ms > limit:
            end_ms = limit
        ok = self.session.execute(AddAnnotationCommand(self.session, start_ms, end_ms, tag, note))
        if ok:
            self.tag_bar.set_current(tag)
            self.show_message(self.session.undo_stack.undoText())
            command = self.session.undo_stack.command(self.session.undo_stack.index() - 1)
            if isinstance(command, AddAnnotationCommand) and command.added is not None:
                self.annotation_panel.select_annotation(command.added.id)
        return ok

    def apply_tag(self, name: str) -> bool:
        """Annotate the selection (cues, else the in-out range) with tag ``name``."""
        span = self.tag_range()
        if span is None:
            self.show_message("Select cues in the transcript, or set in (I) and out (O), first")
            return False
        if span[1] <= span[0]:
            self.show_message("The in and out marks are at the same place; move one of them")
            return False
        return self.add_annotation(span[0], span[1], name)

    def apply_hotkey(self, key: str) -> bool:
        """1-9: the tag with that hotkey."""
        if self.session is None:
            return False
        tag = self.session.tag_for_hotkey(key)
        if tag is None:
            self.show_message(f"No tag has the key {key}")
            return False
        return self.apply_tag(tag.name)

    def mark_in(self) -> None:
        """I: in at the playhead."""
        self.mark_in_ms = self.player.position_ms
        self._marks_changed()

    def mark_out(self) -> None:
        """O: out at the playhead (the end of the frame on screen)."""
        ms = self.player.position_ms
        if self._fps is not None and self.media_mode != "clock":
            ms = frame_to_ms(ms_to_frame(ms, self._fps) + 1, self._fps)
        self.mark_out_ms = ms
        self._marks_changed()

    def clear_marks(self) -> None:
        """Alt+X."""
        self.mark_in_ms = self.mark_out_ms = None
        self._marks_changed()

    def _marks_changed(self) -> None:
        self.timeline.set_marks(self.mark_in_ms, self.mark_out_ms)
        parts = []
        if self.mark_in_ms is not None:
            parts.append(f"in {self.timecode_label(self.mark_in_ms)}")
        if self.mark_out_ms is not None:
            parts.append(f"out {self.timecode_label(self.mark_out_ms)}")
        if parts:
            self.show_message(" · ".join(parts))

    def pick_tag(self) -> str | None:
        """The tag picker for Enter: a menu of the vocabulary at the pointer."""
        if self.session is None:
            return None
        menu = QMenu(self)
        menu.setObjectName("tag_picker")
        for tag in self.session.tags:
            text = f"&{tag.hotkey} {tag.label}" if tag.hotkey else tag.label
            action = menu.addAction(text)
            action.setData(tag.name)
        chosen = menu.exec(self.mapToGlobal(self.rect().center()))
        return str(chosen.data()) if chosen is not None else None

    def annotate_range(self) -> bool:
        """Enter: annotate the in-out range with a picked tag; in the transcript without
        marks, seek to the selected cue instead."""
        marks = self.mark_in_ms is not None and self.mark_out_ms is not None
        if not marks:
            index = self.transcript_view.currentIndex()
            if self.transcript_view.hasFocus() and index.isValid():
                self.transcript_view.seek_to_row(index.row())
                return False
            self.show_message("Set in (I) and out (O) first, then press Enter")
            return False
        tag = self.pick_tag()
        if tag is None:
            return False
        assert self.mark_in_ms is not None and self.mark_out_ms is not None
        start, end = sorted((self.mark_in_ms, self.mark_out_ms))
        if end <= start:
            self.show_message("The in and out marks are at the same place; move one of them")
            return False
        return self.add_annotation(start, end, tag)

    def ask_note(self) -> str | None:
        """Ctrl+M: the marker's note (None: cancelled)."""
        text, ok = QInputDialog.getText(self, "Marker", "Note for the marker:")
        return text if ok else None

    def drop_marker(self, ask: bool = False) -> bool:
        """M: a one-frame annotation at the playhead with the tag bar's tag; Ctrl+M asks a note."""
        if self.session is None or not self.tag_bar.current:
            return False
        note = ""
        if ask:
            answer = self.ask_note()
            if answer is None:
                return False
            note = answer
        start = self.player.position_ms
        fps = self._fps or Fraction(25)
        end = max(frame_to_ms(ms_to_frame(start, fps) + 1, fps), start + 1)
        limit = self.session.project.end_of_media_ms()
        if limit is not None and end > limit:
            start, end = max(limit - (end - start), 0), limit
        return self.add_annotation(start, end, self.tag_bar.current, note)

    # ------------------------------------------------------------------------------ projects

    def open_path(self, path: Path) -> bool:
        """Open a project, a transcript (in its own project) or attach a media file."""
        path = Path(path)
        if path.suffix.lower() == PROJECT_SUFFIX or _is_sqlite(path):
            return self.open_project(path)
        if path.suffix.lower() in MEDIA_SUFFIXES:
            return self.attach_media(path)
        return self.open_transcript(path)

    def open_transcript(self, path: Path) -> bool:
        """Open ``path`` in a project of its own in the data folder (created the first time)."""
        try:
            project_path = transcript_project_path(Path(path), self.data_dir)
            if not project_path.exists():
                result = _read_transcript(path)
                project_path.parent.mkdir(parents=True, exist_ok=True)
                Project.create(project_path, result.transcript, transcript_path=path).close()
        except KarachiError as exc:
            QMessageBox.warning(self, f"{APP_NAME}: cannot open transcript", str(exc))
            return False
        return self.open_project(project_path)

    def open_sample(self) -> bool:
        """The bundled documentary transcript, in a sample project in the data folder."""
        try:
            target = ensure_sample_project(self.data_dir)
        except KarachiError as exc:
            QMessageBox.warning(self, f"{APP_NAME}: cannot open the sample", str(exc))
            return False
        return self.open_project(target)

    def new_project(self, target: Path, transcript: Path, media: Path | None = None) -> bool:
        """Create ``target`` from ``transcript`` (and the film) and open it."""
        try:
            result = _read_transcript(transcript)
            Project.create(
                target, result.transcript, media_path=media, transcript_path=transcript
            ).close()
        except KarachiError as exc:
            QMessageBox.warning(self, f"{APP_NAME}: cannot create the project", str(exc))
            return False
        return self.open_project(target)

    def open_project(self, path: Path, read_only: bool = False) -> bool:
        """Open a project file; read-only when another instance holds it."""
        path = Path(path)
        lock = QLockFile(str(path) + ".lock")
        lock.setStaleLockTime(0)  # stale only when its process is gone
        held_by = ""
        if not read_only and not lock.tryLock(0):
            info = lock.getLockInfo()  # (pid, host, app); some bindings prefix an ok flag
            pid, host = (info[1], info[2]) if len(info) == 4 else (info[0], info[1])
            held_by = f"process {pid} on {host}" if pid else "another program"
            read_only = True
        try:
            project = Project.open(path, read_only=read_only, backups=False)
        except KarachiError as exc:
            if lock.isLocked():
                lock.unlock()
            QMessageBox.warning(self, f"{APP_NAME}: cannot open project", str(exc))
            return False
        self.close_project()
        self._lock = lock if lock.isLocked() else None
        session = ReviewSession(project, self)
        self.session = session
        self.undo_group.addStack(session.undo_stack)
        self.undo_group.setActiveStack(session.undo_stack)
        if not self.claims_dock.isHidden():  # shown now, or when the window shows
            self._ensure_ledger()
        session.message.connect(self.show_message)
        session.annotations_changed.connect(self._on_annotations_changed)
        session.annotations_edited.connect(self._on_annotations_changed)
        session.tags_changed.connect(self._on_tags_changed)
        transcript = session.transcript
        self.model.set_transcript(transcript)
        self._cue_bounds = sorted({c.start_ms for c in transcript} | {c.end_ms for c in transcript})
        self.annotation_panel.set_session(session)
        self.timeline.set_transcript(transcript)
        self._on_tags_changed()
        self.clear_marks()
        self._add_recent(path)
        self.summary.setText(
            f"{len(transcript)} cues · {transcript.source_format} · {transcript.encoding}"
        )
        self.status_project.setText(path.name)
        self.status_project.setToolTip(str(path))
        self.status_read_only.setText("read-only" if project.read_only else "")
        self.tag_bar.setEnabled(not project.read_only)
        self._open_media(session)
        self._update_project_actions()
        if held_by:
            self.banner.show_message(
                f"{path.name} is open in another karachi_review window ({held_by}); it is "
                "shown read-only here. Close it there to edit here.",
                [],
            )
        elif project.read_only:
            self.banner.show_message(
                f"{path.name} is read-only ({project.read_only_reason}); tags cannot be changed.",
                [],
            )
        self._update_title()
        return True

    def _open_media(self, session: ReviewSession) -> None:
        media = session.project.media()
        if media.path and Path(media.path).is_file():
            self._load_media(Path(media.path), "film")
            return
        if media.path:
            self._clock_mode(
                f"The film {media.path} was not found (moved or on a disconnected drive). "
                "The transcript plays on a clock until you locate it.",
                [("banner_locate", "Locate media…", self.attach_media_dialog)],
            )
            return
        stand_in = self._stand_in_for(session)
        if stand_in is not None and stand_in.is_file() and self._load_media(stand_in, "stand-in"):
            self.banner.show_message(
                "Playing a stand-in video (a slate with the timecode and the spoken line), not "
                "the film. Attach the real film when you have it.",
                [("banner_attach", "Attach media…", self.attach_media_dialog)],
            )
            return
        buttons: list[tuple[str, str, Callable[[], Any]]] = [
            ("banner_attach", "Attach media…", self.attach_media_dialog)
        ]
        if stand_in is not None:
            buttons.append(("banner_stand_in", "Make a stand-in video", self.make_stand_in))
        self._clock_mode(
            "No film attached: the transcript plays on a clock in real time. Attach the film "
            "to see the picture.",
            buttons,
        )

    def _stand_in_for(self, session: ReviewSession) -> Path | None:
        """Where the sample's stand-in video lives (None for other transcripts)."""
        source = session.transcript.path
        if source is None or Path(source).name != SAMPLE_TRANSCRIPT:
            return None
        # The project records where the sample was read from; asking importlib.resources
        # again (sample_path) would cost 5-10 ms of every start on the sample.
        sample = Path(source) if Path(source).is_file() else sample_path()
        return demo_path_for(sample, self.cache_dir)

    def make_stand_in(self) -> None:
        """Generate the sample's stand-in video in the background, then play it."""
        if self.session is None or self.demo_maker is not None:
            return
        out = self._stand_in_for(self.session)
        if out is None:
            return
        maker = DemoMaker(list(self.session.transcript), out, parent=self)
        self.demo_maker = maker
        session = self.session

        def progress(done: int, total: int) -> None:
            self.banner.label.setText(
                f"Making the stand-in video… {100 * done // max(total, 1)}% (the transcript "
                "keeps playing on the clock meanwhile)"
            )

        def finished(path: str) -> None:
            self.demo_maker = None
            if self.session is session and self.media_mode == "clock":
                self._open_media(session)

        def failed(message: str) -> None:
            self.demo_maker = None
            self.banner.label.setText(f"The stand-in video could not be made: {message}")

        maker.progress.connect(progress)
        maker.finished.connect(finished)
        maker.failed.connect(failed)
        self.banner.show_message("Making the stand-in video…", [])
        maker.start()

    def attach_media(self, path: Path) -> bool:
        """Link the film to the open project and play it."""
        if self.session is None:
            self.show_message("Open a project or a transcript first, then attach its film")
            return False
        try:
            self.session.project.set_media_file(path)
        except KarachiError as exc:
            QMessageBox.warning(self, f"{APP_NAME}: cannot attach media", str(exc))
            return False
        self.banner.hide()
        return self._load_media(Path(path), "film")

    def close_project(self) -> None:
        """Close the open project (edits are already stored)."""
        self.player.pause()
        if self.current_export_dialog is not None:
            self.current_export_dialog.close()
        self._set_ledger(None)
        if self.session is not None:
            self.undo_group.removeStack(self.session.undo_stack)
            self.session.close()
            self.session.deleteLater()
            self.session = None
        if self._lock is not None:
            self._lock.unlock()
            self._lock = None
        self.banner.hide()
        self._update_project_actions()

    def _on_annotations_changed(self, _changes: object = None) -> None:
        if self.session is None:
            return
        self.model.set_annotations(self.session.spans_between, self.session.tags)
        self.timeline.set_annotations(self.session.spans, self.session.tags)
        if self.ledger is not None:
            # Claims live on annotations: tagging, deleting and undo can change them.
            self.ledger.reload()

    def _on_tags_changed(self) -> None:
        if self.session is None:
            return
        self.tag_bar.set_tags(self.session.tags)
        self._on_annotations_changed()

    def _update_title(self) -> None:
        if self.session is None:
            self.setWindowTitle(f"{APP_NAME} {__version__}")
            return
        project = self.session.project
        ro = " [read-only]" if project.read_only else ""
        self.setWindowTitle(f"{project.title} — {project.path.name}{ro} — {APP_NAME}")

    # ------------------------------------------------------------------------------ claims

    def _ensure_ledger(self) -> ClaimLedger | None:
        """The Claims dock's ledger of the open project, built when first needed.

        The dock is hidden until asked for, so the ledger (a model of every claim, its
        filters and editors) is built when the dock is first shown or claims are listed,
        not at start-up.
        """
        if self.ledger is None and self.session is not None:
            from karachi_review.ui.ledger import ClaimLedger  # see above: not at start-up

            session = self.session
            self._set_ledger(
                ClaimLedger(session.project, undo_stack=session.undo_stack, parent=self.claims_dock)
            )
        return self.ledger

    def _on_claims_dock_visible(self, visible: bool) -> None:
        if visible:
            self._ensure_ledger()

    def _show_claims(self) -> None:
        """Bring the Claims dock forward with the claims as stored now."""
        if self.ledger is not None:
            self.ledger.reload()
        else:
            self._ensure_ledger()
        self.claims_dock.show()
        self.claims_dock.raise_()

    def _set_ledger(self, ledger: ClaimLedger | None) -> None:
        """Show ``ledger`` in the Claims dock (None: the placeholder) and drop the old one."""
        old = self.ledger
        self.ledger = ledger
        if ledger is None:
            self.claims_dock.setWidget(self.claims_placeholder)
        else:
            ledger.setObjectName("claims_ledger")
            ledger.setAccessibleName("Claims")
            ledger.table.setObjectName("claims_table")
            ledger.table.setAccessibleName("Claims of the film")
            ledger.seekRequested.connect(self.seek)
            ledger.set_editable(not ledger.project.read_only)
            self.claims_dock.setWidget(ledger)
        if old is not None:
            old.setParent(None)
            old.deleteLater()
        self._update_grab()

    def _update_grab(self) -> None:
        """Give the ledger exact stills while the film plays (never the stand-in or clock)."""
        decoder = getattr(self.player, "decoder", None)
        grabber: FrameGrabber | None = None
        if self.media_mode == "film" and decoder is not None:
            same = self.grabber is not None and self.grabber.path == decoder.path
            grabber = (
                self.grabber
                if same
                else FrameGrabber(decoder.path, decoder.info, on_error=self.show_message)
            )
        if self.grabber is not None and self.grabber is not grabber:
            self.grabber.close()
        self.grabber = grabber
        if self.ledger is not None:
            self.ledger.set_grab_frame(grabber)

    def _update_project_actions(self) -> None:
        writable = self.session is not None and not self.session.read_only
        self.export_action.setEnabled(self.session is not None)
        self.detect_action.setEnabled(writable)
        self.add_source_action.setEnabled(writable)

    def export_dialog(self) -> ExportDialog | None:
        """File > Export: the export dialog on the open project (window-modal, not blocking)."""
        if self.session is None:
            self.show_message("Open a project first, then export its annotations")
            return None
        if self.current_export_dialog is not None:
            self.current_export_dialog.raise_()
            return self.current_export_dialog
        # Here, not at start-up: the dialog imports every exporter and their libraries.
        from karachi_review.ui.export_dialog import ExportDialog

        dialog = ExportDialog(self.session.project, self)
        dialog.setObjectName("export_dialog")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.exported.connect(self._on_exported)
        dialog.destroyed.connect(self._export_dialog_gone)
        self.current_export_dialog = dialog
        dialog.open()
        return dialog

    def _export_dialog_gone(self, _obj: object = None) -> None:
        self.current_export_dialog = None

    def _on_exported(self, result: object) -> None:
        # Not at start-up (core.export brings every exporter); the dialog has loaded it by now.
        from karachi_review.core.export import ExportResult

        if isinstance(result, ExportResult):
            self.show_message(
                f"Exported {result.annotations} annotations to {result.path} ({result.format})"
            )

    def detect_claims(self) -> int | None:
        """Claims > Detect claims: store the new suggestions as ONE undo step; how many."""
        session = self.session
        if session is None:
            self.show_message("Open a project first, then detect its claims")
            return None
        # Only Claims > Detect needs it (the store imports the module too, for its statuses).
        from karachi_review.core.claims import detect

        project = session.project
        found = detect(project.cues())
        fresh = new_suggestions(project, found)
        if not fresh:
            self.show_message(f"{len(found)} claims found; all of them are already listed")
            return 0
        if not session.execute(AcceptClaimsCommand(session, fresh)):
            return None
        if project.sources():
            self._sync_links()
        self._show_claims()
        self.show_message(
            f"{len(found)} claims found; added {len(fresh)} "
            f"({len(found) - len(fresh)} already listed). Undo removes them."
        )
        return len(fresh)

    def _sync_links(self) -> int | None:
        """Recompute film-vs-source links; how many disagree (None: refused)."""
        if self.session is None:
            return None
        from karachi_review.core.sources import sync_links  # sources: only once one is added

        try:
            comparisons = sync_links(self.session.project)
        except KarachiError as exc:
            self.show_message(str(exc))
            return None
        return sum(1 for c in comparisons if c.relation != "agree")

    def add_source_dialog(self) -> None:
        """Claims > Add source: choose a text or HTML document."""
        name, _ = QFileDialog.getOpenFileName(self, "Add a source document", "", SOURCE_FILTER)
        if name:
            self.add_source(Path(name))

    def add_source(self, path: Path) -> bool:
        """Add ``path`` and its claims to the project, then compare them with the film's.

        Like ``sources add`` + ``claims compare``; not an undo step (a source's text is never
        edited or removed, and the links are recomputed from the claims each time).
        """
        session = self.session
        if session is None:
            self.show_message("Open a project first, then add sources to it")
            return False
        # The document readers (HTML parser): only when a source is added.
        from karachi_review.core.claims import detect_text
        from karachi_review.core.sources import read_source

        project = session.project
        try:
            doc = read_source(path)
            source = project.find_source(doc.content_hash)
            if source is not None:
                said = f"already added as source {source.id}"
            else:
                source, found = project.add_source(
                    doc.text,
                    title=doc.title,
                    path=path,
                    content_type=doc.content_type,
                    detected=detect_text(doc.text),
                )
                said = f"{len(found)} claims in source {source.id}"
        except KarachiError as exc:
            QMessageBox.warning(self, f"{APP_NAME}: cannot add the source", str(exc))
            return False
        flagged = self._sync_links()
        self._show_claims()
        self.show_message(
            f"{source.title}: {said}; {flagged or 0} figures of the film disagree with a source"
        )
        return True

    # ------------------------------------------------------------------------------ recent

    def recent_projects(self) -> list[str]:
        """Recently opened project files, newest first."""
        value = self.settings.value("recent/projects")
        if isinstance(value, str):
            return [value] if value else []
        return [str(v) for v in value] if value else []

    def _add_recent(self, path: Path) -> None:
        text = str(Path(path).absolute())
        items = [text] + [p for p in self.recent_projects() if p != text]
        self.settings.setValue("recent/projects", items[:MAX_RECENT])

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        for item in self.recent_projects():
            action = self.recent_menu.addAction(item)
            action.triggered.connect(lambda _=False, p=item: self.open_path(Path(p)))
        if self.recent_menu.isEmpty():
            self.recent_menu.addAction("(none)").setEnabled(False)

    # ------------------------------------------------------------------------------ dialogs

    def open_dialog(self) -> None:
        """File > Open."""
        name, _ = QFileDialog.getOpenFileName(
            self,
            "Open a project, a transcript or a film",
            "",
            f"Projects (*{PROJECT_SUFFIX});;Transcripts (*.srt *.vtt *.ass *.ssa *.txt);;"
            "Media (*.mp4 *.mov *.mkv *.m4v *.avi *.mxf *.webm);;All files (*)",
        )
        if name:
            self.open_path(Path(name))

    def new_project_dialog(self) -> None:
        """File > New: a transcript, optionally the film, then where to save."""
        transcript, _ = QFileDialog.getOpenFileName(
            self,
            "New project: the transcript",
            "",
            "Transcripts (*.srt *.vtt *.ass *.ssa *.txt);;All files (*)",
        )
        if not transcript:
            return
        media: Path | None = None
        answer = QMessageBox.question(
            self, "New project", "Add the film now? (You can attach it later.)"
        )
        if answer == QMessageBox.StandardButton.Yes:
            name, _ = QFileDialog.getOpenFileName(
                self, "New project: the film", str(Path(transcript).parent)
            )
            media = Path(name) if name else None
        default = str(Path(transcript).with_suffix(PROJECT_SUFFIX))
        target, _ = QFileDialog.getSaveFileName(
            self, "New project: save as", default, f"Projects (*{PROJECT_SUFFIX})"
        )
        if target:
            self.new_project(Path(target), Path(transcript), media)

    def attach_media_dialog(self) -> None:
        """File > Attach media (also the banner's Locate button)."""
        name, _ = QFileDialog.getOpenFileName(
            self,
            "Attach the film",
            "",
            "Media (*.mp4 *.mov *.mkv *.m4v *.avi *.mxf *.webm);;All files (*)",
        )
        if name:
            self.attach_media(Path(name))

    def preferences_dialog(self) -> None:
        """Edit > Preferences: rebind shortcuts."""
        current = {k: a.shortcuts() for k, a in self.key_actions.items()}
        dialog = PreferencesDialog(current, self, load_jump(self.settings))
        if dialog.exec():
            self.apply_keys(dialog.result_keys())
            self.settings.setValue("keys/jump", dialog.result_jump())

    def apply_keys(self, keys: dict[str, list[QKeySequence]]) -> None:
        """Use and remember new key bindings."""
        for action_id, sequences in keys.items():
            if action_id in self.key_actions:
                self.key_actions[action_id].setShortcuts(sequences)
        save_keys(self.settings, keys)

    # ------------------------------------------------------------------------------ drag and drop

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        """Accept local files."""
        if event.mimeData().hasUrls() and any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        """Projects and transcripts open; a film is attached (after the others)."""
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        paths.sort(key=lambda p: p.suffix.lower() in MEDIA_SUFFIXES)
        for path in paths:
            self.open_path(path)
        event.acceptProposedAction()

    def closeEvent(self, event: QCloseEvent) -> None:
        """Remember the layout, stop the player, close the project."""
        if self.demo_maker is not None:
            self.demo_maker.cancel()
            self.demo_maker.wait(10)
        self.save_layout()
        self.close_project()
        if self.grabber is not None:
            self.grabber.close()
        self.player.close()
        super().closeEvent(event)


def _read_transcript(path: Path) -> Any:
    """Read a transcript; the readers are imported here, not at start-up (50 ms saved)."""
    from karachi_review.core.reader import read_transcript

    return read_transcript(path)


def _is_sqlite(path: Path) -> bool:
    try:
        with path.open("rb") as f:
            return f.read(16) == b"SQLite format 3\x00"
    except OSError:
        return False
