"""Run a function in a forked child process and get its result back.

A child sees the parent's memory as it was at the fork, copy-on-write; only its result
comes back, pickled through a pipe. An exception in the child is raised again in the
parent with its own type; a child that dies without a word (killed, out of memory) is
reported as such. Children ignore Ctrl-C: the parent alone decides, and ``kill``\\s the
ones still running. They run at a lower priority (``nice``, ``BELOW`` unless told): the
parent's own work is usually what the others end up waiting for.

Reading a Python object writes to it (its reference count), so every page of the
parent's that a child reads becomes a copy, and so does every shared page the parent
reads after the fork. A child that only needs a little of a large structure is better
forked *before* the structure exists, and handed its input later (``Forked.waiting``
and ``give``): the input is pickled to it through an unnamed temporary file.

>>> child = Forked(sum, [1, 2, 3])
>>> child.result()
6
>>> Forked(int, "x").result()
Traceback (most recent call last):
ValueError: invalid literal for int() with base 10: 'x'
>>> later = Forked.waiting("a sum")
>>> later.give(sum, [4, 5])
>>> later.result()
9
"""
from __future__ import annotations

import os
import pickle
import signal
import sys
import tempfile
import traceback

# A child's nice value: at 10 (weight 110 against 1,024) the children a build waits for
# first, at the parent's priority (Louvain), get ~80% of a core beside four others; at 5
# they got ~55% (10k articles: 0.13 s sooner after extraction).
BELOW = 10


class ChildDied(RuntimeError):
    """A forked child ended without sending a result."""


class Forked:
    """``fn(*args)`` computed in a forked child (POSIX only)."""

    def __init__(self, fn, *args, name: str = "", nice: int = BELOW):
        self.name = name or getattr(fn, "__name__", "child")
        self._task = None  # (notify fd, unnamed file) of a child still waiting for its function
        task = None
        if fn is None:
            notify_read, notify = os.pipe()
            task = (notify_read, tempfile.TemporaryFile())
        read, write = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # the child: never returns, whatever happens
            try:
                os.close(read)
                if task is not None:
                    os.close(notify)
                _run_child(write, fn, args, nice, task)
            finally:
                os._exit(1)
        os.close(write)
        if task is not None:
            os.close(task[0])
            self._task = (notify, task[1])
        self.pid: int | None = pid
        self._fd = read

    @classmethod
    def waiting(cls, name: str, nice: int = BELOW) -> "Forked":
        """A child forked now that will run the function ``give`` hands it."""
        return cls(None, name=name, nice=nice)

    def give(self, fn, *args) -> None:
        """Hand a ``waiting`` child its function (this returns at once)."""
        notify, fh = self._task
        fh.write(pickle.dumps((fn, args), protocol=pickle.HIGHEST_PROTOCOL))
        fh.flush()
        try:
            os.write(notify, b"!")
        except BrokenPipeError:  # the child is gone: result() says how
            pass
        self._close_task()

    def _close_task(self) -> None:
        if self._task is not None:
            notify, fh = self._task
            self._task = None
            os.close(notify)  # a child never given anything sees the pipe closed and leaves
            fh.close()

    def result(self):
        """Wait for the child; its return value, or its exception raised here."""
        self._close_task()
        with os.fdopen(self._fd, "rb") as fh:
            data = fh.read()
        _, status = os.waitpid(self.pid, 0)
        self.pid = None
        if not data:
            how = (f"killed by signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status)
                   else f"exit status {os.WEXITSTATUS(status)}")
            raise ChildDied(f"the process computing {self.name} died ({how}; out of memory?)")
        ok, value = pickle.loads(data)
        if ok:
            return value
        raise value

    def kill(self) -> None:
        """Stop the child if it is still running (on an error or Ctrl-C in the parent)."""
        self._close_task()
        if self.pid is not None:
            try:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
            self.pid = None
            try:
                os.close(self._fd)
            except OSError:  # already closed by an interrupted ``result``
                pass


def _run_child(fd: int, fn, args, nice: int, task) -> None:
    code = 0
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        if nice:
            os.nice(nice)
        if task is not None:  # wait for the function
            notify, fh = task
            if not os.read(notify, 1):
                return  # never given one
            fh.seek(0)
            fn, args = pickle.load(fh)
            fh.close()
        try:
            payload = pickle.dumps((True, fn(*args)), protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException as exc:  # noqa: BLE001 - every failure goes back to the parent
            try:
                payload = pickle.dumps((False, exc), protocol=pickle.HIGHEST_PROTOCOL)
                pickle.loads(payload)  # some exceptions pickle but do not unpickle
            except Exception:
                text = "".join(traceback.format_exception_only(type(exc), exc)).strip()
                payload = pickle.dumps((False, RuntimeError(text)))
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
    except BaseException:  # noqa: BLE001
        code = 1
    finally:
        os._exit(code)


def finish(children) -> list:
    """The results of ``children`` in order; on the first failure the others are killed
    and the failure raised."""
    try:
        return [child.result() for child in children]
    except BaseException:
        for child in children:
            child.kill()
        raise
