"""A fast loopback OpenAI-compatible chat-completions server for benchmarks: one asyncio event loop.

The scripted test server (`tests/fake_openai_server.py`, `http.server` with a thread per
connection) spends ~0.25 ms of CPU a call parsing headers with the `email` package and switching threads;
at concurrency 64 that is CPU taken from the client it shares 2 cores with. This one speaks the same
protocol (HTTP/1.1 keep-alive, `Content-Length` JSON bodies, `POST .../chat/completions` answered with
a real `chat.completion` object, `GET` for request counts) with a fixed latency per call, and nothing
else: no scripted faults. Run: `python benchmarks/loopback_openai_server.py --latency 0.1 --reply 7.5,9`;
it prints its base URL and stops when stdin closes.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.fake_openai_server import completion  # noqa: E402 - the same chat.completion body


class LoopbackServer:
    """Counts requests, the most in flight at once and the time spent answering (latency excluded)."""

    def __init__(self, latency_s: float, reply: str) -> None:
        self.latency_s = latency_s
        self.reply = reply
        self.requests = 0
        self.in_flight = 0
        self.max_in_flight = 0
        self.handling_s = 0.0

    def stats(self) -> dict[str, float]:
        return {"requests": self.requests, "max_in_flight": self.max_in_flight,
                "handling_s": round(self.handling_s, 6)}

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                started = time.perf_counter()
                request_line, *header_lines = head.decode("latin-1").split("\r\n")
                method, path, _version = request_line.split(" ", 2)
                headers = {}
                for line in header_lines:
                    if line:
                        name, _, value = line.partition(":")
                        headers[name.strip().lower()] = value.strip()
                body = await reader.readexactly(int(headers.get("content-length") or 0))
                if method == "GET":
                    status, payload = 200, self.stats()
                elif not path.endswith("/chat/completions"):
                    status, payload = 404, {"error": {"message": f"no route {path}", "type": "not_found"}}
                else:
                    self.requests += 1
                    self.in_flight += 1
                    self.max_in_flight = max(self.max_in_flight, self.in_flight)
                    request = json.loads(body or b"{}")
                    paused = time.perf_counter()
                    await asyncio.sleep(self.latency_s)
                    started += time.perf_counter() - paused  # the latency is not the server's cost
                    self.in_flight -= 1
                    status, payload = 200, completion(request, self.reply)
                data = json.dumps(payload).encode()
                reason = {200: "OK", 404: "Not Found"}[status]
                writer.write(  # status line, headers and body in one write (no Nagle stall)
                    f"HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\n"
                    f"Content-Length: {len(data)}\r\n\r\n".encode() + data
                )
                self.handling_s += time.perf_counter() - started
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.CancelledError):
            pass  # the client closed its keep-alive connection, or the server is stopping
        finally:
            writer.close()


async def main_async(latency_s: float, reply: str) -> None:
    server = LoopbackServer(latency_s, reply)
    listener = await asyncio.start_server(server.serve, "127.0.0.1", 0, backlog=1024)
    host, port = listener.sockets[0].getsockname()[:2]
    print(f"http://{host}:{port}/v1", flush=True)
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.read)  # until stdin closes
    listener.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=0.0)
    parser.add_argument("--reply", default="8,9")
    args = parser.parse_args()
    asyncio.run(main_async(args.latency, args.reply))


if __name__ == "__main__":
    main()
