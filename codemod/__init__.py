"""lumyx-migrate: move OpenAI SDK codebases onto Lumyx AI (import name `codemod`)."""

__version__ = "0.1.0"
