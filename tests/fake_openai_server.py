"""A scripted OpenAI-compatible chat-completions server on a real loopback socket, for fault injection.

It speaks the real protocol (HTTP/1.1 keep-alive, JSON bodies, `Retry-After` headers), counts requests,
tracks how many are in flight at once, and records the Authorization headers it saw so a test can check
that a key is sent but never written anywhere. What it answers is decided by a `responder(request)`
callback returning a `Reply`; the default replies "8,9".
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Reply:
    """What the server does for one request.

    text: the assistant message content (status 200).
    status: HTTP status; not 200 sends an OpenAI-style error body.
    headers: extra response headers (e.g. {"Retry-After": "1"}).
    raw_body: send these bytes verbatim as the body (for malformed JSON).
    """

    text: str = "8,9"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    raw_body: bytes | None = None


@dataclass(frozen=True)
class Request:
    """One request as the server saw it; `attempt` counts earlier requests with the same content (1-based)."""

    body: dict[str, Any]
    content: str
    attempt: int
    authorization: str | None


Responder = Callable[[Request], Reply]


class _Server(ThreadingHTTPServer):
    request_queue_size = 256  # listen backlog (socketserver's 5 drops SYNs: 1 s client retransmits)


class FakeOpenAIServer:
    """`with FakeOpenAIServer(responder, latency_s=0.1) as server: ... server.base_url ...`."""

    def __init__(
        self, responder: Responder | None = None, latency_s: float = 0.0, models: list[str] | None = None
    ) -> None:
        self.responder: Responder = responder or (lambda request: Reply())
        self.models = models  # GET /models lists these when set (a server serving other models)
        self.latency_s = latency_s
        self.requests: list[Request] = []
        self.attempts: Counter[str] = Counter()
        self.in_flight = 0
        self.max_in_flight = 0
        self.handling_s = 0.0  # time spent answering, latency excluded (the server's own cost)
        self._lock = threading.Lock()
        self._httpd = _Server(("127.0.0.1", 0), self._handler_class())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}/v1"

    @property
    def authorizations(self) -> set[str | None]:
        return {r.authorization for r in self.requests}

    def stats(self) -> dict[str, float]:
        with self._lock:
            return {"requests": len(self.requests), "max_in_flight": self.max_in_flight,
                    "handling_s": round(self.handling_s, 6)}

    def reset_counts(self) -> None:
        with self._lock:
            self.requests.clear()
            self.attempts.clear()
            self.max_in_flight = 0
            self.handling_s = 0.0

    def __enter__(self) -> FakeOpenAIServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def _handle(self, body: dict[str, Any], authorization: str | None) -> Reply:
        content = "\n".join(str(m.get("content", "")) for m in body.get("messages", []))
        with self._lock:
            self.attempts[content] += 1
            request = Request(body, content, self.attempts[content], authorization)
            self.requests.append(request)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if self.latency_s:
                time.sleep(self.latency_s)
            return self.responder(request)
        finally:
            with self._lock:
                self.in_flight -= 1

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # TCP_NODELAY, as real servers set it: headers and body go out as two writes, and with Nagle
            # the body waited for the client's delayed ACK (~40 ms a call, 1.5x the ideal at concurrency 16)
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet test output
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                if server.models is not None and self.path.endswith("/models"):
                    data = [{"id": m, "object": "model", "created": 0} for m in server.models]
                    self._send(200, {"object": "list", "data": data})
                    return
                self._send(200, server.stats())  # any GET: request counts (for out-of-process use)

            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                started = time.perf_counter()
                self._post()
                with server._lock:
                    server.handling_s += time.perf_counter() - started - server.latency_s

            def _post(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                if not self.path.endswith("/chat/completions"):
                    self._send(404, {"error": {"message": f"no route {self.path}", "type": "not_found"}})
                    return
                reply = server._handle(body, self.headers.get("Authorization"))
                if reply.raw_body is not None:
                    self._send_bytes(reply.status, reply.raw_body, reply.headers)
                elif reply.status != 200:
                    error = {"error": {"message": f"scripted status {reply.status}", "type": "server_error"}}
                    self._send(reply.status, error, reply.headers)
                else:
                    self._send(200, completion(body, reply.text), reply.headers)

            def _send(
                self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None
            ) -> None:
                self._send_bytes(status, json.dumps(payload).encode(), headers or {})

            def _send_bytes(self, status: int, data: bytes, headers: dict[str, str]) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

        return Handler


def completion(body: dict[str, Any], text: str) -> dict[str, Any]:
    """A chat.completion object as the OpenAI API returns it, with word-count token usage."""
    prompt_tokens = sum(len(str(m.get("content", "")).split()) for m in body.get("messages", []))
    completion_tokens = len(text.split())
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.get("model", "fake"),
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }


def main() -> None:
    """Serve in a process of its own (so the client's threads do not share its GIL): print the base URL,
    answer `--reply` after `--latency` seconds, stop when stdin closes."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--latency", type=float, default=0.0)
    parser.add_argument("--reply", default="8,9")
    args = parser.parse_args()
    with FakeOpenAIServer(lambda request: Reply(args.reply), latency_s=args.latency) as server:
        print(server.base_url, flush=True)
        sys.stdin.read()


if __name__ == "__main__":
    main()
