"""Fixtures of the simulation tests: a fake OpenAI-compatible chat server over real HTTP."""

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@dataclass
class FakeLlm:
    """Answers each POST /v1/chat/completions with the next scripted reply.

    A reply is a string (the message content), or a tuple (status, raw body bytes).
    """

    base_url: str = ""
    replies: list = field(default_factory=list)
    requests: list = field(default_factory=list)

    def answer(self, *replies) -> None:
        self.replies = list(replies)


def _handler(fake: FakeLlm):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            fake.requests.append(
                {
                    "path": self.path,
                    "headers": dict(self.headers),
                    "body": json.loads(self.rfile.read(length)),
                }
            )
            reply = fake.replies.pop(0) if fake.replies else (500, b'{"error": "no scripted reply"}')
            if isinstance(reply, tuple):
                status, raw = reply
            else:
                status = 200
                raw = json.dumps(
                    {
                        "id": "x",
                        "object": "chat.completion",
                        "choices": [
                            {
                                "index": 0,
                                "message": {"role": "assistant", "content": reply},
                                "finish_reason": "stop",
                            }
                        ],
                    }
                ).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

    return Handler


@pytest.fixture
def fake_llm(settings) -> Iterator[FakeLlm]:
    fake = FakeLlm()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    fake.base_url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    settings.SCENE_PROVIDER = "llm"
    settings.LLM_BASE_URL = fake.base_url
    settings.LLM_API_KEY = "test-key"
    settings.LLM_MODEL = "fake-model"
    yield fake
    server.shutdown()
    server.server_close()
