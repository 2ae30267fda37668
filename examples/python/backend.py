#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A search backend in ten lines: GET /search?q=...&filter=places:Kursk -> Gazette's JSON.
One Searcher shared by the server's threads. Usage: backend.py DB [PORT]"""
import http.server, json, sys, urllib.parse
import gazette

searcher = gazette.Searcher(sys.argv[1])

class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        args = urllib.parse.parse_qs(urllib.parse.urlparse(self.path).query)
        try:
            status, body = 200, searcher.search(args.get("q", [""])[0], filters=args.get("filter", []), facets=["people", "places"])
        except gazette.RequestError as e:
            status, body = 400, {"error": str(e)}
        self.send_response(status); self.send_header("Content-Type", "application/json"); self.end_headers()
        self.wfile.write(json.dumps(body).encode())

server = http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[2]) if len(sys.argv) > 2 else 8001), Handler)
print(f"listening on http://127.0.0.1:{server.server_address[1]}/search?q=...", flush=True)
server.serve_forever()
