#!/usr/bin/env python3
"""A loopback stand-in for the ClinicalTrials.gov API v2, for trialmatch's refresh tests.

It serves /api/v2/version and /api/v2/studies from a directory of real study records (one JSON
file per study), with the registry's paging (pageSize, pageToken/nextPageToken, countTotal on the
first page), its filters (query.cond, query.term, filter.overallStatus,
filter.advanced=AREA[LastUpdatePostDate]RANGE[from,MAX], fields=NCTId) and injected faults.

    registry_server.py --data DIR --control FILE --log FILE --port-file FILE

The control file (JSON, re-read on every request) may hold:
    {"data_timestamp": "2026-11-20T09:00:00",
     "page_delay": 0.0,                      # seconds before each studies page
     "faults": [{"id": "a", "kind": "503", "page": 0, "times": 2, "retry_after": 1, "delay": 3}]}
Fault kinds: 429, 503, 400, reset (connection cut mid-body), truncate (body cut short but
complete as far as HTTP goes), invalid (200 with HTML), slow (waits `delay` seconds first),
count_mismatch (totalCount one higher than the truth). `page` is the 0-based page of a listing,
or absent for any request to /api/v2/studies; `times` bounds how often a fault fires (by id).
Every request line is appended to the log file as "GET <path>?<query>".
"""
import argparse
import json
import os
import socket
import struct
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ARGS = None
LOCK = threading.Lock()
FIRED = {}       # fault id -> times fired
SESSIONS = {}    # session id -> list of study objects (a snapshot of one listing)
COUNTER = [0]


def control():
    try:
        with open(ARGS.control, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


CACHE = {}      # file name -> (mtime_ns, size, Study)


class Study:
    """One record: what the filters need, and its compact JSON text, ready to send."""

    def __init__(self, record):
        p = record.get("protocolSection", {})
        ident = p.get("identificationModule", {})
        status = p.get("statusModule", {})
        conditions = p.get("conditionsModule", {})
        self.nct_id = ident["nctId"]
        self.status = status.get("overallStatus")
        self.posted = status.get("lastUpdatePostDateStruct", {}).get("date", "")
        self.text = " ".join([ident.get("briefTitle", ""), ident.get("officialTitle", "")] +
                             conditions.get("conditions", []) + conditions.get("keywords", [])).lower()
        self.raw = json.dumps(record, separators=(",", ":"))
        self.ids_only = json.dumps({"protocolSection": {"identificationModule": {"nctId": self.nct_id}}})


def load_studies():
    """Every study in the data folder; files are re-read only when they change."""
    seen = set()
    with LOCK:
        for entry in os.scandir(ARGS.data):
            if not entry.name.endswith(".json"):
                continue
            seen.add(entry.name)
            stat = entry.stat()
            cached = CACHE.get(entry.name)
            if cached is None or cached[0] != stat.st_mtime_ns or cached[1] != stat.st_size:
                with open(entry.path, encoding="utf-8") as f:
                    CACHE[entry.name] = (stat.st_mtime_ns, stat.st_size, Study(json.load(f)))
        for name in list(CACHE):
            if name not in seen:
                del CACHE[name]
        studies = [study for _, _, study in CACHE.values()]
    studies.sort(key=lambda s: s.nct_id)
    return studies


def matches(study, params):
    cond = params.get("query.cond")
    if cond:
        terms = [t.strip().strip('"').lower() for t in cond.split(" OR ")]
        if not any(t in study.text for t in terms):
            return False
    term = params.get("query.term")
    if term and term.lower() not in study.raw.lower():
        return False
    statuses = params.get("filter.overallStatus")
    if statuses and study.status not in set(statuses.replace("|", ",").split(",")):
        return False
    advanced = params.get("filter.advanced")
    if advanced:
        prefix = "AREA[LastUpdatePostDate]RANGE["
        assert advanced.startswith(prefix), advanced
        since = advanced[len(prefix):].split(",")[0]
        if study.posted < since:
            return False
    return True


def project(study, fields):
    return study.ids_only if fields == "NCTId" else study.raw


def take_fault(page):
    for fault in control().get("faults", []):
        if "page" in fault and fault["page"] != page:
            continue
        fid = fault.get("id", json.dumps(fault, sort_keys=True))
        with LOCK:
            fired = FIRED.get(fid, 0)
            if fired >= fault.get("times", 1):
                continue
            FIRED[fid] = fired + 1
        return fault
    return None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send_json(self, status, payload, headers=None, body=None):
        data = body if body is not None else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        with open(ARGS.log, "a", encoding="utf-8") as log:
            log.write("GET " + self.path + "\n")
        url = urllib.parse.urlsplit(self.path)
        params = dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True))
        if url.path == "/api/v2/version":
            ts = control().get("data_timestamp", "2026-11-20T09:00:00")
            return self.send_json(200, {"apiVersion": "2.0.5", "dataTimestamp": ts})
        if url.path != "/api/v2/studies":
            return self.send_json(404, {"error": "not found"})

        token = params.get("pageToken")
        size = int(params.get("pageSize") or 10)
        if token:
            try:
                session, offset = token.split(":")
                offset = int(offset)
                studies = SESSIONS[session]
            except (ValueError, KeyError):
                return self.send_json(400, {"error": "bad pageToken"})
        else:
            with LOCK:
                COUNTER[0] += 1
                session = "s%d" % COUNTER[0]
            studies = [project(s, params.get("fields")) for s in load_studies() if matches(s, params)]
            SESSIONS[session] = studies
            offset = 0
        page = offset // size

        delay = control().get("page_delay", 0)
        if delay:
            time.sleep(delay)

        chunk = studies[offset:offset + size]
        tail = {}
        if offset + size < len(studies):
            tail["nextPageToken"] = "%s:%d" % (session, offset + size)
        if not token and params.get("countTotal") == "true":
            tail["totalCount"] = len(studies)

        fault = take_fault(page)
        kind = fault["kind"] if fault else None
        if kind == "429" or kind == "503":
            headers = {}
            if "retry_after" in fault:
                headers["Retry-After"] = str(fault["retry_after"])
            return self.send_json(int(kind), {"error": kind}, headers)
        if kind == "400":
            return self.send_json(400, {"error": "bad request"})
        if kind == "slow":
            time.sleep(fault.get("delay", 5))
        if kind == "count_mismatch" and "totalCount" in tail:
            tail["totalCount"] += 1
        extra = "".join(",%s:%s" % (json.dumps(k), json.dumps(v)) for k, v in tail.items())
        body = ('{"studies":[' + ",".join(chunk) + "]" + extra + "}").encode()
        if kind == "invalid":
            body = b"<html><body>Service temporarily unavailable</body></html>"
        if kind == "truncate":
            body = body[: len(body) // 2]
        if kind == "reset":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
            return
        return self.send_json(200, None, body=body)


def main():
    global ARGS
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--control", required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--port-file", required=True)
    ARGS = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    tmp = ARGS.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(tmp, ARGS.port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
