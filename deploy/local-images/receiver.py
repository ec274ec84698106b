"""A merchant's webhook receiver for the compose test (ComposeTest): answers every POST 200 and prints it, headers and
the exact body bytes (base64), as one JSON line on stdout, which the test reads with `docker-compose logs`."""
import base64
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAX_BODY = 1 << 20


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        length = min(int(self.headers.get("Content-Length") or 0), MAX_BODY)
        body = self.rfile.read(length)
        line = {"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()},
                "body_base64": base64.b64encode(body).decode("ascii")}
        print("webhook " + json.dumps(line), flush=True)
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, fmt, *args):
        pass  # one line per webhook, above


port = int(sys.argv[1]) if len(sys.argv) > 1 else 8090
print(f"receiver listening on :{port}", flush=True)
ThreadingHTTPServer(("0.0.0.0", port), Receiver).serve_forever()
