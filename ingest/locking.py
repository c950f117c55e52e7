"""The index lock: one ingest job at a time per index folder, never held by a forked child.

flock is shared by forked copies of the descriptor: a parser process outliving a `kill -9`ed
job would keep the index locked. So every process forked while the lock is held closes its copy
at once, and is killed by the kernel when its parent dies.
"""

from __future__ import annotations

import fcntl
import os
import signal
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

LOCK_FILE = "ingest.lock"


class IndexLocked(Exception):
    pass


_HELD_LOCK_FDS: set[int] = set()


def _after_fork_in_child() -> None:
    """Parser processes forked while the lock is held must neither keep the lock nor outlive
    the job."""
    if not _HELD_LOCK_FDS:
        return
    for fd in list(_HELD_LOCK_FDS):
        try:
            os.close(fd)
        except OSError:
            pass
    _HELD_LOCK_FDS.clear()
    _die_with_parent()


def _die_with_parent() -> None:
    parent = os.getppid()
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        PR_SET_PDEATHSIG = 1
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: orphans finish their task and exit
        return
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


os.register_at_fork(after_in_child=_after_fork_in_child)


@contextmanager
def index_lock(index_dir: Path):
    """Holds the lock of `index_dir` (created if missing); raises IndexLocked, naming the
    holder, when another job has it."""
    index_dir.mkdir(parents=True, exist_ok=True)
    path = index_dir / LOCK_FILE
    fh = open(path, "a+", encoding="utf-8")
    try:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        fh.seek(0)
        holder = fh.read().strip() or "unknown process"
        fh.close()
        raise IndexLocked(f"index {index_dir} is locked by another ingest job ({holder})")
    fh.seek(0)
    fh.truncate()
    fh.write(f"pid {os.getpid()}, started {datetime.now(timezone.utc).isoformat(timespec='seconds')}")
    fh.flush()
    _HELD_LOCK_FDS.add(fh.fileno())
    try:
        yield
    finally:
        _HELD_LOCK_FDS.discard(fh.fileno())
        fh.seek(0)
        fh.truncate()
        fcntl.flock(fh, fcntl.LOCK_UN)
        fh.close()
