# A process for tests/integration/prometheus.bats: burns CPU_MS of CPU time,
# names itself NAME (prctl PR_SET_NAME, bytes given as a Python bytes
# literal), touches MB megabytes, starts THREADS - 1 more threads (named
# NAME too: threads take the name of the one that creates them), writes its
# pid to READY and sleeps.
import ast, ctypes, os, sys, threading, time

name, threads, mb, cpu_ms, ready = sys.argv[1:6]
end = time.thread_time() + int(cpu_ms) / 1000
while time.thread_time() < end:
    pass
libc = ctypes.CDLL(None, use_errno=True)
if libc.prctl(15, ctypes.c_char_p(ast.literal_eval(name)), 0, 0, 0):
    sys.exit("prctl: %s" % os.strerror(ctypes.get_errno()))
memory = b"\1" * (int(mb) << 20)
stop = threading.Event()
for _ in range(int(threads) - 1):
    threading.Thread(target=stop.wait, daemon=True).start()
with open(ready + ".tmp", "w") as f:
    f.write("%d\n" % os.getpid())
os.rename(ready + ".tmp", ready)
stop.wait()
