"""The issue's "done" path with nothing configured: text -> scene -> edit -> validate -> render -> video."""

import tempfile
from pathlib import Path

import numpy as np

from tests.simulation.test_render import read_frames


def post(client, path, data):
    return client.post(path, data, content_type="application/json")


def colour_mask(frame: np.ndarray, channel: int) -> np.ndarray:
    values = [frame[:, :, i].astype(int) for i in range(3)]
    others = [values[i] for i in range(3) if i != channel]
    return (values[channel] > 90) & (values[channel] > 1.6 * others[0]) & (values[channel] > 1.6 * others[1])


def test_three_red_balls_onto_a_blue_box_edited_and_rendered(user_client):
    scene = post(user_client, "/api/generate", {"prompt": "three red balls falling onto a blue box"}).json()
    scene_id = scene.pop("_id")
    refined = post(user_client, "/api/refine", {"scene": scene, "prompt": "make the balls bouncier"}).json()
    assert all(
        o["physicsProperties"]["restitution"] >= 0.8
        for o in refined["objects"].values()
        if o["visualProperties"]["shape"] == "Sphere"
    )
    saved = user_client.put(
        f"/api/scenes/{scene_id}", {"scene": refined, "name": "bouncy"}, content_type="application/json"
    )
    assert saved.status_code == 200
    assert post(user_client, "/api/validate", refined).json()["valid"] is True

    width, height = 640, 360
    queued = post(user_client, "/api/genesis/render", {"scene": refined, "duration": 2, "fps": 30,
                                                       "resolution": [width, height]})  # fmt: skip
    assert queued.status_code == 202, queued.content
    record = user_client.get(f"/api/genesis/videos/{queued.json()['video_id']}").json()["video"]
    assert record["status"] == "completed", record["error"]
    response = user_client.get(record["video_url"])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "video.mp4"
        path.write_bytes(b"".join(response.streaming_content) if response.streaming else response.content)
        meta, frames = read_frames(path, width, height)
    assert len(frames) == 60 and meta["size"] == (width, height)
    first = frames[0]
    red_rows = np.nonzero(colour_mask(first, 0))[0]
    blue_rows = np.nonzero(colour_mask(first, 2))[0]
    assert red_rows.size > 100 and blue_rows.size > 100, "the balls and the box are in view"
    assert red_rows.mean() < blue_rows.mean(), "the balls start above the box"
    # By the end the balls have fallen: red is lower in the picture than at the start.
    assert np.nonzero(colour_mask(frames[-1], 0))[0].mean() > red_rows.mean()
