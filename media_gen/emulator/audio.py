"""Audio the demo models make from their text: a tune for a music model, a voice-like signal for speech.

Both are synthesised with numpy, so a test can check them against their inputs: the music plays one
note per word of the prompt (the word picks the pitch, the same word always the same note) for
exactly the duration asked; speech is one formant-shaped voiced burst per syllable of the text, with
pauses between words and longer ones at punctuation, its pitch set by the voice.
"""

import hashlib
import io
import re
import subprocess
import wave

import imageio_ffmpeg
import numpy as np

MUSIC_RATE = 32_000  # MusicGen's rate
SPEECH_RATE = 24_000  # Kokoro's rate
PENTATONIC = (0, 2, 4, 7, 9)  # any two notes of it sound fine together
LOWEST_NOTE = 57  # MIDI A3
NOTE_SECONDS = (0.25, 1.0)  # a note per word, no shorter or longer than this
MAX_SPEECH_SECONDS = 120.0
WORD = re.compile(r"[A-Za-z0-9']+")

# Voice -> (pitch in Hz, how far its formants sit above a man's): a woman's vocal tract is shorter,
# so every formant is higher, not only the pitch.
VOICES = {
    "af_bella": (210.0, 1.15),
    "af_nicole": (190.0, 1.12),
    "am_adam": (115.0, 1.0),
    "am_michael": (125.0, 1.0),
    "bf_emma": (220.0, 1.17),
    "bm_george": (105.0, 0.97),
}
# The first three formants (Hz) of each vowel letter, an adult man's (Peterson & Barney).
FORMANTS = {
    "a": (730.0, 1090.0, 2440.0),
    "e": (530.0, 1840.0, 2480.0),
    "i": (270.0, 2290.0, 3010.0),
    "o": (570.0, 840.0, 2410.0),
    "u": (300.0, 870.0, 2240.0),
    "y": (270.0, 2290.0, 3010.0),
}
FRICATIVES = set("sfzhxcvj")
PLOSIVES = set("ptkbdgq")
SYLLABLE = re.compile(r"([^aeiouy]*)([aeiouy]+)", re.IGNORECASE)


def word_frequency(word: str) -> float:
    """The note (Hz) a word plays: two octaves of a pentatonic scale, picked by the word's hash."""
    digest = hashlib.sha256(word.lower().encode()).digest()
    degree = digest[0] % (2 * len(PENTATONIC))
    octave, step = divmod(degree, len(PENTATONIC))
    midi = LOWEST_NOTE + 12 * octave + PENTATONIC[step]
    return 440.0 * 2 ** ((midi - 69) / 12)


def music_notes(prompt: str, duration: float) -> list[tuple[str, float, float]]:
    """(word, frequency, seconds) of each note, the prompt's words repeated until ``duration`` is filled."""
    words = WORD.findall(prompt) or ["music"]
    length = min(max(duration / len(words), NOTE_SECONDS[0]), NOTE_SECONDS[1])
    notes, elapsed, index = [], 0.0, 0
    while elapsed < duration - 1e-9:
        seconds = min(length, duration - elapsed)
        word = words[index % len(words)]
        notes.append((word, word_frequency(word), seconds))
        elapsed += seconds
        index += 1
    return notes


def music(*, prompt: str, duration: float, seed: int) -> np.ndarray:
    """Mono float samples at MUSIC_RATE, exactly ``duration`` seconds; the seed picks the timbre."""
    rng = np.random.default_rng(seed)
    overtones = np.array([1.0, *rng.uniform(0.1, 0.5, 3)])  # the instrument's brightness
    chunks = []
    for _, frequency, seconds in music_notes(prompt, duration):
        t = np.arange(round(seconds * MUSIC_RATE)) / MUSIC_RATE
        tone = sum(weight * np.sin(2 * np.pi * frequency * (k + 1) * t) for k, weight in enumerate(overtones))
        attack = np.minimum(t / 0.01, 1.0)
        release = np.clip((seconds - t) / 0.02, 0.0, 1.0)  # no click where notes meet
        chunks.append(tone * attack * release * np.exp(-2.5 * t))
    samples = np.concatenate(chunks)
    total = round(duration * MUSIC_RATE)
    samples = np.pad(samples[:total], (0, max(0, total - samples.size)))
    peak = float(np.max(np.abs(samples))) or 1.0
    return samples * (0.8 / peak)


def _voiced(vowel: str, *, pitch: float, scale: float, seconds: float, rising: bool) -> np.ndarray:
    """A vowel: the harmonics of ``pitch`` weighted by how close each lies to the vowel's formants."""
    t = np.arange(round(seconds * SPEECH_RATE)) / SPEECH_RATE
    glide = np.linspace(1.0, 1.12 if rising else 0.94, t.size)  # intonation within the syllable
    phase = 2 * np.pi * np.cumsum(pitch * glide) / SPEECH_RATE
    formants = [f * scale for f in FORMANTS[vowel.lower()]]
    signal = np.zeros(t.size)
    for k in range(1, int(4000 / pitch) + 1):
        gain = sum(np.exp(-(((k * pitch - f) / 110.0) ** 2)) / (n + 1) for n, f in enumerate(formants))
        signal += (gain + 0.02 / k) * np.sin(k * phase)
    return signal * np.hanning(t.size)


def _onset(consonants: str, rng: np.random.Generator, speed: float) -> np.ndarray:
    """The consonants before a vowel: hiss for a fricative, a short click for a plosive."""
    letters = consonants.lower()
    if any(c in FRICATIVES for c in letters):
        noise = np.diff(rng.standard_normal(round(0.06 / speed * SPEECH_RATE) + 1))  # high-passed
        return 0.15 * noise * np.hanning(noise.size)
    if any(c in PLOSIVES for c in letters):
        burst = rng.standard_normal(round(0.012 * SPEECH_RATE)) * 0.3
        return np.concatenate([np.zeros(round(0.03 / speed * SPEECH_RATE)), burst])
    return np.zeros(0)


def speech(*, text: str, voice: str, speed: float) -> np.ndarray:
    """Mono float samples at SPEECH_RATE: a burst per syllable, pauses between words and sentences."""
    pitch, scale = VOICES.get(voice, VOICES["af_bella"])
    rng = np.random.default_rng(int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "big"))

    def silence(seconds: float) -> np.ndarray:
        return np.zeros(round(seconds / speed * SPEECH_RATE))

    chunks = [silence(0.1)]
    limit = round(MAX_SPEECH_SECONDS * SPEECH_RATE)
    for sentence in re.findall(r"[^.!?;,]+[.!?;,]?", text):
        rising = sentence.strip().endswith("?")
        words = WORD.findall(sentence)
        for index, word in enumerate(words):
            syllables = SYLLABLE.findall(word) or [("", "a")]  # "hmm", "42": one neutral syllable
            declination = 1.0 - 0.15 * index / len(words)  # pitch falls over a phrase
            for position, (consonants, vowels) in enumerate(syllables):
                rise = rising and index == len(words) - 1 and position == len(syllables) - 1
                chunks.append(_onset(consonants, rng, speed))
                chunks.append(
                    _voiced(
                        vowels[0], pitch=pitch * declination, scale=scale, seconds=0.16 / speed, rising=rise
                    )
                )
            chunks.append(silence(0.07))
        chunks.append(silence(0.3 if sentence.rstrip()[-1:] in ".!?" else 0.15))
        if sum(chunk.size for chunk in chunks) >= limit:  # a long text is cut short, not refused
            break
    samples = np.concatenate(chunks)[:limit]
    peak = float(np.max(np.abs(samples))) or 1.0
    return samples * (0.7 / peak)


def _pcm16(samples: np.ndarray) -> bytes:
    return (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2").tobytes()


def wav_bytes(samples: np.ndarray, *, rate: int) -> bytes:
    """16-bit mono PCM WAV."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(_pcm16(samples))
    return buffer.getvalue()


def mp3_bytes(samples: np.ndarray, *, rate: int) -> bytes:
    """MP3 (LAME, 128 kbit/s) encoded by imageio-ffmpeg's ffmpeg; the MP3 muxer streams to a pipe."""
    command = [
        imageio_ffmpeg.get_ffmpeg_exe(),
        "-hide_banner",
        "-loglevel",
        "error",
        "-f",
        "s16le",
        "-ar",
        str(rate),
        "-ac",
        "1",
        "-i",
        "-",
        "-c:a",
        "libmp3lame",
        "-b:a",
        "128k",
        "-f",
        "mp3",
        "-",
    ]
    completed = subprocess.run(command, input=_pcm16(samples), capture_output=True, timeout=120, check=False)  # noqa: S603 (fixed argv)
    if completed.returncode != 0:
        raise RuntimeError(f"ffmpeg failed: {completed.stderr.decode(errors='replace')[-500:]}")
    return completed.stdout
