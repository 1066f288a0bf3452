"""The transport bar under the video: play/pause, frame steps, shuttle state, rate, volume,
an editable SMPTE timecode field that seeks, and a seek slider."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSlider,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from karachi_review.player.base import PlayerState

__all__ = ["RATES", "TransportBar"]

RATES = (0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 4.0)


class TransportBar(QWidget):
    """Buttons and fields; emits what the user asked, the window applies it to the player."""

    toggle_requested = Signal()
    step_requested = Signal(int)
    rate_chosen = Signal(float)
    volume_changed = Signal(int)
    mute_toggled = Signal(bool)
    seek_requested = Signal(int)
    timecode_entered = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        """A bar for an empty player."""
        super().__init__(parent)
        self.setObjectName("transport")
        self.setAccessibleName("Transport")
        style = self.style()

        def button(name: str, text: str, icon: QStyle.StandardPixmap) -> QToolButton:
            b = QToolButton(self)
            b.setObjectName(name)
            b.setAccessibleName(text)
            b.setToolTip(text)
            b.setIcon(style.standardIcon(icon))
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            b.setAutoRaise(True)
            return b

        self.back_button = button(
            "step_back", "One frame back", QStyle.StandardPixmap.SP_MediaSeekBackward
        )
        self.play_button = button("play_pause", "Play", QStyle.StandardPixmap.SP_MediaPlay)
        self.forward_button = button(
            "step_forward", "One frame forward", QStyle.StandardPixmap.SP_MediaSeekForward
        )
        self.back_button.clicked.connect(lambda: self.step_requested.emit(-1))
        self.forward_button.clicked.connect(lambda: self.step_requested.emit(1))
        self.play_button.clicked.connect(self.toggle_requested)

        self.timecode = QLineEdit(self)
        self.timecode.setObjectName("timecode_field")
        self.timecode.setAccessibleName("Timecode (type a time and press Enter to go there)")
        self.timecode.setToolTip("Type a timecode (HH:MM:SS:FF, H:MM:SS, seconds) and press Enter")
        self.timecode.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = self.timecode.font()
        font.setFamily("monospace")
        font.setStyleHint(font.StyleHint.Monospace)
        self.timecode.setFont(font)
        self.timecode.setFixedWidth(
            self.timecode.fontMetrics().horizontalAdvance("00:00:00:000") + 24
        )
        self.timecode.returnPressed.connect(
            lambda: self.timecode_entered.emit(self.timecode.text())
        )

        self.shuttle_label = QLabel("", self)
        self.shuttle_label.setObjectName("shuttle_state")
        self.shuttle_label.setAccessibleName("Shuttle state")
        self.shuttle_label.setTextFormat(Qt.TextFormat.PlainText)
        self.shuttle_label.setMinimumWidth(self.fontMetrics().horizontalAdvance("◀◀ 8x") + 8)

        self.rate = QComboBox(self)
        self.rate.setObjectName("rate")
        self.rate.setAccessibleName("Playback rate")
        self.rate.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        for r in RATES:
            self.rate.addItem(f"{r:g}x", r)
        self.rate.setCurrentIndex(RATES.index(1.0))
        self.rate.activated.connect(lambda i: self.rate_chosen.emit(float(self.rate.itemData(i))))

        self.mute = button("mute", "Mute", QStyle.StandardPixmap.SP_MediaVolume)
        self.mute.setCheckable(True)
        self.mute.toggled.connect(self._on_mute)
        self.volume = QSlider(Qt.Orientation.Horizontal, self)
        self.volume.setObjectName("volume")
        self.volume.setAccessibleName("Volume")
        self.volume.setRange(0, 100)
        self.volume.setValue(100)
        self.volume.setFixedWidth(80)
        self.volume.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.volume.valueChanged.connect(self.volume_changed)

        self.slider = QSlider(Qt.Orientation.Horizontal, self)
        self.slider.setObjectName("seek_slider")
        self.slider.setAccessibleName("Position")
        self.slider.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.slider.setRange(0, 0)
        self.slider.sliderMoved.connect(self.seek_requested)
        self.slider.actionTriggered.connect(self._on_slider_action)

        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        for w in (self.back_button, self.play_button, self.forward_button):
            row.addWidget(w)
        row.addWidget(self.timecode)
        row.addWidget(self.shuttle_label)
        row.addStretch(1)
        row.addWidget(QLabel("Rate", self))
        row.addWidget(self.rate)
        row.addWidget(self.mute)
        row.addWidget(self.volume)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.setSpacing(2)
        layout.addWidget(self.slider)
        layout.addLayout(row)

    def _on_slider_action(self, action: int) -> None:
        # Page clicks on the groove: seek where the slider went (sliderMoved covers drags).
        if action in (
            QSlider.SliderAction.SliderPageStepAdd.value,
            QSlider.SliderAction.SliderPageStepSub.value,
        ):
            self.seek_requested.emit(self.slider.sliderPosition())

    def _on_mute(self, muted: bool) -> None:
        icon = (
            QStyle.StandardPixmap.SP_MediaVolumeMuted
            if muted
            else QStyle.StandardPixmap.SP_MediaVolume
        )
        self.mute.setIcon(self.style().standardIcon(icon))
        self.mute_toggled.emit(muted)

    def set_duration(self, duration_ms: int) -> None:
        """Range of the seek slider."""
        self.slider.setRange(0, max(duration_ms, 0))
        self.slider.setPageStep(max(duration_ms // 20, 1000))

    def set_position(self, ms: int, label: str) -> None:
        """Show the playhead (the timecode field is left alone while it is being edited)."""
        if not self.slider.isSliderDown():
            self.slider.blockSignals(True)
            self.slider.setValue(ms)
            self.slider.blockSignals(False)
        if not self.timecode.hasFocus():
            self.timecode.setText(label)

    def set_state(self, state: PlayerState) -> None:
        """Play or pause icon."""
        playing = state is PlayerState.PLAYING
        icon = (
            QStyle.StandardPixmap.SP_MediaPause if playing else QStyle.StandardPixmap.SP_MediaPlay
        )
        self.play_button.setIcon(self.style().standardIcon(icon))
        self.play_button.setToolTip("Pause" if playing else "Play")
        self.play_button.setAccessibleName("Pause" if playing else "Play")

    def set_rate(self, rate: float) -> None:
        """Show ``rate`` in the rate box (nearest entry)."""
        nearest = min(range(len(RATES)), key=lambda i: abs(RATES[i] - rate))
        self.rate.setCurrentIndex(nearest)

    def set_shuttle(self, direction: int, speed: float) -> None:
        """ "▶ 2x" / "◀◀ 4x" / "" for the J/K/L state."""
        if direction == 0 or speed == 0:
            self.shuttle_label.setText("")
        else:
            arrow = "▶" if direction > 0 else "◀"
            self.shuttle_label.setText(f"{arrow * (2 if speed > 1 else 1)} {speed:g}x")
