"""The core names a client of the facade may use, and the module each comes from.

``app.core.assistant`` re-exports them on first use (PEP 562), so that ``app.ui`` never
imports a feature module itself (an import-linter contract checks it) and importing the
facade keeps numpy, the index and the speech code out of the window's startup.
"""

from __future__ import annotations

PUBLIC_TYPES: dict[str, str] = {
    # long work on the job runner: a job's handle, its events and states, a closed runner
    "Job": "app.core.service.jobs",
    "JobEvent": "app.core.service.jobs",
    "JobRunner": "app.core.service.jobs",
    "JobState": "app.core.service.jobs",
    "JobsClosed": "app.core.service.jobs",
    # what requests and processes cost (Assistant.metrics)
    "Metrics": "app.core.service.metrics",
    # documents (Assistant.documents)
    "DocumentLibrary": "app.core.rag.library",
    "DocumentRecord": "app.core.rag.ingest",
    "FileStatus": "app.core.rag.ingest",
    # speech (Assistant.speech) and the microphone's audio
    "Segment": "app.core.speech",
    "SPEECH_MODELS": "app.core.speech",
    "SAMPLE_RATE": "app.core.audio",
    "LiveAudio": "app.core.audio",
    "StreamConverter": "app.core.audio",
    "rms_dbfs": "app.core.audio",
    "to_float32": "app.core.audio",
    # a remote server as Assistant.check_remote describes it
    "ServerInfo": "app.core.llm.remote",
    # pictures in messages (Assistant.check_image, Assistant.ask(images=...))
    "ImageError": "app.core.images.reading",
    # personas and long-term memory
    "Persona": "app.core.personas",
    "PersonaError": "app.core.personas",
    "SPICE_LEVELS": "app.core.personas",
    "Fact": "app.core.memory",
    "FactVersion": "app.core.memory",
    "MemoryError": "app.core.memory",
    "Decision": "app.core.memory",
    # ratings and learning from them
    "Rating": "app.core.feedback.ratings",
    "RatingError": "app.core.feedback.ratings",
    "UNSET": "app.core.feedback.ratings",
    "QualityReport": "app.core.assistant_learning",
    "Summary": "app.core.feedback.quality",
    "Verdict": "app.core.feedback.trigger",
    "SetStats": "app.core.feedback.training_set",
    # training from ratings and the adapter versions (Assistant.training)
    "Training": "app.core.finetune.service",
    "TrainingStatus": "app.core.finetune.service",
    "Plan": "app.core.finetune.service",
    "MIN_EXAMPLES": "app.core.finetune.service",
    "RunState": "app.core.finetune.job",
    "TrainingError": "app.core.finetune.job",
    "Adapter": "app.core.finetune.adapters",
    "AdapterError": "app.core.finetune.adapters",
}
