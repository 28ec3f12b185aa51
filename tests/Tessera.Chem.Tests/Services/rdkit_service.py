#!/usr/bin/env python3
"""A Tessera Chem task service in Python on RDKit (Debian python3-rdkit), standard library HTTP only.

Serves rdkit.descriptors v1: MolWt, LogP, TPSA, HBD and HBA for each SMILES of a list. It follows
docs/chem-task-services.md: registers with the server, heartbeats, answers GET /health and POST /execute, and
deregisters on SIGTERM.

  rdkit_service.py --server URL --token TOKEN [--port 0] [--delay SECONDS]

Prints "listening <url>" and then "registered <id>" on stdout. --delay makes each execution wait first (tests kill
the process mid-execution with it). GET /stats counts the executions it finished, by execution id.
"""
import argparse
import json
import signal
import sys
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from rdkit import Chem, rdBase
from rdkit.Chem import Crippen, Descriptors, Lipinski, rdMolDescriptors

TASK, VERSION = "rdkit.descriptors", 1
finished = {}


def describe(smiles):
    mol = Chem.MolFromSmiles(smiles)
    if mol is None:
        return {"smiles": smiles, "error": "unreadable SMILES"}
    return {
        "smiles": smiles,
        "mol_wt": round(Descriptors.MolWt(mol), 4),
        "logp": round(Crippen.MolLogP(mol), 4),
        "tpsa": round(rdMolDescriptors.CalcTPSA(mol), 4),
        "hbd": Lipinski.NumHDonors(mol),
        "hba": Lipinski.NumHAcceptors(mol),
    }


class Handler(BaseHTTPRequestHandler):
    delay = 0.0

    def log_message(self, *args):
        pass

    def answer(self, status, body, content_type="application/json"):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def problem(self, status, code, detail):
        self.answer(status, {"type": "about:blank", "status": status, "title": "Task failed", "detail": detail, "code": code},
                    "application/problem+json")

    def do_GET(self):
        if self.path == "/health":
            self.answer(200, {"status": "ok", "tasks": [TASK]})
        elif self.path == "/stats":
            self.answer(200, {"finished": finished})
        else:
            self.problem(404, "NOT_FOUND", "no such route")

    def do_POST(self):
        if self.path != "/execute":
            return self.problem(404, "NOT_FOUND", "no such route")
        try:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
        except ValueError as e:
            return self.problem(400, "VALIDATION_FAILED", f"the body is not JSON: {e}")
        if body.get("task") != TASK or body.get("version") != VERSION:
            return self.problem(404, "CHEM_TASK_NOT_EXECUTABLE", f"this service runs {TASK} v{VERSION} only")
        smiles = body.get("parameters", {}).get("smiles")
        if not isinstance(smiles, list) or not smiles:
            return self.problem(422, "CHEM_PARAMETERS_INVALID", "smiles must be a non-empty list")
        if self.delay:
            time.sleep(self.delay)
        molecules = [describe(s) for s in smiles]
        execution = body.get("execution_id", "")
        finished[execution] = finished.get(execution, 0) + 1
        self.answer(200, {"molecules": molecules, "rdkit_version": rdBase.rdkitVersion})


def call(server, token, method, path, body=None):
    request = urllib.request.Request(server.rstrip("/") + path, method=method,
                                     data=None if body is None else json.dumps(body).encode(),
                                     headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        text = response.read()
        return json.loads(text) if text else None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--delay", type=float, default=0.0)
    args = parser.parse_args()
    Handler.delay = args.delay
    httpd = ThreadingHTTPServer((args.host, args.port), Handler)
    url = f"http://{args.host}:{httpd.server_address[1]}"
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    print("listening", url, flush=True)
    registration = {"url": url, "tasks": [{"name": TASK, "version": VERSION}],
                    "tool_versions": {"rdkit": rdBase.rdkitVersion, "python": sys.version.split()[0]}}

    def register():
        return call(args.server, args.token, "POST", "/api/v1/chem/services", registration)

    try:
        service = register()
    except urllib.error.HTTPError as e:
        print("registration failed", e.code, e.read().decode(), flush=True)
        sys.exit(2)
    print("registered", service["id"], flush=True)
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    signal.signal(signal.SIGINT, lambda *_: stopping.set())
    while not stopping.wait(service.get("heartbeat_seconds", 10)):
        try:
            call(args.server, args.token, "POST", f"/api/v1/chem/services/{service['id']}/heartbeat")
        except urllib.error.HTTPError as e:
            if e.code == 404:  # dropped: register again
                service = register()
        except OSError as e:
            print("heartbeat failed:", e, flush=True)
    try:
        call(args.server, args.token, "DELETE", f"/api/v1/chem/services/{service['id']}")
    except OSError:
        pass
    httpd.shutdown()


if __name__ == "__main__":
    main()
