"""Joining stored videos into one with ffmpeg (issue 15, "combine"): pure media work on assets.

The assets are copied in chunks (``storage_backends.asset_chunks``) to scratch files on the data
volume, never whole into memory; ffmpeg reads those files and writes the result to another scratch
file, which the caller stores with ``services.asset_store`` (so ``MEDIA_MAX_BYTES``, the type check,
the thumbnail and the quota apply as to any file). Every scratch file is removed when
``assets_joined`` exits, whatever happened; a process killed meanwhile leaves files named like
``asset_store``'s, which ``services.scratch_dir`` sweeps away later.

Two ways to join:

- **stream copy** (the concat demuxer, ``-c copy``): when the transition is a cut and every input has
  the same video codec (H.264 or HEVC), profile, pixel format, size, sample aspect, frame rate and
  time base, the same audio (or none at all), and the requested size is theirs. Seconds, whatever
  the length, and no loss. The result is probed; a duration that does not add up falls back to:
- **re-encode**: each input scaled to fit the output size and padded (letterboxed), at one frame
  rate, H.264 yuv420p with ``+faststart``; a cut is the ``concat`` filter, a crossfade a chain of
  ``xfade`` (and ``acrossfade``). Audio: when any input has sound, every input gets a 48 kHz stereo
  track (silence where it had none), so the sound stays in step with the pictures; when none has,
  the result has no audio track.

Progress comes from ffmpeg's ``-progress`` report; the caller's callback can stop the join.
"""

import logging
import os
import re
import select
import subprocess
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING

import imageio_ffmpeg

from gallery import storage_backends

if TYPE_CHECKING:
    from gallery.models import Asset

logger = logging.getLogger(__name__)

STREAM_COPY = "stream-copy"
RE_ENCODE = "re-encode"
TRANSITIONS = ("cut", "crossfade")
# The longest crossfade; shorter clips get a shorter one (at most half the shortest clip).
CROSSFADE_SECONDS = 1.0
# Codecs an MP4 takes as they are (anything else is re-encoded).
COPY_VIDEO_CODECS = frozenset({"h264", "hevc"})
COPY_AUDIO_CODECS = frozenset({"aac", "mp3"})
# What a re-encode writes.
VIDEO_ENCODER = "libx264"
AUDIO_ENCODER = "aac"
AUDIO_RATE = 48_000
DEFAULT_FPS = 30.0
MAX_FPS = 60.0
# ffmpeg reports progress this often; one that says nothing for STALL_SECONDS is stopped.
PROGRESS_PERIOD_SECONDS = 0.5
STALL_SECONDS = 120.0
PROBE_TIMEOUT_SECONDS = 60
# Named like asset_store's scratch files, so the sweep of scratch_dir removes what a killed worker left.
SCRATCH_PREFIX = "asset-combine-"
ERROR_TAIL_CHARS = 600
FFMPEG_FAILED = "ffmpeg failed"

# (seconds written, seconds in all, bytes written) -> False to stop the join.
ProgressCallback = Callable[[float, float, int], bool]


class JoinFailed(Exception):
    """The videos could not be joined (unreadable input, ffmpeg error, too long or too large)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class JoinStopped(Exception):
    """The progress callback asked to stop (the generation was canceled or deleted)."""


@dataclass(frozen=True)
class AudioStream:
    codec: str
    sample_rate: str
    layout: str


@dataclass(frozen=True)
class Clip:
    """What ffmpeg says about one input: enough to decide between a stream copy and a re-encode."""

    duration: float
    width: int
    height: int
    codec: str
    profile: str
    pix_fmt: str
    sar: str
    fps: float | None
    tbn: str
    audio: AudioStream | None

    def copy_key(self) -> tuple:
        """Inputs with equal keys can be concatenated without decoding them."""
        return (
            self.codec,
            self.profile,
            self.pix_fmt,
            self.width,
            self.height,
            self.sar,
            self.fps,
            self.tbn,
            self.audio,
        )


@dataclass(frozen=True)
class Joined:
    """The joined video, a scratch file that lives until ``assets_joined`` exits."""

    path: Path
    method: str  # STREAM_COPY or RE_ENCODE
    duration: float
    width: int
    height: int
    size_bytes: int
    crossfade_seconds: float


# --- Probing --------------------------------------------------------------------------------------

_DURATION = re.compile(r"Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)")
_STREAM = re.compile(r"^\s*Stream #\d+:\d+\S*: (Video|Audio): (.*)$", re.MULTILINE)
_SIZE = re.compile(r"^(\d{1,5})x(\d{1,5})(?:\s|$)")
_SAR = re.compile(r"SAR (\d+:\d+)")
_TIME = re.compile(r"time=(\d+):(\d\d):(\d\d(?:\.\d+)?)")


def ffmpeg_exe() -> str:
    return imageio_ffmpeg.get_ffmpeg_exe()


def _top_level_parts(text: str) -> list[str]:
    """``text`` split at the commas outside parentheses and brackets (ffmpeg's stream lines)."""
    parts, depth, current = [], 0, []
    for char in text:
        if char in "([":
            depth += 1
        elif char in ")]":
            depth = max(0, depth - 1)
        if char == "," and depth == 0:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    parts.append("".join(current).strip())
    return parts


def _seconds(hours: str, minutes: str, seconds: str) -> float:
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


def _rate(description: str, unit: str) -> str:
    """The number ffmpeg prints before ``unit`` ("25 fps", "29.97 fps", "10240 tbn", "1k tbn")."""
    match = re.search(rf"(?:^|[ ,])(\d+(?:\.\d+)?k?) {unit}\b", description)
    return match.group(1) if match else ""


def _video(description: str) -> dict:
    parts = _top_level_parts(description)
    head = parts[0].split()
    codec = head[0] if head else ""
    profile = re.match(r"\S+ \(([^)]*)\)", parts[0])
    pix_fmt = parts[1].split("(")[0].strip() if len(parts) > 1 else ""
    size = next((match for part in parts[2:] if (match := _SIZE.match(part))), None)
    sar = _SAR.search(description)
    fps_text = _rate(description, "fps") or _rate(description, "tbr")
    try:
        fps = float(fps_text[:-1]) * 1000 if fps_text.endswith("k") else float(fps_text)
    except ValueError:
        fps = None
    return {
        "codec": codec,
        "profile": profile.group(1) if profile else "",
        "pix_fmt": pix_fmt,
        "size": (int(size.group(1)), int(size.group(2))) if size else None,
        "sar": sar.group(1) if sar else "1:1",
        "fps": fps if fps and fps > 0 else None,
        "tbn": _rate(description, "tbn"),
    }


def _audio(description: str) -> AudioStream:
    parts = _top_level_parts(description)
    head = parts[0].split()
    rate = next((part for part in parts if part.endswith(" Hz")), "")
    layout = parts[2] if len(parts) > 2 else ""
    return AudioStream(codec=head[0] if head else "", sample_rate=rate, layout=layout)


def _ffmpeg_report(args: list[str]) -> str:
    try:
        result = subprocess.run(  # noqa: S603 - fixed executable, no shell
            [ffmpeg_exe(), "-hide_banner", "-nostdin", *args],
            capture_output=True,
            timeout=PROBE_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise JoinFailed("Reading a video took too long.") from exc
    return result.stderr.decode(errors="replace")


def _measured_duration(path: Path) -> float | None:
    """The duration found by reading the whole video stream (for containers that do not say it)."""
    report = _ffmpeg_report(["-i", str(path), "-map", "0:v:0", "-c", "copy", "-f", "null", "-"])
    times = _TIME.findall(report)
    return _seconds(*times[-1]) if times else None


def clip_probe(*, path: Path) -> Clip:
    """Read ``path``'s first video stream and first audio stream; JoinFailed when it has no video."""
    report = _ffmpeg_report(["-i", str(path)])
    streams = _STREAM.findall(report)
    video = next((_video(text) for kind, text in streams if kind == "Video"), None)
    if video is None or video["size"] is None:
        raise JoinFailed("it has no readable video stream")
    audio = next((_audio(text) for kind, text in streams if kind == "Audio"), None)
    duration_match = _DURATION.search(report)
    duration = _seconds(*duration_match.groups()) if duration_match else _measured_duration(path)
    if not duration or duration <= 0:
        raise JoinFailed("its duration cannot be read")
    width, height = video["size"]
    return Clip(
        duration=duration,
        width=width,
        height=height,
        codec=video["codec"],
        profile=video["profile"],
        pix_fmt=video["pix_fmt"],
        sar=video["sar"],
        fps=video["fps"],
        tbn=video["tbn"],
        audio=audio,
    )


# --- Planning -------------------------------------------------------------------------------------


def crossfade_seconds(*, durations: list[float]) -> float:
    """The crossfade between two clips: CROSSFADE_SECONDS, or half the shortest clip when shorter
    (a clip in the middle fades in and out, so both fades must fit in it)."""
    return round(min(CROSSFADE_SECONDS, min(durations) / 2), 3)


def planned_duration(*, durations: list[float], transition: str) -> float:
    """The joined video's length: the sum, less one crossfade per join for a crossfade."""
    total = sum(durations)
    if transition == "crossfade" and len(durations) > 1:
        total -= (len(durations) - 1) * crossfade_seconds(durations=durations)
    return total


def output_size(*, clips: list[Clip], width: int | None, height: int | None) -> tuple[int, int]:
    """The requested size, or the first clip's (made even, as H.264 in yuv420p needs)."""
    if width and height:
        return width, height
    first = clips[0]
    return max(2, first.width - first.width % 2), max(2, first.height - first.height % 2)


def join_method(*, clips: list[Clip], transition: str, width: int | None, height: int | None) -> str:
    """STREAM_COPY when the inputs can be concatenated as they are, else RE_ENCODE."""
    first = clips[0]
    same = all(clip.copy_key() == first.copy_key() for clip in clips)
    size_kept = not (width and height) or (width, height) == (first.width, first.height)
    copyable = (
        first.codec in COPY_VIDEO_CODECS
        and first.fps is not None
        and (first.audio is None or first.audio.codec in COPY_AUDIO_CODECS)
    )
    return STREAM_COPY if transition == "cut" and same and size_kept and copyable else RE_ENCODE


def _fps(clips: list[Clip]) -> float:
    rates = [clip.fps for clip in clips if clip.fps]
    return min(MAX_FPS, max(rates)) if rates else DEFAULT_FPS


def reencode_filter(
    *, clips: list[Clip], transition: str, width: int, height: int
) -> tuple[str, bool, float]:
    """The ``-filter_complex`` graph of a re-encode (outputs ``[v]`` and, with sound, ``[a]``),
    whether it has sound, and the crossfade's length (0 for a cut)."""
    fps = f"{_fps(clips):.6g}"
    with_audio = any(clip.audio is not None for clip in clips)
    durations = [clip.duration for clip in clips]
    chains = []
    for index, clip in enumerate(clips):
        length = f"{clip.duration:.3f}"
        # Fit inside the frame, pad to it, one frame rate; then exactly `length` seconds (a video
        # stream shorter than its container repeats its last frame), so the fades land in place.
        chains.append(
            f"[{index}:v:0]scale={width}:{height}:force_original_aspect_ratio=decrease:force_divisible_by=2,"
            f"pad={width}:{height}:(ow-iw)/2:(oh-ih)/2:color=black,setsar=1,fps={fps},format=yuv420p,"
            f"tpad=stop_mode=clone:stop_duration={length},trim=duration={length},setpts=PTS-STARTPTS[v{index}]"
        )
        if not with_audio:
            continue
        audio_format = f"aformat=sample_fmts=fltp:sample_rates={AUDIO_RATE}:channel_layouts=stereo"
        if clip.audio is not None:
            chains.append(
                f"[{index}:a:0]aresample={AUDIO_RATE},{audio_format},apad,atrim=duration={length},"
                f"asetpts=PTS-STARTPTS[a{index}]"
            )
        else:
            chains.append(
                f"anullsrc=r={AUDIO_RATE}:cl=stereo,atrim=duration={length},{audio_format},"
                f"asetpts=PTS-STARTPTS[a{index}]"
            )
    count = len(clips)
    fade = 0.0
    if transition == "cut":
        pads = "".join(f"[v{index}]" + (f"[a{index}]" if with_audio else "") for index in range(count))
        outputs = "[v][a]" if with_audio else "[v]"
        chains.append(f"{pads}concat=n={count}:v=1:a={1 if with_audio else 0}{outputs}")
    else:
        fade = crossfade_seconds(durations=durations)
        video_in, audio_in, elapsed = "[v0]", "[a0]", durations[0]
        for index in range(1, count):
            last = index == count - 1
            video_out = "[v]" if last else f"[xv{index}]"
            offset = elapsed - fade
            chains.append(
                f"{video_in}[v{index}]xfade=transition=fade:duration={fade:.3f}:offset={offset:.3f}{video_out}"
            )
            if with_audio:
                audio_out = "[a]" if last else f"[xa{index}]"
                chains.append(f"{audio_in}[a{index}]acrossfade=d={fade:.3f}{audio_out}")
                audio_in = audio_out
            video_in = video_out
            elapsed = offset + durations[index]
    return ";".join(chains), with_audio, fade


# --- Running ffmpeg -------------------------------------------------------------------------------


def _scratch_path(folder: Path, token: str, name: str) -> Path:
    return folder / f"{SCRATCH_PREFIX}{token}-{name}"


def _copy_to_scratch(asset: "Asset", path: Path) -> None:
    with path.open("wb") as file:
        for chunk in storage_backends.asset_chunks(asset=asset):
            file.write(chunk)


def _clean_error(text: str, folder: Path, inputs: list[Path]) -> str:
    """ffmpeg's last words without the server's file names (inputs are named by their position)."""
    for index, path in enumerate(inputs, start=1):
        text = text.replace(str(path), f"video {index}")
    text = text.replace(f"{folder}{os.sep}", "")
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return " / ".join(lines)[-ERROR_TAIL_CHARS:] or "no message"


def _ffmpeg_run(
    *,
    args: list[str],
    output: Path,
    total_seconds: float,
    max_bytes: int,
    on_progress: ProgressCallback | None,
    errors: IO[bytes],
    deadline: "_Deadline",
) -> None:
    """Run ffmpeg writing ``output``, passing its progress on; stops it (and raises) when the
    callback says so, when it writes more than ``max_bytes``, stalls, or runs past ``deadline``."""
    command = [
        ffmpeg_exe(),
        "-hide_banner",
        "-nostdin",
        "-loglevel",
        "error",
        "-y",
        "-stats_period",
        str(PROGRESS_PERIOD_SECONDS),
        *args,
        "-fs",
        str(max_bytes + 1),
        "-progress",
        "pipe:1",
        "-nostats",
        str(output),
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors)  # noqa: S603 - no shell
    stdout = process.stdout
    if stdout is None:  # pragma: no cover - Popen with PIPE always has it
        raise JoinFailed("ffmpeg could not be started.")
    buffered, report, heard_at = b"", {}, time.monotonic()
    done, written = 0.0, 0
    try:
        while True:
            ready, _, _ = select.select([stdout], [], [], 1.0)
            data = os.read(stdout.fileno(), 65_536) if ready else b""
            if ready and not data:
                break  # ffmpeg closed its end: it has finished
            if data:
                heard_at = time.monotonic()
                buffered += data
                *lines, buffered = buffered.split(b"\n")
                for line in lines:
                    key, _, value = line.decode(errors="replace").strip().partition("=")
                    report[key] = value
                    if key == "progress":  # the last line of each report
                        done, written = _progress_of(report, done, written)
                        if written > max_bytes:
                            raise JoinFailed(_too_large(max_bytes))
            elif time.monotonic() - heard_at > STALL_SECONDS:
                raise JoinFailed(f"ffmpeg made no progress for {STALL_SECONDS:.0f} seconds; stopped.")
            deadline.check()
            # Also while ffmpeg is quiet (a slow start), so a cancel is noticed within a second.
            if on_progress is not None and not on_progress(done, total_seconds, written):
                raise JoinStopped()
        process.wait()
    except BaseException:
        process.kill()
        process.wait()
        raise
    finally:
        stdout.close()
    if process.returncode != 0:
        raise JoinFailed(f"{FFMPEG_FAILED} (exit status {process.returncode})")


def _progress_of(report: dict[str, str], done: float, written: int) -> tuple[float, int]:
    """(seconds written, bytes written) of one ``-progress`` report; unknown values ("N/A") keep the last."""
    micros = report.get("out_time_us", "")
    size = report.get("total_size", "")
    if micros.isdigit():
        done = int(micros) / 1_000_000
    if size.isdigit():
        written = int(size)
    return done, written


@dataclass(frozen=True)
class _Deadline:
    """The join's time limit: a worker's task is killed after its timeout (Q_TIMEOUT), so a join
    that cannot finish inside it fails with the reason instead of being killed and retried."""

    at: float | None
    seconds: float | None

    @classmethod
    def after(cls, seconds: float | None) -> "_Deadline":
        return cls(at=time.monotonic() + seconds if seconds else None, seconds=seconds)

    def check(self) -> None:
        if self.at is not None and time.monotonic() > self.at:
            raise JoinFailed(
                f"Joining took longer than the {self.seconds:.0f} seconds a worker may spend on it; "
                "join fewer or shorter videos, or at a smaller size."
            )


def _too_large(max_bytes: int) -> str:
    return (
        f"The combined video is larger than the {max_bytes / (1024 * 1024):.1f} MB allowed (MEDIA_MAX_BYTES)."
    )


def _copy_args(list_file: Path, clips: list[Clip]) -> list[str]:
    audio = ["-map", "0:a:0"] if clips[0].audio is not None else ["-an"]
    return [
        "-f", "concat", "-safe", "0", "-i", str(list_file),
        "-map", "0:v:0", *audio, "-c", "copy", "-movflags", "+faststart", "-f", "mp4",
    ]  # fmt: skip


def _reencode_args(
    inputs: list[Path], clips: list[Clip], *, transition: str, width: int, height: int
) -> tuple[list[str], float]:
    graph, with_audio, fade = reencode_filter(clips=clips, transition=transition, width=width, height=height)
    args: list[str] = []
    for path in inputs:
        args += ["-i", str(path)]
    args += ["-filter_complex", graph, "-map", "[v]"]
    args += ["-map", "[a]", "-c:a", AUDIO_ENCODER, "-b:a", "160k"] if with_audio else ["-an"]
    # A keyframe every second: x264's default (250 frames) makes a seek decode up to 10 s of video.
    keyframe_every = str(max(1, round(_fps(clips))))
    args += [
        "-c:v", VIDEO_ENCODER, "-preset", "veryfast", "-crf", "20", "-pix_fmt", "yuv420p",
        "-g", keyframe_every, "-max_muxing_queue_size", "4096", "-movflags", "+faststart", "-f", "mp4",
    ]  # fmt: skip
    return args, fade


def _concat_list(path: Path, inputs: Iterable[Path]) -> None:
    lines = []
    for item in inputs:
        escaped = str(item).replace("'", "'\\''")
        lines.append(f"file '{escaped}'\n")
    path.write_text("".join(lines))


def _copy_adds_up(output: Path, *, expected: float, clips: list[Clip]) -> bool:
    """A stream copy is kept only when its result reads back with the expected length and size."""
    try:
        result = clip_probe(path=output)
    except JoinFailed:
        return False
    # The concat demuxer places each file at the sum of the containers' durations; what may differ
    # is a frame or an audio priming delay per join, never a whole clip (most are longer than this).
    frame = 1 / (clips[0].fps or DEFAULT_FPS)
    tolerance = 0.25 + min(frame, 0.05) * len(clips)
    same_size = (result.width, result.height) == (clips[0].width, clips[0].height)
    return same_size and abs(result.duration - expected) <= tolerance


@contextmanager
def assets_joined(
    *,
    assets: list["Asset"],
    transition: str,
    scratch: Path,
    width: int | None = None,
    height: int | None = None,
    max_bytes: int,
    max_seconds: float,
    on_progress: ProgressCallback | None = None,
    time_limit: float | None = None,
) -> Iterator[Joined]:
    """Join ``assets`` (videos, in order) with ``transition`` into one MP4 in folder ``scratch``,
    within ``time_limit`` seconds when given.

    Raises JoinFailed with a message for the user (which input, what went wrong), JoinStopped when
    ``on_progress`` returned False. Every scratch file is gone when the block exits.
    """
    if transition not in TRANSITIONS:
        raise JoinFailed(f"Unknown transition {transition!r}.")
    deadline = _Deadline.after(time_limit)
    token = uuid.uuid4().hex[:16]
    inputs = [_scratch_path(scratch, token, f"{index}") for index in range(len(assets))]
    output = _scratch_path(scratch, token, "out.mp4")
    list_file = _scratch_path(scratch, token, "list.txt")
    errors_file = _scratch_path(scratch, token, "errors.txt")
    made = [*inputs, output, list_file, errors_file]
    try:
        clips = []
        for index, (asset, path) in enumerate(zip(assets, inputs, strict=True), start=1):
            try:
                _copy_to_scratch(asset, path)
            except storage_backends.BlobMissing as exc:
                raise JoinFailed(f"Video {index} of the list is no longer stored.") from exc
            if on_progress is not None and not on_progress(0.0, 0.0, 0):
                raise JoinStopped()
            try:
                clips.append(clip_probe(path=path))
            except JoinFailed as exc:
                raise JoinFailed(f"Video {index} of the list cannot be joined: {exc.message}.") from exc
        total = planned_duration(durations=[clip.duration for clip in clips], transition=transition)
        if total > max_seconds:
            raise JoinFailed(
                f"The combined video would last {total:.1f} seconds, more than the {max_seconds:g} allowed "
                "(COMBINE_MAX_SECONDS)."
            )
        out_width, out_height = output_size(clips=clips, width=width, height=height)
        method = join_method(clips=clips, transition=transition, width=width, height=height)
        fade = 0.0
        with errors_file.open("w+b") as errors:
            if method == STREAM_COPY:
                _concat_list(list_file, inputs)
                try:
                    _ffmpeg_run(
                        args=_copy_args(list_file, clips),
                        output=output,
                        total_seconds=total,
                        max_bytes=max_bytes,
                        on_progress=on_progress,
                        errors=errors,
                        deadline=deadline,
                    )
                    copied = _copy_adds_up(output, expected=total, clips=clips)
                except JoinFailed as exc:
                    if not exc.message.startswith(FFMPEG_FAILED):
                        raise
                    copied = False
                if not copied:
                    # Inputs that look alike but differ inside (their encoder settings): decode them.
                    logger.warning(
                        "combine: the stream copy did not give %.2f s of video; re-encoding", total
                    )
                    errors.seek(0)
                    errors.truncate()
                    method = RE_ENCODE
            if method == RE_ENCODE:
                args, fade = _reencode_args(
                    inputs, clips, transition=transition, width=out_width, height=out_height
                )
                _ffmpeg_run(
                    args=args,
                    output=output,
                    total_seconds=total,
                    max_bytes=max_bytes,
                    on_progress=on_progress,
                    errors=errors,
                    deadline=deadline,
                )
        size = output.stat().st_size
        if size > max_bytes:
            raise JoinFailed(_too_large(max_bytes))
        yield Joined(
            path=output,
            method=method,
            duration=total,
            width=out_width,
            height=out_height,
            size_bytes=size,
            crossfade_seconds=fade,
        )
    except JoinFailed as exc:
        if exc.message.startswith(FFMPEG_FAILED):
            detail = errors_file.read_text(errors="replace") if errors_file.exists() else ""
            raise JoinFailed(f"{exc.message}: {_clean_error(detail, scratch, inputs)}") from exc
        raise
    finally:
        for path in made:
            with suppress(FileNotFoundError):
                path.unlink()
