"""Job definitions and their runners: RQ on Redis, or inline in-process.

``submit_import`` / ``resume_import`` start and continue import runs;
``make_runner`` picks RQ when ``Settings.redis_url`` is set and the inline
runner otherwise; ``kitapbridge worker`` runs ``run_worker``.
"""

from kitapbridge.queue.imports import ImportSubmission as ImportSubmission
from kitapbridge.queue.imports import ResumeError as ResumeError
from kitapbridge.queue.imports import import_job_id as import_job_id
from kitapbridge.queue.imports import make_runner as make_runner
from kitapbridge.queue.imports import resume_import as resume_import
from kitapbridge.queue.imports import submit_import as submit_import
from kitapbridge.queue.progress import Progress as Progress
from kitapbridge.queue.progress import ProgressReporter as ProgressReporter
from kitapbridge.queue.runner import InlineRunner as InlineRunner
from kitapbridge.queue.runner import JobOutcome as JobOutcome
from kitapbridge.queue.runner import JobState as JobState
from kitapbridge.queue.runner import RQRunner as RQRunner
from kitapbridge.queue.runner import Runner as Runner
from kitapbridge.queue.worker import run_worker as run_worker
