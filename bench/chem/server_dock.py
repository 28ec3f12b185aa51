#!/usr/bin/env python3
"""Part (c) of bench/chem/run.sh: docks every ligand through a running Tessera server and prints the seconds it took.

Usage: server_dock.py API TOKEN RECEPTOR_ID BOX_JSON EXHAUSTIVENESS LIGAND_ID...

Submits one vina.dock execution per ligand artifact (the cache off, so each one docks) with POST
/api/v1/chem/tasks/vina.dock/execute, then polls GET /api/v1/chem/executions/{id} every 0.1 s until all have ended.
The time runs from the first submission to the last execution seen finished; any execution that did not succeed is
an error (exit 1). Standard library only, so Debian's python3 runs it as it is.
"""
import json
import sys
import time
import urllib.request


def call(api, token, method, path, body=None):
    request = urllib.request.Request(api + path, method=method, data=None if body is None else json.dumps(body).encode(),
                                     headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response)


def main():
    api, token, receptor, box, exhaustiveness = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4]), int(sys.argv[5])
    ligands = sys.argv[6:]
    started = time.monotonic()
    pending = {}
    for ligand in ligands:
        parameters = {"receptor": receptor, "ligand": ligand, "box": box, "exhaustiveness": exhaustiveness, "seed": 1, "cpu": 1}
        execution = call(api, token, "POST", "/api/v1/chem/tasks/vina.dock/execute?cache=false", parameters)
        pending[execution["id"]] = ligand
    failed = []
    while pending:
        time.sleep(0.1)
        for execution_id in list(pending):
            execution = call(api, token, "GET", "/api/v1/chem/executions/" + execution_id)
            if execution["state"] in ("succeeded", "failed", "cancelled"):
                if execution["state"] != "succeeded":
                    failed.append((pending[execution_id], execution["state"], execution.get("error")))
                del pending[execution_id]
    elapsed = time.monotonic() - started
    if failed:
        print("executions that did not succeed: %r" % failed, file=sys.stderr)
        sys.exit(1)
    print("%.3f" % elapsed)


if __name__ == "__main__":
    main()
