"""``hoso worker``: a supervised pool of RQ worker processes on one machine.

Each child runs one RQ worker that forks a work-horse per job, so a crash inside a job
(a poppler or OpenCV segfault, memory exhaustion) fails that job, not the worker. When a
child itself dies, the supervisor requeues the job it held at once (RQ's own abandoned-job
sweep would do it too, after the heartbeat expires) and starts a replacement.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import os
import signal
import socket
import time
from dataclasses import dataclass, field
from multiprocessing.process import BaseProcess
from types import FrameType

from rq import Worker
from rq.registry import StartedJobRegistry
from rq.serializers import JSONSerializer

import worker as jobs
from hoso import queue as q
from hoso.settings import Settings

log = logging.getLogger("hoso.workerpool")


#: How long the worker's command channel listener waits for a message before it looks
#: again whether it should stop (seconds).
PUBSUB_POLL_S = 1.0


class HosoWorker(Worker):
    """RQ's worker with a command-channel listener that polls every :data:`PUBSUB_POLL_S`.

    RQ's own listens with a 60-second read; at shutdown the worker unsubscribes from the
    main thread, which waits for that read to end, so an idle worker took up to a minute
    to exit on SIGTERM (the chaos tests' teardown timed out on it now and then)."""

    def subscribe(self) -> None:
        self.log.info("Worker %s: subscribing to channel %s", self.name, self.pubsub_channel_name)
        self.pubsub = self.connection.pubsub()
        self.pubsub.subscribe(**{self.pubsub_channel_name: self.handle_payload})
        self.pubsub_thread = self.pubsub.run_in_thread(
            sleep_time=PUBSUB_POLL_S, daemon=True, exception_handler=self._pubsub_exception_handler
        )


def _child(settings: Settings, name: str, burst: bool) -> None:
    logging.basicConfig(level=logging.INFO, format=f"%(asctime)s {name} %(message)s")
    jobs.init_process(settings)
    jobs.load_models(jobs.context())
    conn = q.connect(settings)
    w = HosoWorker(
        [q.make_queue(settings, conn)],
        connection=conn,
        name=name,
        serializer=JSONSerializer,
        default_result_ttl=q.RESULT_TTL_S,
        job_monitoring_interval=q.HEARTBEAT_S,
        maintenance_interval=60,
    )
    w.work(burst=burst, with_scheduler=True, logging_level="INFO")


@dataclass
class Pool:
    settings: Settings
    size: int
    burst: bool = False
    children: dict[str, BaseProcess] = field(default_factory=dict)
    stopping: bool = False
    serial: int = 0
    crashes: int = 0  # consecutive; spaces out respawns while Redis or the database is down

    def _name(self) -> str:
        self.serial += 1
        return f"hoso-{socket.gethostname()}-{os.getpid()}-{self.serial}"

    def _spawn(self) -> None:
        name = self._name()
        proc = mp.get_context("spawn").Process(
            target=_child, args=(self.settings, name, self.burst), name=name, daemon=False
        )
        proc.start()
        self.children[name] = proc

    def _requeue_held_by(self, name: str) -> None:
        conn = q.connect(self.settings)
        queue = q.make_queue(self.settings, conn)
        registry = StartedJobRegistry(queue=queue)
        for jid in registry.get_job_ids(cleanup=False):
            job = queue.fetch_job(jid)
            if job is None or job.worker_name != name:
                continue
            registry.remove_executions(job)
            sha = str(job.args[0]) if job.args else ""
            job.delete()
            if sha:
                log.warning("worker %s died holding %s: requeued", name, jid)
                q.enqueue_file(queue, sha, None, self.settings)

    def _stop(self, signum: int, _frame: FrameType | None) -> None:
        self.stopping = True
        for proc in self.children.values():
            if proc.pid and proc.is_alive():
                os.kill(proc.pid, signal.SIGTERM)

    def run(self) -> int:
        """Keep ``size`` workers alive until signalled (or, in burst mode, the queue is empty)."""
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        for _ in range(self.size):
            self._spawn()
        while self.children:
            time.sleep(0.5)
            for name, proc in list(self.children.items()):
                if proc.is_alive():
                    continue
                proc.join()
                del self.children[name]
                if self.stopping:
                    continue
                if proc.exitcode == 0 and self.burst:
                    continue
                log.error("worker %s exited with %s", name, proc.exitcode)
                try:
                    self._requeue_held_by(name)
                    self.crashes = 0
                except Exception as exc:  # Redis may be the reason it died
                    self.crashes += 1
                    log.error("could not requeue the job of %s yet: %s", name, exc)
                time.sleep(min(2.0**self.crashes - 1, 30.0))
                self._spawn()
        return 0
