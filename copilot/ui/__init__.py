"""The web UI (Gradio): ``app`` assembles the tabs; every figure comes through ``copilot.services``."""
