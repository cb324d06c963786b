"""The background worker in the tests: the real queue (django-tasks' database backend in
the test database) and the real `db_worker` command, run until the queue is empty."""

import signal
from unittest import mock

import pytest
from django.core.management import call_command
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

WORKER_SIGNALS = [signal.SIGINT, signal.SIGTERM, signal.SIGQUIT]


class Worker:
    def run(self):
        """What a running worker does: every queued task, then stop. Like Django's test
        client with requests, it must not close the test's connection (its transaction
        holds the test's data)."""
        handlers = {number: signal.getsignal(number) for number in WORKER_SIGNALS}
        try:
            with mock.patch(f"{db_worker.__name__}.close_old_connections"):
                call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
        finally:
            # The command takes over Ctrl-C and SIGTERM for itself: give them back to pytest.
            for number, handler in handlers.items():
                signal.signal(number, handler)

    def queued(self, task_name):
        return DBTaskResult.objects.filter(task_path__endswith=f".{task_name}").count()

    def get_pdf(self, client, url, **headers):
        """A villager's browser: the waiting page, the worker, then the file."""
        response = client.get(url, **headers)
        if response.status_code == 202:
            self.run()
            response = client.get(url, **headers)
        assert response.status_code == 200, response.status_code
        assert response["Content-Type"] == "application/pdf"
        return b"".join(response.streaming_content)


@pytest.fixture
def pdf_worker(settings, tmp_path):
    """Generated files go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return Worker()
