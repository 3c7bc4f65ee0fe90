#!/usr/bin/env python3
"""A client for supervisord's ZeroMQ protocol, written from docs/protocol.md alone (pyzmq).

Usage: third_party_client.py CONTROL_ENDPOINT USERNAME PASSWORD [CALL_TIMEOUT_SECONDS]
Makes a call, provokes a fault, follows state with snapshot + sequence rules while starting a
process, and prints one JSON object with what it saw.
"""
import json
import os
import sys
import time

import zmq

endpoint, username, password = sys.argv[1:4]
CALL_TIMEOUT_MS = int(float(sys.argv[4]) * 1000) if len(sys.argv) > 4 else 10000
ctx = zmq.Context()


def secured(kind):
    s = ctx.socket(kind)
    s.linger = 0
    s.plain_username = username.encode()
    s.plain_password = password.encode()
    return s


ctl = secured(zmq.DEALER)
ctl.connect(endpoint)
next_id = 0


def call(method, params=None):
    """One request frame; replies may come in any order, so match them by id."""
    global next_id
    next_id += 1
    rid = next_id
    ctl.send(json.dumps({"id": rid, "method": method, "params": params or []}).encode())
    while True:
        if not ctl.poll(CALL_TIMEOUT_MS):
            raise TimeoutError(method)
        reply = json.loads(ctl.recv())
        if reply.get("id") == rid:
            return reply


out = {}
out["state"] = call("supervisor.getState")["result"]
fault = call("supervisor.getProcessInfo", ["nosuch"])["error"]
out["fault"] = fault

# Events: find the PUB socket, subscribe, make the subscription live with ext.sync, then snapshot.
eps = call("ext.getEndpoints")["result"]
sub = secured(zmq.SUB)
sub.connect(eps["pubsub_endpoint"])
sub.setsockopt(zmq.SUBSCRIBE, b"state.")
token = os.urandom(8).hex()
sync_topic = "sync." + token
sub.setsockopt(zmq.SUBSCRIBE, sync_topic.encode())

buffered = []
live = False
deadline = time.time() + 10
while not live:
    if time.time() > deadline:
        raise TimeoutError("sync")
    call("ext.sync", [token])
    while sub.poll(100):
        topic, header, payload = sub.recv_multipart()
        if topic.decode() == sync_topic:
            live = True
        else:
            buffered.append((topic.decode(), json.loads(header), payload))
sub.setsockopt(zmq.UNSUBSCRIBE, sync_topic.encode())

snap = call("ext.getSnapshot")["result"]
known = dict(snap["topics"])
states = {"%s:%s" % (p["group"], p["name"]): p["statename"] for p in snap["processes"]}
out["snapshot_seq"] = snap["seq"]
out["snapshot_states"] = dict(states)

applied = []
gaps = 0


def apply(topic, header, payload):
    """Section 3, step 4."""
    global gaps
    if not topic.startswith("state."):
        return
    k = known.get(topic, 0)
    if header["seq"] <= k:
        return
    if header["prev"] != k:
        gaps += 1
        return
    known[topic] = header["seq"]
    if topic.startswith("state.process."):
        p = json.loads(payload)
        states["%s:%s" % (p["group"], p["name"])] = p["statename"]
        applied.append({"topic": topic, "seq": header["seq"], "prev": header["prev"], "kind": header["kind"],
                        "statename": p["statename"], "type": p["type"], "pid": p["pid"]})


for m in buffered:
    apply(*m)

started = call("supervisor.startProcess", ["web"])
out["start_result"] = started.get("result")
deadline = time.time() + 10
while states.get("web:web") != "RUNNING":
    if time.time() > deadline:
        raise TimeoutError("RUNNING")
    if sub.poll(100):
        topic, header, payload = sub.recv_multipart()
        apply(topic.decode(), json.loads(header), payload)

out["applied"] = applied
out["gaps"] = gaps
out["final_states"] = states
print(json.dumps(out))
ctl.close()
sub.close()
ctx.term()
