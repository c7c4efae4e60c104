"""The python-bcc consumer of `npm run bench`: the tutorial's program read the way a BCC
Python tool reads it, with Debian's python3-bpfcc under /usr/bin/python3.

It compiles the source the runner compiled (tracepoint mode: the runner's adapted source,
whose tracepoint__ functions BPF() loads and attaches itself), opens every BPF_PERF_OUTPUT
with 64 pages per CPU and the default wake-up per event, and for each data event of one
process casts it to the tutorial's struct and reads the generator's stamp.

Usage: python_bcc_consumer.py SOURCE --pid PID --count N [--mode rate|latency]
Prints one JSON line when ready and one with the result once N events of PID arrived, or
when stdin says "stop" or closes (the same protocol as bench-c-consumer).
"""

import argparse
import ctypes as ct
import json
import sys
import threading
import time

from bcc import BPF

OUTPUTS = ("socket_open_events", "socket_data_events", "socket_close_events")
STAMP_OFFSET = 28
STAMP_DIGITS = 20


class ConnId(ct.Structure):
    _fields_ = [("pid", ct.c_uint32), ("fd", ct.c_int32)]


class DataEvent(ct.Structure):
    """struct socket_data_event_t of solution.c."""

    _fields_ = [
        ("timestamp_ns", ct.c_uint64),
        ("conn_id", ConnId),
        ("direction", ct.c_uint32),
        ("msg_size", ct.c_uint32),
        ("msg", ct.c_char * 400),
    ]


def resident_bytes():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def monotonic_ns():
    return time.clock_gettime_ns(time.CLOCK_MONOTONIC)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("source")
    parser.add_argument("--pid", type=int, required=True)
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--mode", choices=("rate", "latency"), default="rate")
    parser.add_argument("--pages", type=int, default=64)
    args = parser.parse_args()
    with open(args.source) as f:
        source = f.read()

    started = monotonic_ns()
    bpf = BPF(text=source)  # compiles, then loads and attaches every tracepoint__ function
    if bpf.num_open_tracepoints() == 0:
        sys.exit("python_bcc_consumer: the program has no tracepoint__ functions")

    state = {"events": 0, "ingress": 0, "lost": 0, "first_stamp": 0, "last_receipt": 0}
    latencies = []
    latency_mode = args.mode == "latency"
    target_pid, target_count = args.pid, args.count

    def on_data(cpu, data, size):
        if state["events"] >= target_count:
            return
        event = ct.cast(data, ct.POINTER(DataEvent)).contents
        if event.conn_id.pid != target_pid:
            return
        if event.direction == 1:  # kIngress: a request the server read
            state["ingress"] += 1
            return
        if event.msg[:4] != b"HTTP":
            return
        now = monotonic_ns()
        try:
            stamp = int(event.msg[STAMP_OFFSET:STAMP_OFFSET + STAMP_DIGITS])
        except ValueError:  # a response of the demo server (under wrk), not the generator's
            stamp = 0
        if state["events"] == 0:
            state["first_stamp"] = stamp
        if latency_mode:
            latencies.append(now - stamp)
        state["last_receipt"] = now
        state["events"] += 1

    def on_other(cpu, data, size):
        pass

    def on_lost(count):
        state["lost"] += count

    for name in OUTPUTS:
        try:
            table = bpf[name]
        except KeyError:  # a program without this output
            continue
        table.open_perf_buffer(on_data if name == "socket_data_events" else on_other,
                               page_cnt=args.pages, lost_cb=on_lost)
    compile_ms = (monotonic_ns() - started) / 1e6
    print(json.dumps({"type": "ready", "compileMs": round(compile_ms, 1)}), flush=True)

    stop = threading.Event()

    def watch_stdin():
        for line in sys.stdin:
            if line.startswith("stop"):
                break
        stop.set()

    threading.Thread(target=watch_stdin, daemon=True).start()
    while state["events"] < target_count and not stop.is_set():
        bpf.perf_buffer_poll(timeout=50)

    print(json.dumps({
        "type": "result",
        "events": state["events"],
        "ingress": state["ingress"],
        "egress": state["events"],
        "lost": state["lost"],
        "firstStampNs": state["first_stamp"],
        "lastReceiptNs": state["last_receipt"],
        "rssBytes": resident_bytes(),
        "latenciesNs": latencies,
    }), flush=True)
    bpf.cleanup()


if __name__ == "__main__":
    main()
